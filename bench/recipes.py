"""The embedding recipes, tried on real sites as a user would paste them.

    python bench/recipes.py [--only docusaurus,nextjs,mkdocs] [--work DIR] [--write]

Reads the recipes from docs/embedding.md ("Recipes"), so a changed page is what is tried.
For each of Docusaurus (JavaScript and TypeScript), Next.js (App Router) and MkDocs Material
it makes a site with its
own tools (npm, pip), applies the recipe as written (the server's URL and a new site key
in place of the examples'), builds it for production, serves the build on its own origin
and, in Debian's Chromium, checks that:

- a prompt is shown on the first page, and an answer is stored with that page's ref;
- client-side navigation to another page shows a new prompt, answered with the new ref;
- the page logs no error, hydration errors included (on the first load the site's own
  scripts are held back, so the prompt is drawn before the framework hydrates), and
  nothing moves when the prompt appears (no layout shift, with the room the recipe
  reserves);
- where the site has a colour toggle, the prompt follows it.

Sites and their packages are kept in --work (default ~/.cache/ces-recipes) between runs,
so only the first run downloads them; a screenshot of each site with its prompt is left
there too (NAME.png, and NAME-dark.png after the colour toggle). It needs the npm registry and PyPI. --write keeps the
result in docs/recipes.md. It takes minutes, so it runs for each release, not in CI.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live import LiveServer, free_port, wait_for_port  # noqa: E402

CHROMIUM = os.environ.get("CES_CHROMIUM", "/usr/bin/chromium")
RECIPES = ROOT / "docs" / "embedding.md"
EXAMPLE_SERVER = "https://ces.example.com/"
# Seconds each of the site's scripts is held back on the first page load.
SITE_SCRIPTS_LATE = 1.0
# Recorded from the first moment of every page: layout shifts, and a mark that a full page
# load would lose (client-side navigation keeps it).
PROBE = """
  window.shifts = 0;
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => {
    if (!entry.hadRecentInput) window.shifts += entry.value;
  })).observe({type: "layout-shift", buffered: true});
"""


def recipe_sections():
    """{heading: [(the text before a block, language, code)]} of the Recipes section."""
    text = RECIPES.read_text(encoding="utf-8")
    section = text.split("\n## Recipes\n", 1)[1].split("\n## ", 1)[0]
    sections = {}
    for part in re.split(r"^### ", section, flags=re.M)[1:]:
        heading, body = part.split("\n", 1)
        blocks, before = [], 0
        for found in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", body, flags=re.M | re.S):
            code = "\n".join(line.removeprefix(found[1]) for line in found[3].splitlines())
            blocks.append((body[before:found.start()], found[2], code + "\n"))
            before = found.end()
        sections[heading.strip()] = blocks
    return sections


def first_path(prose):
    """The first file named in `backticks` in the prose before a block."""
    found = re.search(r"`([\w./\[\]-]+\.(?:js|jsx|tsx|ts|html|yml))`", prose)
    return found[1] if found else None


def filled_in(code, server_url, site_key):
    return code.replace(EXAMPLE_SERVER, server_url + "/").replace("SITE_KEY", site_key)


def run(command, cwd, log, env=None):
    """Run a command, its output to the log; stop the whole run, showing the log's end, if it fails."""
    started = time.monotonic()
    with open(log, "a") as out:
        out.write(f"\n$ {command if isinstance(command, str) else ' '.join(command)}\n")
        out.flush()
        done = subprocess.run(command, cwd=cwd, shell=isinstance(command, str), stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "CI": "1", "npm_config_yes": "true", "NEXT_TELEMETRY_DISABLED": "1",
                                   **(env or {})})
    if done.returncode:
        raise SystemExit(f"{command} failed in {cwd}:\n{Path(log).read_text()[-3000:]}")
    return time.monotonic() - started


