"""Site management in the admin: create sites, change their settings, see the script tag
and a live preview of the prompt."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from peewee import fn
from playhouse.flask_utils import get_object_or_404

from . import links, locales, mail, outbox, public_url, retention, snippets, webhooks
from .assets import script_tag_for, served_script
from .auth import admin_pages, requires
from .alert_models import FORMATS, RULES, Delivery, Webhook
from .models import ApiToken, Site, utcnow
from .payloads import LARGEST_INTEGER
from .rollups import ScoreCount
from .scales import SCALES
from .site_settings import SiteSettingError, text_override, time_zone_names

bp = admin_pages(Blueprint("sites", __name__, url_prefix="/admin/sites"))

# A row id in a URL, no larger than the database can hold (a larger one is not found).
ROW_ID = f"int(max={LARGEST_INTEGER})"
NUMBER_FIELDS = ("cooldown_days", "sample_percent", "auto_delay_seconds", "auto_scroll_percent", "retention_days")


@bp.get("/")
@requires("editor")
def index():
    """List the sites with their keys, origins and answer counts."""
    return sites_page()


# Refusals name the setting; where the form spells it otherwise, the field to mark.
FORM_FIELD = {"origin": "origins", "touchpoint_scales": "custom_scales"}


def problems_of(error, fallback):
    """[(form field, message)] for a refusal "setting: what is wrong"; one that names no
    field of the form is shown at `fallback`."""
    name, _, rest = str(error).partition(":")
    if name == "recovery_urls":  # "recovery_urls: TOUCHPOINT: …", the touchpoint's own field
        return [(f"recovery.{rest.strip().partition(':')[0]}", str(error))]
    return [(FORM_FIELD.get(name, name) if name.replace("_", "").isalpha() else fallback, str(error))]


def sites_page(errors=(), form=None):
    sites = list(g.admin.visible_sites().order_by(Site.name))
    totals = (ScoreCount.select(ScoreCount.site_id, fn.SUM(ScoreCount.answers))
              .where(ScoreCount.site_id.in_([site.id for site in sites])).group_by(ScoreCount.site_id))
    counts = {site_id: int(total) for site_id, total in totals.tuples()}
    return render_template("admin/sites.html", sites=sites, counts=counts, problems=list(errors), form=form or {})


@bp.post("/privacy")
@requires("editor")
def delete_customer():
    """Delete every answer of a customer id, on every site the admin may change (a privacy
    request)."""
    customer = request.form.get("customer", "")
    if request.form.get("confirm") != "yes":
        flash("Nothing deleted: tick the box to confirm.")
    else:
        try:
            # Flashed messages travel in the session cookie (signed, not hidden): no customer id.
            flash(f"Deleted that customer's answers: {retention.delete_customer(customer, site_ids=g.admin.site_ids())}.")
        except ValueError as error:
            flash(str(error))
    return redirect(url_for("sites.index", _anchor="privacy"))


@bp.post("/")
@requires("owner")
def create():
    """Create a site from a name and its origins."""
    form = request.form
    try:
        site = Site.create_with_key(form.get("name", ""), lines(form.get("origins", "")),
                                    company=form.get("company", ""))
    except SiteSettingError as error:
        return sites_page(problems_of(error, "name"), form), 400
    flash(f"Created {site.name}. Paste its script tag into your pages.")
    return redirect(url_for("sites.edit", key=site.key))


@bp.route("/<key>", methods=("GET", "POST"))
@requires("editor")
def edit(key):
    """Change a site's settings; every value is checked before anything is saved."""
    site = get_object_or_404(Site, Site.key == key)
    errors = []
    if request.method == "POST":
        try:
            site.change(**settings_from(request.form, site))
        except SiteSettingError as error:
            errors = problems_of(error, "name")
            # The page shows the site as saved (change() stops halfway through a refusal),
            # and the form what was typed.
            site = Site.get_by_id(site.id)
        else:
            site.save()
            flash("Saved. Visitors see the change within "
                  f"{current_app.config['CONFIG_MAX_AGE'] // 60} minutes.")
            return redirect(url_for("sites.edit", key=site.key))
    return site_page(site, errors, form=request.form if errors else None), 400 if errors else 200


