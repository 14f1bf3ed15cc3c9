/*
 * CES widget, part three: floating prompts (the corner prompt and CES.ask's dialog): where
 * they go, that Escape closes them, and when the corner prompt opens. widget.js imports
 * this module from beside itself when CES.ask is called or the page has a corner prompt,
 * so pages with inline prompts only never download it. The served copy is minified and
 * versioned with widget.js.
 *
 * The card sits in the page's end corner at the bottom, kept inside the viewport at any
 * zoom: above the page's own fixed controls at the bottom (bottom bars, chat buttons,
 * cookie banners) when its scale fits there, below its fixed headers always, and scrolling
 * inside itself when the space is smaller than the card, with the question and the × kept
 * in view.
 */
const CSS = `.floating{position:fixed;z-index:2147483646;bottom:8px;width:min(26em,100% - 16px);overflow:auto;box-shadow:0 4px 24px #0005}
.floating .body{overflow:auto;padding:4px;margin:-4px}
.floating .close{margin-top:-.25em;margin-inline-end:-.25em}`;
// The scrolling parts keep a focus ring's width of room around what they hold, so no ring
// is cut off at their edges.

const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

const MARGIN = 8;

// Whether one of the page's inline prompts is on screen now: each is in its container's
// shadow root, or its child where the container allows no shadow root of its own.
const inlineOnScreen = () => [...document.querySelectorAll('[data-ces-touchpoint]')].some((container) => {
  const prompt = container.shadowRoot?.querySelector('ces-prompt') || container.querySelector('ces-prompt');
  if (!prompt) return false;
  const box = prompt.getBoundingClientRect();
  return box.height && box.bottom > 0 && box.top < innerHeight;
});

// The corner prompt (data-ces-auto): opens once the visitor has spent the site's delay on
// the page or scrolled past its depth, but not while an inline prompt is on screen (the
// next scroll tries again). Returns what stops the wait for good: widget.js calls it once
// an inline prompt was answered or closed.
export const corner = ({ cfg, open }) => {
  let due = !cfg.auto.delaySeconds;
  let timer;
  const stop = () => {
    removeEventListener('scroll', onScroll, true);
    clearTimeout(timer);
  };
  const tryOpen = () => {
    if (!due || inlineOnScreen()) return;
    stop();
    open();
  };
  // Any scroller at least half the screen tall: app layouts scroll an element, not the page.
  const onScroll = (event) => {
    const scroller = event.target.scrollingElement || event.target;
    if (scroller.clientHeight > innerHeight / 2) {
      due ||= (scroller.scrollTop + scroller.clientHeight) / scroller.scrollHeight * 100 >= cfg.auto.scrollPercent;
    }
    tryOpen();
  };
  addEventListener('scroll', onScroll, { capture: true, passive: true });
  if (!due) {
    timer = setTimeout(() => {
      due = true;
      tryOpen();
    }, cfg.auto.delaySeconds * 1000);
  }
  tryOpen();
  return stop;
};

// The page's fixed and sticky elements in an area, found by hit tests on a 24 px grid:
// the smallest target WCAG allows, so no control fits between the points.
const fixedIn = (left, right, top, bottom) => {
  const seen = new Set();
  for (let x = left + 1; x < right; x += 24) {
    for (let y = top + 0.5; y < bottom; y += 24) {
      for (const el of document.elementsFromPoint(x, y)) seen.add(el);
    }
  }
  return [...seen].filter((el) => el.localName != 'ces-prompt' && /fixed|sticky/.test(getComputedStyle(el).position));
};

