#!/usr/bin/env python3
"""Helpers of bench/online/run.sh (standard library only).

    online.py cpu PGDATA [PID ...]
        One line of JSON: the machine's busy and total CPU seconds (/proc/stat), the CPU
        seconds of the PostgreSQL cluster (postmaster, its live children, and the children it
        has reaped: cutime/cstime), and of each PID given (e.g. pgbench).

    online.py others ROUND_FACTS
        The largest share of the CPUs (%) other processes used in the baseline or the apply
        of one round (run.sh measures a round again above ONLINE_OTHERS_MAX).

    online.py busy SECONDS
        The machine's CPU use (%, all cores) over the next SECONDS.

    online.py latency [--from T0 --to T1] PGBENCH_LOG ...
        One line of JSON: latency figures (ms) of the transactions in pgbench's per-transaction
        logs (`pgbench -l`) that overlap [T0, T1] (epoch seconds; default: all of them).

    online.py report --facts FACTS.tsv -o RESULTS.md
        Writes the results page from the facts run.sh collected (key, value), the pgbench
        logs, keel's stderr and the server log they name.

Percentiles are nearest-rank: p99 is the smallest latency that at least 99% of the
transactions do not exceed. A pgbench latency under --rate counts from the transaction's
scheduled start, so it includes the time a client waited behind a slow previous transaction.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections import defaultdict

TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# CPU


def proc_stat(pid: int) -> list:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        text = f.read()
    # The command name may hold spaces and parentheses: split after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def cpu_snapshot(pgdata: str, pids: list) -> dict:
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    out = {"busy": (total - idle) / TICK, "total": total / TICK, "cluster": None, "pids": {}}
    try:
        with open(os.path.join(pgdata, "postmaster.pid"), encoding="ascii") as f:
            postmaster = int(f.readline())
        st = proc_stat(postmaster)
        # fields after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        ticks = sum(int(x) for x in st[11:15])
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                child = proc_stat(int(entry))
            except (OSError, ValueError):
                continue
            if int(child[1]) == postmaster:
                ticks += int(child[11]) + int(child[12])
        out["cluster"] = ticks / TICK
    except (OSError, ValueError):
        pass
    # Per process (all its threads): CPU seconds, and from /proc/PID/task/*/schedstat the
    # seconds on a CPU and waiting on a run queue (runnable, but every CPU busy).
    out["sched"] = {}
    for pid in pids:
        try:
            st = proc_stat(int(pid))
            out["pids"][pid] = (int(st[11]) + int(st[12])) / TICK
            run = wait = 0
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as f:
                    r, wt = f.read().split()[:2]
                run += int(r)
                wait += int(wt)
            out["sched"][pid] = [run / 1e9, wait / 1e9]
        except (OSError, ValueError):
            out["pids"][pid] = None
    return out


def busy_percent(seconds: float) -> float:
    """The machine's CPU use (all cores, %) over the next `seconds`."""
    import time

    def read() -> tuple:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields[:8]) - fields[3] - fields[4], sum(fields[:8])

    b0, t0 = read()
    time.sleep(seconds)
    b1, t1 = read()
    return 100.0 * (b1 - b0) / max(1, t1 - t0)


# ---------------------------------------------------------------------------------------------
# pgbench logs


def read_pgbench_logs(paths: list) -> tuple:
    """(start, end, latency in s) of every transaction, and the count of failed ones."""
    txns = []
    failed = 0
    for path in paths:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6:
                    continue
                end = int(parts[4]) + int(parts[5]) / 1e6
                if not parts[2].isdigit():  # "failed" or "skipped"
                    failed += 1
                    continue
                lat = int(parts[2]) / 1e6
                txns.append((end - lat, end, lat))
    txns.sort()
    return txns, failed


def percentile(sorted_values: list, p: float) -> float:
    if not sorted_values:
        return math.nan
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def latency_stats(txns: list, t0: float | None = None, t1: float | None = None) -> dict:
    if t0 is not None and t1 is not None:
        sel = [t for t in txns if t[1] >= t0 and t[0] <= t1]
        seconds = t1 - t0
    else:
        sel = txns
        seconds = (max(t[1] for t in txns) - min(t[0] for t in txns)) if txns else 0
    lats = sorted(t[2] * 1000 for t in sel)
    return {
        "n": len(lats),
        "tps": len(lats) / seconds if seconds > 0 else math.nan,
        "p50": percentile(lats, 50),
        "p90": percentile(lats, 90),
        "p99": percentile(lats, 99),
        "p999": percentile(lats, 99.9),
        "max": lats[-1] if lats else math.nan,
        "mean": sum(lats) / len(lats) if lats else math.nan,
        "over_100ms": sum(1 for x in lats if x > 100),
        "over_1s": sum(1 for x in lats if x > 1000),
    }


