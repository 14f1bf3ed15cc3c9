/*
 * CES widget: asks customers how easy it was, inline, in a second or two.
 * This comment is the public contract; the served copy is minified without it.
 *
 * Embed once per page:
 *   <script src="https://CES-SERVER/widget.js" data-site="SITE_KEY" async></script>
 *
 * Script tag attributes:
 *   data-site          required; the key printed by `widget-server site add`
 *   data-ces-auto      a touchpoint name, usually "self-service": float a corner prompt once
 *                      the visitor has spent the site's delay on the page or scrolled past
 *                      its depth, unless an inline prompt is on screen or was answered or
 *                      closed in this page view
 *   data-ces-ref       the floating prompt's ref (default: the page path)
 *   data-ces-version   the floating prompt's revision label (as on a container, below)
 *   data-ces-customer  customer id sent with every answer from this page
 *   data-ces-lang      force a language (default: <html lang>, then the browser's)
 *   data-ces-api       where the API is (default: where this script came from)
 *
 * Two modules are imported from beside this script, so wherever it is hosted they must be
 * too: static/widget-followup.js (the follow-up form) once a customer heads for a prompt,
 * and static/widget-overlay.js (placing a floating prompt) when CES.ask is called or the
 * floating prompt's wait begins.
 *
 * Inline: the prompt renders inside every element with data-ces-touchpoint="NAME"
 * (self-service, kb-article, chatbot-exit or a-z0-9- up to 40), also ones added later;
 * optional data-ces-ref, data-ces-version (the content's revision: 1-40 of A-Z a-z 0-9
 * . _ : -, else left out with a warning), data-ces-customer, data-ces-agent,
 * data-ces-conversation; any other data-ces-* travels as metadata. The prompt is drawn in the element's own shadow
 * root, after a slot that shows the element's children: the children stay exactly what the
 * page rendered, so a framework hydrating server-rendered HTML finds them unchanged. A
 * custom element (it may attach its own shadow root once defined), an element that allows
 * none (a list item, say) or one that has one already gets the prompt as its last child.
 *
 * From code (chatbot exits), a dismissible overlay:
 *   CES.ask({touchpoint: "chatbot-exit", ref: "conversation-id", version: "flow-12", agent: "bot", ...meta})
 *   resolves {status: "answered", score, class} or {status: "dismissed" | "skipped" |
 *   "unavailable"} when the prompt closes (skipped: asked recently, sampled out, invalid,
 *   or replaced by a later CES.ask before it was answered).
 * Calls made before this script loads wait in this queue snippet:
 *   window.CES=window.CES||{q:[],ask:function(o){return new Promise(function(r){CES.q.push([o,r])})}};
 *
 * The moment a customer rates, a "ces:answer" CustomEvent bubbles from the prompt's
 * container (from document for CES.ask and the floating prompt), its detail
 * {touchpoint, ref, version, score, class, id}. With each answer go, unless the site turns
 * them off, the seconds since the navigation began and the search that led here: one of
 * the site's query parameters of a same-origin referrer, never another origin's.
 *
 * CES.destroy() takes the widget off the page for good, say when a single-page app leaves
 * the part of the site that had it: every prompt it added goes (focus goes back where it
 * was), and so does everything it watched or waited on, so containers added later get no
 * prompt and the corner prompt never opens. A CES.ask prompt on screen, or one still on its
 * way, resolves {status: "skipped"}; window.CES stays, and CES.ask afterwards resolves
 * {status: "unavailable"}. Answers already given are still delivered. The queue snippet
 * has no destroy: code that may run before this script write CES.destroy?.().
 *
 * Looks: the page's colour scheme (CSS color-scheme: a page that declares only light gets
 * a light card, one that declares dark or "light dark" a dark one where it is dark), the
 * larger of the page's root and surrounding text size, and the direction of the language
 * it speaks. Theme with CSS custom properties on any ancestor: --ces-accent, --ces-bg,
 * --ces-fg, --ces-line, --ces-radius. No cookies; localStorage key "ces" remembers
 * answered and dismissed prompts for the site's cooldown.
 *
 * How it works inside, and why: static/ARCHITECTURE.md.
 */
