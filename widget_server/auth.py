"""Admin login: the login and logout views, the guard every admin view states its role
with (`requires`), and the security headers every admin page is served with."""
import functools
import time

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from .errors import admin_errors
from .limits import refund_login_attempt, take_login_attempt
from .models import AdminUser, utcnow

def now():
    return time.time()


def load_admin():
    g.admin = None
    admin_id = session.get("admin_id")
    if admin_id:
        admin = AdminUser.get_or_none(AdminUser.id == admin_id)
        # A session made before the admin's last logout or password change has ended, and
        # so has one older than ADMIN_SESSION_HOURS: a cookie refreshed by use (and a stolen
        # one kept busy) does not make the login last longer.
        age = now() - session.get("logged_in_at", 0)
        if (admin is not None and session.get("session_version") == admin.session_version
                and age < current_app.config["ADMIN_SESSION_HOURS"] * 3600):
            g.admin = admin
        else:
            session.clear()


def protect_admin_pages(response):
    # Only the prompt preview may be framed, and only by the admin itself.
    framing = "'self'" if g.get("allow_same_origin_framing") else "'none'"
    # A page may ask for a stricter policy of its own (the e-mail snippet's preview).
    response.headers["Content-Security-Policy"] = g.get("content_security_policy") or (
        f"default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {framing}"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if framing == "'self'" else "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_pages(blueprint):
    """Make a blueprint's views admin pages: the logged-in admin in g.admin, the security
    headers on every response, and refusals shown as pages."""
    blueprint.before_request(load_admin)
    blueprint.after_request(protect_admin_pages)
    return admin_errors(blueprint)


bp = admin_pages(Blueprint("auth", __name__, url_prefix="/admin"))


NO_ACCESS = "Your role or sites do not give you this page; an owner of this server can change that."


def requires(role):
    """Guard an admin view: a logged-in admin whose role allows `role` (models.ROLES), and
    who may see the site the request names, in the URL (`key`) or as the query's or form's
    `site`. Anyone else is sent to the login, or refused with a 403."""

    def guard(view):
        @functools.wraps(view)
        def wrapped(**kwargs):
            if g.admin is None:
                return redirect(url_for("auth.login", next=request.full_path))
            named = [key for key in (kwargs.get("key"), request.args.get("site"), request.form.get("site")) if key]
            if not g.admin.may(role) or not all(g.admin.sees(key) for key in named):
                abort(403, NO_ACCESS)
            return view(**kwargs)

        wrapped.required_role = role
        return wrapped

    return guard


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Log an admin in with username and password."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        take_login_attempt(username)
        admin = AdminUser.logging_in(username, request.form.get("password", ""))
        if admin is None:
            error = "Unknown username or wrong password."
        else:
            refund_login_attempt(username)
            session.clear()
            session.permanent = True
            session["admin_id"] = admin.id
            session["session_version"] = admin.session_version
            session["logged_in_at"] = int(now())
            # Only this column: a whole-row save would write back the role, password and
            # sessions read before the password check, undoing an owner's change made meanwhile.
            AdminUser.update(last_login_at=utcnow()).where(AdminUser.id == admin.id).execute()
            return redirect(safe_next(request.args.get("next")))
    # A refused login keeps the name typed; only the password is asked again.
    username = request.form.get("username", "") if error else ""
    return render_template("admin/login.html", error=error, username=username), 401 if error else 200


def safe_next(target):
    """Follow ?next= only within the admin, so the login cannot redirect anywhere else; one
    with control characters (a header split) is ignored."""
    if target and target.startswith("/admin") and not target.startswith("//") and target.isprintable():
        return target
    return url_for("admin.summary")


@bp.post("/logout")
def logout():
    """End the admin's sessions: this one, and every other made before (other devices, and
    any copy of the cookie)."""
    if g.admin is not None:
        g.admin.end_sessions()
    session.clear()
    return redirect(url_for("auth.login"))