# ---------------------------------------------------------------------------------------------
# Server log: log_line_prefix = '%n [%p] {%a} '

LINE = re.compile(r"^(\d{9,}\.\d+) \[(\d+)\] \{([^}]*)\} (\w+):  (.*)$")
DURATION = re.compile(r"^duration: ([\d.]+) ms  (?:statement|execute [^:]*): (.*)$", re.S)


def read_server_log(path: str, offset: int) -> list:
    """Entries (epoch, pid, app, level, message, [detail lines]) from byte `offset` on."""
    entries = []
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            data = f.read().decode("utf-8", errors="replace")
    except OSError:
        return entries
    for raw in data.splitlines():
        m = LINE.match(raw)
        if m:
            entries.append(
                [float(m.group(1)), int(m.group(2)), m.group(3), m.group(4), m.group(5), []]
            )
        elif entries:
            if raw.startswith("\t"):
                entries[-1][4] += "\n" + raw[1:]
            else:
                entries[-1][5].append(raw)
    # DETAIL / STATEMENT lines come as their own prefixed entries: attach them to the LOG line
    # of the same process right before them.
    merged = []
    for e in entries:
        if e[3] in ("DETAIL", "STATEMENT", "HINT", "CONTEXT") and merged and merged[-1][1] == e[1]:
            merged[-1][5].append(f"{e[3]}: {e[4]}")
        else:
            merged.append(e)
    return merged


PHASES = [
    ("add column (nullable)", re.compile(r"^ALTER TABLE \S+ ADD COLUMN ", re.I)),
    ("backfill batches", re.compile(r"^(WITH filled AS \(UPDATE|SELECT .* AS batch ORDER BY)", re.S)),
    ("catch-up UPDATE ... WHERE col IS NULL", re.compile(r"^UPDATE \S+ SET .* IS NULL$", re.S)),
    ("ADD CONSTRAINT ... NOT VALID", re.compile(r"^ALTER TABLE .* ADD CONSTRAINT .* NOT VALID$", re.S)),
    ("VALIDATE CONSTRAINT", re.compile(r"^ALTER TABLE .* VALIDATE CONSTRAINT ", re.S)),
    ("SET NOT NULL", re.compile(r"^ALTER TABLE .* SET NOT NULL$", re.S)),
    ("DROP CONSTRAINT (the check)", re.compile(r"^ALTER TABLE .* DROP CONSTRAINT ", re.S)),
    ("CREATE INDEX CONCURRENTLY", re.compile(r"^CREATE INDEX CONCURRENTLY ", re.S)),
]


def keel_statements(entries: list) -> list:
    """(start, end, ms, phase, sql) of every statement keel's sessions logged."""
    out = []
    for when, _pid, app, level, msg, _extra in entries:
        if level != "LOG" or not app.startswith("keel"):
            continue
        m = DURATION.match(msg)
        if not m:
            continue
        ms = float(m.group(1))
        sql = m.group(2).strip()
        phase = "keel's own queries (inspect, plan, revision, progress)"
        for name, rx in PHASES:
            if rx.search(sql):
                phase = name
                break
        out.append((when - ms / 1000, when, ms, phase, sql))
    # keel's own statements between two statements of one phase (BEGIN, COMMIT, SET, a
    # batch's progress row in keel.revisions) belong to that phase.
    own = "keel's own queries (inspect, plan, revision, progress)"
    phases = [s[3] for s in out]
    i = 0
    while i < len(phases):
        if phases[i] != own:
            i += 1
            continue
        j = i
        while j < len(phases) and phases[j] == own:
            j += 1
        if 0 < i and j < len(phases) and phases[i - 1] == phases[j]:
            for k in range(i, j):
                phases[k] = phases[j]
        i = j
    return [(s[0], s[1], s[2], p, s[4]) for s, p in zip(out, phases)]


def phase_spans(statements: list) -> list:
    """Contiguous runs of statements of one phase: (phase, start, end, statements, busy ms)."""
    spans = []
    for start, end, ms, phase, _sql in statements:
        if spans and spans[-1][0] == phase:
            spans[-1][2] = end
            spans[-1][3] += 1
            spans[-1][4] += ms
        else:
            spans.append([phase, start, end, 1, ms])
    return spans


