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
