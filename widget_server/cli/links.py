"""`widget-server links …`: rating links for e-mails and ticket replies (links.py)."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .. import links, locales, snippets
from ..models import Site, new_link_secret
from ..payloads import PayloadError
from .base import fail, site_or_fail
from .sites import pairs


@click.group("links", short_help="Rating links for e-mails and ticket replies.")
def links_group():
    """Make rating links for e-mails and ticket replies: the snippet for a helpdesk's
    templates, signed links for one ticket, and a site's link secret."""


@links_group.command("snippet")
@click.argument("key")
@click.option("--helpdesk", type=click.Choice(list(snippets.HELPDESKS)), default="plain", show_default=True,
              help="Whose placeholders fill in the ticket id, agent and customer.")
@click.option("--touchpoint", default=locales.SUPPORT_REPLY, show_default=True,
              help="The touchpoint the ratings count under.")
@click.option("--lang", default=locales.DEFAULT_LANGUAGE, show_default=True, help="The question's language.")
@click.option("--meta", multiple=True, metavar="NAME=VALUE",
              help="Metadata every rating of this snippet carries, such as category=billing (repeatable).")
@click.option("--text", "plain_text", is_flag=True, help="Print only the plain-text version.")
@with_appcontext
def links_snippet(key, helpdesk, touchpoint, lang, meta, plain_text):
    """Print the e-mail-safe HTML block and its plain-text version to paste into a
    helpdesk's ticket-solved template."""
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
    if not locales.TOUCHPOINT_NAME.fullmatch(touchpoint):
        fail(f"--touchpoint: {touchpoint!r} is not a touchpoint name (1-40 of a-z, 0-9 and -)")
    if lang not in locales.STRINGS and lang not in found.texts:
        fail(f"--lang: no strings in {lang!r}; use one of {', '.join(sorted(locales.STRINGS))} or add the site's own")
    made = snippets.snippet(current_app.config["PUBLIC_URL"], found, helpdesk, touchpoint, lang, pairs(meta, "--meta"))
    if found.signed_links_only:
        click.echo(f"Warning: site {found.key} takes signed links only, and a snippet's links cannot be signed: "
                   "sign each ticket's links with `widget-server links sign` or the read API.", err=True)
    if not plain_text:
        click.echo(made.html)
        click.echo()
    click.echo(made.text, nl=False)


@links_group.command("sign")
@click.argument("key")
@click.option("--ref", required=True, help="The ticket or conversation id.")
@click.option("--agent", default="", help="The agent who handled it.")
@click.option("--customer", default="", help="The customer's id.")
@click.option("--touchpoint", default="", help=f"The touchpoint (default {locales.SUPPORT_REPLY}).")
@click.option("--lang", default="", help="The language of the page the customer sees.")
@click.option("--meta", multiple=True, metavar="NAME=VALUE", help="Metadata such as category=billing (repeatable).")
@with_appcontext
def links_sign(key, meta, **params):
    """Print one ticket's signed rating link for each score, as SCORE<TAB>URL."""
    params.update({f"meta.{name}": value for name, value in pairs(meta, "--meta").items()})
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
    try:
        _, made = links.signed_links(current_app.config["PUBLIC_URL"], found, params)
    except PayloadError as error:
        fail(f"--{error.field.replace('meta.', 'meta ')}: {error.message}")
    for score, url in made.items():
        click.echo(f"{score}\t{url}")


@links_group.command("secret")
@click.argument("key")
@click.option("--new", "make_new", is_flag=True,
              help="Make a new secret: links signed with the old one stop working.")
@with_appcontext
def links_secret(key, make_new):
    """Print the secret a site's links are signed with (HMAC-SHA256, docs/api.md), for a
    system that signs its own."""
    with Site._meta.database.connection_context():
        found = site_or_fail(key)
        if make_new:
            found.link_secret = new_link_secret()
            found.save()
    click.echo(found.link_secret)
