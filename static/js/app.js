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
  // Menu areas (<details>, which open and close without a script): one open at a time, and a click
  // elsewhere or Escape closes an open one (Escape gives the focus back to the area's name).
  var groups = document.querySelectorAll(".navgroup");
  groups.forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open) return;
      groups.forEach(function (other) { if (other !== d) other.open = false; });
    });
  });
  document.addEventListener("click", function (ev) {
    groups.forEach(function (d) { if (d.open && !d.contains(ev.target)) d.open = false; });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    groups.forEach(function (d) {
      if (!d.open) return;
      d.open = false;
      d.querySelector("summary").focus();
    });
  });
  // A wide table that scrolls sideways inside its frame can be scrolled from the keyboard too.
  document.querySelectorAll(".table-wrap").forEach(function (el) {
    if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
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
