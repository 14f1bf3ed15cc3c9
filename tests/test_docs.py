"""README.md documents every setting, command and widget attribute, and its generated parts
(the settings and commands tables, docs/cli.md) match the code."""
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


def test_the_generated_reference_parts_are_current():
    # cog (cogapp) reruns the generators in README.md and docs/cli.md and fails on any change.
    from cogapp import Cog

    root = Path(__file__).parent.parent
    status = Cog().main(["cog", "--check", "--diff", "-I", str(root),
                         str(root / "README.md"), str(root / "docs" / "cli.md")])
    assert status == 0, "README.md or docs/cli.md is stale: run `cog -r README.md docs/cli.md`"


def test_the_readme_stays_a_users_readme():
    # Measurements, their method and history live in docs/; the README says what a user needs.
    assert len(README.splitlines()) <= 320


def test_every_link_to_the_docs_leads_to_a_file():
    import re

    root = Path(__file__).parent.parent
    for document in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(((?:\.\./|docs/|bench/)?[\w./-]+\.md)(?:#[\w-]+)?\)", document.read_text()):
            assert (document.parent / target).exists(), (document.name, target)


def test_every_link_into_the_readme_names_a_heading_it_has():
    import re

    root = Path(__file__).parent.parent
    anchors = {re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")
               for heading in re.findall(r"^#+ (.+)$", README, re.MULTILINE)}
    for document in sorted((root / "docs").glob("*.md")):
        for anchor in re.findall(r"\]\(\.\./README\.md#([\w-]+)\)", document.read_text()):
            assert anchor in anchors, (document.name, anchor)
