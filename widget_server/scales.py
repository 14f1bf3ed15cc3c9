"""The CES scales in real use, and the normalised view every summary works on.

Each answer is stored with the scale it was given on. Because "better" points up on some
scales and down on others, comparisons go through two normalised figures: a class
(easy / neutral / difficult) and an ease index from 0 (worst point) to 100 (best point).
"""
from dataclasses import dataclass

EASY, NEUTRAL, DIFFICULT = "easy", "neutral", "difficult"


@dataclass(frozen=True)
class Scale:
    name: str
    points: int
    higher_is_better: bool
    title: str
    # The scale in a sentence: "2 on the 7-point agreement scale".
    noun: str = ""

    def is_valid(self, score):
        return 1 <= score <= self.points

    def ease(self, score):
        """Return the ease index 0-100 of a score: the worst point 0, the best 100."""
        steps_from_worst = score - 1 if self.higher_is_better else self.points - score
        return 100 * steps_from_worst / (self.points - 1)

    def effort_class(self, score):
        """Return easy, neutral or difficult for a score, as PRODUCT.md defines them."""
        steps_from_worst = score - 1 if self.higher_is_better else self.points - score
        middle = (self.points - 1) / 2
        if steps_from_worst > middle:
            return EASY
        if steps_from_worst < middle:
            return DIFFICULT
        return NEUTRAL

    def scores_up_to(self, ease_index):
        """The scores whose ease index is at most this, in words ("1–2"; "no score")."""
        caught = [score for score in range(1, self.points + 1) if self.ease(score) <= ease_index]
        if not caught:
            return "no score"
        return f"{caught[0]}" if len(caught) == 1 else f"{min(caught)}–{max(caught)}"

    def ease_table(self):
        """[(score, its ease index rounded)], hardest first."""
        scores = range(1, self.points + 1) if self.higher_is_better else range(self.points, 0, -1)
        return [(score, round(self.ease(score))) for score in scores]

    def classes(self):
        """Return the class of each point in order, as one letter each (for the widget)."""
        return "".join(self.effort_class(score)[0] for score in range(1, self.points + 1))


AGREEMENT_7 = Scale("agreement7", 7, True, "CES 2.0 agreement, 7 points", "7-point agreement scale")
EFFORT_5 = Scale("effort5", 5, False, "Effort, 5 points (lower is better)", "5-point effort scale (lower is better)")
EASE_5 = Scale("ease5", 5, True, "Ease, 5 points", "5-point ease scale")

SCALES = {scale.name: scale for scale in (AGREEMENT_7, EFFORT_5, EASE_5)}
DEFAULT_SCALE = AGREEMENT_7.name
