"""The unsubscribe link of every digest: it works without logging in, because the link
itself is signed for one admin. Opening it asks; the button (or a mail client's one-click
unsubscribe, RFC 8058) stops the digests. A GET changes nothing: mail scanners open links."""
from flask import Blueprint, current_app, render_template, request

from .auth import protect_admin_pages
from .digests import admin_of_token
from .models import AdminUser

bp = Blueprint("unsubscribe", __name__, url_prefix="/digest")
bp.after_request(protect_admin_pages)


@bp.route("/unsubscribe/<token>", methods=("GET", "POST"))
def confirm(token):
    """Ask whether to stop the digests of the admin the link was made for; on POST, stop them."""
    admin = admin_of_token(current_app.config, token)
    if admin is None:
        return render_template("unsubscribe.html", admin=None), 404
    done = request.method == "POST"
    if done:
        AdminUser.update(digest="").where(AdminUser.id == admin.id).execute()
    return render_template("unsubscribe.html", admin=admin, done=done, subscribed=bool(admin.digest))
