"""Build the served widget: `python -m widget_server.build` writes static/widget.min.js and
static/widget-followup.min.js from the readable static/widget.js and widget-followup.js.
A test fails while the built files and the sources disagree."""
import hashlib
import re
from pathlib import Path

import minify

STATIC = Path(__file__).resolve().parent.parent / "static"
# widget.js imports the follow-up by this name; the build pins it to the version beside it.
FOLLOW_UP = "widget-followup.js"
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
    """{served name: text} for the two served files."""
    follow_up = minified((STATIC / FOLLOW_UP).read_text(encoding="utf-8"))
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    if f"'./{FOLLOW_UP}'" not in source:
        raise SystemExit(f"static/widget.js no longer imports './{FOLLOW_UP}'")
    pinned = f"widget-followup.{version_of(follow_up)}.js"
    return {
        "widget.min.js": minified(source).replace(f"./{FOLLOW_UP}", f"./{pinned}"),
        "widget-followup.min.js": follow_up,
    }


def main():
    for name, text in built().items():
        (STATIC / name).write_text(text, encoding="utf-8")
        print(f"wrote {STATIC / name}")


if __name__ == "__main__":
    main()
