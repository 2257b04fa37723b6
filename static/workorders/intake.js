// Intake form: "采用建议" copies the triage suggestion into the type, class and urgency fields.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-apply-suggestion]");
  if (!button) return;
  const s = button.closest(".suggestion");
  document.querySelector("select[name=type]").value = s.dataset.type;
  document.querySelector("select[name=complaint_class]").value = s.dataset.class;
  document.querySelector("select[name=urgency]").value = s.dataset.urgency;
});
