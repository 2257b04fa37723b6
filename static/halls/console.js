// Counter console keyboard shortcuts: any button with data-key="x" is pressed by key x,
// unless the clerk is typing in a field.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var button = document.querySelector('[data-key="' + key + '"]');
    if (!button) return;
    event.preventDefault();
    if (button.tagName.toLowerCase() === "select") { button.focus(); return; }
    button.click();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-clear-after]");
    if (form && event.detail.successful) {
      form.querySelectorAll("input[type=text]").forEach(function (input) { input.value = ""; });
    }
  });
})();