class Site:
    """A framework's site: made once, the recipe applied and built on every run, then served."""

    name = ""
    # What the answer's revision label looks like when the recipe gives one.
    revision = None

    def __init__(self, work, server_url, blocks):
        self.folder = work / self.name
        self.log = work / f"{self.name}.log"
        # Each site has a site of its own on the server, made once its origin is known.
        self.server_url, self.site_key, self.blocks = server_url, None, blocks
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process = None

    def code(self, index):
        return filled_in(self.blocks[index][2], self.server_url, self.site_key)

    def serve(self, command, cwd):
        self.process = subprocess.Popen(command, cwd=cwd, stdout=open(self.log, "a"), stderr=subprocess.STDOUT,
                                        env={**os.environ, "NEXT_TELEMETRY_DISABLED": "1"})
        wait_for_port(self.port, self.process, timeout=60)

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


class Docusaurus(Site):
    name = "docusaurus"
    language, code_block = "--javascript", 2
    first, toggle = "/docs/intro", "button[class*=toggleButton]"
    # metadata.lastUpdatedAt: the doc's last commit, in milliseconds.
    revision = re.compile(r"[0-9]{13}")
    # The toggle goes from the system's scheme to light, then dark.
    dark = "document.documentElement.dataset.theme == 'dark'"
    # A link the run adds to the template's first doc (its "Next" link leads to a category
    # page, which has no doc footer).
    next_link = "article a[href='/docs/tutorial-basics/create-a-page']"

    def make(self):
        config_file = self.folder / ("docusaurus.config.ts" if self.language == "--typescript" else "docusaurus.config.js")
        pristine = config_file.with_name(config_file.name + ".orig")
        if not (self.folder / "node_modules").exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            run(["npx", "--yes", "create-docusaurus@3", self.name, "classic", self.language], self.folder.parent, self.log)
            shutil.copy(config_file, pristine)
            intro = self.folder / "docs" / "intro.mdx"
            intro.write_text(intro.read_text() + "\n[Create a page](./tutorial-basics/create-a-page.mdx)\n")
        # The recipe's first block goes inside the config object.
        config = re.sub(r"^(const config\b[^\n]*= \{\n)", lambda found: found[1] + "  " + self.code(0).strip() + "\n",
                        pristine.read_text(), count=1, flags=re.M)
        # The recipe's version needs the docs' last update times, which come from git.
        config = re.sub(r"(\bdocs: \{\n)", r"\1          showLastUpdateTime: true,\n", config, count=1)
        config_file.write_text(config)
        if not (self.folder / ".git").exists():
            run("git init --quiet && git add --all && git -c user.name=bench -c user.email=bench@example.com "
                "commit --quiet --message site", self.folder, self.log)
        shutil.rmtree(self.folder / "src" / "theme", ignore_errors=True)
        # The recipe's swizzle command is written for JavaScript; it says what TypeScript takes.
        run(self.code(1).strip().replace("--javascript", self.language), self.folder, self.log)
        (self.folder / first_path(self.blocks[self.code_block][0])).write_text(self.code(self.code_block))
        seconds = run(["npm", "run", "build"], self.folder, self.log)
        if self.language == "--typescript":
            run(["npm", "run", "typecheck"], self.folder, self.log)
        return seconds

    def start(self):
        self.serve(["npx", "docusaurus", "serve", "--port", str(self.port), "--host", "127.0.0.1", "--no-open"],
                   self.folder)

    def versions(self):
        return {"@docusaurus/core": npm_version(self.folder, "@docusaurus/core"), "react": npm_version(self.folder, "react")}


class DocusaurusTypeScript(Docusaurus):
    name = "docusaurus-ts"
    language, code_block = "--typescript", 3


