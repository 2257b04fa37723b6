// Intake form: "采用建议" copies the triage suggestion into the type, class and urgency fields.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-apply-suggestion]");
  if (!button) return;
  const s = button.closest(".suggestion");
  document.querySelector("select[name=type]").value = s.dataset.type;
  document.querySelector("select[name=complaint_class]").value = s.dataset.class;
  document.querySelector("select[name=urgency]").value = s.dataset.urgency;
});

// 投诉原因: only the causes of the chosen complaint class are offered (a cause of another class
// chosen before is cleared); with no class chosen, every cause is (the order takes its class).
(() => {
  const klass = document.querySelector("select[name=complaint_class]");
  const cause = document.querySelector("select[name=complaint_cause]");
  if (!klass || !cause) return;
  const filter = () => {
    for (const option of cause.options) {
      const other = klass.value && option.dataset.class && option.dataset.class !== klass.value;
      option.hidden = Boolean(other);
      option.disabled = Boolean(other);
      if (other && option.selected) cause.value = "";
    }
  };
  klass.addEventListener("change", filter);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-apply-suggestion]")) filter();
  });
  filter();
})();
