"""Built-in widget strings, and choosing a visitor's language.

The widget carries no strings of its own: the configuration response holds the ones for
the visitor's language, with the site's overrides applied. Adding a language here does
not make the script any larger.

Keys: interface strings, `<scale>.low` / `<scale>.high` (the ends of each scale),
`reason.<code>` (one-tap effort drivers), and `question.<touchpoint>.<scale>` (default
question wording per built-in touchpoint). A site overrides any of them, or a question
for a touchpoint whatever its scale with `question.<touchpoint>`.
"""
import re

DEFAULT_LANGUAGE = "en"

# What customers report as high effort (PRODUCT.md), as one-tap reasons.
REASONS = ("not-found", "unclear", "repeat", "channel", "transfer", "again", "chase", "promise")

# Which reasons make sense where: a knowledge-base reader was never transferred.
REASONS_BY_TOUCHPOINT = {
    "self-service": ("not-found", "unclear", "channel", "again", "chase", "promise"),
    "kb-article": ("not-found", "unclear", "channel", "again"),
    "chatbot-exit": ("repeat", "transfer", "channel", "not-found", "unclear", "again"),
}

BUILT_IN_TOUCHPOINTS = ("self-service", "kb-article", "chatbot-exit")

STRINGS = {
    "en": {
        "close": "Close",
        "send": "Send",
        "thanks": "Thank you for your feedback!",
        "saved": "Your answer was saved.",
        "recovery": "Still stuck? Contact support",
        "optional": "(optional)",
        "followup.difficult": "What made it hard?",
        "followup.neutral": "What could we have made easier?",
        "followup.easy": "What worked well?",
        "comment.more": "Anything else?",
        "agreement7.low": "Strongly disagree",
        "agreement7.high": "Strongly agree",
        "effort5.low": "Very low effort",
        "effort5.high": "Very high effort",
        "ease5.low": "Very difficult",
        "ease5.high": "Very easy",
        "reason.not-found": "I couldn't find the answer",
        "reason.unclear": "The answer was unclear or out of date",
        "reason.repeat": "I had to explain my problem again",
        "reason.channel": "I had to switch channels (e.g. to phone)",
        "reason.transfer": "I was passed between people or teams",
        "reason.again": "I had to get in touch more than once",
        "reason.chase": "I had to chase a status update",
        "reason.promise": "Outcome or timing wasn't as promised",
        "question.self-service.agreement7": "{company} made it easy for me to handle my issue.",
        "question.self-service.effort5": "How much effort did you personally have to put forth to handle your request?",
        "question.self-service.ease5": "How easy was it to handle your request here?",
        "question.kb-article.agreement7": "This article made it easy for me to handle my issue.",
        "question.kb-article.effort5": "How much effort did you personally have to put forth to solve your problem with this article?",
        "question.kb-article.ease5": "How easy was it to solve your problem with this article?",
        "question.chatbot-exit.agreement7": "This chat made it easy for me to handle my issue.",
        "question.chatbot-exit.effort5": "How much effort did you personally have to put forth to handle your request in this chat?",
        "question.chatbot-exit.ease5": "How easy was it to handle your request in this chat?",
    },
    "nl": {
        "close": "Sluiten",
        "send": "Versturen",
        "thanks": "Bedankt voor je feedback!",
        "saved": "Je antwoord is opgeslagen.",
        "recovery": "Kom je er nog niet uit? Neem contact op met support",
        "optional": "(optioneel)",
        "followup.difficult": "Wat maakte het moeilijk?",
        "followup.neutral": "Wat hadden we makkelijker kunnen maken?",
        "followup.easy": "Wat werkte goed?",
        "comment.more": "Nog iets toe te voegen?",
        "agreement7.low": "Helemaal oneens",
        "agreement7.high": "Helemaal eens",
        "effort5.low": "Heel weinig moeite",
        "effort5.high": "Heel veel moeite",
        "ease5.low": "Heel moeilijk",
        "ease5.high": "Heel makkelijk",
        "reason.not-found": "Ik kon het antwoord niet vinden",
        "reason.unclear": "Het antwoord was onduidelijk of verouderd",
        "reason.repeat": "Ik moest mijn probleem opnieuw uitleggen",
        "reason.channel": "Ik moest een ander kanaal gebruiken (bijv. telefoon)",
        "reason.transfer": "Ik werd van persoon naar persoon doorgestuurd",
        "reason.again": "Ik moest vaker dan één keer contact opnemen",
        "reason.chase": "Ik moest zelf achter een update aan",
        "reason.promise": "Uitkomst of timing was anders dan beloofd",
        "question.self-service.agreement7": "{company} maakte het me makkelijk om mijn vraag af te handelen.",
        "question.self-service.effort5": "Hoeveel moeite moest je zelf doen om je vraag af te handelen?",
        "question.self-service.ease5": "Hoe makkelijk was het om je vraag hier af te handelen?",
        "question.kb-article.agreement7": "Dit artikel maakte het me makkelijk om mijn probleem op te lossen.",
        "question.kb-article.effort5": "Hoeveel moeite moest je zelf doen om je probleem met dit artikel op te lossen?",
        "question.kb-article.ease5": "Hoe makkelijk was het om je probleem met dit artikel op te lossen?",
        "question.chatbot-exit.agreement7": "Deze chat maakte het me makkelijk om mijn vraag af te handelen.",
        "question.chatbot-exit.effort5": "Hoeveel moeite moest je zelf doen om je vraag in deze chat af te handelen?",
        "question.chatbot-exit.ease5": "Hoe makkelijk was het om je vraag in deze chat af te handelen?",
    },
    "de": {
        "close": "Schließen",
        "send": "Senden",
        "thanks": "Vielen Dank für Ihr Feedback!",
        "saved": "Ihre Antwort wurde gespeichert.",
        "recovery": "Immer noch nicht weiter? Support kontaktieren",
        "optional": "(optional)",
        "followup.difficult": "Was hat es schwer gemacht?",
        "followup.neutral": "Was hätten wir einfacher machen können?",
        "followup.easy": "Was hat gut funktioniert?",
        "comment.more": "Möchten Sie noch etwas ergänzen?",
        "agreement7.low": "Stimme überhaupt nicht zu",
        "agreement7.high": "Stimme voll und ganz zu",
        "effort5.low": "Sehr geringer Aufwand",
        "effort5.high": "Sehr hoher Aufwand",
        "ease5.low": "Sehr schwierig",
        "ease5.high": "Sehr einfach",
        "reason.not-found": "Ich habe die Antwort nicht gefunden",
        "reason.unclear": "Die Antwort war unklar oder veraltet",
        "reason.repeat": "Ich musste mein Anliegen erneut erklären",
        "reason.channel": "Ich musste den Kanal wechseln (z. B. zum Telefon)",
        "reason.transfer": "Ich wurde von Person zu Person weitergereicht",
        "reason.again": "Ich musste mich mehrmals melden",
        "reason.chase": "Ich musste selbst nach dem Stand fragen",
        "reason.promise": "Ergebnis oder Zeitpunkt waren anders als versprochen",
        "question.self-service.agreement7": "{company} hat es mir leicht gemacht, mein Anliegen zu erledigen.",
        "question.self-service.effort5": "Wie viel Aufwand mussten Sie persönlich betreiben, um Ihr Anliegen zu erledigen?",
        "question.self-service.ease5": "Wie einfach war es, Ihr Anliegen hier zu erledigen?",
        "question.kb-article.agreement7": "Dieser Artikel hat es mir leicht gemacht, mein Problem zu lösen.",
        "question.kb-article.effort5": "Wie viel Aufwand mussten Sie persönlich betreiben, um Ihr Problem mit diesem Artikel zu lösen?",
        "question.kb-article.ease5": "Wie einfach war es, Ihr Problem mit diesem Artikel zu lösen?",
        "question.chatbot-exit.agreement7": "Dieser Chat hat es mir leicht gemacht, mein Anliegen zu erledigen.",
        "question.chatbot-exit.effort5": "Wie viel Aufwand mussten Sie persönlich betreiben, um Ihr Anliegen in diesem Chat zu erledigen?",
        "question.chatbot-exit.ease5": "Wie einfach war es, Ihr Anliegen in diesem Chat zu erledigen?",
    },
    "fr": {
        "close": "Fermer",
        "send": "Envoyer",
        "thanks": "Merci pour votre retour !",
        "saved": "Votre réponse a été enregistrée.",
        "recovery": "Toujours bloqué ? Contactez l’assistance",
        "optional": "(facultatif)",
        "followup.difficult": "Qu’est-ce qui a rendu cela difficile ?",
        "followup.neutral": "Qu’aurions-nous pu rendre plus simple ?",
        "followup.easy": "Qu’est-ce qui a bien fonctionné ?",
        "comment.more": "Autre chose à ajouter ?",
        "agreement7.low": "Pas du tout d’accord",
        "agreement7.high": "Tout à fait d’accord",
        "effort5.low": "Très peu d’effort",
        "effort5.high": "Énormément d’effort",
        "ease5.low": "Très difficile",
        "ease5.high": "Très facile",
        "reason.not-found": "Je n’ai pas trouvé la réponse",
        "reason.unclear": "La réponse était peu claire ou obsolète",
        "reason.repeat": "J’ai dû réexpliquer mon problème",
        "reason.channel": "J’ai dû changer de canal (par ex. le téléphone)",
        "reason.transfer": "J’ai été transféré d’un interlocuteur à l’autre",
        "reason.again": "J’ai dû vous contacter plusieurs fois",
        "reason.chase": "J’ai dû relancer pour avoir des nouvelles",
        "reason.promise": "Le résultat ou le délai n’était pas celui promis",
        "question.self-service.agreement7": "{company} m’a facilité le traitement de ma demande.",
        "question.self-service.effort5": "Quel effort avez-vous dû fournir personnellement pour traiter votre demande ?",
        "question.self-service.ease5": "À quel point a-t-il été facile de traiter votre demande ici ?",
        "question.kb-article.agreement7": "Cet article m’a facilité la résolution de mon problème.",
        "question.kb-article.effort5": "Quel effort avez-vous dû fournir personnellement pour résoudre votre problème avec cet article ?",
        "question.kb-article.ease5": "À quel point a-t-il été facile de résoudre votre problème avec cet article ?",
        "question.chatbot-exit.agreement7": "Cette conversation m’a facilité le traitement de ma demande.",
        "question.chatbot-exit.effort5": "Quel effort avez-vous dû fournir personnellement pour traiter votre demande dans cette conversation ?",
        "question.chatbot-exit.ease5": "À quel point a-t-il été facile de traiter votre demande dans cette conversation ?",
    },
    "es": {
        "close": "Cerrar",
        "send": "Enviar",
        "thanks": "¡Gracias por tu opinión!",
        "saved": "Tu respuesta se ha guardado.",
        "recovery": "¿Sigues sin solucionarlo? Contacta con soporte",
        "optional": "(opcional)",
        "followup.difficult": "¿Qué lo hizo difícil?",
        "followup.neutral": "¿Qué podríamos haber hecho más fácil?",
        "followup.easy": "¿Qué funcionó bien?",
        "comment.more": "¿Algo más que añadir?",
        "agreement7.low": "Totalmente en desacuerdo",
        "agreement7.high": "Totalmente de acuerdo",
        "effort5.low": "Muy poco esfuerzo",
        "effort5.high": "Muchísimo esfuerzo",
        "ease5.low": "Muy difícil",
        "ease5.high": "Muy fácil",
        "reason.not-found": "No encontré la respuesta",
        "reason.unclear": "La respuesta era confusa o estaba desactualizada",
        "reason.repeat": "Tuve que volver a explicar mi problema",
        "reason.channel": "Tuve que cambiar de canal (p. ej., al teléfono)",
        "reason.transfer": "Me pasaron de una persona o área a otra",
        "reason.again": "Tuve que contactar más de una vez",
        "reason.chase": "Tuve que insistir para saber el estado",
        "reason.promise": "El resultado o el plazo no fue el prometido",
        "question.self-service.agreement7": "{company} me facilitó resolver mi gestión.",
        "question.self-service.effort5": "¿Cuánto esfuerzo tuviste que hacer personalmente para resolver tu solicitud?",
        "question.self-service.ease5": "¿Qué tan fácil fue resolver tu solicitud aquí?",
        "question.kb-article.agreement7": "Este artículo me facilitó resolver mi problema.",
        "question.kb-article.effort5": "¿Cuánto esfuerzo tuviste que hacer personalmente para resolver tu problema con este artículo?",
        "question.kb-article.ease5": "¿Qué tan fácil fue resolver tu problema con este artículo?",
        "question.chatbot-exit.agreement7": "Este chat me facilitó resolver mi gestión.",
        "question.chatbot-exit.effort5": "¿Cuánto esfuerzo tuviste que hacer personalmente para resolver tu solicitud en este chat?",
        "question.chatbot-exit.ease5": "¿Qué tan fácil fue resolver tu solicitud en este chat?",
    },
    "pt": {
        "close": "Fechar",
        "send": "Enviar",
        "thanks": "Obrigado pela sua opinião!",
        "saved": "Sua resposta foi registrada.",
        "recovery": "Ainda com dificuldade? Fale com o suporte",
        "optional": "(opcional)",
        "followup.difficult": "O que dificultou?",
        "followup.neutral": "O que poderíamos ter facilitado?",
        "followup.easy": "O que funcionou bem?",
        "comment.more": "Mais alguma coisa?",
        "agreement7.low": "Discordo totalmente",
        "agreement7.high": "Concordo totalmente",
        "effort5.low": "Muito pouco esforço",
        "effort5.high": "Muito esforço",
        "ease5.low": "Muito difícil",
        "ease5.high": "Muito fácil",
        "reason.not-found": "Não encontrei a resposta",
        "reason.unclear": "A resposta estava confusa ou desatualizada",
        "reason.repeat": "Tive que explicar meu problema de novo",
        "reason.channel": "Tive que mudar de canal (por ex., para o telefone)",
        "reason.transfer": "Fui passado de uma pessoa ou equipe para outra",
        "reason.again": "Tive que entrar em contato mais de uma vez",
        "reason.chase": "Tive que correr atrás de uma atualização",
        "reason.promise": "O resultado ou o prazo não foi o prometido",
        "question.self-service.agreement7": "{company} facilitou a resolução da minha solicitação.",
        "question.self-service.effort5": "Quanto esforço você precisou fazer pessoalmente para resolver sua solicitação?",
        "question.self-service.ease5": "Quão fácil foi resolver sua solicitação aqui?",
        "question.kb-article.agreement7": "Este artigo facilitou a resolução do meu problema.",
        "question.kb-article.effort5": "Quanto esforço você precisou fazer pessoalmente para resolver seu problema com este artigo?",
        "question.kb-article.ease5": "Quão fácil foi resolver seu problema com este artigo?",
        "question.chatbot-exit.agreement7": "Este chat facilitou a resolução da minha solicitação.",
        "question.chatbot-exit.effort5": "Quanto esforço você precisou fazer pessoalmente para resolver sua solicitação neste chat?",
        "question.chatbot-exit.ease5": "Quão fácil foi resolver sua solicitação neste chat?",
    },
    "it": {
        "close": "Chiudi",
        "send": "Invia",
        "thanks": "Grazie per il tuo feedback!",
        "saved": "La tua risposta è stata salvata.",
        "recovery": "Ancora bloccato? Contatta l’assistenza",
        "optional": "(facoltativo)",
        "followup.difficult": "Cosa l’ha reso difficile?",
        "followup.neutral": "Cosa avremmo potuto semplificare?",
        "followup.easy": "Cosa ha funzionato bene?",
        "comment.more": "Vuoi aggiungere altro?",
        "agreement7.low": "Per niente d’accordo",
        "agreement7.high": "Completamente d’accordo",
        "effort5.low": "Pochissimo impegno",
        "effort5.high": "Moltissimo impegno",
        "ease5.low": "Molto difficile",
        "ease5.high": "Molto facile",
        "reason.not-found": "Non ho trovato la risposta",
        "reason.unclear": "La risposta era poco chiara o non aggiornata",
        "reason.repeat": "Ho dovuto spiegare di nuovo il mio problema",
        "reason.channel": "Ho dovuto cambiare canale (ad es. passare al telefono)",
        "reason.transfer": "Mi hanno passato da una persona o da un reparto all’altro",
        "reason.again": "Ho dovuto contattarvi più di una volta",
        "reason.chase": "Ho dovuto sollecitare un aggiornamento",
        "reason.promise": "Il risultato o i tempi non erano quelli promessi",
        "question.self-service.agreement7": "{company} mi ha reso facile gestire la mia richiesta.",
        "question.self-service.effort5": "Quanto impegno hai dovuto metterci personalmente per gestire la tua richiesta?",
        "question.self-service.ease5": "Quanto è stato facile gestire la tua richiesta qui?",
        "question.kb-article.agreement7": "Questo articolo mi ha reso facile risolvere il mio problema.",
        "question.kb-article.effort5": "Quanto impegno hai dovuto metterci personalmente per risolvere il tuo problema con questo articolo?",
        "question.kb-article.ease5": "Quanto è stato facile risolvere il tuo problema con questo articolo?",
        "question.chatbot-exit.agreement7": "Questa chat mi ha reso facile gestire la mia richiesta.",
        "question.chatbot-exit.effort5": "Quanto impegno hai dovuto metterci personalmente per gestire la tua richiesta in questa chat?",
        "question.chatbot-exit.ease5": "Quanto è stato facile gestire la tua richiesta in questa chat?",
    },
    # Impersonal forms where Polish would otherwise need the customer's gender.
    "pl": {
        "close": "Zamknij",
        "send": "Wyślij",
        "thanks": "Dziękujemy za opinię!",
        "saved": "Twoja odpowiedź została zapisana.",
        "recovery": "Nadal masz problem? Skontaktuj się z pomocą",
        "optional": "(opcjonalnie)",
        "followup.difficult": "Co sprawiło trudność?",
        "followup.neutral": "Co mogliśmy zrobić prościej?",
        "followup.easy": "Co się sprawdziło?",
        "comment.more": "Coś jeszcze?",
        "agreement7.low": "Zdecydowanie się nie zgadzam",
        "agreement7.high": "Zdecydowanie się zgadzam",
        "effort5.low": "Bardzo mały wysiłek",
        "effort5.high": "Bardzo duży wysiłek",
        "ease5.low": "Bardzo trudno",
        "ease5.high": "Bardzo łatwo",
        "reason.not-found": "Nie udało mi się znaleźć odpowiedzi",
        "reason.unclear": "Odpowiedź była niejasna lub nieaktualna",
        "reason.repeat": "Trzeba było ponownie wyjaśniać problem",
        "reason.channel": "Trzeba było zmienić kanał kontaktu (np. na telefon)",
        "reason.transfer": "Przekazywano mnie między osobami lub działami",
        "reason.again": "Trzeba było kontaktować się więcej niż raz",
        "reason.chase": "Trzeba było dopytywać o status sprawy",
        "reason.promise": "Wynik lub termin był inny niż obiecano",
        "question.self-service.agreement7": "Firma {company} ułatwiła mi załatwienie sprawy.",
        "question.self-service.effort5": "Ile wysiłku kosztowało Cię załatwienie sprawy?",
        "question.self-service.ease5": "Jak łatwo było załatwić tu Twoją sprawę?",
        "question.kb-article.agreement7": "Ten artykuł ułatwił mi rozwiązanie problemu.",
        "question.kb-article.effort5": "Ile wysiłku kosztowało Cię rozwiązanie problemu za pomocą tego artykułu?",
        "question.kb-article.ease5": "Jak łatwo było rozwiązać problem za pomocą tego artykułu?",
        "question.chatbot-exit.agreement7": "Ten czat ułatwił mi załatwienie sprawy.",
        "question.chatbot-exit.effort5": "Ile wysiłku kosztowało Cię załatwienie sprawy w tym czacie?",
        "question.chatbot-exit.ease5": "Jak łatwo było załatwić sprawę w tym czacie?",
    },
    "ja": {
        "close": "閉じる",
        "send": "送信",
        "thanks": "ご意見ありがとうございました。",
        "saved": "回答を保存しました。",
        "recovery": "まだ解決しませんか？サポートに問い合わせる",
        "optional": "（任意）",
        "followup.difficult": "何が大変でしたか？",
        "followup.neutral": "どうすればもっと簡単になったでしょうか？",
        "followup.easy": "何がよかったですか？",
        "comment.more": "ほかにご意見はありますか？",
        "agreement7.low": "まったくそう思わない",
        "agreement7.high": "とてもそう思う",
        "effort5.low": "ほとんど手間がかからなかった",
        "effort5.high": "非常に手間がかかった",
        "ease5.low": "とても難しかった",
        "ease5.high": "とても簡単だった",
        "reason.not-found": "答えが見つからなかった",
        "reason.unclear": "説明がわかりにくかった、または古かった",
        "reason.repeat": "同じ説明を繰り返さなければならなかった",
        "reason.channel": "別の窓口（電話など）に切り替える必要があった",
        "reason.transfer": "担当者や部署をたらい回しにされた",
        "reason.again": "何度も問い合わせる必要があった",
        "reason.chase": "自分から状況を確認しなければならなかった",
        "reason.promise": "結果や時期が約束と違った",
        "question.self-service.agreement7": "{company}のおかげで、用件を簡単に済ませることができた。",
        "question.self-service.effort5": "用件を済ませるために、ご自身でどのくらいの手間がかかりましたか？",
        "question.self-service.ease5": "ここでの用件は、どのくらい簡単に済ませられましたか？",
        "question.kb-article.agreement7": "この記事のおかげで、問題を簡単に解決できた。",
        "question.kb-article.effort5": "この記事で問題を解決するのに、ご自身でどのくらいの手間がかかりましたか？",
        "question.kb-article.ease5": "この記事で、問題をどのくらい簡単に解決できましたか？",
        "question.chatbot-exit.agreement7": "このチャットのおかげで、用件を簡単に済ませることができた。",
        "question.chatbot-exit.effort5": "このチャットで用件を済ませるのに、ご自身でどのくらいの手間がかかりましたか？",
        "question.chatbot-exit.ease5": "このチャットでの用件は、どのくらい簡単に済ませられましたか？",
    },
    # Written to avoid a verb that would have to agree with the company name's gender.
    "ar": {
        "close": "إغلاق",
        "send": "إرسال",
        "thanks": "شكرًا لك على ملاحظاتك!",
        "saved": "تم حفظ إجابتك.",
        "recovery": "هل ما زلت عالقًا؟ تواصل مع الدعم",
        "optional": "(اختياري)",
        "followup.difficult": "ما الذي جعل الأمر صعبًا؟",
        "followup.neutral": "ما الذي كان بإمكاننا تسهيله؟",
        "followup.easy": "ما الذي سار بشكل جيد؟",
        "comment.more": "هل هناك شيء آخر؟",
        "agreement7.low": "لا أوافق بشدة",
        "agreement7.high": "أوافق بشدة",
        "effort5.low": "جهد قليل جدًا",
        "effort5.high": "جهد كبير جدًا",
        "ease5.low": "صعب جدًا",
        "ease5.high": "سهل جدًا",
        "reason.not-found": "لم أجد الإجابة",
        "reason.unclear": "كانت الإجابة غير واضحة أو قديمة",
        "reason.repeat": "اضطررت إلى شرح مشكلتي مرة أخرى",
        "reason.channel": "اضطررت إلى تغيير وسيلة التواصل (مثل الهاتف)",
        "reason.transfer": "تمت إحالتي بين عدة أشخاص أو أقسام",
        "reason.again": "اضطررت إلى التواصل أكثر من مرة",
        "reason.chase": "اضطررت إلى المتابعة بنفسي لمعرفة حالة طلبي",
        "reason.promise": "لم تكن النتيجة أو المدة كما وُعدت",
        "question.self-service.agreement7": "كان إنجاز طلبي مع {company} سهلًا.",
        "question.self-service.effort5": "ما مقدار الجهد الذي بذلته شخصيًا لإنجاز طلبك؟",
        "question.self-service.ease5": "ما مدى سهولة إنجاز طلبك هنا؟",
        "question.kb-article.agreement7": "سهّل عليّ هذا المقال حل مشكلتي.",
        "question.kb-article.effort5": "ما مقدار الجهد الذي بذلته شخصيًا لحل مشكلتك باستخدام هذا المقال؟",
        "question.kb-article.ease5": "ما مدى سهولة حل مشكلتك باستخدام هذا المقال؟",
        "question.chatbot-exit.agreement7": "سهّلت عليّ هذه المحادثة إنجاز طلبي.",
        "question.chatbot-exit.effort5": "ما مقدار الجهد الذي بذلته شخصيًا لإنجاز طلبك في هذه المحادثة؟",
        "question.chatbot-exit.ease5": "ما مدى سهولة إنجاز طلبك في هذه المحادثة؟",
    },
}

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
TOUCHPOINT_NAME = re.compile(r"^[a-z0-9-]{1,40}$")
# Languages written right to left, by primary subtag, and the scripts that are.
RIGHT_TO_LEFT = {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "syr", "ug", "ur", "yi"}
RIGHT_TO_LEFT_SCRIPTS = {"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"}


