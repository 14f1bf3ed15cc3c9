"""The people who use the admin: owners add, change and remove admins (their role and
sites); every admin sets where and how often their digest comes."""
from collections import defaultdict

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from playhouse.flask_utils import get_object_or_404

from .auth import admin_pages, requires
from .models import ROLES, AdminSite, AdminUser, Site
from .sites_admin import ROW_ID, problems_of

bp = admin_pages(Blueprint("team", __name__, url_prefix="/admin"))

ROLE_HELP = {
    "owner": "everything, on every site, and the team",
    "editor": "their sites' settings, alerts, API tokens and privacy deletions, and what a viewer sees",
    "viewer": "their sites' summary, answers, comments and export",
}


def chosen_sites(form):
    """The sites ticked in the form (a key that names no site is left out)."""
    keys = form.getlist("sites")
    return list(Site.select().where(Site.key.in_(keys)).order_by(Site.name)) if keys else []


def team_page(problems=(), form=None):
    admins = list(AdminUser.select().order_by(AdminUser.username))
    given = defaultdict(list)  # one query for everyone's sites, not one per admin
    for row in AdminSite.select(AdminSite, Site).join(Site).order_by(Site.name):
        given[row.admin_id].append(row.site)
    return render_template("admin/team.html", admins=admins, given=given, sites=list(Site.select().order_by(Site.name)),
                           roles=list(reversed(ROLES)), role_help=ROLE_HELP, problems=list(problems), form=form or {})


@bp.get("/team/")
@requires("owner")
def index():
    """List the admins with their roles and sites, and a form to add one."""
    return team_page()


@bp.post("/team/")
@requires("owner")
def create():
    """Add an admin with a password to pass on to them, a role and sites."""
    form = request.form
    try:
        admin = AdminUser.add(form.get("username", ""), form.get("password", ""), form.get("role", ""),
                              chosen_sites(form))
    except ValueError as error:
        return team_page(problems_of(error, "role"), form), 400
    flash(f"Added {admin.username} as {admin.role}. Pass the password on to them in person or another safe way.")
    return redirect(url_for("team.index"))


@bp.route(f"/team/<{ROW_ID}:admin_id>", methods=("GET", "POST"))
@requires("owner")
def edit(admin_id):
    """Change an admin's role and sites, or give them a new password."""
    admin = get_object_or_404(AdminUser, AdminUser.id == admin_id)
    problems = []
    if request.method == "POST":
        form = request.form
        try:
            if form.get("password"):
                admin.set_password(form["password"])  # ends their sessions
                admin.save(only=[AdminUser.password_hash, AdminUser.session_version])
            admin.give(form.get("role", ""), chosen_sites(form))
        except ValueError as error:
            problems = problems_of(error, "role")
        else:
            flash(f"Saved {admin.username}: {admin.role}.")
            return redirect(url_for("team.index"))
    given = {site.id for site in admin.visible_sites()} if admin.role != "owner" else set()
    return render_template("admin/team_member.html", member=admin, given=given, roles=list(reversed(ROLES)),
                           role_help=ROLE_HELP, sites=list(Site.select().order_by(Site.name)),
                           problems=problems), 400 if problems else 200


@bp.post(f"/team/<{ROW_ID}:admin_id>/remove")
@requires("owner")
def remove(admin_id):
    """Remove an admin; their sessions end with them."""
    admin = get_object_or_404(AdminUser, AdminUser.id == admin_id)
    if admin.id == g.admin.id:
        flash("You cannot remove yourself: another owner can.")
        return redirect(url_for("team.edit", admin_id=admin.id))
    if request.form.get("confirm") != "yes":
        flash("Nobody removed: tick the box to confirm.")
        return redirect(url_for("team.edit", admin_id=admin.id))
    try:
        admin.remove()
    except ValueError as error:
        flash(str(error))
        return redirect(url_for("team.edit", admin_id=admin.id))
    flash(f"Removed {admin.username}.")
    return redirect(url_for("team.index"))


@bp.route("/account", methods=("GET", "POST"))
@requires("viewer")
def account():
    """Show the admin's own role and sites; set where and how often their digest comes."""
    problems = []
    if request.method == "POST":
        try:
            g.admin.subscribe(request.form.get("email", ""), request.form.get("digest", ""),
                              request.form.get("digest_hour", ""))
        except ValueError as error:
            problems = problems_of(error, "email")
        else:
            flash("Saved.")
            return redirect(url_for("team.account"))
    return render_template("admin/account.html", sites=list(g.admin.visible_sites().order_by(Site.name)),
                           role_help=ROLE_HELP, problems=problems, form=request.form if problems else None), \
        400 if problems else 200
