"""Build the served widget: `python -m widget_server.build` writes static/widget.min.js
from the readable static/widget.js. A test fails while the two disagree."""
from pathlib import Path

import minify_html
import rjsmin

STATIC = Path(__file__).resolve().parent.parent / "static"


def minified(source):
    """rjsmin drops comments and spaces (the contract comment quotes a </script> tag, which
    would end the script for minify-html); minify-html's JavaScript pass then compacts the
    declarations."""
    stripped = rjsmin.jsmin(source)
    wrapped = minify_html.minify(f"<script>{stripped}</script>", minify_js=True)
    return wrapped.removeprefix("<script>").removesuffix("</script>") + "\n"


def main():
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    (STATIC / "widget.min.js").write_text(minified(source), encoding="utf-8")
    print(f"wrote {STATIC / 'widget.min.js'}")


if __name__ == "__main__":
    main()
