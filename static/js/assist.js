// 智能交办建议: "采用建议" preselects the suggested unit in the assign form; the dispatcher still submits it.
document.addEventListener("click", function (ev) {
  var btn = ev.target.closest ? ev.target.closest("[data-assist-unit]") : null;
  if (!btn) return;
  var form = document.getElementById("assign-form");
  if (!form) return;
  var unit = btn.getAttribute("data-assist-unit");
  var single = form.querySelector("input[name=mode][value=single]");
  if (single) single.checked = true;
  var select = form.querySelector("select[name=lead_units]");
  if (select) {
    Array.prototype.forEach.call(select.options, function (o) { o.selected = o.value === unit; });
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  }
  var co = form.querySelector("select[name=co_units]");
  if (co) Array.prototype.forEach.call(co.options, function (o) { o.selected = false; });
  document.querySelectorAll("[data-assist-unit]").forEach(function (b) {
    b.setAttribute("aria-pressed", b === btn ? "true" : "false");
    // the two texts come from the page (data-label-idle / data-pressed-label), in the reader's script
    if (!b.hasAttribute("data-label-idle")) b.setAttribute("data-label-idle", b.textContent);
    b.textContent = b === btn ? b.getAttribute("data-pressed-label") : b.getAttribute("data-label-idle");
  });
});
