// The admin preview shows the prompt every time: forget earlier answers and dismissals.
try { localStorage.removeItem('ces'); } catch (e) { /* storage blocked: nothing to forget */ }
