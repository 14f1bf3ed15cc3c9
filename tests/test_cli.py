"""The widget-server command: sites, admins and settings."""
import json
import os
import subprocess
import sys

import click
import pytest

from widget_server.alert_models import Webhook

from widget_server.models import AdminUser, Site

from .helpers import store


def test_site_add_prints_key_and_script_tag(runner):
    result = runner.invoke(args=["site", "add", "Docs", "--origin", "https://Docs.Example.com/", "--origin", "http://localhost:3000"])

    assert result.exit_code == 0, result.output
    site = Site.get()
    assert site.origins == ["https://docs.example.com", "http://localhost:3000"]
    assert f'<script src="http://127.0.0.1:5000/widget.js" data-site="{site.key}" async></script>' in result.output


def test_site_add_refuses_a_url_with_a_path(runner):
    result = runner.invoke(args=["site", "add", "Docs", "--origin", "https://docs.example.com/help"])

    assert result.exit_code != 0
    assert "origin" in result.output and "path" in result.output
    assert Site.select().count() == 0


def test_site_list_shows_keys_and_origins(runner, site):
    result = runner.invoke(args=["site", "list"])

    assert f"{site.key}\tHelp centre\thttps://help.example.com" in result.output


def test_site_set_changes_settings(runner, site):
    result = runner.invoke(args=[
        "site", "set", site.key, "--scale", "effort5", "--touchpoint-scale", "kb-article=ease5",
        "--cooldown-days", "7", "--sample-percent", "25", "--auto-delay", "5", "--auto-scroll", "30",
        "--add-origin", "https://app.example.com", "--text", "nl:thanks=Dank!", "--text", "*:question.kb-article=Helped?",
    ])

    assert result.exit_code == 0, result.output
    changed = Site.get_by_id(site.id)
    assert (changed.scale, changed.touchpoint_scales) == ("effort5", {"kb-article": "ease5"})
    assert (changed.cooldown_days, changed.sample_percent) == (7, 25)
    assert (changed.auto_delay_seconds, changed.auto_scroll_percent) == (5, 30)
    assert changed.origins == ["https://help.example.com", "https://app.example.com"]
    assert changed.texts == {"nl": {"thanks": "Dank!"}, "*": {"question.kb-article": "Helped?"}}
    assert json.loads(result.output)["scale"] == "effort5"


def test_site_set_refuses_bad_values_and_keeps_the_old_ones(runner, site):
    for args, message in [
        (["--sample-percent", "120"], "sample_percent"),
        (["--touchpoint-scale", "kb-article=nps"], "scale"),
        (["--text", "nl:no-such-string=x"], "texts"),
        (["--remove-origin", "https://other.example"], "origin"),
    ]:
        result = runner.invoke(args=["site", "set", site.key, *args])
        assert result.exit_code != 0 and message in result.output, (args, result.output)
    assert Site.get_by_id(site.id).sample_percent == 100


def test_admin_add_reads_the_password_from_stdin(runner):
    result = runner.invoke(args=["admin", "add", "olivia", "--password-stdin"], input="a long enough password\n")

    assert result.exit_code == 0, result.output
    assert AdminUser.get().check_password("a long enough password")
    assert "a long enough password" not in result.output


def test_admin_add_refuses_a_short_password(runner):
    result = runner.invoke(args=["admin", "add", "olivia", "--password-stdin"], input="short\n")

    assert result.exit_code != 0
    assert AdminUser.select().count() == 0


def test_settings_lists_every_setting_without_secrets(runner, app):
    result = runner.invoke(args=["settings"])

    assert "DATABASE_URL=" in result.output and "SECRET_KEY=(set)" in result.output
    assert app.config["SECRET_KEY"] not in result.output


def test_admin_add_asks_for_the_password_twice(runner):
    result = runner.invoke(args=["admin", "add", "olivia"], input="a long enough password\na long enough password\n")

    assert result.exit_code == 0, result.output
    assert AdminUser.get().check_password("a long enough password")


