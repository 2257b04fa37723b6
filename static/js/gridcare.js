// Behaviour shared by every page, kept out of the templates so the Content-Security-Policy
// allows no inline script (gridcare.core.security).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});