def site_page(site, problems=(), webhook_form=None, one_time=None, form=None):
    """The site's page: script tag, preview, alerts, API tokens and settings; with
    one_time=(what, value), a secret just made, shown at its top this once. A refused form
    comes back with its problems and, in `form` or `webhook_form`, what was typed."""
    return render_template(
        "admin/site.html",
        site=site,
        one_time=one_time,
        problems=list(problems),
        form=form or {},
        scales=SCALES,
        touchpoints=touchpoints_of(site),
        script_tag=script_tag_for(site),
        unreachable=public_url.unreachable_warning(current_app.config, site.origins),
        texts=text_overrides(site),
        languages=sorted(locales.STRINGS),
        widget_version=served_script(current_app._get_current_object(), "widget").version,
        recovery_text=locales.strings_for(locales.DEFAULT_LANGUAGE, site.texts)["recovery"],
        time_zones=time_zone_names(),
        **link_snippet_context(site),
        **alerts_context(site, webhook_form),
        **threshold_help(site),
    )


def snippet_choices(args):
    """The helpdesk and the ticket category placeholder the site page's snippet is for."""
    helpdesk = args.get("helpdesk", "zendesk")
    category = " ".join(args.get("category", "").split())[:200]
    return (helpdesk if helpdesk in snippets.HELPDESKS else "zendesk"), category


def link_snippet(site, helpdesk, category):
    return snippets.snippet(current_app.config["PUBLIC_URL"], site, helpdesk,
                            meta={links.CATEGORY: category} if category else None)


def link_snippet_context(site):
    """The rating links' snippet, with the placeholders of the helpdesk chosen."""
    helpdesk, category = snippet_choices(request.args)
    return {"helpdesks": snippets.HELPDESKS, "helpdesk": helpdesk, "link_category": category,
            "link_snippet_touchpoint": locales.SUPPORT_REPLY, "link_snippet": link_snippet(site, helpdesk, category),
            "links_unreachable": public_url.links_unreachable_warning(current_app.config)}


