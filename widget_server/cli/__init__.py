"""The `widget-server` command: run the server, manage sites and admins, start the demo.
One module per command group; this one holds the group itself and the list of commands."""
import click
from flask.cli import FlaskGroup

from .. import create_app
from .admins import admin
from .alerts import alerts
from .data import answers, backup, db_group, rollups_group
from .digest import digest
from .links import links_group
from .serving import demo, run, show_settings
from .sites import site


class Commands(FlaskGroup):
    """Flask's own options (--app, --env-file, --debug) choose an app, and this command is
    one app: they stay out of its help."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for param in self.params:
            if param.name in ("app", "env_file", "debug"):
                param.hidden = True


@click.group(cls=Commands, create_app=create_app, add_version_option=False, add_default_commands=False)
@click.version_option(package_name="widget-server", message="%(prog)s %(version)s")
def main():
    """Customer Effort Score widget server."""


def init_app(app):
    """Make the commands part of the app, so `widget-server` and test runners find them."""
    for command in commands():
        app.cli.add_command(command)


def commands():
    """Every command of `widget-server`, in the order its reference lists them."""
    return (run, demo, site, admin, alerts, links_group, digest, answers, db_group, rollups_group, backup, show_settings)
