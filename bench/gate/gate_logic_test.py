#!/usr/bin/env python3
"""Checks of the regression gate's decision (gate.py over compare.py) on made-up Google Benchmark JSON: no
benchmark runs and nothing is timed, so this runs in ctest (bench_gate_logic). The gate on real measurements
is checked by `ci/bench-gate --self-test`.

Also checks the SciPy stand-in (pyshim/scipy/stats.py) against p-values of the real SciPy.
"""

import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GATE = os.path.join(HERE, "gate.py")
sys.path.insert(0, os.path.join(HERE, "pyshim"))
try:
    import numpy  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(HERE, "pyshim-numpy"))
from scipy.stats import gmean, mannwhitneyu  # noqa: E402 - the stand-in unless SciPy is installed


def run_json(benchmarks, context=None):
    """Google Benchmark JSON with repetitions and their aggregates. `benchmarks`: name -> (cpu times, real times)."""
    entries = []
    for name, (cpu, real) in benchmarks.items():
        for i, (c, r) in enumerate(zip(cpu, real)):
            entries.append({"name": name, "run_name": name, "run_type": "iteration", "repetitions": len(cpu),
                            "repetition_index": i, "threads": 1, "iterations": 1000, "real_time": r,
                            "cpu_time": c, "time_unit": "ns"})
        for agg, pick in (("mean", lambda v: sum(v) / len(v)), ("median", lambda v: sorted(v)[len(v) // 2])):
            entries.append({"name": name + "_" + agg, "run_name": name, "run_type": "aggregate",
                            "repetitions": len(cpu), "threads": 1, "aggregate_name": agg, "aggregate_unit": "time",
                            "iterations": len(cpu), "real_time": pick(real), "cpu_time": pick(cpu),
                            "time_unit": "ns"})
    return {"context": context or {"num_cpus": 2}, "benchmarks": entries}


def noisy(center, n=9, spread=0.03, seed=1):
    rng = random.Random(seed)
    return [center * (1 + rng.uniform(-spread, spread)) for _ in range(n)]


class GateDecision(unittest.TestCase):
    def gate(self, base, new, *extra):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for label, data in (("base", base), ("new", new)):
                path = os.path.join(tmp, label + ".json")
                with open(path, "w") as f:
                    json.dump(data, f)
                paths.append(path)
            result = subprocess.run([sys.executable, GATE, "compare", paths[0], paths[1], "--quiet", *extra],
                                    capture_output=True, text=True)
            return result.returncode, result.stdout + result.stderr

    def test_same_distribution_passes(self):
        base = run_json({"BM_A": (noisy(100, seed=1), noisy(100, seed=2))})
        new = run_json({"BM_A": (noisy(100, seed=3), noisy(100, seed=4))})
        code, out = self.gate(base, new)
        self.assertEqual(code, 0, out)
        self.assertIn("PASS", out)

    def test_significant_slowdown_beyond_threshold_fails(self):
        base = run_json({"BM_A": (noisy(100, seed=1), noisy(100, seed=2)), "BM_B": (noisy(50), noisy(50))})
        new = run_json({"BM_A": (noisy(130, seed=3), noisy(130, seed=4)), "BM_B": (noisy(50), noisy(50))})
        code, out = self.gate(base, new)
        self.assertEqual(code, 1, out)
        self.assertIn("REGRESSION", out)
        self.assertIn("FAIL: 1 regression(s): BM_A", out)

    def test_significant_slowdown_within_threshold_passes(self):
        base = run_json({"BM_A": (noisy(100, spread=0.01, seed=1), noisy(100, seed=2))})
        new = run_json({"BM_A": (noisy(110, spread=0.01, seed=3), noisy(110, seed=4))})
        code, out = self.gate(base, new)
        self.assertEqual(code, 0, out)
        code, out = self.gate(base, new, "--threshold", "0.05")
        self.assertEqual(code, 1, out)

    def test_large_but_insignificant_change_passes(self):
        # Medians 40% apart (100 -> 140), but one repetition moved: the samples overlap and p is large.
        base_cpu = [100, 100, 100, 100, 100, 140, 140, 140, 140]
        new_cpu = [100, 100, 100, 100, 140, 140, 140, 140, 140]
        base = run_json({"BM_A": (base_cpu, base_cpu)})
        new = run_json({"BM_A": (new_cpu, new_cpu)})
        code, out = self.gate(base, new)
        self.assertEqual(code, 0, out)

    def test_real_time_benchmarks_are_judged_on_real_time(self):
        name = "BM_Loopback/real_time"
        base = run_json({name: (noisy(10, seed=1), noisy(100, seed=2))})
        new = run_json({name: (noisy(10, seed=3), noisy(140, seed=4))})  # CPU of the main thread unchanged
        code, out = self.gate(base, new)
        self.assertEqual(code, 1, out)
        base = run_json({"BM_Sim": (noisy(100, seed=1), noisy(10, seed=2))})
        new = run_json({"BM_Sim": (noisy(100, seed=3), noisy(14, seed=4))})  # real time alone is not judged
        code, out = self.gate(base, new)
        self.assertEqual(code, 0, out)

    def test_report_only_benchmarks_never_fail(self):
        base = run_json({"BM_Noisy/real_time": (noisy(10), noisy(100, seed=2)), "BM_A": (noisy(100), noisy(100))})
        new = run_json({"BM_Noisy/real_time": (noisy(10), noisy(200, seed=3)), "BM_A": (noisy(100, seed=4),
                                                                                    noisy(100, seed=5))})
        code, out = self.gate(base, new)
        self.assertEqual(code, 1, out)
        code, out = self.gate(base, new, "--report-only", "^BM_Noisy/")
        self.assertEqual(code, 0, out)
        self.assertIn("slower (report only)", out)

    def test_too_few_repetitions_is_an_error(self):
        base = run_json({"BM_A": ([100], [100])})
        new = run_json({"BM_A": ([200], [200])})
        code, out = self.gate(base, new)
        self.assertEqual(code, 2, out)

    def test_missing_and_new_benchmarks_are_listed(self):
        base = run_json({"BM_A": (noisy(100), noisy(100)), "BM_Gone": (noisy(1), noisy(1))})
        new = run_json({"BM_A": (noisy(100, seed=5), noisy(100, seed=6)), "BM_New": (noisy(1), noisy(1))})
        code, out = self.gate(base, new)
        self.assertEqual(code, 0, out)
        self.assertIn("BM_Gone is in the baseline but not in the new run", out)
        self.assertIn("BM_New has no baseline", out)


class SciPyStandIn(unittest.TestCase):
    def test_compare_py_own_u_tests(self):
        # compare.py's unit tests expect p-values computed by the real SciPy (gbench/report.py,
        # TestReportDifferenceWithUTest*: 0.6666666666666666, 1.0, 0.2, 0.7670968684102772 on its test inputs).
        tools = "/usr/share/benchmark"
        if not os.path.isdir(os.path.join(tools, "gbench")):
            self.skipTest("libbenchmark-tools is not installed")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path[:2] if "pyshim" in p)
        result = subprocess.run([sys.executable, "-m", "unittest", "gbench.report.TestReportDifferenceWithUTest",
                                 "gbench.report.TestReportDifferenceWithUTestWhileDisplayingAggregatesOnly"],
                                cwd=tools, env=env, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_closed_forms(self):
        # Exact null distribution (a sample of <= 8, no ties): fully separated samples give 2 / C(n1 + n2, n1).
        self.assertAlmostEqual(mannwhitneyu([8, 9, 10], [20, 22], alternative="two-sided").pvalue, 0.2, places=15)
        p = mannwhitneyu(list(range(8)), list(range(8, 16)), alternative="two-sided").pvalue
        self.assertAlmostEqual(p, 2 / 12870, places=15)
        # Normal approximation (both samples > 8): z = (U - n1 n2 / 2 - 0.5) / sqrt(n1 n2 (n + 1) / 12).
        z = (81 - 40.5 - 0.5) / math.sqrt(81 * 19 / 12)
        p = mannwhitneyu(list(range(1, 10)), list(range(10, 19)), alternative="two-sided").pvalue
        self.assertAlmostEqual(p, math.erfc(z / math.sqrt(2)), places=15)
        # Ties: midranks and the tie term; [10, 10, 10] vs [20, 20]: U = 6, s = 1.5, z = 2.5 / 1.5.
        p = mannwhitneyu([10, 10, 10], [20, 20], alternative="two-sided").pvalue
        self.assertAlmostEqual(p, math.erfc((2.5 / 1.5) / math.sqrt(2)), places=15)

    def test_gmean(self):
        g = gmean([[1.0, 4.0], [4.0, 1.0]])
        self.assertAlmostEqual(g[0], 2.0)
        self.assertAlmostEqual(g[1], 2.0)
        self.assertTrue(g.any())


if __name__ == "__main__":
    unittest.main(verbosity=2)