def test_rollups_rebuild_recounts_from_the_answers(runner, site):
    from widget_server import rollups

    store(site, {"key": "r" * 20, "touchpoint": "kb-article", "scale": "ease5", "score": 1})
    rollups.ScoreCount.delete().execute()

    result = runner.invoke(args=["rollups", "rebuild"])

    assert result.exit_code == 0 and "Recounted 1 answers." in result.output
    assert rollups.ScoreCount.get().answers == 1


def test_admins_are_listed_given_a_new_password_and_removed(runner, admin):
    listed = runner.invoke(args=["admin", "list"])
    changed = runner.invoke(args=["admin", "password", "olivia", "--password-stdin"], input="a brand new password\n")
    removed = runner.invoke(args=["admin", "remove", "olivia"])
    missing = runner.invoke(args=["admin", "remove", "olivia"])

    assert listed.exit_code == 0 and listed.output.startswith("olivia\towner\tevery site\tcreated ")
    assert "last login never" in listed.output
    assert changed.exit_code == 0 and "sessions have ended" in changed.output
    assert removed.exit_code == 0
    assert missing.exit_code != 0 and "admin list" in missing.output


def test_alert_targets_are_added_listed_tested_and_removed_from_the_command_line(app, runner, site):
    app.config["ALERT_ALLOWED_NETWORKS"] = ("127.0.0.0/8",)
    from .receiver import Receiver

    receiver = Receiver()
    try:
        added = runner.invoke(args=["alerts", "add", site.key, receiver.url, "--rule", "score_at_most",
                                    "--threshold", "25", "--format", "slack", "--grace", "30"])
        hook = Webhook.get()
        listed = runner.invoke(args=["alerts", "list"])
        tested = runner.invoke(args=["alerts", "test", str(hook.id)])
        removed = runner.invoke(args=["alerts", "remove", str(hook.id)])
        refused = runner.invoke(args=["alerts", "add", site.key, "http://10.0.0.5/hook"])
    finally:
        receiver.close()

    assert added.exit_code == 0, added.output
    assert hook.secret in added.output and (hook.rule, hook.threshold, hook.grace_seconds) == ("score_at_most", 25, 30)
    assert listed.exit_code == 0 and receiver.url in listed.output and hook.secret not in listed.output
    assert tested.exit_code == 0 and "delivered" in tested.output and len(receiver.received) == 1
    assert removed.exit_code == 0 and Webhook.select().count() == 0
    assert refused.exit_code != 0 and "private" in refused.output


def every_command(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


def test_every_command_and_option_says_what_it_does(app):
    for path, command in every_command(app.cli):
        assert command.help or command.short_help, path
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, (path, param.opts)


def test_the_top_level_help_shows_our_commands_not_flasks_options():
    shown = subprocess.run([sys.executable, "-m", "widget_server.cli", "--help"], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, INSTANCE_PATH=os.devnull + "-unused")).stdout

    assert "site" in shown and "demo" in shown
    for flask_option in ("--env-file", "--app", "--debug", "python-dotenv"):
        assert flask_option not in shown


def test_site_add_takes_the_company_its_questions_name(runner):
    result = runner.invoke(args=["site", "add", "Docs", "--company", "Northwind", "--origin", "https://docs.example.com"])

    assert result.exit_code == 0, result.output
    assert Site.get().company == "Northwind"


def test_the_top_level_help_cuts_no_command_short_and_says_the_version():
    env = dict(os.environ, INSTANCE_PATH=os.devnull + "-unused")
    shown = subprocess.run([sys.executable, "-m", "widget_server.cli", "--help"], capture_output=True, text=True,
                           timeout=60, env=env).stdout
    version = subprocess.run([sys.executable, "-m", "widget_server.cli", "--version"], capture_output=True,
                             text=True, timeout=60, env=env).stdout

    assert "..." not in shown.split("Commands:")[1]
    assert version.strip().split()[-1][0].isdigit()


def test_settings_say_unset_not_null(runner):
    from widget_server import settings

    shown = dict((name, value) for name, value, _ in settings.describe({"DATABASE_URL": None, "PUBLIC_URL": None}))

    assert shown["DATABASE_URL"] == shown["PUBLIC_URL"] == "(unset)"
    assert "=null" not in runner.invoke(args=["settings"]).output


