// A chatbot's end-of-conversation hook, as the README recipe writes it.
window.CES = window.CES || { q: [], ask: function (o) { return new Promise(function (r) { window.CES.q.push([o, r]); }); } };
document.getElementById('end').addEventListener('click', function () {
  window.CES.ask({ touchpoint: 'chatbot-exit', ref: 'conv-1', agent: 'nora-bot', flow: 'returns' })
    .then(function (outcome) { document.getElementById('outcome').textContent = JSON.stringify(outcome); });
});
