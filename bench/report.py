#!/usr/bin/env python3
"""Turns the raw runs of bench/run.sh into the markdown results table (bench/results.md).

    report.py --runs RUNS.tsv --notes NOTES.tsv --meta META.tsv [-o OUT]

RUNS.tsv has one line per run: engine, tables, figure, run, seconds, peak RSS in KiB,
counted (0 for a warm-up), status (ok, failed:CODE, timeout:SECONDS), CPU seconds (user +
system, of the command's processes only). NOTES.tsv holds checks
and counts (engine, tables, key, value); META.tsv the machine and versions (key, value).
Medians are over the counted runs. Standard library only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import defaultdict

PG_FIGURES = [
    ("pg_dump", "`pg_dump --schema-only` (floor)"),
    ("keel_inspect", "keel inspect"),
    ("keel_plan_same", "keel plan, no change"),
    ("keel_plan_changed", "keel plan, {pct}% changed"),
    ("keel_apply", "keel apply, {pct}% changed"),
    ("alembic", "Alembic autogenerate comparison"),
    ("migra", "migra (@pgkit/migra)"),
]
SQLITE_FIGURES = [
    ("sqlite3_schema", "`sqlite3 .schema` (floor)"),
    ("keel_inspect", "keel inspect"),
    ("keel_plan_same", "keel plan, no change"),
    ("keel_plan_changed", "keel plan, {pct}% changed"),
    ("keel_apply", "keel apply, {pct}% changed"),
]


class Figure:
    def __init__(self) -> None:
        self.times: list = []
        self.rss: list = []
        self.cpu: list = []
        self.warmup = False
        self.status = "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def rss_mib(self) -> float:
        return statistics.median(self.rss) / 1024


def read_tsv(path: str) -> list:
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def fmt_s(s: float) -> str:
    if s < 0.1:
        return f"{s:.4f}"
    if s < 1:
        return f"{s:.3f}"
    if s < 10:
        return f"{s:.2f}"
    return f"{s:.1f}"


def fmt_mib(m: float) -> str:
    return f"{m:.0f}" if m >= 100 else f"{m:.1f}"


def fmt_int(n: int) -> str:
    return f"{n:,}"


def cell(fig: Figure | None, runs: int) -> str:
    if fig is None:
        return "not run"
    if fig.status.startswith("timeout"):
        return f"> {fig.status.split(':')[1]} s (killed)"
    if not fig.ok:
        return f"failed ({fig.status})"
    text = f"{fmt_s(fig.median)} s · {fmt_mib(fig.rss_mib)} MiB"
    if len(fig.times) < runs:
        text += f" ({len(fig.times)} run{'s' if len(fig.times) > 1 else ''})"
    return text


def main(argv: list) -> int:
    p = argparse.ArgumentParser(prog="report.py")
    p.add_argument("--runs", required=True)
    p.add_argument("--notes", required=True)
    p.add_argument("--meta", required=True)
    p.add_argument("-o", "--output", default="-")
    args = p.parse_args(argv)

    figures: dict = defaultdict(Figure)
    for row in read_tsv(args.runs):
        engine, tables, figure, _run, secs, kib, counted, status, cpu = row
        fig = figures[(engine, int(tables), figure)]
        if status != "ok":
            fig.status = status
        elif counted == "1":
            fig.times.append(float(secs))
            fig.rss.append(int(kib))
            fig.cpu.append(float(cpu))
        else:
            fig.warmup = True
    notes: dict = {}
    for engine, tables, key, value in read_tsv(args.notes):
        notes[(engine, int(tables), key)] = value
    meta = dict(read_tsv(args.meta))

    sizes = [int(s) for s in meta.get("sizes", "").split()]
    pct = meta.get("changed", "5")
    default_runs = int(meta.get("runs", "5"))

    def runs_for(n: int) -> int:
        return int(notes.get(("all", n, "runs"), default_runs))

    def fig(engine: str, n: int, name: str) -> Figure | None:
        return figures.get((engine, n, name))

    out: list = []
    w = out.append
    w("# keel benchmark results")
    w("")
    w(f"Run on {meta.get('date', '?')} with bench/run.sh (`make bench`). Seed {meta.get('seed')}, "
      f"{pct}% of the tables changed in the variant. Each cell: median wall time · median "
      "peak RSS of the command's own process (the database server's memory is not counted, "
      "for any tool).")
    w("")
    w(f"- Machine: {meta.get('cpu', '?')}, {meta.get('cores', '?')} cores, "
      f"{meta.get('ram', '?')} RAM; {meta.get('os', '?')}. Load average "
      f"{meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end "
      "(the machine is shared, expect some noise).")
    versions = [f"keel {meta['keel'].removeprefix('keel ')}"] if "keel" in meta else []
    if "postgresql" in meta:
        versions.append(f"PostgreSQL {meta['postgresql']} (pg_dump {meta.get('pg_dump', '?')})")
    if "sqlite" in meta:
        versions.append(f"SQLite {meta['sqlite']}")
    if "alembic" in meta:
        versions.append(f"Alembic {meta['alembic']}, SQLAlchemy {meta.get('sqlalchemy', '?')}, "
                        f"psycopg2 {meta.get('psycopg2', '?')} on Python {meta.get('python', '?')}")
    if "migra" in meta:
        versions.append(f"@pgkit/migra {meta['migra']} on node {meta.get('node', '?')}")
    w("- Versions: " + "; ".join(versions) + ".")
    per_size = [f"{fmt_int(n)} tables: {runs_for(n)}" for n in sizes
                if runs_for(n) != default_runs]
    w(f"- Runs: {default_runs} timed runs per figure"
      + (f" ({', '.join(per_size)})" if per_size else "")
      + f" after one warm-up run; a first run of {meta.get('slow', '10')} s or more counts "
      f"as a timed run instead, and a figure takes no further run once it has used "
      f"{meta.get('budget', '120')} s. A cell that says how many runs it had got fewer than "
      f"that. A run longer than {meta.get('timeout', '900')} s is killed.")

    def table(engine: str, title: str, names: list) -> None:
        present = [n for n in sizes if any(k[0] == engine and k[1] == n for k in figures)]
        if not present:
            return
        w("")
        w(f"## {title}")
        w("")
        w("| | " + " | ".join(f"{fmt_int(n)} tables" for n in present) + " |")
        w("|---|" + "---:|" * len(present))
        for key, label in names:
            if not any(fig(engine, n, key) for n in present):
                continue
            w(f"| {label.format(pct=pct)} | "
              + " | ".join(cell(fig(engine, n, key), runs_for(n)) for n in present) + " |")

        def ratio_row(label: str, num: str, den: str) -> None:
            cells = []
            for n in present:
                a, b = fig(engine, n, num), fig(engine, n, den)
                if a and b and a.ok and b.ok:
                    cells.append(f"{a.median / b.median:.1f}x")
                elif a and a.status.startswith("timeout") and b and b.ok:
                    cells.append(f"> {float(a.status.split(':')[1]) / b.median:.0f}x")
                else:
                    cells.append("n/a")
            if any(c != "n/a" for c in cells):
                w(f"| {label} | " + " | ".join(cells) + " |")

        def note_row(label: str, key: str) -> None:
            cells = [notes.get((engine, n, key), "n/a") for n in present]
            if any(c != "n/a" for c in cells):
                w(f"| {label} | " + " | ".join(cells) + " |")

        floor = "pg_dump" if engine == "postgresql" else "sqlite3_schema"
        ratio_row(f"{names[0][1].split(' (')[0]} / keel inspect", floor, "keel_inspect")
        if engine == "postgresql":
            ratio_row("Alembic / keel plan (changed)", "alembic", "keel_plan_changed")
            ratio_row("migra / keel plan (changed)", "migra", "keel_plan_changed")
        note_row("no-change plan is empty", "plan_empty")
        note_row(f"changes the generator made ({pct}%)", "changes_made")
        note_row("keel plan steps (changed)", "plan_steps")
        note_row("plan empty after keel apply", "apply_converged")
        note_row("Alembic differences found", "alembic_found")
        note_row("migra statements", "migra_found")
        note_row("loading the file (s)", "load_seconds")

    table("postgresql", "PostgreSQL", PG_FIGURES)
    table("sqlite", "SQLite", SQLITE_FIGURES)

    # Acceptance targets of the performance issue.
    rows = []

    def target(text: str, engine: str, n: int, check) -> None:
        if n not in sizes:
            return
        try:
            measured, met = check(engine, n)
        except KeyError as e:
            measured, met = f"not measured ({e.args[0]})", None
        rows.append((text, measured, "yes" if met else ("**no**" if met is not None else "n/a")))

    def need(engine: str, n: int, name: str) -> Figure:
        f = fig(engine, n, name)
        if f is None or not f.ok:
            raise KeyError(name if f is None else f"{name} {f.status}")
        return f

    def inspect_half(engine: str, n: int):
        k, d = need(engine, n, "keel_inspect"), need(engine, n, "pg_dump")
        r = k.median / d.median
        return f"{fmt_s(k.median)} s vs {fmt_s(d.median)} s: {r:.2f} of pg_dump", r <= 0.5

    def plan_time(engine: str, n: int):
        k = need(engine, n, "keel_plan_same")
        return f"{fmt_s(k.median)} s", k.median < 2

    def plan_mem(engine: str, n: int):
        k = need(engine, n, "keel_plan_same")
        return f"{fmt_mib(k.rss_mib)} MiB", k.rss_mib < 300

    def faster(other: str, factor: float):
        def check(engine: str, n: int):
            k = need(engine, n, "keel_plan_changed")
            o = fig(engine, n, other)
            if o is not None and o.status.startswith("timeout"):
                limit = float(o.status.split(":")[1])
                return f"> {limit / k.median:.0f}x ({other} killed after {limit:.0f} s)", \
                    limit / k.median >= factor
            o = need(engine, n, other)
            r = o.median / k.median
            return f"{r:.1f}x ({fmt_s(o.median)} s vs {fmt_s(k.median)} s)", r >= factor
        return check

    def less_memory(engine: str, n: int):
        k = need(engine, n, "keel_plan_changed")
        a, m = need(engine, n, "alembic"), need(engine, n, "migra")
        return (f"keel {fmt_mib(k.rss_mib)} MiB, Alembic {fmt_mib(a.rss_mib)} MiB, "
                f"migra {fmt_mib(m.rss_mib)} MiB", k.rss_mib < a.rss_mib and k.rss_mib < m.rss_mib)

    pg = "postgresql"
    target("keel inspect at most half of pg_dump --schema-only, 1,000 tables", pg, 1000,
           inspect_half)
    target("keel inspect at most half of pg_dump --schema-only, 10,000 tables", pg, 10000,
           inspect_half)
    target("no-change keel plan under 2 s, 10,000 tables", pg, 10000, plan_time)
    target("no-change keel plan peak memory under 300 MiB, 10,000 tables", pg, 10000, plan_mem)
    target(f"keel plan ({pct}% changed) at least 50x faster than Alembic, 1,000 tables", pg, 1000,
           faster("alembic", 50))
    target(f"keel plan ({pct}% changed) at least 15x faster than migra, 1,000 tables", pg, 1000,
           faster("migra", 15))
    target(f"keel plan ({pct}% changed) peak memory below Alembic's and migra's, 1,000 tables",
           pg, 1000, less_memory)
    if rows:
        w("")
        w("## Acceptance targets (PostgreSQL)")
        w("")
        w("| target | measured | met |")
        w("|---|---|:---:|")
        for text, measured, met in rows:
            w(f"| {text} | {measured} | {met} |")

    # Every figure in detail.
    w("")
    w("## All figures")
    w("")
    w("CPU is the median user + system time of the command's own processes: where it is well "
      "below the wall time, the rest was spent waiting, mostly for the database server.")
    w("")
    w("| engine | tables | figure | runs | median (s) | min (s) | max (s) | CPU (s) "
      "| peak RSS (MiB) |")
    w("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for (engine, n, name), f in sorted(figures.items(), key=lambda kv: (
            kv[0][0] != "postgresql", kv[0][1])):
        if f.ok:
            w(f"| {engine} | {fmt_int(n)} | {name} | {len(f.times)}"
              f"{' + warm-up' if f.warmup else ''} | {fmt_s(f.median)} | "
              f"{fmt_s(min(f.times))} | {fmt_s(max(f.times))} | "
              f"{statistics.median(f.cpu):.2f} | {fmt_mib(f.rss_mib)} |")
        else:
            w(f"| {engine} | {fmt_int(n)} | {name} | {len(f.times)} | {f.status} | | | | |")

    text = "\n".join(out) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
