// Simulation page: fill the comprehensive windows with the department total (equal staff).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-equal-staff]");
    if (!button) return;
    var total = 0;
    document.querySelectorAll(".dep-input").forEach(function (input) { total += parseInt(input.value || "0", 10); });
    var comp = document.getElementById("comp-input");
    if (comp && total > 0) comp.value = total;
  });
})();
