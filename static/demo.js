// The demo's chatbot: ending the chat asks how easy it was.
window.CES = window.CES || { q: [], ask: function (o) { return new Promise(function (r) { window.CES.q.push([o, r]); }); } };

// The widget tells the page the moment a customer rates: a hard chat hands over to a person.
document.addEventListener('ces:answer', function (event) {
  if (event.detail.touchpoint === 'chatbot-exit' && event.detail.class === 'difficult') {
    document.getElementById('handover').hidden = false;
  }
});

document.addEventListener('DOMContentLoaded', function () {
  var end = document.getElementById('end-chat');
  var outcome = document.getElementById('chat-outcome');
  end.addEventListener('click', function () {
    end.disabled = true;
    window.CES.ask({ touchpoint: 'chatbot-exit', ref: 'conv-4711', agent: 'nora-bot' }).then(function (result) {
      outcome.textContent = 'CES.ask resolved: ' + JSON.stringify(result);
      end.disabled = false;
    });
  });
});