class NextJs(Site):
    name = "nextjs"
    first, toggle = "/docs/first", None
    next_link = "a[href='/docs/second']"
    # The site's own pages, which the recipe does not give: two articles linking each other.
    ARTICLE = """IMPORT
import Link from "next/link";

export const dynamicParams = false;

export function generateStaticParams() {
  return [{ slug: "first" }, { slug: "second" }];
}

export default async function Article({ params }) {
  const { slug } = await params;
  const other = slug === "first" ? "second" : "first";
  return (
    <main style={{ maxWidth: "40rem", margin: "2rem auto", fontFamily: "system-ui" }}>
      <h1>Article {slug}</h1>
      <p>{"Some help text. ".repeat(40)}</p>
      <p><Link href={`/docs/${other}`}>Read the {other} article</Link></p>
      <CesPrompt />
    </main>
  );
}
"""

    def make(self):
        if not (self.folder / "node_modules").exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.mkdir(parents=True)
            (self.folder / "package.json").write_text(json.dumps(
                {"name": "recipe-nextjs", "private": True, "scripts": {"build": "next build", "start": "next start"}}))
            run(["npm", "install", "--no-audit", "--no-fund", "next@latest", "react@latest", "react-dom@latest"],
                self.folder, self.log)
        app = self.folder / "app"
        shutil.rmtree(app, ignore_errors=True)
        (app / "docs" / "[slug]").mkdir(parents=True)
        for index in (0, 1):
            (self.folder / first_path(self.blocks[index][0])).write_text(self.code(index))
        # The third step gives the import line in its prose.
        prose = RECIPES.read_text(encoding="utf-8").split("### Next.js", 1)[1].split("\n### ", 1)[0]
        import_line = re.search(r'`(import CesPrompt from\s+"[^"]+";)`', prose.replace("\n", " "))[1]
        (app / "docs" / "[slug]" / "page.js").write_text(self.ARTICLE.replace("IMPORT", re.sub(r"\s+", " ", import_line)))
        (app / "page.js").write_text('import Link from "next/link";\n\nexport default function Home() {\n'
                                     '  return <Link href="/docs/first">Help articles</Link>;\n}\n')
        (self.folder / "jsconfig.json").write_text(json.dumps({"compilerOptions": {"paths": {"@/*": ["./*"]}}}))
        return run(["npx", "next", "build"], self.folder, self.log)

    def start(self):
        self.serve(["npx", "next", "start", "-p", str(self.port), "-H", "127.0.0.1"], self.folder)

    def versions(self):
        return {"next": npm_version(self.folder, "next"), "react": npm_version(self.folder, "react")}


class MkDocs(Site):
    name = "mkdocs"
    first, toggle = "/first/", "[data-md-component=palette] label:not([hidden])"
    # page.update_date, without the git plugin.
    revision = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
    dark = "document.body.dataset.mdColorScheme == 'slate'"
    next_link = "article a[href$='/second/']"
    # Instant navigation needs site_url; no web fonts (this machine reaches no font CDN).
    CONFIG = """site_name: Recipe check
site_url: ORIGIN/
theme:
  name: material
  custom_dir: overrides
  font: false
  features: [navigation.instant]
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light mode}
nav: [index.md, first.md, second.md]
"""

    def make(self):
        environment = self.folder / "venv"
        if not (environment / "bin" / "mkdocs").exists():
            shutil.rmtree(self.folder, ignore_errors=True)
            venv.create(environment, with_pip=True)
            run([str(environment / "bin" / "pip"), "install", "--quiet", "mkdocs-material"], self.folder, self.log)
        docs = self.folder / "docs"
        shutil.rmtree(docs, ignore_errors=True)
        docs.mkdir()
        text = "Some help text. " * 40
        (docs / "index.md").write_text("# Help\n\n[First article](first.md)\n")
        (docs / "first.md").write_text(f"# First article\n\n{text}\n\n[The second article](second.md)\n")
        (docs / "second.md").write_text(f"# Second article\n\n{text}\n\n[The first article](first.md)\n")
        (self.folder / "mkdocs.yml").write_text(self.CONFIG.replace("ORIGIN", self.origin))
        overrides = self.folder / first_path(self.blocks[0][0])
        overrides.parent.mkdir(exist_ok=True)
        overrides.write_text(self.code(0))
        return run([str(environment / "bin" / "mkdocs"), "build", "--quiet", "--site-dir", "site"], self.folder, self.log)

    def start(self):
        self.serve([sys.executable, "-m", "http.server", str(self.port), "--bind", "127.0.0.1",
                    "--directory", str(self.folder / "site")], self.folder)

    def versions(self):
        shown = subprocess.run([str(self.folder / "venv" / "bin" / "pip"), "show", "mkdocs-material", "mkdocs"],
                               capture_output=True, text=True).stdout
        names = re.findall(r"^Name: (.+)$", shown, flags=re.M)
        numbers = re.findall(r"^Version: (.+)$", shown, flags=re.M)
        return dict(zip(names, numbers))


