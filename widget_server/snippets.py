"""The block a support team pastes into its ticket-solved e-mail or reply template: the
CES question with a link per score (links.py), as e-mail-safe HTML and as plain text,
with a helpdesk's placeholders where each ticket's id, agent and customer go.

E-mail clients drop much of HTML: Gmail and Outlook remove `<style>` blocks and scripts,
Outlook's Word engine ignores most CSS on links and block sizes, and clients block
images until asked. So the block is a table with inline styles only: each score a cell
with its own border and background (which Outlook draws), its link inside; no images.
"""
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from . import locales
from .links import PLAIN_PLACEHOLDERS, placeholder_left
from .scales import SCALES


@dataclass(frozen=True)
class Helpdesk:
    title: str
    # The placeholder the helpdesk fills in with the ticket's id, its agent and its customer.
    ref: str
    agent: str
    customer: str


# As each helpdesk's placeholder reference names them; README.md lists them too.
HELPDESKS = {
    "zendesk": Helpdesk("Zendesk", "{{ticket.id}}", "{{ticket.assignee.name}}", "{{ticket.requester.id}}"),
    "freshdesk": Helpdesk("Freshdesk", "{{ticket.id}}", "{{ticket.agent.name}}", "{{ticket.requester.email}}"),
    "helpscout": Helpdesk("Help Scout", "{%conversation.number%}", "{%user.fullName%}", "{%customer.email%}"),
    "intercom": Helpdesk("Intercom", "{{conversation.id}}", "{{teammate.name}}", "{{user.user_id}}"),
    "plain": Helpdesk("your own system", *PLAIN_PLACEHOLDERS.values()),
}

ACCENT, TEXT, MUTED = "#0b57d0", "#1b1f24", "#59636e"
FONT = "font-family:Arial,Helvetica,sans-serif"


@dataclass
class Snippet:
    html: str
    text: str
    urls: dict


def link_template(public_url, site, score, helpdesk, touchpoint, meta, with_agent=True):
    """A score's link with the helpdesk's placeholders left as they are (the helpdesk fills
    them in as it sends), the fixed parameters percent-encoded."""
    fixed = [("touchpoint", touchpoint)] if touchpoint != locales.SUPPORT_REPLY else []
    fixed += [(f"meta.{name}", value) for name, value in meta.items()]
    query = [f"ref={helpdesk.ref}", f"customer={helpdesk.customer}"]
    if with_agent:
        query.insert(1, f"agent={helpdesk.agent}")
    # A value may be a placeholder of the helpdesk's too (meta.category={{ticket.ticket_type}}).
    query += [f"{quote(name, safe='.')}={value if placeholder_left(value) else quote(value, safe='')}"
              for name, value in fixed]
    return f"{public_url.rstrip('/')}/r/{site.key}/{score}?{'&'.join(query)}"


def snippet(public_url, site, helpdesk="plain", touchpoint=locales.SUPPORT_REPLY, language=locales.DEFAULT_LANGUAGE,
            meta=None):
    """The HTML and plain-text block for a helpdesk's templates, in `language`."""
    desk = HELPDESKS[helpdesk]
    strings = locales.strings_for(language, site.texts)
    scale = SCALES[site.scale_for(touchpoint)]
    question = locales.question(strings, touchpoint, scale.name, site.company or site.name)
    low, high = strings[f"{scale.name}.low"], strings[f"{scale.name}.high"]
    urls = {score: link_template(public_url, site, score, desk, touchpoint, meta or {})
            for score in range(1, scale.points + 1)}
    direction = locales.direction(language)
    cells = "".join(
        f'<td style="padding:0 2px;"><table role="presentation" cellpadding="0" cellspacing="0" border="0">'
        f'<tr><td align="center" width="36" height="40" bgcolor="#ffffff" '
        f'style="width:36px;height:40px;border:2px solid {ACCENT};border-radius:6px;">'
        f'<a href="{escape(url)}" style="display:block;line-height:40px;{FONT};font-size:16px;font-weight:bold;'
        f'color:{ACCENT};text-decoration:none;">{score}</a></td></tr></table></td>'
        for score, url in urls.items())
    start, end = ("left", "right") if direction == "ltr" else ("right", "left")
    first, second = (scale.points + 1) // 2, scale.points // 2
    label = f"padding:6px 2px 0;{FONT};font-size:12px;line-height:16px;color:{MUTED};"
    # A white card of its own: a mail client in dark mode that keeps inline colours would
    # otherwise draw the dark question on its dark background. The scores are a table of
    # their own, so the end labels line up with the first and last score however long the
    # question; seven of them fit a 320 px wide message.
    html = (
        f'<table role="presentation" dir="{direction}" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" '
        f'style="border-collapse:separate;margin:16px 0;background:#ffffff;border:1px solid #d1d9e0;border-radius:8px;">'
        f'<tr><td style="padding:12px 8px 10px;{FONT};font-size:16px;line-height:22px;color:{TEXT};">'
        f'{escape(question)}</td></tr>'
        f'<tr><td style="padding:0 6px 12px;">'
        f'<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>{cells}</tr>'
        f'<tr><td colspan="{first}" align="{start}" style="{label}">1: {escape(low)}</td>'
        f'<td colspan="{second}" align="{end}" style="{label}">{scale.points}: {escape(high)}</td></tr>'
        f'</table></td></tr></table>'
    )
    # Angle brackets keep a link whole in plain-text mail where a value has a space. The
    # agent is left out of these: a name with a space ("Ann Lee") would still end the link
    # at the space in clients that ignore the brackets, rating the ticket under "Ann".
    text_urls = {score: link_template(public_url, site, score, desk, touchpoint, meta or {}, with_agent=False)
                 for score in urls}
    lines = [question, ""]
    for score, url in text_urls.items():
        end_label = f" ({low})" if score == 1 else f" ({high})" if score == scale.points else ""
        lines.append(f"{score}{end_label}: <{url}>")
    return Snippet(html=html, text="\n".join(lines) + "\n", urls=urls)
