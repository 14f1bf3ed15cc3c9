/*
 * CES widget, part three: where a floating prompt goes (the corner prompt and CES.ask's
 * dialog). widget.js imports this module from beside itself when CES.ask is called or the
 * floating prompt's wait begins, so pages with inline prompts only never download it. The
 * served copy is minified and versioned with widget.js.
 *
 * The card sits in the page's end corner at the bottom, kept inside the viewport at
 * any zoom: above the page's own fixed controls at the bottom (bottom bars, chat buttons)
 * when it fits there, below its fixed header always, and scrolling inside itself when the
 * space is smaller than the card, with the question and the × kept in view.
 */
const CSS = `.o{position:fixed;z-index:2147483646;bottom:8px;width:min(26em,100% - 16px);overflow:auto;box-shadow:0 4px 24px #0005}
.o .b{overflow:auto}`;

const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

const MARGIN = 8;

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

// card: the .o card, already in the page; body: its part that scrolls when space is short;
// focus: what to focus once the card is placed, if anything. Places the card now, again
// when the window changes size (rotation, zoom) and when its content changes (the
// follow-up, the thank-you); returns what stops that.
export default ({ h, card, body, root, focus }) => {
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  // In the page's end corner (bottom left on a right-to-left page), whatever the direction
  // of the card's own language.
  card.style[getComputedStyle(root.host).direction == 'rtl' ? 'left' : 'right'] = `${MARGIN}px`;
  // An in-flow spacer at the end of the page as tall as the card's corner, so the page's
  // last controls can scroll clear of it.
  const spacer = h('div', {});
  root.append(spacer);
  // The room the card needs to show its scale, taken when it first appears: later content
  // scrolls inside that room rather than moving the card.
  let least;

  const place = () => {
    const height = visualViewport?.height ?? innerHeight;
    const { left, right } = card.getBoundingClientRect();
    // The card's height with nothing scrolled away.
    const need = card.offsetHeight - body.clientHeight + body.scrollHeight;
    least ||= need;
    // top: where the page's fixed header ends (an element at the top edge of the screen,
    // ending in its upper half); the card stays below it, never rises over it. lift: how
    // far the card rises to clear the page's other fixed elements (bottom bars, chat
    // buttons), each only while the scale still fits under the header; else it covers that
    // one (the visitor can still close the card). Each rise uncovers a new area, which may
    // hold more of them.
    const found = [];
    let top = 0;
    let lift = 0;
    for (let round = 0; round < 4; round++) {
      const bottom = height - lift - MARGIN;
      for (const el of fixedIn(left, right, Math.max(top + MARGIN, bottom - Math.max(need, least)), bottom)) {
        const { top: upper, bottom: lower } = el.getBoundingClientRect();
        found.push({ upper, lower, header: upper < 1 && lower < height / 2 });
      }
      top = Math.max(0, ...found.map((box) => (box.header ? box.lower : 0)));
      const rise = Math.max(0, ...found.map((box) => (
        !box.header && box.upper - top - 2 * MARGIN >= least ? height - box.upper : 0)));
      if (rise == lift) break;
      lift = rise;
    }
    const room = height - top - lift - 2 * MARGIN;
    card.style.bottom = `${lift + MARGIN}px`;
    card.style.maxHeight = `${room}px`;
    spacer.style.height = `${Math.min(need, room) + lift + 2 * MARGIN}px`;
  };

  // First placed once the browser has laid out the frame that shows the card, before that
  // frame is painted: measuring now would lay the whole page out once more, here. Hidden
  // until then: Chromium takes note of where things are before it calls this, and would
  // count the move as a layout shift.
  card.style.visibility = 'hidden';
  new ResizeObserver((entries, first) => {
    first.disconnect();
    place();
    card.style.visibility = '';
    if (focus) focus.focus();
  }).observe(card);
  const changes = new MutationObserver(place);
  changes.observe(body, { childList: true });
  addEventListener('resize', place);
  return () => {
    changes.disconnect();
    removeEventListener('resize', place);
  };
};