def npm_version(folder, package):
    manifest = folder / "node_modules" / package / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else "?"


def check(browser, site, server, site_key):
    """[(what was checked, passed, details)] for one served site."""
    results = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # A site without an icon: the browser's request for one is not the recipe's error.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.add_init_script(PROBE)
    # The site's own scripts arrive late, as on a slow phone: the widget draws its prompt
    # before a framework hydrates the page, which is when a prompt added to what the
    # framework rendered would make hydration fail.
    late = f"{site.origin}/**/*.js"
    context.route(late, lambda route: (time.sleep(SITE_SCRIPTS_LATE), route.continue_()))
    page.goto(site.origin + site.first)
    prompt = page.locator("[data-ces-touchpoint]").get_by_role("button", name="2", exact=True)
    try:
        prompt.wait_for(timeout=15000)
        shown = True
    except PlaywrightTimeout as error:  # reported, not raised: the other checks still run
        shown, problems = False, problems + [f"no prompt: {error}"]
    results.append(("prompt shown on the first page", shown, site.first))
    page.wait_for_load_state("load")
    context.unroute(late)
    # Settled: the page and the prompt have had a frame to move in.
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    shift = page.evaluate("window.shifts")
    results.append(("no layout shift as the prompt appears", shift == 0, f"CLS {shift:.4f}"))
    if site.toggle and shown:
        before = card_background(page)
        for _ in range(3):
            if page.evaluate(site.dark):
                break
            page.locator(site.toggle).first.click()
        try:
            page.wait_for_function(f"({CARD_BACKGROUND})() != {json.dumps(before)}", timeout=5000)
        except PlaywrightTimeout:
            pass  # reported below: the card kept its colours
        after = card_background(page)
        prompt.scroll_into_view_if_needed()
        page.screenshot(path=str(site.folder.parent / f"{site.name}-dark.png"))
        results.append(("the prompt follows the site's colour toggle", before != after and luminance(after) < 0.2,
                        f"{before} → {after}"))
        page.locator(site.toggle).first.click()
    if shown:
        prompt.scroll_into_view_if_needed()
        page.screenshot(path=str(site.folder.parent / f"{site.name}.png"))
        prompt.click()
        stored = server.answers(site_key)
        ref = stored[0]["ref"] if stored else None
        results.append(("answer stored with the page's ref", ref == site.first, f"ref {ref!r}"))
        if site.revision:
            version = stored[0]["version"] if stored else None
            results.append(("answer carries the page's revision", bool(site.revision.fullmatch(version or "")),
                            f"version {version!r}"))
    page.evaluate("window.notReloaded = true")
    page.locator(site.next_link).first.click()
    page.wait_for_function(f"location.pathname != {site.first!r}")
    second = page.evaluate("location.pathname")
    kept = page.evaluate("window.notReloaded === true")
    again = page.locator("[data-ces-touchpoint]").get_by_role("button", name="2", exact=True)
    try:
        again.wait_for(timeout=15000)
        again.click()
        stored = server.answers(site_key, count=2)
        ref = stored[1]["ref"] if len(stored) > 1 else None
        navigated = ref == second
    except PlaywrightTimeout as error:
        ref, navigated = None, False
        problems.append(f"no prompt after navigating: {error}")
    results.append(("client-side navigation asks again with the new ref", navigated and kept,
                    f"{second}: ref {ref!r}, {'no reload' if kept else 'the page reloaded'}"))
    page.wait_for_timeout(500)  # errors logged while the answer and follow-up settle are counted too
    results.append(("no errors logged (hydration included)", not problems,
                    "; ".join(problem.splitlines()[0] for problem in problems)[:600] or "none"))
    context.close()
    return results