@bp.get("/<key>/link-preview")
@requires("editor")
def link_preview(key):
    """The rating links' e-mail block as a mail client draws it, for the site page's frame:
    its own inline styles allowed, no script, nothing loaded, links opening elsewhere."""
    site = get_object_or_404(Site, Site.key == key)
    g.allow_same_origin_framing = True
    g.content_security_policy = ("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                                 "form-action 'none'; frame-ancestors 'self'")
    return render_template("admin/link_preview.html", snippet=link_snippet(site, *snippet_choices(request.args)))


def alerts_context(site, webhook_form=None):
    deliveries = (Delivery.select(Delivery, Webhook).join(Webhook).where(Webhook.site == site)
                  .order_by(Delivery.id.desc()).limit(20))
    # With their site joined: each target's description names its site's scale.
    targets = Webhook.select(Webhook, Site).join(Site).where(Webhook.site == site).order_by(Webhook.id)
    return {"webhooks": list(targets), "deliveries": list(deliveries),
            "api_tokens": list(site.api_tokens.order_by(ApiToken.id)),
            "rules": RULES, "formats": FORMATS, "webhook_form": webhook_form or {},
            "mail_configured": mail.configured(current_app.config)}


@bp.post("/<key>/webhooks")
@requires("editor")
def add_webhook(key):
    """Add an alert target; its signing secret is shown this once."""
    site = get_object_or_404(Site, Site.key == key)
    form = request.form
    try:
        webhook = webhooks.create_webhook(
            site, form.get("url", ""), form.get("rule", ""), form.get("threshold"), form.get("touchpoint", "").strip(),
            form.get("format", "json"), current_app.config["ALERT_ALLOWED_NETWORKS"],
            grace_seconds=form.get("grace_seconds", 60), mail_configured=mail.configured(current_app.config))
    except webhooks.WebhookError as error:
        return site_page(site, problems_of(error, "url"), webhook_form=form), 400
    if webhook.is_email:
        flash(f"Alerts for {webhook.describe()} now go to {', '.join(webhook.addresses())}.")
        return redirect(url_for("sites.edit", key=site.key, _anchor="alerts"))
    # The page itself, not a redirect: a secret must not ride in the session cookie.
    return site_page(site, one_time=(f"The signing secret of the alerts for {webhook.describe()} to {webhook.url}",
                                     webhook.secret))


@bp.post("/<key>/tokens")
@requires("editor")
def issue_token(key):
    """Create a read API token; it is shown this once and only its hash is kept."""
    site = get_object_or_404(Site, Site.key == key)
    try:
        row, token = ApiToken.issue(site, request.form.get("name", ""))
    except SiteSettingError as error:
        return site_page(site, [("token_name", str(error))]), 400
    # The page itself, not a redirect: a token must not ride in the session cookie.
    return site_page(site, one_time=(f"The read API token '{row.name}'", token))


@bp.post(f"/<key>/tokens/<{ROW_ID}:token_id>/revoke")
@requires("editor")
def revoke_token(key, token_id):
    """Revoke a read API token at once."""
    token = get_object_or_404(ApiToken.select().join(Site), (Site.key == key) & (ApiToken.id == token_id))
    token.revoked_at = token.revoked_at or utcnow()
    token.save()
    flash(f"API token '{token.name}' revoked.")
    return redirect(url_for("sites.edit", key=key, _anchor="api-tokens"))


def webhook_of(key, webhook_id):
    return get_object_or_404(Webhook.select().join(Site), (Site.key == key) & (Webhook.id == webhook_id))


@bp.post(f"/<key>/webhooks/<{ROW_ID}:webhook_id>/test")
@requires("editor")
def test_webhook(key, webhook_id):
    """Queue a test alert to a target."""
    try:
        webhooks.enqueue_test(webhook_of(key, webhook_id))
    except webhooks.WebhookError as error:
        flash(str(error).removeprefix("test: ").capitalize())
    else:
        outbox.wake()
        flash("Test alert queued; its delivery shows below within seconds.")
    return redirect(url_for("sites.edit", key=key, _anchor="deliveries"))


@bp.post(f"/<key>/webhooks/<{ROW_ID}:webhook_id>/active")
@requires("editor")
def toggle_webhook(key, webhook_id):
    """Pause or resume a target."""
    webhook = webhook_of(key, webhook_id)
    webhook.active = not webhook.active
    webhook.paused_reason = ""
    webhook.save()
    # Not its URL: flashed messages travel in the session cookie, and URLs carry tokens.
    flash(f"Alert target {webhook.id} {'resumed' if webhook.active else 'paused'}.")
    return redirect(url_for("sites.edit", key=key, _anchor="alerts"))


@bp.post(f"/<key>/webhooks/<{ROW_ID}:webhook_id>/delete")
@requires("editor")
def delete_webhook(key, webhook_id):
    """Remove a target and its delivery history."""
    webhook = webhook_of(key, webhook_id)
    webhook.delete_instance(recursive=True)
    flash(f"Alert target {webhook.id} removed.")
    return redirect(url_for("sites.edit", key=key, _anchor="alerts"))


@bp.get("/<key>/preview")
@requires("editor")
def preview(key):
    """The prompt as visitors see it, drawn by the real widget; nothing it sends is stored."""
    site = get_object_or_404(Site, Site.key == key)
    g.allow_same_origin_framing = True
    return render_template("admin/preview.html", site=site, touchpoint=request.args.get("touchpoint", "kb-article"),
                           lang=request.args.get("lang", "en"))


def text_overrides(site):
    """The site's string overrides as LANG:KEY=TEXT lines, less the built-in touchpoints'
    questions, which have fields of their own."""
    own_fields = {("*", f"question.{touchpoint}") for touchpoint in locales.BUILT_IN_TOUCHPOINTS}
    return "\n".join(f"{language}:{name}={text}" for language, strings in site.texts.items()
                     for name, text in strings.items() if (language, name) not in own_fields)


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def touchpoints_of(site):
    """The built-in touchpoints, then support replies (rating links) and the site's own:
    with a scale or question of their own, or answered on."""
    answered = {row.touchpoint for row in ScoreCount.select(ScoreCount.touchpoint).distinct()
                .where(ScoreCount.site_id == site.id)}
    custom = site.configured_touchpoints() | answered | {locales.SUPPORT_REPLY}
    return list(locales.BUILT_IN_TOUCHPOINTS) + sorted(custom - set(locales.BUILT_IN_TOUCHPOINTS))


def threshold_help(site):
    """For the "ease index at most N" rule: each scale the site asks on, with the ease index
    of each score; and a default N that sends its own scale's two hardest points."""
    used = [SCALES[name] for name in dict.fromkeys([site.scale, *site.touchpoint_scales.values()])]
    hardest_two = SCALES[site.scale].ease_table()[1][1]
    return {"ease_tables": [(scale.noun, scale.ease_table()) for scale in used], "default_threshold": hardest_two}


def settings_from(form, site):
    """Turn the site form into Site.change arguments; SiteSettingError names a bad field."""
    settings = {
        "name": form.get("name", ""),
        "company": form.get("company", ""),
        "origins": lines(form.get("origins", "")),
        "scale": form.get("scale", ""),
    }
    for name in NUMBER_FIELDS:
        settings[name] = form.get(name, "").strip()
    touchpoint_scales = {}
    for touchpoint in locales.BUILT_IN_TOUCHPOINTS:
        if form.get(f"scale.{touchpoint}"):
            touchpoint_scales[touchpoint] = form[f"scale.{touchpoint}"]
    for line in lines(form.get("custom_scales", "")):
        touchpoint, _, scale = line.partition("=")
        touchpoint_scales[touchpoint.strip()] = scale.strip()
    settings["touchpoint_scales"] = touchpoint_scales
    texts = {}
    for line in lines(form.get("texts", "")):
        language, name, text = text_override(line)
        texts.setdefault(language, {})[name] = text
    for touchpoint in locales.BUILT_IN_TOUCHPOINTS:
        question = form.get(f"question.{touchpoint}", "").strip()
        if question:
            texts.setdefault("*", {})[f"question.{touchpoint}"] = question
    settings["texts"] = texts
    if "time_zone" in form:
        settings["time_zone"] = form["time_zone"]
    # A form without these fields (one made before them) leaves them as they are.
    if "recovery_url" in form:
        settings["recovery_url"] = form["recovery_url"]
        # Touchpoints of the site's own keep theirs: the form has the built-in ones.
        recovery_urls = {touchpoint: url for touchpoint, url in site.recovery_urls.items()
                         if touchpoint not in locales.BUILT_IN_TOUCHPOINTS}
        for touchpoint in locales.BUILT_IN_TOUCHPOINTS:
            if form.get(f"recovery.{touchpoint}", "").strip():
                recovery_urls[touchpoint] = form[f"recovery.{touchpoint}"]
        settings["recovery_urls"] = recovery_urls
    if "rating_links" in form:
        settings["link_change_days"] = form.get("link_change_days", "").strip()
        settings["signed_links_only"] = "signed_links_only" in form
    if "journey" in form:
        settings["collect_time_on_page"] = "collect_time_on_page" in form
        settings["search_parameters"] = form.get("search_parameters", "")
    return settings
