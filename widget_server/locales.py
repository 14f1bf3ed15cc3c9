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
}

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
TOUCHPOINT_NAME = re.compile(r"^[a-z0-9-]{1,40}$")


def is_overridable(key):
    """Tell whether a site may override the string `key`."""
    if key in STRINGS[DEFAULT_LANGUAGE]:
        return True
    prefix, _, touchpoint = key.partition(".")
    return prefix == "question" and bool(TOUCHPOINT_NAME.match(touchpoint))


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