# The background of the first inline prompt's card: its host is in the container's shadow
# root, or the container's child.
CARD_BACKGROUND = """() => {
  const card = [...document.querySelectorAll('[data-ces-touchpoint]')].map(
    (el) => (el.shadowRoot?.querySelector('ces-prompt') || el.querySelector('ces-prompt'))?.shadowRoot
      ?.querySelector('[role=group]')).find(Boolean);
  return card ? getComputedStyle(card).backgroundColor : null;
}"""


def card_background(page):
    return page.evaluate(CARD_BACKGROUND)


def luminance(colour):
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour or "")[:3]] or [255, 255, 255]
    return sum(weight * value / 255 for weight, value in zip((0.2126, 0.7152, 0.0722), numbers))


SITES = {"docusaurus": (Docusaurus, "Docusaurus"),
         "docusaurus-ts": (DocusaurusTypeScript, "Docusaurus, TypeScript (its build and `npm run typecheck`)"),
         "nextjs": (NextJs, "Next.js (App Router)"),
         "mkdocs": (MkDocs, "MkDocs (Material)")}


def report(outcomes):
    lines = [f"Last run: {datetime.date.today().isoformat()}, `python bench/recipes.py --write`, "
             f"Chromium {outcomes['chromium']}.", ""]
    for name, (versions, build_seconds, results) in outcomes["sites"].items():
        lines += [f"## {SITES[name][1]}", "",
                  "Built with " + ", ".join(f"{package} {version}" for package, version in versions.items())
                  + f" (production build, {build_seconds:.0f} s).", "",
                  "| check | result | details |", "| --- | --- | --- |"]
        lines += [f"| {what} | {'pass' if passed else '**FAIL**'} | {details.replace('|', '/')} |"
                  for what, passed, details in results]
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SITES), help="comma-separated: " + ", ".join(SITES))
    parser.add_argument("--work", type=Path, default=Path.home() / ".cache" / "ces-recipes")
    parser.add_argument("--write", action="store_true", help="keep the result in docs/recipes.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sections = recipe_sections()
    blocks = {"docusaurus": sections["Docusaurus"], "docusaurus-ts": sections["Docusaurus"],
              "nextjs": sections["Next.js (App Router)"],
              "mkdocs": sections["MkDocs (Material)"]}
    chosen = [name for name in args.only.split(",") if name]
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder))
        sites = {name: SITES[name][0](args.work, server.url, blocks[name]) for name in chosen}
        for site in sites.values():
            site.site_key = server.add_site([site.origin])
        server.start()
        outcomes = {"sites": {}}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                outcomes["chromium"] = browser.version
                for name, site in sites.items():
                    print(f"{name}: making and building in {site.folder} (log: {site.log})", flush=True)
                    seconds = site.make()
                    site.start()
                    try:
                        results = check(browser, site, server, site.site_key)
                    finally:
                        site.stop()
                    outcomes["sites"][name] = (site.versions(), seconds, results)
                    for what, passed, details in results:
                        print(f"  {'pass' if passed else 'FAIL'}  {what}: {details}", flush=True)
                browser.close()
        finally:
            server.stop()
    text = report(outcomes)
    if args.write:
        (ROOT / "docs" / "recipes.md").write_text(
            "# The recipes, tried on real sites\n\n" + __doc__.split("\n\n", 2)[2].split("\n\nSites and")[0] + "\n\n"
            + text + "\n", encoding="utf-8")
    failed = [what for _, _, results in outcomes["sites"].values() for what, passed, _ in results if not passed]
    print(f"{len(failed)} checks failed" if failed else "every check passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
