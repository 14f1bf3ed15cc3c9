"""The reference parts of the documents, made from the code so they cannot drift from it:
the settings table in README.md (from settings.SETTINGS), the commands table there and the
command reference in docs/cli.md (from the click commands).

`cog -r README.md docs/cli.md` rewrites them (cogapp, in the test extra); a test fails when
either is stale.
"""
import click

from . import cli
from .settings import SETTINGS

PROGRAM = "widget-server"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def default_of(setting):
    if setting.default is None or setting.default == "":
        return "unset"
    if isinstance(setting.default, bool):
        return "on" if setting.default else "off"
    return f"`{setting.default}`"


def settings_table():
    rows = ["| setting | default | what it does |", "| --- | --- | --- |"]
    rows += [f"| `{setting.name}` | {default_of(setting)} | {cell(setting.help)} |" for setting in SETTINGS]
    return "\n".join(rows) + "\n"


def walk(command, path):
    """Yield (path, command, context) for a command and every command under it."""
    context = click.Context(command, info_name=" ".join(path))
    yield path, command, context
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def every_command():
    for command in cli.commands():
        yield from walk(command, (PROGRAM, command.name))


def usage(command, context):
    return " ".join([context.info_name, *command.collect_usage_pieces(context)])


def commands_table():
    """One row per command a user runs (groups are only the first word of theirs)."""
    rows = ["| command | what it does |", "| --- | --- |"]
    for path, command, context in every_command():
        if not isinstance(command, click.Group):
            anchor = "-".join(path[1:])
            rows.append(f"| [`{' '.join(path)}`](docs/cli.md#{anchor}) | {cell(command.get_short_help_str(200))} |")
    return "\n".join(rows) + "\n"


def cli_reference():
    parts = []
    for path, command, context in every_command():
        if isinstance(command, click.Group):
            parts.append(f"## {' '.join(path[1:])}\n\n{command.help.strip()}\n")
            continue
        parts.append(f'<a id="{"-".join(path[1:])}"></a>\n\n### `{" ".join(path)}`\n')
        parts.append(f"```\n{usage(command, context)}\n```\n")
        parts.append(f"{click.unstyle(command.help or '').strip()}\n")
        options = [param.get_help_record(context) for param in command.get_params(context)
                   if isinstance(param, click.Option) and not param.hidden and "--help" not in param.opts]
        if options:
            parts.append("\n".join(f"- `{names}`: {cell(text).replace('  [', ' [')}" for names, text in options) + "\n")
    return "\n".join(parts)
