// The admin preview shows the prompt every time: forget earlier answers and dismissals.
try { localStorage.removeItem('ces'); } catch (e) { /* storage blocked: nothing to forget */ }
// Tell the admin page how tall the prompt is now (the follow-up is taller than the scale),
// so its frame shows all of it and no empty space.
new ResizeObserver(() => {
  parent.postMessage({ cesPreviewHeight: document.documentElement.scrollHeight }, location.origin);
}).observe(document.documentElement);
