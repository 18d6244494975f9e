#!/usr/bin/env python3
"""The benchmark regression gate's decision: compare.py (Google Benchmark's own tool, Debian's
libbenchmark-tools) compares a baseline with a new run, and this script applies the rule to its JSON dump.

    gate.py compare BASELINE.json NEW.json [--threshold 0.15] [--alpha 0.05] [--report-only REGEX]

Rule (docs/performance.md, "The regression gate"): a benchmark regresses when its median time grew by more than
`threshold` (relative, compare.py's change of the `_median` aggregate) AND the two-sided Mann-Whitney U test
over the repetitions (compare.py's p-value) is below `alpha`. The time compared is the CPU time of the
benchmarking thread, or the real time for benchmarks registered with UseRealTime() (their names end in
"/real_time": the work happens on other threads). A benchmark without enough repetitions on either side for
the U test is an error, not a pass. Benchmarks missing on one side are listed, not judged.

`--report-only REGEX` (repeatable): benchmarks whose name matches are shown with their verdict but never fail
the gate (ci/bench-gate uses it for the loopback-TCP benchmarks, whose wall time swings with a shared machine's
load).

Exit status: 0 no regression, 1 a regression, 2 the comparison could not be made.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_COMPARE = "/usr/share/benchmark/compare.py"
SYSTEM_PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def compare_py():
    path = os.environ.get("RMQSIM_COMPARE_PY", DEFAULT_COMPARE)
    if not os.path.exists(path):
        sys.exit("gate: %s not found (Debian package libbenchmark-tools; set RMQSIM_COMPARE_PY)" % path)
    return path


def python_env():
    """The environment for compare.py: the stand-ins of pyshim/ and pyshim-numpy/ only for what is missing."""
    env = dict(os.environ)
    extra = []
    for module, shim in (("scipy.stats", "pyshim"), ("numpy", "pyshim-numpy")):
        probe = subprocess.run([SYSTEM_PYTHON, "-c", "import " + module], capture_output=True)
        if probe.returncode != 0:
            extra.append(os.path.join(HERE, shim))
    if extra:
        env["PYTHONPATH"] = os.pathsep.join(extra + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env, extra


def run_compare(baseline, new, alpha, show):
    """Runs compare.py; returns its JSON diff report (a list of entries)."""
    env, shims = python_env()
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "diff.json")
        cmd = [SYSTEM_PYTHON, compare_py(), "--no-color", "-a", "--alpha", str(alpha), "-d", dump, "benchmarks",
               baseline, new]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if show:
            if shims:
                print("gate: compare.py runs with the stand-ins in %s" % ", ".join(os.path.relpath(s) for s in shims))
            sys.stdout.write(result.stdout)
        if result.returncode != 0 or not os.path.exists(dump):
            sys.stderr.write(result.stdout + result.stderr)
            sys.exit("gate: compare.py failed (exit %d)" % result.returncode)
        with open(dump) as f:
            return json.load(f)


def names_of(path):
    with open(path) as f:
        data = json.load(f)
    return {b["name"] for b in data.get("benchmarks", [])
            if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")}


def decide(diff, threshold, alpha, report_only=()):
    """Returns (rows, regressions, errors): one row per benchmark with its change and p-value."""
    medians = {e["name"][: -len("_median")]: e for e in diff
               if e.get("run_type") == "aggregate" and e.get("aggregate_name") == "median"}
    rows, regressions, errors = [], [], []
    for entry in diff:
        if entry.get("run_type") == "aggregate" or entry["name"] == "OVERALL_GEOMEAN":
            continue
        name = entry["name"]
        real = name.endswith("/real_time")
        measure, p_key = ("time", "time_pvalue") if real else ("cpu", "cpu_pvalue")
        median = medians.get(name)
        utest = entry.get("utest") or {}
        if median is None or not median.get("measurements") or p_key not in utest:
            errors.append("%s: no median aggregate or too few repetitions for the U test on one side" % name)
            continue
        m = median["measurements"][0]
        change = m[measure]
        old = m["real_time" if real else "cpu_time"]
        new = m["real_time_other" if real else "cpu_time_other"]
        p = utest[p_key]
        verdict = "ok"
        if change > threshold and p < alpha:
            if any(re.search(pattern, name) for pattern in report_only):
                verdict = "slower (report only)"
            else:
                verdict = "REGRESSION"
                regressions.append(name)
        elif change < -threshold and p < alpha:
            verdict = "faster"
        rows.append((name, "real" if real else "cpu", old, new, entry.get("time_unit", ""), change, p,
                     utest.get("nr_of_repetitions"), utest.get("nr_of_repetitions_other"), verdict))
    return rows, regressions, errors


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="judge NEW against BASELINE")
    c.add_argument("baseline")
    c.add_argument("new")
    c.add_argument("--threshold", type=float, default=0.15, help="relative median growth tolerated (0.15)")
    c.add_argument("--alpha", type=float, default=0.05, help="U-test significance level (0.05)")
    c.add_argument("--quiet", action="store_true", help="do not print compare.py's table")
    c.add_argument("--report-only", action="append", default=[], metavar="REGEX",
                   help="show but never fail on benchmarks matching REGEX")
    args = parser.parse_args(argv)

    for path in (args.baseline, args.new):
        if not os.path.exists(path):
            print("gate: %s does not exist" % path, file=sys.stderr)
            return 2
    diff = run_compare(args.baseline, args.new, args.alpha, show=not args.quiet)
    rows, regressions, errors = decide(diff, args.threshold, args.alpha, args.report_only)
    base_names, new_names = names_of(args.baseline), names_of(args.new)

    print("\ngate: %s vs %s (fail: median +%.0f%% and U-test p < %g)" %
          (os.path.basename(args.baseline), os.path.basename(args.new), args.threshold * 100, args.alpha))
    print("%-70s %-4s %12s %12s %4s %8s %8s %5s  %s" % ("benchmark", "time", "base median", "new median", "unit",
                                                        "change", "p", "reps", "verdict"))
    for name, measure, old, new, unit, change, p, n1, n2, verdict in rows:
        print("%-70s %-4s %12.4g %12.4g %4s %+7.1f%% %8.4f %2s/%-2s  %s" % (name, measure, old, new, unit,
                                                                             change * 100, p, n1, n2, verdict))
    for name in sorted(base_names - new_names):
        print("gate: %s is in the baseline but not in the new run (not judged)" % name)
    for name in sorted(new_names - base_names):
        print("gate: %s has no baseline (not judged)" % name)
    for error in errors:
        print("gate: error: " + error)
    if errors:
        return 2
    if regressions:
        print("gate: FAIL: %d regression(s): %s" % (len(regressions), ", ".join(regressions)))
        return 1
    print("gate: PASS: %d benchmarks, no regression" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
