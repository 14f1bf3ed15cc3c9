"""README.md documents every setting, command and widget attribute."""
from pathlib import Path

import pytest

from widget_server.settings import SETTINGS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
WIDGET = (Path(__file__).parent.parent / "static" / "widget.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_setting_is_in_the_readme(setting):
    assert f"`{setting.name}`" in README


def command_paths(group, prefix=""):
    for name, command in group.commands.items():
        if name in ("shell", "routes"):
            continue
        yield f"{prefix}{name}"
        if hasattr(command, "commands"):
            yield from command_paths(command, f"{prefix}{name} ")


def test_every_command_is_in_the_readme(app):
    for command in ["run", *command_paths(app.cli)]:
        assert f"widget-server {command}" in README


@pytest.mark.parametrize(
    "attribute",
    ["data-site", "data-ces-auto", "data-ces-ref", "data-ces-customer", "data-ces-lang", "data-ces-api",
     "data-ces-touchpoint", "data-ces-agent", "data-ces-conversation", "--ces-accent"],
)
def test_every_widget_attribute_is_in_the_contract_and_the_readme(attribute):
    assert attribute in WIDGET
    assert attribute in README
