"""How long the comment themes of one place take, next to reading its comments.

    python bench/themes.py [--comments 10000] [--runs 5]

Seeds a SQLite file with one site whose hardest article has --comments comments (two in
three of them on difficult answers) and as many comments elsewhere on the site, in five
languages and written from a few hundred phrases, all in the last 30 days. Then times, in
this run on this database:

- the baseline: reading the article's comments (id, text, language) from the database;
- the themes of the article for the last 30 days (`themes.themes_for`), which read its
  difficult comments and the site's other comments of the period, and rank their terms.

It prints the median of --runs and the themes' time as a multiple of the baseline, against
the budget of 200 ms.
"""
import argparse
import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from widget_server import create_app, themes  # noqa: E402
from widget_server.db import flask_db  # noqa: E402
from widget_server.models import Answer, Site  # noqa: E402
from widget_server.reports import Filters, answers_in, at_place  # noqa: E402

BUDGET_MS = 200
PLACE = "kb-reset-password"
# What customers write after a difficult answer, and after an easy one; one in five
# comments takes its phrases from the other list.
HARD = {
    "en": ("the reset e-mail never arrived", "could not find the button", "steps do not match the screen",
           "link expired before I clicked it", "had to call support", "the code was wrong", "page kept loading"),
    "nl": ("de link werkt niet", "geen e-mail ontvangen", "knop niet gevonden"),
    "de": ("die e-mail kam nie an", "link funktioniert nicht", "schritte passen nicht"),
    "fr": ("le lien ne fonctionne pas", "je n'ai pas reçu le mail", "trop long"),
    "ja": ("メールが届かない", "リンクが切れている", "ボタンが見つからない"),
}
EASY = {
    "en": ("great article", "quick and clear", "worked first time", "thanks", "the e-mail came at once"),
    "nl": ("duidelijk uitgelegd", "snel geregeld"),
    "de": ("sehr hilfreich", "schnell erledigt"),
    "fr": ("très clair", "rapide"),
    "ja": ("わかりやすい", "すぐにできた"),
}


def comment(rng, difficult):
    language = rng.choices(list(HARD), (6, 1, 1, 1, 1))[0]
    words = HARD if difficult == (rng.random() < 0.8) else EASY
    phrases = rng.sample(words[language], k=min(3, len(words[language])))
    return language, ". ".join(phrases[:rng.randint(1, 3)]) + f" (order {rng.randint(1, 99999)})"


def seed(count, now):
    rng = random.Random(2026)
    site = Site.create_with_key("Benchmark help centre", ["https://help.example.com"])
    rows = []
    for number in range(2 * count):
        at_place_here = number < count
        difficult = rng.random() < (0.66 if at_place_here else 0.2)
        language, text = comment(rng, difficult)
        score = rng.choice((1, 2, 3)) if difficult else rng.choice((5, 6, 7))
        rows.append({"site": site.id, "key": f"bench-themes-{number:012d}", "touchpoint": "kb-article",
                     "ref": PLACE if at_place_here else f"kb-{number % 300}", "scale": "agreement7", "score": score,
                     "effort_class": "difficult" if difficult else "easy", "ease": 0.0, "comment": text,
                     "locale": language, "created_at": now - datetime.timedelta(minutes=rng.randint(0, 29 * 24 * 60))})
        if len(rows) == 2000:
            Answer.insert_many(rows).execute()
            rows = []
    if rows:
        Answer.insert_many(rows).execute()
    return site


def median_ms(work, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ces-bench-") as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/themes.sqlite3", "INSTANCE_PATH": folder,
                          "SECRET_KEY": "benchmark", "ALERT_WORKER": 0})
        with app.app_context():
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
            site = seed(options.comments, now)
            filters = Filters(now.date() - datetime.timedelta(days=29), now.date(), site.id)

            def read_comments():
                query = at_place(answers_in(filters), PLACE).where(Answer.comment != "")
                return list(query.select(Answer.id, Answer.comment, Answer.locale).tuples())

            found = themes.themes_for(filters, PLACE)
            # Warm, as a server is after its first request: the stemmers' caches filled.
            baseline = median_ms(read_comments, options.runs)
            ranked = median_ms(lambda: themes.themes_for(filters, PLACE), options.runs)
        flask_db.database.close()
    print(f"comment themes of one place with {options.comments:,} comments "
          f"({found.difficult_comments:,} difficult; {found.other_comments:,} other comments on the site), "
          f"median of {options.runs}")
    print(f"baseline: reading the place's comments  {baseline:8.1f} ms")
    print(f"themes of the place                    {ranked:8.1f} ms = {ranked / baseline:.1f}x the baseline; "
          f"budget {BUDGET_MS} ms ({ranked / BUDGET_MS:.2f}x)")
    print("top themes:", ", ".join(f"{theme.term} ({theme.z})" for theme in found.themes[:8]))


if __name__ == "__main__":
    main()
