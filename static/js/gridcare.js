// Behaviour shared by every page, kept out of the templates so the Content-Security-Policy
// allows no inline script (gridcare.core.security).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-submit-on-change") && field.form) {
    field.form.submit();
  }
});

// A picker's filter box (gridcare.core.forms.FilteredSelectMultiple): hide the options of its
// list that do not contain what is typed; the chosen ones stay visible.
document.addEventListener("input", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.filterFor) return;
  const list = document.getElementById(box.dataset.filterFor);
  if (!(list instanceof HTMLSelectElement)) return;
  const words = box.value.trim().toLowerCase();
  for (const option of list.options) {
    option.hidden = words !== "" && !option.selected && !option.text.toLowerCase().includes(words);
  }
});