(() => {
  'use strict';
  const d = document;
  const script = d.currentScript;
  const queued = window.CES;
  const warn = (problem) => console.warn('CES widget:', problem);
  // A second copy of the script on the page leaves the first in charge.
  // Browsers without constructable stylesheets (before 2023) are left alone.
  if (!script || queued?.v || !d.adoptedStyleSheets) return;
  const data = script.dataset;
  const site = data.site;
  let api;
  try {
    api = new URL('api/v1/', data.cesApi || script.src).href;
  } catch (e) {
    warn('data-ces-api is not a URL');
    return;
  }
  const TOUCHPOINT = /^[a-z0-9-]{1,40}$/;

  // Sizes are in em of a font that is the larger of the page's root size and the text
  // around the prompt, so a larger browser text size or page font grows the card too
  // (and a page that shrinks its root, the 62.5% trick, does not shrink it). Colours come
  // from the page's color-scheme, inherited through the shadow root: light-dark() picks
  // the dark value only where the page says it can be dark.
  const CSS = `:host{all:initial!important;display:block!important;color-scheme:inherit!important;font:max(1em,1rem)/1.4 system-ui,sans-serif!important;
--a:var(--ces-accent,light-dark(#0b57d0,#8ab4f8));--b:var(--ces-bg,light-dark(#fff,#1f2328));--f:var(--ces-fg,light-dark(#1b1f24,#e6edf3));--l:var(--ces-line,#6e7781)}
.card{display:grid;grid:auto minmax(0,1fr)/1fr auto;box-sizing:border-box;max-width:34em;padding:.75em;border:1px solid var(--l);border-radius:var(--ces-radius,12px);background:var(--b);color:var(--f)}
.question{margin:0 0 .5em;font-weight:600}
.body{grid-column:1/3}
.close{grid-area:1/2;align-self:start;margin:-.5em 0 0;margin-inline-end:-.5em;border:0;font-size:1.4em;min-width:max(2em,44px);min-height:max(2em,44px);line-height:1}
.scale{display:flex;gap:4px}
button{min-width:max(2.75em,44px);min-height:max(2.75em,44px);font:inherit;color:inherit;background:var(--b);border:1px solid var(--l);border-radius:8px;cursor:pointer}
.scale button{flex:1;min-width:24px;padding:0}
button:hover{border-color:var(--a)}
:focus-visible{outline:3px solid var(--a);outline-offset:1px}
[aria-pressed=true]{background:var(--a);color:var(--b);border-color:var(--a)}
.ends{display:flex;justify-content:space-between;gap:.5em;font-size:.85em;margin-top:.25em}
.ends :last-child{text-align:end}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`;

  // Constructable stylesheets pass a strict CSP that would block a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);

  // An element with attributes, listeners (the attributes that are functions) and
  // children; text is only ever text, never markup.
  const h = (tag, attrs, ...children) => {
    const el = d.createElement(tag);
    for (const name in attrs) {
      if (typeof attrs[name] == 'function') el.addEventListener(name, attrs[name]);
      else el.setAttribute(name, attrs[name]);
    }
    el.append(...children);
    return el;
  };

  // Storage can be blocked or full; the host page must never notice.
  const load = (name) => {
    try { return JSON.parse(localStorage.getItem(name)); } catch (e) { /* blocked */ }
  };
  const save = (name, value) => {
    try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  };
  const remembered = () => load('ces') || {};
  const remember = (key, days) => {
    const seen = remembered();
    const now = Date.now();
    for (const k in seen) if (seen[k] < now) delete seen[k];
    seen[key] = now + days * 864e5;
    save('ces', seen);
  };

  let config;
  const loadConfig = () => config || (config = fetch(
    `${api}sites/${encodeURIComponent(site)}/config?lang=${encodeURIComponent(
      [data.cesLang, d.documentElement.lang, ...navigator.languages].filter(Boolean).join(','))}`,
  ).then((r) => r.json().then((body) => (r.ok ? body : Promise.reject(body.error)))));

  // text/plain JSON keeps each write a CORS simple request: one round trip, no preflight.
  const post = (path, body) => fetch(api + path, {
    method: 'POST', body: JSON.stringify({ site, ...body }), keepalive: true,
  });
  // A few attempts, each waiting longer than the last. Retries reuse the answer's id, so
  // the server stores it once however often it arrives.
  const deliver = (path, body, attempt = 1) => post(path, body)
    .then((r) => (r.status >= 500 || r.status == 429 ? Promise.reject(r.status) : r.json()))
    .catch((problem) => (attempt < 4
      ? new Promise((wake) => setTimeout(wake, attempt * 1500)).then(() => deliver(path, body, attempt + 1))
      : Promise.reject(problem)));

  // An answer waits in storage (the latest few) from before it is sent until the server has
  // it, so an outage, a closed tab or a reload loses none; the same id makes resending safe.
  const waiting = () => load('ces-q') || [];
  const unqueue = (body) => save('ces-q', waiting().filter((other) => other.id != body.id));
  const queue = (body) => save('ces-q', [...waiting().filter((other) => other.id != body.id), body].slice(-20));
  const sendAnswer = (body) => {
    queue(body);
    const sent = deliver('answers', body);
    sent.then(() => unqueue(body), () => {});
    return sent;
  };
  // The answers an earlier page could not deliver: each belongs to the site it names, and
  // one that fails again stays queued.
  const resendQueued = () => waiting().forEach((body) => body.site == site && sendAnswer(body));

  // What an answered or closed prompt is remembered by, for the site's cooldown.
  const memoryOf = (options) => `${options.touchpoint}|${options.ref || location.pathname}`;

  const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => (b + 256).toString(16).slice(1)).join('');

  // Modules of their own, beside this script: most visitors never answer, so most never
  // download the follow-up form, and inline-only pages never download the overlay's placement.
  const followUpForm = () => import(new URL('./widget-followup.js', script.src));
  const overlay = () => import(new URL('./widget-overlay.js', script.src));
  const prefetch = () => followUpForm().catch(() => {});

  // Every prompt on the page, as the function that takes it away unremembered.
  const prompts = new Set();
  let destroyed;
  // A page shows one floating prompt at a time: leaveFloating() takes the one on screen away
  // unremembered, and returns where focus goes back to if it held focus. leaveCorner is
  // that too, for the corner prompt until the visitor answers it.
  let leaveFloating = null;
  let leaveCorner = null;
  // One prompt at a time: an inline prompt coming on screen takes over from the corner prompt.
  const inlineInView = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && leaveCorner?.());

  // An inline prompt goes into its container's own shadow root, after a slot that shows
  // what the page put there: the container's children stay as the page, or a framework
  // hydrating what its server rendered, made them, however early the prompt comes. A custom
  // element, an element that allows no shadow root, or one that has one already, gets it
  // as its last child.
  const placeInline = (container, host) => {
    try {
      // Never a custom element's: it may attach its own once it is defined.
      if (/-/.test(container.localName)) throw 0;
      container.attachShadow({ mode: 'open' }).append(h('slot'), host);
    } catch (e) {
      container.append(host);
    }
  };

  // Shows one prompt; resolves with the outcome once the visitor closes it, or skipped once
  // it gives way. A prompt is this closure: its parts, then what the visitor does with it,
  // then how it is built and put on the page.
  const show = (cfg, options, place, container, placement) => new Promise((done) => {
    const floating = place != 'inline';
    let opener;
    if (floating && leaveFloating) {
      if (place == 'corner') return done({ status: 'skipped' });
      // A prompt the page asked for outranks the unasked-for corner prompt, and a dialog
      // the one before it.
      opener = leaveFloating();
    }
    const { touchpoint, ref = '', version, customer = data.cesCustomer, agent, conversation, ...extra } = options;
    // Any other data-ces-* is metadata (an empty one is stored as none). The revision label
    // goes to the follow-up module, which checks it (see answer).
    const details = { ref, customer, agent, conversation, meta: extra };
    const setup = cfg.touchpoints[touchpoint] || cfg.touchpoints['self-service'];
    const scale = cfg.scales[setup.scale];
    const memory = memoryOf(options);
    const host = h('ces-prompt');
    const root = host.attachShadow({ mode: 'open' });
    const body = h('div', { class: 'body' });
    const status = h('p', { class: 'visually-hidden', role: 'status' });
    const previousFocus = opener || d.activeElement;
    const id = newId();
    // Only this page ever holds it: the server keeps its hash, and only it opens the
    // answer's follow-up (an id, which alerts and exports show, opens nothing).
    const secret = newId();
    let outcome = { status: 'dismissed' };
    let sent;
    let unplace;
    let impressions;

    // Takes the prompt away; returns where focus goes back to if it held focus.
    const leave = () => {
      const focused = root.activeElement;
      host.remove();
      unplace?.();
      impressions?.disconnect();
      prompts.delete(giveWay);
      if (floating) leaveFloating = leaveCorner = null;
      return focused && previousFocus;
    };
    // For another prompt, or CES.destroy().
    const giveWay = () => {
      const back = leave();
      done({ status: 'skipped' });
      return back;
    };
    const close = () => {
      if (!host.isConnected) return;
      remember(memory, cfg.cooldownDays);
      const back = leave();
      if (floating) back?.focus?.();
      else retireCorner();
      done(outcome);
    };

    const thank = () => {
      const thanks = h('p', { tabindex: '-1' }, cfg.text.thanks);
      body.replaceChildren(thanks);
      thanks.focus();
      if (floating) setTimeout(close, 4000);
    };
    // The module first adds what led to the answer to it and tells the page (see answer).
    const followUp = (effort, given) => followUpForm().then((form) => form.default({
      h, cfg, setup, effort, body, root, given, version, container, api,
      done: (more) => {
        if (more) sent.then(() => deliver(`answers/${id}/follow-up`, { secret, ...more })).catch(warn);
        thank();
      },
    }), thank);
    const answer = (score, button) => {
      if (sent) return;
      // Taken up: a corner prompt stays until the visitor is done with it.
      if (floating) leaveCorner = null;
      else retireCorner();
      // At once, while the follow-up form may still be on its way.
      button.setAttribute('aria-pressed', true);
      const effort = { e: 'easy', n: 'neutral', d: 'difficult' }[scale.classes[score - 1]];
      outcome = { status: 'answered', score, class: effort };
      remember(memory, cfg.cooldownDays);
      const given = {
        site, id, secret, touchpoint, scale: setup.scale, score, page: location.origin + location.pathname,
        locale: cfg.lang, ...details,
      };
      // Queued at once, so a customer who leaves before it is sent still counts. The
      // follow-up module adds the revision label and what led to the answer, and tells the
      // page; it is usually here already, fetched when the visitor headed for the prompt.
      // Without it the answer goes without them.
      queue(given);
      // Whatever the module does, the answer goes.
      sent = followUp(effort, given).catch(warn).then(() => sendAnswer(given));
      sent.then(() => { status.textContent = cfg.text.saved; }, warn);
    };

    // The scale: a button per point, and the words at its ends below it, which screen
    // readers hear with the first and the last point instead. The card is already the group
    // labelled by the question.
    const buildScale = () => {
      const buttons = h('div', { class: 'scale' });
      for (let score = 1; score <= scale.points; score++) {
        const end = score == 1 ? scale.low : score == scale.points ? scale.high : '';
        const button = h('button', { type: 'button', click: () => answer(score, button) },
          score, end ? h('span', { class: 'visually-hidden' }, ` ${end}`) : '');
        buttons.append(button);
      }
      body.append(buttons, h('div', { class: 'ends', 'aria-hidden': true },
        h('span', {}, scale.low), h('span', {}, scale.high)));
      return buttons;
    };
    // The question with the × beside it, the body (the scale, later the follow-up, then the
    // thanks) and the status line screen readers announce. dir follows the strings shown,
    // not the page: an English fallback on an Arabic page reads left to right.
    const buildCard = () => h('div', {
      class: floating ? 'card floating' : 'card', lang: cfg.lang, dir: cfg.dir, 'aria-labelledby': 'question',
      role: place == 'ask' ? 'dialog' : 'group', pointerover: prefetch, focusin: prefetch,
    },
    h('p', { class: 'question', id: 'question' }, setup.question),
    body,
    // The × comes last for the keyboard; the grid draws it beside the question.
    h('button', { class: 'close', type: 'button', 'aria-label': cfg.text.close, click: close }, '×'),
    status);
    // Counts an impression once the card is really on screen.
    const watchImpression = (card) => {
      impressions = new IntersectionObserver((entries) => {
        if (entries.some((entry) => entry.isIntersecting)) {
          impressions.disconnect();
          post('impressions', { touchpoint, ref }).catch(warn);
        }
      }, { threshold: 0.5 });
      impressions.observe(card);
    };

    const buttons = buildScale();
    const card = buildCard();
    root.adoptedStyleSheets = [sheet];
    root.append(card);
    prompts.add(giveWay);
    if (floating) {
      leaveFloating = giveWay;
      if (place == 'corner') leaveCorner = giveWay;
      (d.body || d.documentElement).append(host);
      // The dialog takes focus once placed, so focus lands on a button the visitor can see.
      unplace = placement.default({ h, card, body, root, close, focus: place == 'ask' && buttons.firstChild });
    } else {
      placeInline(container, host);
      inlineInView.observe(card);
    }
    watchImpression(card);
  });

  const ask = async (options, place = 'ask', container) => {
    const touchpoint = options?.touchpoint;
    if (destroyed) return { status: 'unavailable' };
    if (!site || !TOUCHPOINT.test(touchpoint)) {
      warn(site ? `touchpoint ${JSON.stringify(touchpoint)}: use 1-40 of a-z, 0-9 and -` : 'data-site is missing');
      return { status: 'skipped' };
    }
    // A floating prompt needs its placement module: fetched beside the configuration.
    return Promise.all([loadConfig(), place != 'inline' && overlay()]).then(([cfg, placement]) => {
      // CES.destroy() while the configuration was on its way: skipped, like a replaced dialog.
      const until = remembered()[memoryOf(options)];
      if (destroyed || until > Date.now() || Math.random() * 100 >= cfg.samplePercent) return { status: 'skipped' };
      return show(cfg, options, place, container, placement);
    }).catch((problem) => {
      // Server unreachable, site refused, or anything unexpected: the page must not notice.
      warn(problem);
      return { status: 'unavailable' };
    });
  };

  // An inline prompt in each element that names a touchpoint, with its data-ces-* as the
  // options; each element once.
  const mounted = new WeakSet();
  const mount = (el) => {
    if (mounted.has(el)) return;
    mounted.add(el);
    const options = {};
    for (const name in el.dataset) {
      if (name.startsWith('ces') && name.length > 3) options[name[3].toLowerCase() + name.slice(4)] = el.dataset[name];
    }
    ask(options, 'inline', el);
  };
  const SELECTOR = '[data-ces-touchpoint]';
  const scan = (node) => {
    if (!node.querySelectorAll) return;
    if (node.matches(SELECTOR)) mount(node);
    node.querySelectorAll(SELECTOR).forEach(mount);
  };
  // Single-page apps add containers later; so does the parser while this async script runs.
  const containers = new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach(scan)));

  // The corner prompt (data-ces-auto) waits for its moment in the overlay module, which
  // has its rules (when it opens, and not over an inline prompt). It stops waiting for good
  // once an inline prompt is answered or closed in this page view, and on CES.destroy().
  let cornerRetired;
  let stopCorner;
  const retireCorner = () => {
    cornerRetired = 1;
    stopCorner?.();
  };
  const startCorner = () => Promise.all([loadConfig(), overlay()]).then(([cfg, placement]) => {
    if (!cornerRetired) stopCorner = placement.corner({ cfg, open: () => ask({ touchpoint: data.cesAuto, ref: data.cesRef, version: data.cesVersion }, 'corner') });
  }, () => {});

  const destroy = () => {
    destroyed = 1;
    containers.disconnect();
    inlineInView.disconnect();
    retireCorner();
    prompts.forEach((giveWay) => giveWay()?.focus?.());
  };

  window.CES = { v: 1, ask: (options) => ask(options), destroy };
  queued?.q?.forEach(([options, resolve]) => ask(options).then(resolve));
  scan(d.documentElement);
  containers.observe(d.documentElement, { childList: true, subtree: true });
  if (data.cesAuto) startCorner();
  // In a task of its own while the configuration is on its way: a page's first storage
  // read can be slow, and would lengthen this script's task, and the prompt's if it came
  // later.
  setTimeout(resendQueued);
})();
