// 登记/修改改进措施: the subject picker shows only the subjects of the level chosen (its options
// are grouped by level; values are "level:code"). Without this script every group stays shown
// and the form refuses a subject of another level on its field.
(function () {
  "use strict";
  var level = document.getElementById("id_level");
  var subject = document.getElementById("id_subject");
  if (!level || !subject) return;
  function show() {
    var wanted = level.value;
    Array.prototype.forEach.call(subject.querySelectorAll("option"), function (option) {
      var value = option.value;
      var fits = !value || !wanted || value.indexOf(wanted + ":") === 0;
      option.hidden = !fits;
      option.disabled = !fits;
    });
    Array.prototype.forEach.call(subject.querySelectorAll("optgroup"), function (group) {
      var any = Array.prototype.some.call(group.querySelectorAll("option"), function (o) { return !o.hidden; });
      group.hidden = !any;
    });
    var chosen = subject.options[subject.selectedIndex];
    if (chosen && chosen.hidden) subject.value = "";
  }
  level.addEventListener("change", show);
  show();
})();