def app_label(app: str) -> str:
    return "keel" if app.startswith("keel") else (app or "?")


def lock_waits(entries: list) -> list:
    """(start, end, waiter app, lock, ms, holder apps, waiter's statement, done) of every lock
    wait the server logged (log_lock_waits: those longer than deadlock_timeout)."""
    rx = re.compile(r"process (\d+) (still waiting for|acquired) (.+?) after ([\d.]+) ms")
    apps = {}
    for e in entries:
        if e[2] and e[2] != "[unknown]":
            apps[e[1]] = e[2]
    open_waits = {}
    out = []
    for when, pid, app, level, msg, extra in entries:
        m = rx.search(msg)
        if level != "LOG" or not m:
            # A statement that ends with an error (lock_timeout) ends its wait.
            if level == "ERROR" and pid in open_waits:
                w = open_waits.pop(pid)
                out.append((w[0], when, w[1], w[2], (when - w[0]) * 1000, w[3], w[4], "error"))
            continue
        after = float(m.group(4))
        if m.group(2) == "still waiting for":
            holders = ""
            for line in extra:
                h = re.search(r"Process(?:es)? holding the lock: ([\d, ]+)", line)
                if h:
                    ids = [int(x) for x in h.group(1).replace(" ", "").split(",") if x]
                    holders = ", ".join(sorted({app_label(apps.get(i, "")) for i in ids}))
            stmt = next((x[len("STATEMENT: "):] for x in extra if x.startswith("STATEMENT: ")), "")
            open_waits[pid] = (when - after / 1000, app_label(app), m.group(3), holders, stmt)
        else:
            w = open_waits.pop(pid, None)
            start = when - after / 1000
            if w is None:
                w = (start, app_label(app), m.group(3), "?", "")
            out.append((start, when, w[1], w[2], after, w[3], w[4], "acquired"))
    for pid, w in open_waits.items():
        out.append((w[0], w[0], w[1], w[2], math.nan, w[3], w[4], "still waiting at the end"))
    return out


# ---------------------------------------------------------------------------------------------
# Report


def read_facts(path: str) -> dict:
    facts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                k, v = line.split("\t", 1)
                facts[k] = v
    return facts


def isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fnum(x, digits: int = 1) -> str:
    return "n/a" if isnan(x) else f"{x:,.{digits}f}"


def fint(x) -> str:
    return "n/a" if isnan(x) else f"{int(round(x)):,}"


def ms(x) -> str:
    if isnan(x):
        return "n/a"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def pct(x) -> str:
    return "n/a" if isnan(x) else f"{x * 100:.0f}%"


def verdict(ok: bool) -> str:
    return "**PASS**" if ok else "**FAIL**"


def median(values: list) -> float:
    v = sorted(x for x in values if not isnan(x))
    if not v:
        return math.nan
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def backfill_line(path: str) -> dict | None:
    """keel's last progress line of a backfill (stderr is not a terminal: one line at the end)."""
    rx = re.compile(r"backfill (\S+): ([\d,]+) rows.*?([\d,]+) rows/s, (\d+) batch")
    found = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = rx.search(line)
                if m and "(done)" in line:
                    found = {
                        "rows": int(m.group(2).replace(",", "")),
                        "rate": int(m.group(3).replace(",", "")),
                        "batches": int(m.group(4)),
                        "line": line.strip(),
                    }
    except OSError:
        pass
    return found


def cpu_use(f: dict, key: str, keel_cpu: float = 0.0) -> dict:
    """CPU use (% of all cores) between two snapshots: the machine, the cluster, pgbench (the
    first pid), keel, and whatever else ran on the box."""
    try:
        a = json.loads(f[key + "_cpu0"])
        b = json.loads(f[key + "_cpu1"])
    except (KeyError, ValueError):
        return {}
    total = b["total"] - a["total"]
    if total <= 0:
        return {}
    out = {"busy": (b["busy"] - a["busy"]) / total}
    ours = keel_cpu
    if a.get("cluster") is not None and b.get("cluster") is not None:
        out["cluster"] = (b["cluster"] - a["cluster"]) / total
        ours += b["cluster"] - a["cluster"]
    pids = list(a.get("pids", {}))
    if pids and a["pids"][pids[0]] is not None and b["pids"].get(pids[0]) is not None:
        out["pgbench"] = (b["pids"][pids[0]] - a["pids"][pids[0]]) / total
        ours += b["pids"][pids[0]] - a["pids"][pids[0]]
    out["keel"] = keel_cpu / total
    out["others"] = max(0.0, out["busy"] - ours / total)
    return out


