// Small form helpers: <select data-autosubmit> submits its form; <select data-hall-switch> navigates.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
    if (el.matches && el.matches("select[data-hall-switch]")) window.location.assign(el.value);
  });
})();
