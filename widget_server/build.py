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


def version_of(script):
    return hashlib.sha256(script.encode("utf-8")).hexdigest()[:12]


def minified(source):
    """tdewolff's minifier renames local names (the biggest saving after gzip); the
    stylesheet in the `CSS` template literal is minified as CSS."""
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
