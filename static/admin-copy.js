// The admin's copy buttons: <button data-copy="ID"> copies the text of the element ID.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const text = document.getElementById(button.dataset.copy).textContent;
  const said = button.parentElement.querySelector('.copied');
  navigator.clipboard.writeText(text).then(
    () => { if (said) said.textContent = 'Copied.'; },
    () => { if (said) said.textContent = 'Select it and copy it yourself: this browser did not let the page.'; },
  );
});

// A <select data-submit-on-change> shows its choice at once (its form's button is there
// for browsers without script).
document.addEventListener('change', (event) => {
  if (event.target.matches('select[data-submit-on-change]')) event.target.form.requestSubmit();
});
