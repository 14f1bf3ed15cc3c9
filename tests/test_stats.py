"""The statistics against published values."""
import pytest

from widget_server import stats


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    # Wilson 95 % intervals as tabulated by Newcombe (1998) and common calculators.
    [(0, 10, 0.0, 0.2775), (5, 10, 0.2366, 0.7634), (81, 263, 0.2553, 0.3662), (10, 10, 0.7225, 1.0)],
)
def test_wilson_interval(successes, trials, low, high):
    assert stats.wilson(successes, trials) == (pytest.approx(low, abs=5e-4), pytest.approx(high, abs=5e-4))


def test_no_trials_is_the_whole_range():
    assert stats.wilson(0, 0) == (0.0, 1.0)


def test_proportion_noise():
    assert stats.proportion_change_is_noise(25, 100, 30, 100)  # z ≈ 0.8
    assert not stats.proportion_change_is_noise(250, 1000, 330, 1000)  # z ≈ 3.9
    assert stats.proportion_change_is_noise(5, 3, 1, 4)  # not proportions: cannot tell


def test_mean_noise_uses_the_spread():
    # means 50 and 60; identical spread (sd ≈ 10) at n = 4 is noise, at n = 400 it is not
    small = [40, 50, 50, 60], [50, 60, 60, 70]
    big = small[0] * 100, small[1] * 100

    def sums(values):
        return sum(values), sum(value * value for value in values), len(values)

    assert stats.mean_change_is_noise(*sums(small[0]), *sums(small[1]))
    assert not stats.mean_change_is_noise(*sums(big[0]), *sums(big[1]))
    assert not stats.mean_change_is_noise(*sums([7, 7]), *sums([5, 5]))  # no spread, real change


def test_count_noise():
    assert stats.count_change_is_noise(100, 115)
    assert not stats.count_change_is_noise(100, 160)
