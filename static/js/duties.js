// Duty file and meeting pages: the print button and "mark everyone present" for the organiser.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".js-print").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll(".js-all-present").forEach(function (b) {
    b.addEventListener("click", function () {
      b.closest("form").querySelectorAll("select[data-attendance]").forEach(function (s) {
        if (!s.value) s.value = s.dataset.default || "present";
      });
    });
  });
});
