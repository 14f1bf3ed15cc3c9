/*
 * CES widget, part two: what follows an answer. It completes the answer (its revision
 * label, and what led to it as far as the site collects it), tells the page, then shows the
 * one optional follow-up. widget.js imports this module (from the same place as itself)
 * once the pointer or keyboard focus reaches a prompt, so visitors who only read never
 * download it. The served copy is minified and versioned with widget.js.
 */
const CSS = `h2{margin:0 0 .5em;font:inherit;font-weight:600}
.reasons{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:.5em}
.reasons button{padding:.25em .75em;text-align:start}
.reasons [aria-pressed=true]{background:color-mix(in srgb,var(--a) 14%,var(--b));color:var(--f);border:2px solid var(--a)}
.reasons [aria-pressed=true]::before{content:"✓ "/""}
label{display:block;font-weight:600;margin-bottom:.4em}
h2 label{display:inline}
textarea{box-sizing:border-box;display:block;width:100%;min-height:4em;padding:.5em;margin-bottom:.5em;font:inherit;color:inherit;background:var(--b);border:1px solid var(--l);border-radius:8px}
.primary{padding:0 1.25em;background:var(--a);color:var(--b);border-color:var(--a)}
.recovery{margin:0 0 .5em}
.recovery a{display:inline-flex;align-items:center;min-height:44px;color:var(--a);font-weight:600}`;

const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

const LABEL = /^[\w.:-]{1,40}$/;

// The help-centre search that led here: only from a page of the same origin, only the
// query parameters the site names, as one line the server takes (whole characters).
const searched = (names) => {
  try {
    const from = new URL(document.referrer);
    const query = from.origin == location.origin && names.map((name) => from.searchParams.get(name)).find(Boolean);
    return query && [...query.replace(/[\0-\x1f\x7f]+/g, ' ').trim()].slice(0, 200).join('');
  } catch (e) { /* no referrer */ }
};

// The touchpoint's recovery link, as a URL this browser can open, or nothing.
const recoveryAddress = (setup) => {
  try {
    return setup.recovery && new URL(setup.recovery);
  } catch (e) { /* none this browser can open */ }
};

// The answer as widget.js gave it (`given`, about to be sent) gets its revision label,
// when it is one the server takes (any other is left out, never the answer with it), the
// seconds since the navigation began and the search that led here; then a ces:answer
// event tells the page, bubbling from the prompt's container (from the document for a
// floating prompt), so a chatbot can hand a struggling customer to a person at once.
const complete = ({ cfg, setup, given, version, effort, container }) => {
  if (LABEL.test(version ?? '')) given.version = `${version}`;
  else if (version) console.warn('CES widget: data-ces-version is not 1-40 of A-Z a-z 0-9 . _ : -', version);
  // A configuration cached from before the journey has none.
  const journey = cfg.journey || { search: [] };
  if (journey.seconds) given.seconds_on_page = Math.round(performance.now() / 1000);
  const search = searched(journey.search);
  if (search) given.search = search;
  if (effort == 'difficult' && recoveryAddress(setup)) given.recovery_offered = true;
  const { touchpoint, ref, score, id } = given;
  (container || document).dispatchEvent(new CustomEvent('ces:answer', {
    bubbles: true, detail: { touchpoint, ref, version: given.version || '', score, class: effort, id },
  }));
};

// After a difficult answer, the touchpoint's recovery link ("Still stuck? Contact
// support"): its address gets the touchpoint, the ref and the answer's id, so support sees
// where the visitor came from, and a click is noted with the answer (its secret proves it
// is this browser's; a second try covers a click before the answer itself arrived).
const recoveryLink = ({ h, cfg, setup, given, api }) => {
  const { site, id, secret, touchpoint, ref } = given;
  const address = recoveryAddress(setup);
  for (const [name, value] of Object.entries({ touchpoint, ref, answer: id })) address.searchParams.set(name, value);
  // The answer itself may still be on its way (it retries for some seconds): so does this.
  const taken = (attempt) => fetch(`${api}answers/${id}/recovery`, {
    method: 'POST', body: JSON.stringify({ site, secret }), keepalive: true,
  }).then((r) => r.ok || attempt > 3 || setTimeout(() => taken(attempt + 1), 3000), () => {});
  return h('p', { class: 'recovery' },
    // A middle click opens it too (auxclick; button 1, not the context menu's).
    h('a', {
      href: address, target: '_blank', rel: 'noopener', click: () => taken(1), auxclick: (e) => e.button == 1 && taken(1),
    }, cfg.text.recovery));
};

// effort: the answer's class. The touchpoint's reasons (setup.reasons, labelled in
// cfg.reasons) are offered after a difficult answer only. done(more) sends the chosen
// reasons and the comment (when there are any) and thanks the customer.
export default (parts) => {
  const { h, cfg, setup, effort, body, root, given, done } = parts;
  complete(parts);
  const text = cfg.text;
  const reasons = effort == 'difficult' ? setup.reasons : [];
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const chosen = new Set();
  const note = h('textarea', { id: 'note', maxlength: '2000' });
  const form = h('form', {
    submit: (e) => {
      e.preventDefault();
      const comment = note.value.trim();
      done(chosen.size || comment ? { reasons: [...chosen], comment } : null);
    },
  });
  // Focus goes to the heading, which screen readers announce, and never into the text
  // field by itself: that would open a phone's keyboard over the page.
  const heading = h('h2', { id: 'heading', tabindex: '-1' });
  form.append(heading);
  if (given.recovery_offered) form.append(recoveryLink(parts));
  if (reasons.length) {
    heading.append(text['followup.difficult']);
    const choices = h('div', { class: 'reasons', role: 'group', 'aria-labelledby': 'heading' });
    for (const code of reasons) {
      const toggle = h('button', {
        type: 'button', 'aria-pressed': 'false',
        click: () => {
          if (chosen.has(code)) chosen.delete(code);
          else chosen.add(code);
          toggle.setAttribute('aria-pressed', chosen.has(code));
        },
      }, cfg.reasons[code]);
      choices.append(toggle);
    }
    form.append(choices, h('label', { for: 'note' }, `${text['comment.more']} ${text.optional}`));
  } else {
    // The question is the heading and the comment's label at once.
    heading.append(h('label', { for: 'note' }, `${text[`followup.${effort}`]} ${text.optional}`));
  }
  form.append(note, h('button', { class: 'primary' }, text.send));
  body.replaceChildren(form);
  heading.focus();
};
