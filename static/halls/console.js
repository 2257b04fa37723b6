// Counter console: keyboard shortcuts and the timer since the current ticket was called.
// Any button with data-key="x" is pressed by key x, unless the clerk is typing in a field (then
// Alt+x, the buttons' accesskey). A select with data-key is focused instead; in it ↑↓ choose,
// Enter presses the button its data-enter-clicks names, Esc leaves it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var tag = (target.tagName || "").toLowerCase();
    if (tag === "select" && target.hasAttribute("data-enter-clicks")) {
      if (event.key === "Enter") {
        var button = document.querySelector(target.getAttribute("data-enter-clicks"));
        if (button) { event.preventDefault(); button.click(); target.blur(); }
        return;
      }
      if (event.key === "Escape") { event.preventDefault(); target.blur(); return; }
    }
    if (tag === "input" || tag === "textarea" || tag === "select" || event.ctrlKey || event.metaKey || event.altKey) return;
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var pressed = document.querySelector('[data-key="' + key + '"]');
    if (!pressed) return;
    event.preventDefault();
    if (pressed.tagName.toLowerCase() === "select") { pressed.focus(); return; }
    pressed.click();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("[data-clear-after]");
    if (form && event.detail.successful) {
      form.querySelectorAll("input[type=text]").forEach(function (input) { input.value = ""; });
    }
  });

  // The timer: the server renders the seconds since the call (data-elapsed) with every refresh
  // of the state; between refreshes the page counts on from when it received them.
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    document.querySelectorAll("[data-elapsed]").forEach(function (el) {
      if (!el.hasAttribute("data-base")) {
        el.setAttribute("data-base", String(Date.now() - Number(el.getAttribute("data-elapsed")) * 1000));
      }
      var seconds = Math.max(0, Math.floor((Date.now() - Number(el.getAttribute("data-base"))) / 1000));
      el.textContent = two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
      el.classList.toggle("long", seconds >= 15 * 60);
    });
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  setInterval(tick, 1000);
})();
