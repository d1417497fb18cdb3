// Clerk console: keyboard shortcuts (N call next, R recall, S start, F finish, X no-show) and autosubmit.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "select" || tag === "textarea") return;
    var key = (event.key || "").toLowerCase();
    var btn = document.querySelector('button[data-key="' + key + '"]');
    if (!btn) return;
    event.preventDefault();
    if (btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) return;
    if (btn.form && btn.form.requestSubmit) btn.form.requestSubmit(btn); else btn.click();
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  // Do not replace the panel while the clerk is typing into it.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var panel = document.getElementById("console-panel");
    if (panel && event.target === panel && panel.contains(document.activeElement) &&
        /^(input|select|textarea)$/i.test(document.activeElement.tagName)) {
      event.preventDefault();
    }
  });
})();
