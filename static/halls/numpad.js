// The kiosk's on-screen number pad (touch screens have no keyboard): a field with data-numpad
// opens the pad when touched; 0-9 type into it (up to its maxlength), 删除 takes the last digit,
// 清空 empties it, 确定 closes the pad. The keys never take the focus from the field.
(function () {
  "use strict";
  var pad = null, readout = null, field = null;

  function show(target) {
    pad = document.getElementById("numpad");
    readout = document.getElementById("numpad-readout");
    if (!pad) return;
    field = target;
    var caption = document.getElementById("numpad-caption");
    var label = target.labels && target.labels[0];
    if (caption) caption.textContent = label ? label.textContent.trim() : "";
    pad.hidden = false;
    update();
  }
  function hide() {
    if (pad) pad.hidden = true;
    field = null;
  }
  function update() {
    if (readout && field) readout.textContent = field.value || "\u00a0";
  }
  function press(key) {
    if (!field) return;
    var value = field.value;
    var max = field.maxLength > 0 ? field.maxLength : 32;
    if (/^[0-9]$/.test(key)) {
      if (value.length < max) value += key;
    } else if (key === "delete") {
      value = value.slice(0, -1);
    } else if (key === "clear") {
      value = "";
    } else if (key === "ok") {
      var done = field;
      hide();
      done.blur();
      return;
    }
    field.value = value;
    field.removeAttribute("aria-invalid");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    update();
  }

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.hasAttribute && target.hasAttribute("data-numpad")) show(target);
  });
  document.addEventListener("focusout", function (event) {
    if (!field || event.target !== field) return;
    if (event.relatedTarget && pad && pad.contains(event.relatedTarget)) return;
    hide();
  });
  // The field keeps the focus (and its caret) while the pad's keys are pressed.
  document.addEventListener("pointerdown", function (event) {
    if (pad && !pad.hidden && event.target.closest && event.target.closest("[data-numpad-key]")) event.preventDefault();
  });
  document.addEventListener("mousedown", function (event) {
    if (pad && !pad.hidden && event.target.closest && event.target.closest("[data-numpad-key]")) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var key = event.target.closest ? event.target.closest("[data-numpad-key]") : null;
    if (key) { event.preventDefault(); press(key.getAttribute("data-numpad-key")); }
  });
  document.addEventListener("input", function (event) { if (event.target === field) update(); });
})();