def test_site_show_prints_every_setting_the_site_has(runner, site):
    site.change(retention_days="90")
    site.save()

    shown = json.loads(runner.invoke(args=["site", "show", site.key]).output.split("\n<script")[0])

    assert shown["retention_days"] == 90


def test_the_first_admin_is_an_owner_and_later_ones_need_a_role(runner, site):
    first = runner.invoke(args=["admin", "add", "olivia", "--password-stdin"], input="a long enough password\n")
    second = runner.invoke(args=["admin", "add", "vera", "--password-stdin"], input="a long enough password\n")

    assert first.exit_code == 0 and AdminUser.get(AdminUser.username == "olivia").role == "owner"
    assert second.exit_code != 0 and "--role" in second.output
    assert not AdminUser.select().where(AdminUser.username == "vera").exists()


def test_admins_get_a_role_and_sites_from_the_command_line(runner, site, admin):
    other = Site.create_with_key("Bank", ["https://bank.example"])
    added = runner.invoke(args=["admin", "add", "vera", "--role", "viewer", "--site", site.key, "--password-stdin"],
                          input="a long enough password\n")
    changed = runner.invoke(args=["admin", "set", "vera", "--role", "editor", "--site", site.key, "--site", other.key])
    listed = runner.invoke(args=["admin", "list"])

    assert added.exit_code == 0, added.output
    assert changed.exit_code == 0, changed.output
    vera = AdminUser.get(AdminUser.username == "vera")
    assert vera.role == "editor" and sorted(vera.site_ids()) == sorted([site.id, other.id])
    assert f"vera\teditor\t{','.join(sorted([site.key, other.key]))}\t" in listed.output


@pytest.mark.parametrize("args, message", [
    (["admin", "set", "olivia", "--role", "viewer"], "only owner"),
    (["admin", "set", "olivia", "--role", "god"], "god"),
    (["admin", "set", "vera", "--site", "no-such-site"], "no site with key"),
    (["admin", "set", "nobody", "--role", "viewer"], "no admin"),
    (["admin", "set", "vera", "--email", "not an address"], "email"),
    (["admin", "set", "vera", "--digest", "weekly"], "email"),
])
def test_admin_set_refuses_what_it_cannot_do_and_changes_nothing(runner, site, admin, args, message):
    AdminUser.add("vera", "a long enough password", "viewer", [site])
    AdminUser.add("eddie", "a long enough password", "editor", [site])

    result = runner.invoke(args=args)

    assert result.exit_code != 0 and message in result.output, result.output
    assert AdminUser.get(AdminUser.username == "olivia").role == "owner"
    vera = AdminUser.get(AdminUser.username == "vera")
    assert (vera.role, vera.site_ids(), vera.email, vera.digest) == ("viewer", (site.id,), "", "")


def test_the_last_owner_of_a_team_is_not_removed(runner, site, admin):
    AdminUser.add("vera", "a long enough password", "viewer", [site])

    result = runner.invoke(args=["admin", "remove", "olivia"])

    assert result.exit_code != 0 and "only owner" in result.output
    assert AdminUser.select().where(AdminUser.username == "olivia").exists()


def test_a_role_change_alone_keeps_the_sites_given_and_gives_an_owner_none(runner, site, admin):
    other = Site.create_with_key("Bank", ["https://bank.example"])
    AdminUser.add("otto", "a long enough password", "owner")
    AdminUser.add("vera", "a long enough password", "viewer", [site])

    demoted = runner.invoke(args=["admin", "set", "otto", "--role", "viewer"])
    promoted = runner.invoke(args=["admin", "add", "vera", "--role", "editor", "--password-stdin"],
                             input="another long password\n")

    assert demoted.exit_code == 0 and AdminUser.get(AdminUser.username == "otto").site_ids() == ()
    assert promoted.exit_code == 0, promoted.output
    assert AdminUser.get(AdminUser.username == "vera").site_ids() == (site.id,)
    assert other.id not in AdminUser.get(AdminUser.username == "vera").site_ids()
