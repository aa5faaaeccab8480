// Small behaviours shared by every page; no inline scripts (the Content-Security-Policy forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // Disable a form's submit buttons once it is sent, so a double click sends it once.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      // Disable after the browser has collected the form data: a disabled submitter's
      // name=value (e.g. decision=pass) would otherwise be left out of the request.
      window.setTimeout(function () {
        // form.elements also holds buttons placed elsewhere with form="…" (one form for a list).
        Array.prototype.forEach.call(form.elements, function (b) {
          if (b.type !== "submit") return;
          b.disabled = true;
          b.classList.add("is-busy");
        });
      }, 0);
    });
  });
  // A picker that applies itself (the year picker): the form is sent on change; <noscript> keeps a button.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // Confirm dangerous actions.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (!window.confirm(el.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });
  // Statistics period: show the month only for 按月 and the dates only for 自定义.
  document.querySelectorAll(".period-form").forEach(function (form) {
    var select = form.querySelector("select[name=period]");
    if (!select) return;
    var sync = function () {
      form.querySelectorAll("[data-period]").forEach(function (el) {
        el.hidden = el.getAttribute("data-period") !== select.value;
      });
    };
    select.addEventListener("change", sync);
    sync();
  });
});
