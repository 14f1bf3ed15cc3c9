"""The demo help centre: its site, its pages (an article in two revisions, a search, a
contact page the recovery link opens) and the sample answers `widget-server demo` gives a
new demo site, so the admin has something to show before anyone has answered.

Sample answers carry the customer id SAMPLE_CUSTOMER: `widget-server answers delete
--customer demo-sample` takes them all away again.
"""
import datetime
import random

from flask import Blueprint, render_template, request

from . import ingest, locales
from .models import Answer, Impression, Site, utcnow

DEMO_SITE_KEY = "demo"
SAMPLE_CUSTOMER = "demo-sample"
# The article's revisions, oldest first: the page shows the newest unless asked for another.
REVISIONS = {
    "rev-1": ("Open Sign in and choose Forgot password.",
              "Enter your e-mail address. The e-mail with the reset link can take up to an hour.",
              "Open the link before it expires.",
              "Choose a new password."),
    "rev-2": ("Open Sign in and choose Forgot password (below the password field).",
              "Enter the e-mail address of your account.",
              "Open the link in the e-mail we send you within 15 minutes; check your spam folder if it is not there.",
              "Choose a new password of at least 10 characters."),
}
CURRENT_REVISION = "rev-2"

bp = Blueprint("demo", __name__)


@bp.get("/demo")
def article():
    """A sample help centre with all three touchpoints wired to the demo site."""
    revision = request.args.get("revision", CURRENT_REVISION)
    if revision not in REVISIONS:
        revision = CURRENT_REVISION
    return render_template("demo.html", site=Site.get_or_none(Site.key == DEMO_SITE_KEY), demo_key=DEMO_SITE_KEY,
                           revision=revision, steps=REVISIONS[revision], current=CURRENT_REVISION,
                           revisions=list(REVISIONS))


@bp.get("/demo/search")
def search():
    """The help centre's search: whatever is asked, the password article is the answer."""
    return render_template("demo_search.html", query=request.args.get("q", "")[:200])


@bp.get("/demo/contact")
def contact():
    """Where the recovery link leads: what support is told about where the customer was."""
    context = {name: request.args.get(name, "")[:200] for name in ("touchpoint", "ref", "answer")}
    return render_template("demo_contact.html", context=context)


# What sample customers say, by how hard it was.
HARD_COMMENTS = {
    "kb-reset-password": ("The reset e-mail never arrived", "The link in the e-mail had expired",
                          "Could not find Forgot password", "Had to call support in the end",
                          "The reset e-mail went to spam"),
    "kb-shipping": ("Could not find the delivery times for my country", "Had to call support in the end"),
    "/demo": ("The tracking page kept loading", "Could not find my order"),
    "nora-bot": ("The bot did not understand my question", "The bot kept repeating the same answer",
                 "Had to call support in the end"),
    "billing": ("I explained the double charge three times", "Still waiting for the refund I was promised"),
    "returns": ("The return label never came",),
}
# Support replies' tickets are handled by these agents, rated through links in e-mails.
AGENTS = ("Ann Lee", "Bo Stein", "Chen Wu")
EASY_COMMENTS = ("Clear steps, thanks", "Worked first time", "Quick and easy", "Found it at once", "Clear and short")
SEARCHES = {"kb-reset-password": ("reset password", "forgot password", "password email"),
            "kb-shipping": ("delivery time", "shipping costs")}


def sample_plan():
    """(place, touchpoint, scale, version, share difficult, days ago from and to, answers)
    of the sample answers."""
    return (
        # The article's first revision was hard; the second, from 24 days ago, much less.
        ("kb-reset-password", "kb-article", "agreement7", "rev-1", 0.6, (60, 25), 90),
        ("kb-reset-password", "kb-article", "agreement7", "rev-2", 0.2, (24, 0), 90),
        ("kb-shipping", "kb-article", "agreement7", "", 0.15, (60, 0), 50),
        ("/demo", "self-service", "agreement7", "", 0.25, (60, 0), 40),
        ("nora-bot", "chatbot-exit", "agreement7", "", 0.45, (60, 0), 40),
        # Ratings from links in ticket-solved e-mails, their place the ticket's category.
        ("billing", "support-reply", "agreement7", "", 0.35, (60, 0), 30),
        ("returns", "support-reply", "agreement7", "", 0.1, (60, 0), 20),
    )


def add_sample_answers(site, now=None):
    """Give the demo site a couple of months of answers (and the prompts seen); return how many."""
    rng = random.Random(2026)
    now = now or utcnow()
    number = 0
    for place, touchpoint, scale, version, hard_share, (first, last), count in sample_plan():
        for _ in range(count):
            number += 1
            hard = rng.random() < hard_share
            created = now - datetime.timedelta(days=rng.uniform(last, first))
            score = rng.choice((1, 2, 3)) if hard else rng.choice((5, 6, 7))
            # A chatbot exit's place is its bot; each conversation is a ref of its own. A
            # support reply's is its ticket's category, its ticket the conversation.
            ref, agent, conversation = {
                "chatbot-exit": (f"conv-{4000 + number}", place, ""),
                locales.SUPPORT_REPLY: (place, rng.choice(AGENTS), f"T-{5000 + number}"),
            }.get(touchpoint, (place, "", ""))
            support = touchpoint == locales.SUPPORT_REPLY
            comments = HARD_COMMENTS[place] if hard else EASY_COMMENTS
            searches = SEARCHES.get(place, ())
            fields = {
                "key": f"demo-sample-{number:06d}", "touchpoint": touchpoint, "scale": scale, "score": score,
                "ref": ref, "agent": agent, "conversation": conversation, "meta": {"category": place} if support else {},
                "version": version, "customer": SAMPLE_CUSTOMER, "locale": "en",
                "created_at": created, "comment": rng.choice(comments) if rng.random() < 0.6 else "",
                "reasons": rng.sample(("repeat", "chase", "promise") if support else ("not-found", "unclear", "channel"),
                                      rng.randint(1, 2)) if hard else [],
                "search": rng.choice(searches) if searches and rng.random() < 0.5 else "",
                "seconds_on_page": None if support else rng.randint(90, 420) if hard else rng.randint(15, 120),
            }
            ingest.store_answer(Answer.from_fields(site, fields))
            # An e-mail's question is not a prompt on a page: no impressions.
            for _ in range(0 if support else rng.randint(1, 4)):
                ingest.store_impression(Impression(site=site, touchpoint=touchpoint, ref=ref, created_at=created))
    return number