def is_overridable(key):
    """Tell whether a site may override the string `key`."""
    if key in STRINGS[DEFAULT_LANGUAGE]:
        return True
    prefix, _, touchpoint = key.partition(".")
    return prefix == "question" and bool(TOUCHPOINT_NAME.fullmatch(touchpoint))


def choose_language(candidates, available):
    """Return the first candidate tag we have strings for, by exact tag then primary subtag.

    `candidates` are BCP 47 tags in the visitor's order of preference (the page's
    `<html lang>`, then the browser's languages).
    """
    available = {tag.lower() for tag in available}
    for candidate in candidates:
        tag = candidate.strip().lower()
        if tag in available:
            return tag
        primary = tag.split("-", 1)[0]
        if primary in available:
            return primary
    return DEFAULT_LANGUAGE


def direction(language):
    """Return "rtl" for a language tag written right to left, else "ltr"."""
    subtags = language.lower().split("-")
    rtl = subtags[0] in RIGHT_TO_LEFT or any(subtag in RIGHT_TO_LEFT_SCRIPTS for subtag in subtags[1:])
    return "rtl" if rtl else "ltr"


def strings_for(language, site_texts):
    """Return every string in `language`, English filling gaps, the site's overrides last.

    `site_texts` maps a language tag (or "*" for every language) to {key: text}.
    """
    merged = dict(STRINGS[DEFAULT_LANGUAGE])
    merged.update(STRINGS.get(language, {}))
    merged.update(site_texts.get("*", {}))
    merged.update(site_texts.get(language, {}))
    return merged


def question(strings, touchpoint, scale_name, company):
    """Return the question for a touchpoint on a scale, with the company name filled in."""
    wording_of = touchpoint if touchpoint in BUILT_IN_TOUCHPOINTS else "self-service"
    text = strings.get(f"question.{touchpoint}") or strings[f"question.{wording_of}.{scale_name}"]
    return text.replace("{company}", company)
