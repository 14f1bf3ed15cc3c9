"""What every command group uses: how a command names itself in hints, ends with a
message, and finds the row it was given."""
import sys
from pathlib import Path

import click

from ..models import Site


def program():
    """How this command was run (.venv/bin/widget-server, say), for hints to run another:
    without the virtual environment active, a bare `widget-server` is not found."""
    invoked = sys.argv[0] if sys.argv else ""
    return invoked if Path(invoked).name == "widget-server" else "widget-server"


def fail(message):
    raise click.ClickException(message)


def found_or_fail(model, condition, missing):
    """The row the condition finds, or the command ends saying `missing`."""
    found = model.get_or_none(condition)
    if found is None:
        fail(missing)
    return found


def site_or_fail(key):
    return found_or_fail(Site, Site.key == key, f"no site with key {key!r}; `widget-server site list` shows the keys")
