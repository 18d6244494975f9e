#!/usr/bin/env python3
"""Plots of how cost grows with queues, consumers, brokers and messages, from Google Benchmark JSON (the
baselines in bench/baselines/, or a ci/bench-gate run). Writes SVG with the standard library only (no
matplotlib needed), one file per figure.

    bench/plot.py [--in bench/baselines] [--out docs/perf]
    bench/plot.py --table [--in bench/baselines]     # the medians as Markdown tables, one per suite

Every point is the median of the repetitions (the `_median` aggregate; the mean of the runs when a file has
no aggregates).
"""

import argparse
import json
import math
import os
import re
from collections import defaultdict

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"]
UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(path):
    """name -> {'ns': median time in ns (cpu, or real for /real_time), 'counters': {...}, 'args': {...}}"""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    medians, runs = {}, defaultdict(list)
    for b in data.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[b["run_name"]] = b
        else:
            runs[b["name"]].append(b)
    result = {}
    for name in set(medians) | set(runs):
        entry = medians.get(name)
        if entry is None:
            rs = runs[name]
            entry = dict(rs[0])
            for key, value in rs[0].items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    entry[key] = sum(r[key] for r in rs) / len(rs)
        real = name.endswith("/real_time")
        ns = entry["real_time" if real else "cpu_time"] * UNIT_NS[entry.get("time_unit", "ns")]
        args = dict(re.findall(r"/(\w+):(-?\d+)", name))
        plain = [int(a) for a in re.findall(r"/(-?\d+)(?=/|$)", name)]
        result[name] = {"ns": ns, "entry": entry, "args": {k: int(v) for k, v in args.items()}, "plain": plain}
    return result


def nice_ticks(lo, hi, log):
    if log:
        ticks = []
        e = math.floor(math.log10(lo))
        while 10 ** e <= hi * 1.0001:
            for m in (1, 2, 5):
                v = m * 10 ** e
                if lo / 1.0001 <= v <= hi * 1.0001:
                    ticks.append(v)
            e += 1
        if len(ticks) > 8:
            ticks = [t for t in ticks if str(t).lstrip("0.").startswith("1")]
        return ticks or [lo, hi]
    span = hi - lo or abs(hi) or 1.0
    step = 10 ** math.floor(math.log10(span / 5))
    for m in (1, 2, 5, 10):
        if span / (step * m) <= 6:
            step *= m
            break
    start = math.floor(lo / step) * step
    ticks, v = [], start
    while v <= hi + step * 0.001:
        if v >= lo - step * 0.001:
            ticks.append(v)
        v += step
    return ticks


def fmt(v):
    if v == 0:
        return "0"
    if float(v).is_integer() and abs(v) < 1e5 and abs(v) % 1000 != 0:
        return str(int(v))
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= limit:
            return ("%g" % (v / limit)) + suffix
    return "%g" % v


def svg_chart(path, title, xlabel, ylabel, series, xlog=False, ylog=False, yzero=True):
    """series: [(label, [(x, y), ...])]. Writes one SVG line chart."""
    series = [(label, sorted(points)) for label, points in series if points]
    if not series:
        return False
    w, h, left, right, top, bottom = 720, 420, 80, 230, 40, 60
    xs = [x for _, pts in series for x, _ in pts]
    ys = [y for _, pts in series for _, y in pts]
    xlo, xhi = min(xs), max(xs)
    ylo, yhi = min(ys), max(ys)
    if ylog:
        ylo, yhi = ylo / 1.3, yhi * 1.3
    else:
        ylo = 0 if yzero else ylo - (yhi - ylo) * 0.1
        yhi = yhi * 1.1 if yhi > 0 else 1
    if xlo == xhi:
        xlo, xhi = xlo - 1, xhi + 1
    xticks = sorted(set(xs))  # the measured points
    yticks = nice_ticks(ylo, yhi, ylog)

    def tx(x):
        if xlog:
            return left + (math.log(x) - math.log(xlo)) / (math.log(xhi) - math.log(xlo)) * (w - left - right)
        return left + (x - xlo) / (xhi - xlo) * (w - left - right)

    def ty(y):
        if ylog:
            return h - bottom - (math.log(y) - math.log(ylo)) / (math.log(yhi) - math.log(ylo)) * (h - top - bottom)
        return h - bottom - (y - ylo) / (yhi - ylo) * (h - top - bottom)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (w, h), '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>' % (left, esc(title))]
    for t in yticks:
        y = ty(t)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, w - right, y))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (left - 6, y + 4, fmt(t)))
    for t in xticks:
        x = tx(t)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#eee"/>' % (x, top, x, h - bottom))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, h - bottom + 16, fmt(t)))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>' %
               (left, top, w - left - right, h - top - bottom))
    out.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % ((left + w - right) / 2, h - 18,
                                                                      esc(xlabel + (" (log)" if xlog else ""))))
    out.append('<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">%s</text>' %
               ((top + h - bottom) / 2, (top + h - bottom) / 2, esc(ylabel + (" (log)" if ylog else ""))))
    for i, (label, pts) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        d = " ".join("%s%.1f,%.1f" % ("M" if k == 0 else "L", tx(x), ty(y)) for k, (x, y) in enumerate(pts))
        out.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>' % (d, color))
        for x, y in pts:
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s: %s</title></circle>' %
                       (tx(x), ty(y), color, esc(label), fmt(y)))
        ly = top + 14 + 18 * i
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>' %
                   (w - right + 12, ly - 4, w - right + 32, ly - 4, color))
        out.append('<text x="%d" y="%d">%s</text>' % (w - right + 38, ly, esc(label)))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    return True


def esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


RATE_COUNTERS = ("sends_per_s", "messages_per_s", "events_per_second", "messages_per_second",
                 "round_trips_per_s", "round_trips_per_second", "queues_per_s", "virtual_s_per_s",
                 "seeds_per_s", "x_real_time", "peak_heap_MiB")


def print_tables(indir):
    for suite in ("codec", "sim", "remoting", "allocate", "fault", "producer", "consumer", "campaign"):
        runs = load(os.path.join(indir, suite + ".json"))
        if not runs:
            continue
        print("\n#### %s\n" % suite)
        print("| benchmark | median time | rate (median) | label |")
        print("|---|---|---|---|")
        for name in sorted(runs, key=lambda n: (re.sub(r"\d+", "", n), [int(x) for x in re.findall(r"\d+", n)])):
            b = runs[name]
            e = b["entry"]
            ns = b["ns"]
            shown = "%.1f ns" % ns if ns < 1e4 else ("%.1f µs" % (ns / 1e3) if ns < 1e7 else "%.1f ms" % (ns / 1e6))
            rates = ", ".join("%s %s" % (c, fmt(float("%.3g" % e[c]))) for c in RATE_COUNTERS if c in e)
            print("| `%s` | %s | %s | %s |" % (name, shown, rates, e.get("label", "")))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--in", dest="indir", default="bench/baselines")
    parser.add_argument("--out", default="docs/perf")
    parser.add_argument("--table", action="store_true", help="print Markdown tables of the medians instead")
    args = parser.parse_args()
    if args.table:
        print_tables(args.indir)
        return
    os.makedirs(args.out, exist_ok=True)
    p = lambda name: os.path.join(args.indir, name + ".json")  # noqa: E731
    o = lambda name: os.path.join(args.out, name + ".svg")  # noqa: E731
    written = []

    alloc = load(p("allocate"))
    strategies = ["AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH", "MACHINE_ROOM_NEARBY-AVG"]
    for fixed, fixed_value, var in (("consumers", 32, "queues"), ("queues", 1024, "consumers")):
        series = []
        for s, label in enumerate(strategies):
            pts = [(b["args"][var], b["ns"] / 1e3) for n, b in alloc.items()
                   if n.startswith("BM_Allocate/") and b["args"].get("strategy") == s
                   and b["args"].get(fixed) == fixed_value]
            series.append((label, pts))
        name = "allocate_by_" + var
        if svg_chart(o(name), "One allocate() call, %s = %d" % (fixed, fixed_value), var, "µs per call", series,
                     xlog=True, ylog=True):
            written.append(name)

    fault = load(p("fault"))
    series = []
    for profile, pname in ((0, "4.9.8"), (1, "5.x")):
        for mode, mname in ((0, "latency off"), (1, "on, healthy"), (2, "on, 1 isolated")):
            pts = [(b["args"]["queues"], b["ns"]) for n, b in fault.items()
                   if b["args"].get("profile") == profile and b["args"].get("mode") == mode]
            series.append(("%s %s" % (pname, mname), pts))
    if svg_chart(o("fault_select"), "Queue selection for one send", "queues (4 per broker)", "ns per selection",
                 series, xlog=True, ylog=True):
        written.append("fault_select")

    prod = load(p("producer"))
    pts = [(b["args"]["brokers"], b["entry"].get("sends_per_s", 0)) for n, b in prod.items()
           if n.startswith("BM_SimProducerSyncSend/") and b["args"].get("body") == 128]
    apts = [(b["args"]["brokers"], b["entry"].get("sends_per_s", 0)) for n, b in prod.items()
            if n.startswith("BM_AsioProducerSyncSend/")]
    if svg_chart(o("producer_by_brokers"), "Sync sends, one at a time (128 B body)", "brokers",
                 "sends per second", [("simulator, per CPU s", pts),
                                               ("loopback TCP, per wall s", apts)]):
        written.append("producer_by_brokers")

    cons = load(p("consumer"))
    for var, fixed in (("messages", {"brokers": 2, "consumers": 1}), ("brokers", {"consumers": 1, "messages": 2048}),
                       ("consumers", {"brokers": 2, "messages": 2048})):
        pts = [(b["args"][var], b["entry"].get("messages_per_s", 0)) for n, b in cons.items()
               if all(b["args"].get(k) == v for k, v in fixed.items())]
        name = "consumer_by_" + var
        subtitle = ", ".join("%s %d" % kv for kv in fixed.items())
        if svg_chart(o(name), "Consumer delivery in the simulator (%s)" % subtitle, var, "messages per CPU second",
                     [("delivered", pts)], xlog=(var == "messages")):
            written.append(name)

    sim = load(p("sim"))
    pts = [(b["plain"][0], b["ns"]) for n, b in sim.items() if n.startswith("BM_SimTimerEvents/")]
    if svg_chart(o("sim_timer_events"), "Simulator timer events", "pending events", "ns per event",
                 [("event loop", pts)], xlog=True):
        written.append("sim_timer_events")

    for name in written:
        print("plot: wrote %s" % o(name))


if __name__ == "__main__":
    main()
