// The display board speaks each new call once, in Chinese: "请A001号到3号窗口办理".
(function () {
  "use strict";
  var lastSpoken = null;
  function speak(text) {
    if (!("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }
  function announce() {
    var calls = Array.prototype.slice.call(document.querySelectorAll("[data-call-id]"));
    var ids = calls.map(function (el) { return Number(el.getAttribute("data-call-id")); });
    var newest = ids.length ? Math.max.apply(null, ids) : 0;
    if (lastSpoken === null) { lastSpoken = newest; return; }  // nothing old is spoken on load
    calls.filter(function (el) { return Number(el.getAttribute("data-call-id")) > lastSpoken; })
      .reverse()
      .forEach(function (el) {
        var text = el.getAttribute("data-say");
        document.body.setAttribute("data-last-said", text);
        speak(text);
        speak(text);  // said twice, as halls do
      });
    lastSpoken = Math.max(lastSpoken, newest);
  }
  // Browsers speak only after the page has been touched once: the hall opens the board with a tap.
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "voice-on") {
      speak("语音叫号已开启");
      event.target.remove();
    }
  });
  document.addEventListener("DOMContentLoaded", announce);
  document.addEventListener("htmx:afterSettle", announce);
  document.addEventListener("gridcare:live-swapped", announce);
})();