// card: the floating card, already in the page; body: its part that scrolls when space is
// short; close: what Escape does; focus: what to focus once the card is placed, if
// anything. Places the card now, again when the window changes size (rotation, zoom), when
// its content changes (the follow-up, the thank-you) and when the page adds or removes
// something at its top level (a cookie banner, a chat button); returns what stops that.
export default ({ h, card, body, root, close, focus }) => {
  // An inline prompt is part of the page, so only a floating one closes on Escape.
  card.addEventListener('keydown', (e) => e.key == 'Escape' && close());
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  // In the page's end corner (bottom left on a right-to-left page), whatever the direction
  // of the card's own language.
  card.style[getComputedStyle(root.host).direction == 'rtl' ? 'left' : 'right'] = `${MARGIN}px`;
  // An in-flow spacer at the end of the page as tall as the card's corner, so the page's
  // last controls can scroll clear of it; only where the page itself scrolls (in an app
  // layout that scrolls an element, it would only push the page's own footer up).
  const spacer = h('div', {});
  root.append(spacer);
  let pageScrolls;
  // The room the card needs to show its scale, taken when it first appears: later content
  // scrolls inside that room rather than moving the card.
  let least;

  const place = () => {
    const height = visualViewport?.height ?? innerHeight;
    const { left, right } = card.getBoundingClientRect();
    // The card's height with nothing scrolled away.
    const need = card.offsetHeight - body.clientHeight + body.scrollHeight;
    least ??= need;
    pageScrolls ??= document.scrollingElement.scrollHeight > innerHeight;
    // top: where the page's fixed headers end: elements across the card's whole width that
    // start at the top of the screen, or right under a header there, and leave a quarter of
    // the screen below them. The card stays below them and never rises over them.
    // lift: how far the card rises to clear the page's other fixed elements, each only
    // while the scale still fits under the headers; else it covers that one (the visitor
    // can still close the card). Each rise uncovers a new area, which may hold more.
    const found = [];
    let top = 0;
    let lift = 0;
    for (let round = 0; round < 4; round++) {
      const bottom = height - lift - MARGIN;
      for (const el of fixedIn(left, right, Math.max(top + MARGIN, bottom - Math.max(need, least)), bottom)) {
        const box = el.getBoundingClientRect();
        found.push({ upper: box.top, lower: box.bottom, across: box.left <= left && box.right >= right });
      }
      top = 0;
      for (const box of found.sort((a, b) => a.upper - b.upper)) {
        if (box.across && box.upper < top + 1 && box.lower < height * 0.75) top = Math.max(top, box.lower);
      }
      const rise = Math.max(0, ...found.map((box) => (
        box.upper >= top && box.upper - top - 2 * MARGIN >= least ? height - box.upper : 0)));
      if (rise == lift) break;
      lift = rise;
    }
    const room = height - top - lift - 2 * MARGIN;
    card.style.bottom = `${lift + MARGIN}px`;
    card.style.maxHeight = `${room}px`;
    spacer.style.height = pageScrolls ? `${Math.min(need, room) + lift + 2 * MARGIN}px` : 0;
  };

  // Later placements wait for the next frame: a burst of resize events or page changes
  // places the card once.
  let pending = 0;
  const later = () => {
    pending ||= requestAnimationFrame(() => {
      pending = 0;
      place();
    });
  };
  // First placed once the browser has laid out the frame that shows the card, before that
  // frame is painted: measuring now would lay the whole page out once more, here. Hidden
  // until then: Chromium takes note of where things are before it calls this, and would
  // count the move as a layout shift.
  card.style.visibility = 'hidden';
  const firstLayout = new ResizeObserver(() => {
    firstLayout.disconnect();
    place();
    card.style.visibility = '';
    if (focus) focus.focus();
  });
  firstLayout.observe(card);
  const changes = new MutationObserver(place);
  changes.observe(body, { childList: true });
  const pageChanges = new MutationObserver(later);
  pageChanges.observe(document.body || document.documentElement, { childList: true });
  addEventListener('resize', later);
  return () => {
    firstLayout.disconnect();
    changes.disconnect();
    pageChanges.disconnect();
    cancelAnimationFrame(pending);
    removeEventListener('resize', later);
  };
};
