// Printing through the browser's own print dialog (the kiosk's slip printer, the counter's
// receipt printer, A4 for bills): any element with data-print prints the page; the page's
// print stylesheet decides the paper. Kept out of the templates: the CSP allows no inline script.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (!el) return;
    event.preventDefault();
    window.print();
  });
})();
