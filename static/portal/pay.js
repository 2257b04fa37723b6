// The pay result page while the provider's notification has not arrived: look again every 3 s
// (at most 20 times, one minute), then leave it to the 刷新 button.
(function () {
  "use strict";
  var pending = document.querySelector("[data-pending]");
  if (!pending) return;
  var key = "gc-pay-refresh:" + location.pathname;
  var count = Number(sessionStorage.getItem(key) || "0");
  if (count >= 20) return;
  setTimeout(function () {
    sessionStorage.setItem(key, String(count + 1));
    location.reload();
  }, 3000);
})();
