// Kiosk ticket screen: count down, then go back to the start screen for the next person.
(function () {
  "use strict";
  var el = document.getElementById("ticket");
  if (!el) return;
  var left = parseInt(el.dataset.seconds || "30", 10);
  var out = document.getElementById("countdown");
  var timer = window.setInterval(function () {
    left -= 1;
    if (out) out.textContent = String(left);
    if (left <= 0) {
      window.clearInterval(timer);
      window.location.assign(el.dataset.returnUrl);
    }
  }, 1000);
})();
