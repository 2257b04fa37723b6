// Live screens pushed by the server (issue 20): an element with data-live-events opens that
// event stream; each "state" event replaces the element given by data-live-target (the element
// itself by default), and a console's "own" event fetches its own state with its usual request.
// While the stream is open the element's htmx polling is paused; when it breaks, polling resumes
// until the browser has reconnected (EventSource retries by itself).
(function () {
  "use strict";
  function connect(el) {
    var url = el.getAttribute("data-live-events");
    if (!url || !("EventSource" in window)) return;
    var open = false, fetching = false;
    var source = new EventSource(url);
    source.addEventListener("open", function () { open = true; el.setAttribute("data-live-open", ""); });
    source.addEventListener("error", function () { open = false; el.removeAttribute("data-live-open"); });
    source.addEventListener("state", function (e) {
      var target = el.getAttribute("data-live-target");
      var into = target ? el.querySelector(target) : el;
      if (!into) return;
      into.innerHTML = e.data;
      if (window.htmx) window.htmx.process(into);
      el.setAttribute("data-live-id", e.lastEventId || "");
      document.dispatchEvent(new CustomEvent("gridcare:live-swapped", { detail: { element: el } }));
    });
    source.addEventListener("own", function () {
      if (!window.htmx) return;
      fetching = true;
      window.htmx.ajax("GET", el.getAttribute("hx-get"), { source: el, target: el, swap: "innerHTML" })
        .then(function () { fetching = false; }, function () { fetching = false; });
    });
    el.addEventListener("htmx:beforeRequest", function (e) {
      // the element's own poll, while the stream brings every change: not needed
      if (open && !fetching && e.detail.elt === el && e.detail.requestConfig.verb === "get") e.preventDefault();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-live-events]"), connect);
  });
})();
