"""The statistics behind "can we trust this": confidence intervals and noise tests.

All at 95 % (z = 1.96). A change is "within noise" when a test at that level cannot tell
it from no change, or when either period has too few answers to tell anything.
"""
import math

Z = 1.96


def wilson(successes, trials, z=Z):
    """Return the Wilson score interval (low, high) of a proportion, as fractions.

    Unlike the plain p ± z·se interval it stays inside 0..1 and is honest for small
    samples, which is why ranking by its lower bound keeps 2 answers from outranking 200.
    """
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def proportion_change_is_noise(x1, n1, x2, n2):
    """Two-proportion z-test: is x2/n2 against x1/n1 indistinguishable from no change?"""
    # More "successes" than trials (answers without a recorded impression) is no proportion.
    if n1 < 2 or n2 < 2 or x1 > n1 or x2 > n2:
        return True
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    difference = x2 / n2 - x1 / n1
    return se == 0 and difference == 0 or se > 0 and abs(difference) < Z * se


def mean_change_is_noise(sum1, squares1, n1, sum2, squares2, n2):
    """Welch's z-test on two means given their sums and sums of squares."""
    if n1 < 2 or n2 < 2:
        return True
    variance1 = max(0.0, (squares1 - sum1 * sum1 / n1) / (n1 - 1))
    variance2 = max(0.0, (squares2 - sum2 * sum2 / n2) / (n2 - 1))
    se = math.sqrt(variance1 / n1 + variance2 / n2)
    difference = sum2 / n2 - sum1 / n1
    return se == 0 and difference == 0 or se > 0 and abs(difference) < Z * se


def count_change_is_noise(before, after):
    """Counts of independent events vary like a Poisson variable: |a - b| < z·√(a + b)."""
    return abs(after - before) < Z * math.sqrt(after + before) if after + before else True
