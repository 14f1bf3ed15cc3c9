"""Comment themes: the words and two-word phrases that difficult comments use much more
often than the other comments of the same sites and period.

Terms are ranked by the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi and Quinn, 2008, "Fightin' Words", section 3.5), by its z-score. The
prior is the pooled comments of both groups (at a tenth of their weight), so a term only
a few comments use is pulled towards no difference, and a term every comment uses does
not stand out. A term is
counted once per comment that contains it: one long comment repeating a word is one
customer, not a theme.

Each comment is read in its own language (the answer's locale): words lower-cased, stop
words dropped and the rest stemmed where the snowballstemmer package has the language
(negations are kept, so "not arriving" is a phrase), plain lower-cased words elsewhere,
and character bigrams for Japanese, which has no spaces.
"""
import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import peewee
import snowballstemmer
import stopwords as stopword_lists

from . import rollups
from .db import flask_db
from .models import Answer
from .reports import answers_in, at_place
from .scales import DIFFICULT

# A z-score beyond this is a difference the comments themselves make likely: one-sided 95 %,
# as the question is only whether difficult comments use a term more.
SIGNIFICANT = 1.645
# The prior weighs as this share of the comments' own counts: enough to quiet a term of a
# few comments, not so much that a clear difference among a few dozen comments is hidden
# (at the comments' own weight, a term in a fifth of the difficult comments and a twentieth
# of the others, 60 comments in all, would not count).
PRIOR_SHARE = 0.1
# Languages by the first part of their tag, as snowballstemmer and the stop word lists name them.
LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "nl": "dutch", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
}
# Stop words that turn what follows around, kept: "not working" is a theme, "working" its opposite.
NEGATIONS = {
    "english": {"no", "not", "nor", "never", "cannot"}, "dutch": {"niet", "geen", "nooit"},
    "german": {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie"}, "french": {"ne", "pas", "non", "jamais"},
    "spanish": {"no", "nunca"}, "portuguese": {"não", "nunca"}, "italian": {"non", "mai"}, "polish": {"nie"},
    "arabic": {"لا", "لم", "لن", "ليس"},
}
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# Words, and the marks that end a sentence or a clause, which phrases do not run across.
TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[.!?;:,()\[\]\n]")
# Hiragana, katakana and CJK ideographs: the runs Japanese is written in without spaces.
JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+")


@dataclass(frozen=True)
class Theme:
    term: str  # as the comments write it most often
    key: str  # the term as comments are matched on it (stemmed)
    z: float
    difficult: int  # difficult comments that contain it
    other: int  # the other comments that contain it


@dataclass(frozen=True)
class Themes:
    themes: list
    difficult_comments: int
    other_comments: int


@functools.cache
def language_of(locale):
    """The snowball name of a locale's language, or None where the package has none."""
    name = LANGUAGES.get((locale or "").partition("-")[0].lower())
    return name if name in snowballstemmer.algorithms() else None


@functools.cache
def stemmer_for(language):
    stemmer = snowballstemmer.stemmer(language)
    return functools.lru_cache(maxsize=50_000)(stemmer.stemWord)


@functools.cache
def stop_words_for(language):
    try:
        words = set(stopword_lists.get_stopwords(language))
    except stopword_lists.LanguageNotAvailable:
        return frozenset()
    negations = NEGATIONS.get(language, set())
    return frozenset(word for word in words if word not in negations and not word.endswith("n't"))


def terms_of(comment, locale):
    """{term key: how the comment writes it} for every word and two-word phrase in a comment."""
    text = comment.casefold()
    if (locale or "").lower().startswith("ja"):
        return japanese_terms(text)
    stem, stops, negations = reader_for(language_of(locale))
    found = {}
    before = None  # the word kept before this one in the clause: (key, as written)
    for token in TOKEN.findall(text):
        if not token[0].isalnum() and token[0] != "_":
            before = None  # the end of a clause
            continue
        if len(token) < 2 or token in stops or token.isdigit():
            continue
        key = stem(token)
        # A negation alone says nothing of what went wrong; in a phrase it does.
        if token not in negations:
            found.setdefault(key, token)
        if before is not None:
            found.setdefault(f"{before[0]} {key}", f"{before[1]} {token}")
        before = (key, token)
    return found


@functools.cache
def reader_for(language):
    """(stem, stop words, negations) of a snowball language; for None, words as they are."""
    if language is None:
        return str, frozenset(), frozenset()
    return stemmer_for(language), stop_words_for(language), frozenset(NEGATIONS.get(language, ()))


def japanese_terms(text):
    found = {}
    for run in JAPANESE_RUN.findall(text):
        for pair in [run] if len(run) == 1 else (run[i:i + 2] for i in range(len(run) - 1)):
            found.setdefault(pair, pair)
    for word in WORD.findall(JAPANESE_RUN.sub(" ", text)):
        if len(word) > 1 and not word.isdigit():
            found.setdefault(word, word)
    return found


def z_scores(group, rest, prior):
    """{term: z} of the weighted log-odds ratio of each term of `prior` between two groups'
    counts, with the informative Dirichlet prior `prior` (term counts; its total is α0)."""
    n_group, n_rest, alpha_0 = sum(group.values()), sum(rest.values()), sum(prior.values())
    scores = {}
    for term, alpha in prior.items():
        in_group, in_rest = group.get(term, 0), rest.get(term, 0)
        # A term that is every word of a group has no odds against the others.
        if n_group + alpha_0 - in_group - alpha <= 0 or n_rest + alpha_0 - in_rest - alpha <= 0:
            continue
        delta = (math.log((in_group + alpha) / (n_group + alpha_0 - in_group - alpha))
                 - math.log((in_rest + alpha) / (n_rest + alpha_0 - in_rest - alpha)))
        scores[term] = delta / math.sqrt(1 / (in_group + alpha) + 1 / (in_rest + alpha))
    return scores


def selected_comments(filters, place=None):
    """(the difficult comments selected, the other comments of the same sites and period),
    each a list of (comment, locale), from one read of the period's comments."""
    # The period's comments are read once, each marked whether the selection chooses it.
    chosen = Answer.effort_class == DIFFICULT
    if filters.touchpoint:
        chosen &= Answer.touchpoint == filters.touchpoint
    if place is not None:
        chosen &= rollups.at_place_condition(place)
    in_group = peewee.Case(None, [(chosen, 1)], 0)
    period = (answers_in(replace(filters, touchpoint=None)).where(Answer.comment != "")
              .select(Answer.comment, Answer.locale, in_group))
    difficult, other = [], []
    # Read raw: three plain values a row need none of the model's conversions.
    for comment, locale, is_chosen in flask_db.database.execute(period):
        (difficult if is_chosen else other).append((comment, locale))
    return difficult, other


def themes_for(filters, place=None, minimum=3, limit=15):
    """The Themes of the difficult comments the filters (and a place) select: terms that
    at least `minimum` of them contain, significantly more often than the other comments
    of the same sites and period, highest z first."""
    difficult, other = selected_comments(filters, place)
    group, rest, written = Counter(), Counter(), defaultdict(Counter)
    for counts, comments, is_group in ((group, difficult, True), (rest, other, False)):
        for comment, locale in comments:
            terms = terms_of(comment, locale)
            counts.update(terms.keys())
            if is_group:
                for key, form in terms.items():
                    written[key][form] += 1
    if not other:
        # Nothing to compare with: no term can be said to stand out.
        return Themes([], len(difficult), 0)
    candidates = {term for term, count in group.items() if count >= minimum}
    scores = z_scores(group, rest, {term: PRIOR_SHARE * count for term, count in (group + rest).items()})
    themes = [Theme(term=written[key].most_common(1)[0][0], key=key, z=round(scores[key], 2),
                    difficult=group[key], other=rest[key])
              for key in candidates if scores.get(key, 0) > SIGNIFICANT]
    # A phrase says more than either of its words: a word shown in a phrase as often is dropped.
    phrases = {key: theme for key, theme in ((theme.key, theme) for theme in themes) if " " in key}
    themes = [theme for theme in themes if " " in theme.key or not any(
        theme.key in phrase.key.split(" ") and phrase.difficult >= theme.difficult for phrase in phrases.values())]
    themes = joined_phrases(themes)
    themes.sort(key=lambda theme: (-theme.z, theme.term))
    return Themes(themes[:limit], len(difficult), len(other))


def joined_phrases(themes):
    """Phrases of the same comments that overlap by a word ("not find", "find forgot") are
    one longer phrase ("not find forgot"): what customers wrote, not pieces of it."""
    themes = list(themes)
    while True:
        pair = next(((first, then) for first in themes for then in themes
                     if first is not then and " " in first.key and " " in then.key
                     and (first.difficult, first.other) == (then.difficult, then.other)
                     and first.key.rsplit(" ", 1)[1] == then.key.split(" ", 1)[0]), None)
        if pair is None:
            return themes
        first, then = pair
        longer = replace(first, term=f"{first.term} {then.term.split(' ', 1)[1]}",
                         key=f"{first.key} {then.key.split(' ', 1)[1]}", z=max(first.z, then.z))
        themes = [theme for theme in themes if theme is not first and theme is not then] + [longer]


def contains(terms, key):
    """Whether a comment's terms (terms_of) hold a theme's key, a phrase of any length."""
    words = key.split(" ")
    return all(f"{word} {following}" in terms for word, following in zip(words, words[1:])) if len(words) > 2 \
        else key in terms


def comments_with(filters, place, key, limit=50):
    """The difficult comments the filters (and a place) select that contain a theme's term
    key, newest first, as answers; and how many there are."""
    chosen = answers_in(filters).where(Answer.comment != "", Answer.effort_class == DIFFICULT)
    if place is not None:
        chosen = at_place(chosen, place)
    matching = [answer for answer in chosen.order_by(Answer.created_at.desc(), Answer.id.desc())
                if contains(terms_of(answer.comment, answer.locale), key)]
    return matching[:limit], len(matching)