def sched(f: dict, key: str) -> tuple:
    """Seconds the writers' processes (pgbench's threads and their server backends) spent on a
    CPU and runnable on a run queue (/proc/PID/task/*/schedstat) between two snapshots."""
    try:
        a = json.loads(f[key + "_cpu0"])["sched"]
        b = json.loads(f[key + "_cpu1"])["sched"]
    except (KeyError, ValueError):
        return math.nan, math.nan
    if not a:
        return math.nan, math.nan
    return (sum(b[p][0] - a[p][0] for p in a if p in b),
            sum(b[p][1] - a[p][1] for p in a if p in b))


def read_waits(path: str) -> list:
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if len(p) >= 6:
                    out.append((float(p[0]), p[1], p[2], p[3], p[4], p[5]))
    except OSError:
        pass
    return out


def wait_profile(samples: list, t0: float, t1: float) -> dict:
    """Seconds the writers' sessions spent in each state in [t0, t1], from the 10 ms samples."""
    sel = [x for x in samples if t0 <= x[0] <= t1]
    ticks = sum(1 for x in sel if x[1] == "\\N")
    prof = defaultdict(float)
    if not ticks:
        return prof
    interval = (t1 - t0) / ticks
    for _ts, pid, app, state, wtype, event in sel:
        if pid == "\\N" or app != "pgbench":
            continue
        if state == "idle in transaction":
            key = "between the statements of a transaction (on pgbench's side)"
        elif wtype == "\\N":
            key = "running or runnable (no wait event)"
        else:
            key = f"{wtype}: {event}"
        prof[key] += interval
    return prof


class Phase:
    """The writers' transactions of one kind of window, pooled over the rounds."""

    def __init__(self) -> None:
        self.lat: list = []
        self.seconds = 0.0
        self.cpu: list = []
        self.run = 0.0
        self.wait = 0.0
        self.profile: dict = defaultdict(float)

    def add(self, txns: list, t0: float, t1: float) -> list:
        sel = [t for t in txns if t[1] >= t0 and t[0] <= t1]
        self.lat.extend(t[2] * 1000 for t in sel)
        self.seconds += t1 - t0
        return sel

    def stats(self) -> dict:
        v = sorted(self.lat)
        return {
            "n": len(v),
            "tps": len(v) / self.seconds if self.seconds else math.nan,
            "p50": percentile(v, 50), "p90": percentile(v, 90), "p99": percentile(v, 99),
            "p999": percentile(v, 99.9), "max": v[-1] if v else math.nan,
            "over_100ms": sum(1 for x in v if x > 100),
        }


