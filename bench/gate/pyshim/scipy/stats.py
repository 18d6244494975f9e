"""scipy.stats.mannwhitneyu and scipy.stats.gmean, as SciPy 1.10 computes them, in plain Python.

compare.py (libbenchmark-tools) calls mannwhitneyu(x, y, alternative='two-sided').pvalue on the repetitions of
one benchmark and gmean(list of [real_time, cpu_time]) for the overall geomean; that is all this covers.

mannwhitneyu follows scipy/stats/_mannwhitneyu.py (1.7 - 1.10): U1 = R1 - n1(n1+1)/2 from midranks; the
two-sided statistic U = max(U1, U2); method 'auto' takes the exact null distribution when either sample has at
most 8 values and there are no ties, else the normal approximation with the tie correction and the continuity
correction; p = 2 * P(U' >= U), clipped to [0, 1]. gate_logic_test.py checks it against the p-values that
compare.py's own unit tests expect from the real SciPy.
"""

import math
from collections import namedtuple

MannwhitneyuResult = namedtuple("MannwhitneyuResult", ("statistic", "pvalue"))


def _midranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        rank = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = rank
        i = j + 1
    return ranks


def _exact_sf(u, n1, n2):
    """P(U >= u) under H0, U the Mann-Whitney statistic of samples of sizes n1, n2 without ties."""
    # counts[m][n][k]: the number of arrangements of m x-values and n y-values with U = k (recurrence on the
    # largest value: it is an x, adding n to U, or a y).
    max_u = n1 * n2
    table = {}

    def counts(m, n):
        key = (m, n)
        if key in table:
            return table[key]
        if m == 0 or n == 0:
            result = [1]
        else:
            with_x = counts(m - 1, n)
            with_y = counts(m, n - 1)
            result = [0] * (m * n + 1)
            for k, c in enumerate(with_x):
                result[k + n] += c
            for k, c in enumerate(with_y):
                result[k] += c
        table[key] = result
        return result

    freqs = counts(n1, n2)
    total = math.comb(n1 + n2, n1)
    k = int(u)
    if k > max_u:
        return 0.0
    return sum(freqs[max(k, 0):]) / total


def _norm_sf(z):
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def mannwhitneyu(x, y, use_continuity=True, alternative="two-sided", axis=0, method="auto"):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("`x` and `y` must be of nonzero size.")
    xy = x + y
    ranks = _midranks(xy)
    r1 = sum(ranks[:n1])
    u1 = r1 - n1 * (n1 + 1) / 2.0
    u2 = n1 * n2 - u1
    if alternative == "greater":
        u, factor = u1, 1.0
    elif alternative == "less":
        u, factor = u2, 1.0
    elif alternative == "two-sided":
        u, factor = max(u1, u2), 2.0
    else:
        raise ValueError("`alternative` must be 'two-sided', 'less' or 'greater'")
    ties = len(set(xy)) != len(xy)
    if method == "auto":
        method = "asymptotic" if (n1 > 8 and n2 > 8) or ties else "exact"
    if method == "exact":
        p = _exact_sf(u, n1, n2)
    elif method == "asymptotic":
        n = n1 + n2
        tie_term = 0.0
        for rank in set(ranks):
            t = ranks.count(rank)
            tie_term += t ** 3 - t
        s = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1))))
        numerator = u - n1 * n2 / 2.0
        if use_continuity:
            numerator -= 0.5
        z = numerator / s if s > 0 else (math.inf if numerator > 0 else (-math.inf if numerator < 0 else math.nan))
        p = _norm_sf(z)
    else:
        raise ValueError("`method` must be 'auto', 'exact' or 'asymptotic'")
    p = min(max(p * factor, 0.0), 1.0)
    return MannwhitneyuResult(u1, p)


def gmean(a, axis=0):
    """Geometric mean along axis 0 of a list of equal-length rows (or of a flat list)."""
    from numpy import array  # the real numpy, or bench/gate/pyshim-numpy

    rows = list(a)
    if not rows:
        return array([])
    if not isinstance(rows[0], (list, tuple)):
        return math.exp(sum(math.log(v) for v in rows) / len(rows))
    columns = len(rows[0])
    return array([math.exp(sum(math.log(row[c]) for row in rows) / len(rows)) for c in range(columns)])
