// Each prompt preview's frame takes the height its page reports (static/preview.js).
window.addEventListener('message', (event) => {
  if (event.origin !== location.origin || typeof event.data?.cesPreviewHeight !== 'number') return;
  for (const frame of document.querySelectorAll('iframe.preview')) {
    if (frame.contentWindow === event.source) frame.style.height = `${Math.ceil(event.data.cesPreviewHeight) + 2}px`;
  }
});
