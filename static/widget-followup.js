/*
 * CES widget, part two: the one optional follow-up after an answer. widget.js imports this
 * module (from the same place as itself) once the pointer or keyboard focus reaches a prompt,
 * so visitors who only read never download it. The served copy is minified and versioned
 * with widget.js.
 */
const CSS = `fieldset{display:flex;flex-wrap:wrap;gap:6px;margin:0 0 8px;padding:0;border:0}
fieldset button{padding:4px 12px;text-align:start}
legend,label{display:block;font-weight:600;margin:0 0 6px}
textarea{box-sizing:border-box;display:block;width:100%;min-height:4em;padding:8px;margin-bottom:8px;font:inherit;color:inherit;background:var(--b);border:1px solid var(--l);border-radius:8px}
.p{padding:0 20px;background:var(--a);color:var(--b);border-color:var(--a)}`;

const sheet = new CSSStyleSheet();
sheet.replaceSync(CSS);

// reasons: [code, label] pairs, offered after a difficult answer only; done(more) sends the
// chosen reasons and the comment (when there are any) and thanks the customer.
export default ({ h, text, effort, body, root, reasons, done }) => {
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const chosen = new Set();
  const note = h('textarea', { id: 'n', maxlength: '2000' });
  const form = h('form', {
    submit: (e) => {
      e.preventDefault();
      const comment = note.value.trim();
      done(chosen.size || comment ? { reasons: [...chosen], comment } : null);
    },
  });
  if (reasons.length) {
    const choices = h('fieldset', {}, h('legend', {}, text['followup.difficult']));
    for (const [code, label] of reasons) {
      const toggle = h('button', {
        type: 'button', 'aria-pressed': 'false',
        click: () => {
          if (chosen.has(code)) chosen.delete(code);
          else chosen.add(code);
          toggle.setAttribute('aria-pressed', chosen.has(code));
        },
      }, label);
      choices.append(toggle);
    }
    form.append(choices, h('label', { for: 'n' }, `${text['comment.more']} ${text.optional}`));
  } else {
    form.append(h('label', { for: 'n' }, `${text[`followup.${effort}`]} ${text.optional}`));
  }
  form.append(note, h('button', { class: 'p' }, text.send));
  body.replaceChildren(form);
  form.querySelector('button,textarea').focus();
};
