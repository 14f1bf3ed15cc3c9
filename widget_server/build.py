"""Build the served widget: `python -m widget_server.build` writes static/NAME.min.js for
the readable static/widget.js and the modules it imports (widget-followup.js,
widget-overlay.js). A test fails while the built files and the sources disagree."""
import hashlib
import re
from pathlib import Path

import minify

from .assets import MODULES

STATIC = Path(__file__).resolve().parent.parent / "static"
STYLESHEET = re.compile(r"const CSS = `(.*?)`;", re.S)

# The sources name each class for what it styles; the served files give it a letter, which
# the byte budget needs. One table for widget.js and both modules, applied to the `.name`
# selectors of their stylesheets and to the class attributes they set, always written as
# `class: 'name ...'` (or a `?:` of such strings). A class not in the table stops the build.
# Tests select through served_selector().
CLASSES = {
    "card": "c", "floating": "o", "question": "q", "body": "b", "close": "x",
    "scale": "s", "ends": "e", "visually-hidden": "v",
    "reasons": "r", "primary": "p", "recovery": "h",
}
CLASS_SELECTOR = re.compile(r"(?<![\w-])\.([a-z][\w-]*)")
CLASS_ATTRIBUTE = re.compile(r"\bclass: ([^,}\n]*)")
STRING = re.compile(r"'([^']*)'")
assert len(set(CLASSES.values())) == len(CLASSES), "two classes share a served name"


def served_class(name):
    if name not in CLASSES:
        raise SystemExit(f"class {name!r} is not in widget_server/build.py CLASSES: give it a letter of its own there")
    return CLASSES[name]


def served_selector(selector):
    """A selector written in the sources' class names (`.scale button`) as the served
    files spell it (`.s button`)."""
    return CLASS_SELECTOR.sub(lambda match: "." + served_class(match[1]), selector)


def short_classes(source):
    """The source with the served class names in its stylesheet and class attributes."""
    stylesheet = STYLESHEET.search(source)
    if stylesheet:
        source = source.replace(stylesheet[1], served_selector(stylesheet[1]))
    return CLASS_ATTRIBUTE.sub(lambda attribute: STRING.sub(
        lambda string: "'" + " ".join(served_class(name) for name in string[1].split()) + "'", attribute[0]), source)


def version_of(script):
    return hashlib.sha256(script.encode("utf-8")).hexdigest()[:12]


def minified(source):
    """tdewolff's minifier renames local names (the biggest saving after gzip); the
    stylesheet in the `CSS` template literal is minified as CSS. Class names are shortened
    first (CLASSES)."""
    source = short_classes(source)
    stylesheet = STYLESHEET.search(source)
    if stylesheet:
        source = source.replace(stylesheet[1], minify.string("text/css", stylesheet[1]))
    return minify.string("application/javascript", source) + "\n"


def built():
    """{served name: text} for the served files."""
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    files = {}
    # widget.js imports each module by name; the build pins it to the version built beside it.
    for module in MODULES:
        files[f"{module}.min.js"] = built_module = minified((STATIC / f"{module}.js").read_text(encoding="utf-8"))
        if f"'./{module}.js'" not in source:
            raise SystemExit(f"static/widget.js no longer imports './{module}.js'")
        source = source.replace(f"'./{module}.js'", f"'./{module}.{version_of(built_module)}.js'")
    return {"widget.min.js": minified(source), **files}


def main():
    for name, text in built().items():
        (STATIC / name).write_text(text, encoding="utf-8")
        print(f"wrote {STATIC / name}")


if __name__ == "__main__":
    main()