def report(facts_path: str, out_path: str) -> None:
    f = read_facts(facts_path)
    rounds = int(f["rounds"])
    phases = {k: Phase() for k in ("baseline", "control", "before", "during")}
    per_round = []
    all_waits = []
    slow = []
    worst = None
    for r in range(1, rounds + 1):
        p = f"r{r}"
        g = {k[len(p) + 1:]: v for k, v in f.items() if k.startswith(p + ".")}
        rr = {"round": r, "g": g}
        base_txns, rr["base_failed"] = read_pgbench_logs(g["baseline_logs"].split())
        ctl_txns, _ = read_pgbench_logs(g["control_logs"].split())
        dur_txns, rr["during_failed"] = read_pgbench_logs(g["during_logs"].split())
        t0, t1 = float(g["during_t0"]), float(g["during_t1"])
        rr["t0"], rr["t1"] = t0, t1
        phases["baseline"].add(base_txns, float(g["baseline_t0"]), float(g["baseline_t1"]))
        phases["control"].add(ctl_txns, float(g["control_t0"]), float(g["control_t1"]))
        phases["before"].add(dur_txns, float(g["before_t0"]), t0)
        sel = phases["during"].add(dur_txns, t0, t1)
        rr["base"] = latency_stats(base_txns, float(g["baseline_t0"]), float(g["baseline_t1"]))
        rr["control"] = latency_stats(ctl_txns, float(g["control_t0"]), float(g["control_t1"]))
        rr["during"] = latency_stats(dur_txns, t0, t1)
        rr["keel_s"] = t1 - t0
        keel_cpu = float(g.get("keel_cpu") or 0)
        for key, ph in (("baseline", "baseline"), ("control", "control"), ("during", "during")):
            use = cpu_use(g, key, keel_cpu if key == "during" else 0.0)
            rr["cpu_" + key] = use
            if use:
                phases[ph].cpu.append(use)
            run, wait = sched(g, key)
            if not isnan(run):
                phases[ph].run += run
                phases[ph].wait += wait
        entries = read_server_log(g.get("server_log", ""), 0)
        entries = [e for e in entries if t0 - 1 <= e[0] <= t1 + 1]
        stmts = keel_statements(entries)
        rr["spans"] = phase_spans(stmts)
        rr["dur_txns"] = dur_txns
        for w in lock_waits(entries):
            running = next((sp[0] for sp in rr["spans"] if sp[1] <= w[0] <= sp[2]),
                           "(between statements)")
            all_waits.append(w + (running,))
        for a, b, lat in sel:
            running = sorted({s[3] for s in stmts if s[1] >= a and s[0] <= b})
            slow.append((lat, r, a - t0, running))
        fill = backfill_line(g["keel_log"])
        rr["fill"] = fill
        batches = [s for s in rr["spans"] if s[0] == "backfill batches"]
        catchup = [s for s in rr["spans"] if s[0].startswith("catch-up")]
        rr["strict_rate"] = (fill["rows"] / (catchup[-1][2] - batches[0][1])
                             if fill and batches and catchup else math.nan)
        rr["quiet_fill"] = backfill_line(g["quiet_log"])
        rr["quiet_s"] = float(g["quiet_seconds"])
        rr["update_rows"] = int(g["update_rows"])
        rr["update_s"] = float(g["update_seconds"])
        rr["update_rate"] = rr["update_rows"] / rr["update_s"]
        rr["fill_rate"] = fill["rate"] if fill else math.nan
        rr["ratio"] = rr["during"]["p99"] / rr["base"]["p99"]
        try:
            with open(g["keel_show"], encoding="utf-8") as sf:
                shown = json.load(sf)
            summaries = {st["index"] - 1: st["summary"] for st in shown["plan"]["steps"]}
            rr["steps"] = [(o["index"] + 1, summaries.get(o["index"], "?"), o["status"], o["ms"])
                           for o in shown["outcomes"]]
        except (KeyError, OSError, ValueError):
            rr["steps"] = []
        if samples := read_waits(g.get("waits", "")):
            for ph, a, b in (("baseline", float(g["baseline_t0"]), float(g["baseline_t1"])),
                             ("during", t0, t1)):
                for k, v in wait_profile(samples, a, b).items():
                    phases[ph].profile[k] += v
        per_round.append(rr)
        if worst is None or rr["during"]["max"] > worst["during"]["max"]:
            worst = rr

    st = {k: v.stats() for k, v in phases.items()}
    base, during = st["baseline"], st["during"]
    ratio = during["p99"] / base["p99"]
    fill_rate = median([rr["fill_rate"] for rr in per_round])
    strict_rate = median([rr["strict_rate"] for rr in per_round])
    quiet_rate = median([rr["quiet_fill"]["rate"] if rr["quiet_fill"] else math.nan
                         for rr in per_round])
    update_rate = median([rr["update_rate"] for rr in per_round])
    fill_ratio = fill_rate / update_rate
    keel_s = median([rr["keel_s"] for rr in per_round])

    lines: list = []
    w = lines.append
    w("# bench/online: writers' latency while keel applies an online change")
    w("")
    w(f"Generated by `bench/online/run.sh` on {f['date']} ({rounds} round"
      f"{'s' if rounds != 1 else ''}). What it does and how to run it: "
      "[bench/README.md](../README.md#bench-online).")
    w("")
    w("## Setup")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| machine | {f['cpu']}, {f['cores']} cores, {f['ram']} RAM; {f['os']} |")
    w(f"| load average at start / end | {f['load_start']} / {f.get('load_end', '?')} (the box is "
      f"shared: each measured phase waited until other processes used less than "
      f"{f['idle_max']}% of the CPUs, and a round in which they used {f['others_max']}% or "
      f"more during its baseline or apply was measured again: {f.get('discarded', '0')} "
      "round(s) discarded) |")
    w(f"| PostgreSQL | {f['postgresql']}, a throwaway cluster from `tests/pg_cluster.sh`: "
      f"{f['pg_settings']} |")
    w(f"| keel | {f['keel']} |")
    w(f"| table | `public.orders`, {fint(int(f['rows']))} rows ({f['table_size']} with its "
      "primary key after `VACUUM ANALYZE`), copied fresh for every phase that changes it |")
    w("| change | `v2.toml`: a NOT NULL column `amount_cents bigint` with `backfill = \"(amount * "
      "100)::bigint\"` (keel: `ADD COLUMN` nullable, batches by primary-key ranges, a catch-up "
      "`UPDATE ... WHERE amount_cents IS NULL`, `CHECK ... NOT VALID`, `VALIDATE`, `SET NOT "
      "NULL`, `DROP CONSTRAINT`) and `CREATE INDEX CONCURRENTLY orders_customer_id_idx ON "
      "orders (customer_id)` |")
    w(f"| keel flags | `keel apply v2.toml --yes {f['keel_flags']}` (lock timeout: keel's default) |")
    w(f"| writers | pgbench {f['pgbench']}: `pgbench -n -M prepared -c {f['clients']} -j "
      f"{f['threads']} {f['rate_flag']}-f writers.sql -l`; one transaction = `UPDATE orders SET "
      "status, updated_at WHERE id = <random loaded row>` + `INSERT` of a new order; latency "
      "counts from the scheduled start (it includes waiting behind a slow previous "
      "transaction). A `BEFORE INSERT` trigger stands in for the application release that "
      "writes `amount_cents` |")
    w(f"| phases, per round | baseline: {f['baseline_seconds']} s of writers alone; control: "
      "writers while one `UPDATE` of every row runs in another copy (same work, no shared rows "
      f"or locks); during: writers from {f['settle']} s before `keel apply` to "
      f"{f['settle']} s after, counting every transaction that overlaps the apply; then, "
      "without load, one `UPDATE` of every row and the same `keel apply`, each on a fresh copy |")
    w(f"| diagnostics | `log_lock_waits = on`, `deadlock_timeout = {f['log_ms']}ms`; every keel "
      "statement logged with its duration (`PGOPTIONS` on keel's process only) |")
    w("")

    w("## Writers' latency (all rounds pooled)")
    w("")
    w("| | baseline | control: one UPDATE in another database | before the apply | "
      "during the apply |")
    w("|---|---:|---:|---:|---:|")
    keys = ("baseline", "control", "before", "during")
    w("| seconds | " + " | ".join(fnum(phases[k].seconds) for k in keys) + " |")
    w("| transactions | " + " | ".join(fint(st[k]["n"]) for k in keys) + " |")
    w("| transactions/s | " + " | ".join(fnum(st[k]["tps"]) for k in keys) + " |")
    for key, label in (("p50", "p50 (ms)"), ("p90", "p90 (ms)"), ("p99", "**p99 (ms)**"),
                       ("p999", "p99.9 (ms)"), ("max", "**max (ms)**")):
        w(f"| {label} | " + " | ".join(ms(st[k][key]) for k in keys) + " |")
    w("| transactions over 100 ms | " + " | ".join(str(st[k]["over_100ms"]) for k in keys) + " |")

    def cpu_cell(k: str, field: str) -> str:
        v = [c[field] for c in phases[k].cpu if field in c]
        return pct(sum(v) / len(v)) if v else ""

    w("| CPU used, all cores: machine | " + " | ".join(cpu_cell(k, "busy") for k in keys) + " |")
    w("| ... PostgreSQL / pgbench / keel | " + " | ".join(
        f"{cpu_cell(k, 'cluster')} / {cpu_cell(k, 'pgbench')} / {cpu_cell(k, 'keel')}"
        if phases[k].cpu else "" for k in keys) + " |")
    w("| ... other processes on the box | " + " | ".join(cpu_cell(k, "others") for k in keys)
      + " |")

    def per_txn(k: str, v: float) -> str:
        return f"{v * 1000 / st[k]['n']:.3f}" if st[k]["n"] and phases[k].cpu else ""

    w("| writers' processes on a CPU, ms per transaction | " + " | ".join(
        per_txn(k, phases[k].run) for k in keys) + " |")
    w("| writers' processes runnable but waiting for a CPU, ms per transaction | " + " | ".join(
        per_txn(k, phases[k].wait) for k in keys) + " |")
    w("")
    w(f"p99 during / baseline: **{ratio:.2f}x**; control / baseline: "
      f"{st['control']['p99'] / base['p99']:.2f}x. The last two lines come from the kernel's "
      "scheduler statistics (`/proc/PID/task/*/schedstat`) of pgbench's threads and the "
      "writers' server backends.")
    w("")
    if any(phases[k].profile for k in keys):
        w("Sampled every 10 ms from `pg_stat_activity` (`ONLINE_SAMPLER=1`), ms per writer "
          "transaction in each state:")
        w("")
        w("| | baseline | during the apply |")
        w("|---|---:|---:|")
        prof_keys = sorted(set(phases["baseline"].profile) | set(phases["during"].profile),
                           key=lambda k: -phases["during"].profile.get(k, 0))
        for k in prof_keys:
            w(f"| {k} | {phases['baseline'].profile.get(k, 0) * 1000 / max(1, base['n']):.3f} | "
              f"{phases['during'].profile.get(k, 0) * 1000 / max(1, during['n']):.3f} |")
        w("")

    w("## keel")
    w("")
    w("| round | total (s) | " + " | ".join(
        f"step {n}: {name} (s)" for n, name, _s, _m in (per_round[0]["steps"] or [])) +
      " | backfill (keel's progress line) | without load: total (s) | converged, NULLs left |")
    w("|---:|---:|" + "---:|" * len(per_round[0]["steps"] or []) + "---|---:|---|")
    for rr in per_round:
        fl = rr["fill"]
        w(f"| {rr['round']} | {rr['keel_s']:.2f} | " + " | ".join(
            f"{m / 1000:.2f}" for _n, _name, _s, m in rr["steps"]) +
          f" | {fint(fl['rows']) if fl else '?'} rows, {fl['batches'] if fl else '?'} batches, "
          f"{fint(fl['rate']) if fl else '?'} rows/s | {rr['quiet_s']:.2f} | "
          f"{rr['g'].get('converged', '?')}, {rr['g'].get('nulls', '?')} |")
    w("")
    if worst and worst["spans"]:
        t0 = worst["t0"]
        w(f"What keel ran in round {worst['round']} (the round with the slowest writer "
          "transaction), from the server log, consecutive statements of one kind merged, with "
          "the writers' transactions that overlap each part:")
        w("")
        w("| from (s) | to (s) | keel | statements | server time (ms) | writer transactions "
          "| p99 (ms) | max (ms) |")
        w("|---:|---:|---|---:|---:|---:|---:|---:|")
        for phase, a, b, n, busy in worst["spans"]:
            s2 = latency_stats(worst["dur_txns"], a, b)
            w(f"| {a - t0:.2f} | {b - t0:.2f} | {phase} | {n} | {ms(busy)} | {fint(s2['n'])} | "
              f"{ms(s2['p99'])} | {ms(s2['max'])} |")
        w("")

    w("## Backfill throughput (median of the rounds)")
    w("")
    w("| | rows/s | / single UPDATE |")
    w("|---|---:|---:|")
    w(f"| keel's backfill under the writers' load: batches (keel's progress line) | "
      f"{fint(fill_rate)} | {pct(fill_ratio)} |")
    w(f"| the same, batches + catch-up `UPDATE ... WHERE amount_cents IS NULL` (server log) | "
      f"{fint(strict_rate)} | {pct(strict_rate / update_rate)} |")
    w(f"| keel's backfill without load, batches | {fint(quiet_rate)} | "
      f"{pct(quiet_rate / update_rate)} |")
    w(f"| one `UPDATE orders SET amount_cents = (amount * 100)::bigint` of "
      f"{fint(per_round[0]['update_rows'])} rows, without load | {fint(update_rate)} | 100% |")
    w("")

    w("## Per round")
    w("")
    w("| round | baseline p99 (ms) | during p99 (ms) | during / baseline | during max (ms) | "
      "control p99 (ms) | keel (s) | backfill rows/s | single UPDATE rows/s | backfill / "
      "UPDATE | other processes: baseline / during |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for rr in per_round:
        ob = rr["cpu_baseline"].get("others", math.nan)
        od = rr["cpu_during"].get("others", math.nan)
        w(f"| {rr['round']} | {ms(rr['base']['p99'])} | {ms(rr['during']['p99'])} | "
          f"{rr['ratio']:.2f}x | {ms(rr['during']['max'])} | {ms(rr['control']['p99'])} | "
          f"{rr['keel_s']:.2f} | {fint(rr['fill_rate'])} | {fint(rr['update_rate'])} | "
          f"{pct(rr['fill_rate'] / rr['update_rate'])} | {pct(ob)} / {pct(od)}"
          f"{' (kept after the last attempt)' if rr['g'].get('disturbed') else ''} |")
    w("")

    w("## Acceptance")
    w("")
    w("| figure | target | measured | result |")
    w("|---|---|---:|---|")
    w(f"| writers' max latency during the apply | under 1 s | {ms(during['max'])} ms | "
      f"{verdict(during['max'] < 1000)} |")
    round_ratios = ", ".join(f"{rr['ratio']:.2f}x" for rr in per_round)
    w(f"| writers' p99 during the apply / baseline | within 2x | {ratio:.2f}x "
      f"({ms(during['p99'])} / {ms(base['p99'])} ms; per round {round_ratios}) | "
      f"{verdict(ratio <= 2)} |")
    w(f"| backfill rows/s / single UPDATE rows/s | at least 50% | {pct(fill_ratio)} "
      f"({fint(fill_rate)} / {fint(update_rate)}) | {verdict(fill_ratio >= 0.5)} |")
    w("")

    slow.sort(key=lambda x: -x[0])
    if slow:
        w("## The slowest writer transactions during the apply")
        w("")
        w("| round | started (s after keel started) | latency (ms) | keel was running |")
        w("|---:|---:|---:|---|")
        for lat, r, start, running in slow[:10]:
            w(f"| {r} | {start:.2f} | {ms(lat * 1000)} | "
              f"{'; '.join(running) or '(between statements)'} |")
        w("")
    if all_waits:
        w("## Lock waits the server logged during the apply")
        w("")
        w(f"Waits longer than `deadlock_timeout` ({f['log_ms']} ms), all rounds, grouped by who "
          "waited, for what, behind whom, and what keel was running when the wait began:")
        w("")
        by = defaultdict(list)
        for _a, _b, app, lock, after, holders, stmt, how, running in all_waits:
            kind = re.sub(r" on (transaction|relation|tuple) .*", r" on \1", lock)
            verb = " ".join(stmt.split()[:2]) if stmt else ""
            by[(app, kind, holders or "?", verb, running, how)].append(after)
        w("| waiter | lock | held by | waiter's statement | keel was running | outcome | waits "
          "| longest (ms) |")
        w("|---|---|---|---|---|---|---:|---:|")
        for (app, kind, holder, verb, running, how), afters in sorted(
                by.items(), key=lambda kv: -max((x for x in kv[1] if not isnan(x)), default=0)):
            w(f"| {app} | {kind} | {holder} | `{verb}` | {running} | {how} | {len(afters)} | "
              f"{ms(max((x for x in afters if not isnan(x)), default=math.nan))} |")
        w("")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print(json.dumps({
        "max_ms": during["max"], "p99_ratio": round(ratio, 3),
        "fill_ratio": round(fill_ratio, 3),
        "pass": during["max"] < 1000 and ratio <= 2 and fill_ratio >= 0.5,
    }))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cpu")
    c.add_argument("pgdata")
    c.add_argument("pids", nargs="*")
    lat = sub.add_parser("latency")
    lat.add_argument("--from", dest="t0", type=float)
    lat.add_argument("--to", dest="t1", type=float)
    lat.add_argument("logs", nargs="+")
    o = sub.add_parser("others")
    o.add_argument("round_facts")
    b = sub.add_parser("busy")
    b.add_argument("seconds", type=float)
    r = sub.add_parser("report")
    r.add_argument("--facts", required=True)
    r.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    if args.cmd == "cpu":
        print(json.dumps(cpu_snapshot(args.pgdata, args.pids)))
    elif args.cmd == "others":
        g = {k.split(".", 1)[1]: v for k, v in read_facts(args.round_facts).items() if "." in k}
        use = [cpu_use(g, "baseline"), cpu_use(g, "during", float(g.get("keel_cpu") or 0))]
        print(round(max(u.get("others", 0.0) for u in use) * 100))
    elif args.cmd == "busy":
        print(f"{busy_percent(args.seconds):.0f}")
    elif args.cmd == "latency":
        txns, failed = read_pgbench_logs(args.logs)
        st = latency_stats(txns, args.t0, args.t1)
        st["failed"] = failed
        print(json.dumps(st))
    else:
        report(args.facts, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
