"""Admin pages: login, logout and the list of recent answers."""
import functools

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from .models import AdminUser, Answer, Site, utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.before_request
def load_admin():
    admin_id = session.get("admin_id")
    g.admin = AdminUser.get_or_none(AdminUser.id == admin_id) if admin_id else None


@bp.after_request
def protect_admin_pages(response):
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.admin is None:
            return redirect(url_for("admin.login", next=request.full_path))
        return view(**kwargs)

    return wrapped


@bp.route("/login", methods=("GET", "POST"))
def login():
    """Log an admin in with username and password."""
    error = None
    if request.method == "POST":
        admin = AdminUser.get_or_none(AdminUser.username == request.form.get("username", ""))
        if admin is None or not admin.check_password(request.form.get("password", "")):
            error = "Unknown username or wrong password."
        else:
            session.clear()
            session.permanent = True
            session["admin_id"] = admin.id
            admin.last_login_at = utcnow()
            admin.save()
            return redirect(safe_next(request.args.get("next")))
    return render_template("admin/login.html", error=error), 401 if error else 200


def safe_next(target):
    """Follow ?next= only within this site, so the login cannot be used to redirect away."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.answers")


@bp.post("/logout")
def logout():
    """Forget the admin's session."""
    session.clear()
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required
def index():
    """Send the admin to the newest answers (the summary page will live here)."""
    return redirect(url_for("admin.answers"))


@bp.get("/answers")
@login_required
def answers():
    """List the newest answers, optionally of one site, fifty to a page."""
    sites = list(Site.select().order_by(Site.name))
    query = Answer.select(Answer, Site).join(Site).order_by(Answer.id.desc())
    site_key = request.args.get("site", "")
    if site_key:
        query = query.where(Site.key == site_key)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(Answer.id < before)
    page = list(query.limit(PAGE_SIZE + 1))
    older = page[PAGE_SIZE - 1].id if len(page) > PAGE_SIZE else None
    return render_template(
        "admin/answers.html",
        answers=page[:PAGE_SIZE],
        sites=sites,
        site_key=site_key,
        older=older,
    )
