#!/usr/bin/env python3
"""Benchmarks for the issues' speed and memory targets (not a test: run by hand).

    python3 scripts/bench.py [--runs 5] [--data bench-data]

Generates the county sample (plain and gzipped attendance) with `outcomes sample` when missing,
then times, alternating the contenders inside each round so they see the same machine load:
  - load from scratch (plain / gzip attendance) against sqlite3 `.import` of the attendance CSV alone;
  - a cold `outcomes run` (empty store) against the DuckDB peer (../shared/bench/peer_duckdb.py);
  - `outcomes report` on the loaded store with --threads 1 and 2;
  - loading a further month of attendance into the loaded store;
  - peak memory (/usr/bin/time -v) for the county sample and a 4x attendance file.
Prints medians and ratios from the same run. Needs `pip install 'duckdb<1.2'` for the peer (its SQL does not bind on duckdb 2).
"""
import argparse, os, re, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build/release/outcomes")
PEER = os.path.join(ROOT, "..", "shared", "bench", "peer_duckdb.py")


def timed(cmd, cwd=None, env=None):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak MiB)."""
    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, env=env, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return dt, (int(m.group(1)) / 1024 if m else float("nan"))


def fresh(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", default=os.path.join(ROOT, "bench-data"))
    a = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, capture_output=True)
    plain, gz = os.path.join(a.data, "county"), os.path.join(a.data, "county-gz")
    if not os.path.exists(os.path.join(plain, "attendance.csv")):
        subprocess.run([BIN, "sample", "--scale", "county", "--seed", "7", "--out", plain, "--no-gzip"], check=True)
    if not os.path.exists(os.path.join(gz, "attendance.csv.gz")):
        subprocess.run([BIN, "sample", "--scale", "county", "--seed", "7", "--out", gz], check=True)
    peer_dir = os.path.join(a.data, "county-peer")
    if not os.path.exists(os.path.join(peer_dir, "attendance.csv")):
        # DuckDB's sniffer cannot read the sample's BOM, quoted line breaks and dirty rows.
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts/peer_copy.py"), plain, peer_dir], check=True)
    work = fresh("/tmp/outcomes-bench")
    res = {}

    def add(k, v):
        res.setdefault(k, []).append(v)

    have_peer = subprocess.run([sys.executable, "-c", "import duckdb"], capture_output=True).returncode == 0
    for r in range(a.runs):
        d = fresh(os.path.join(work, "import"))
        sql = f".mode csv\n.import {os.path.join(plain, 'attendance.csv')} att\n"
        t = time.perf_counter()
        subprocess.run(["sqlite3", os.path.join(d, "x.db")], input=sql, text=True, check=True, capture_output=True)
        add("sqlite3 .import attendance", (time.perf_counter() - t, float("nan")))
        for name, src in (("load plain", plain), ("load gzip", gz)):
            d = fresh(os.path.join(work, "load"))
            add(name, timed([BIN, "load", "--quiet", "--extracts", src, "--db", os.path.join(d, "s.db"),
                             "--out", os.path.join(d, "out")]))
        d = fresh(os.path.join(work, "run"))
        add("run cold (2 threads)", timed([BIN, "run", "--quiet", "--extracts", plain, "--db", os.path.join(d, "s.db"),
                                         "--out", os.path.join(d, "out"), "--threads", "2", "--period", "2026-10"]))
        os.sync()  # let the cold run's writes reach the disk before timing reports on its store
        for th in ("1", "2"):
            add(f"report ({th} thread{'s' if th != '1' else ''})",
                timed([BIN, "report", "--quiet", "--db", os.path.join(d, "s.db"), "--out", os.path.join(d, "out"),
                       "--threads", th, "--period", "2026-10"]))
        if have_peer:
            p = fresh(os.path.join(work, "peer"))
            add("peer duckdb (2 threads)", timed([sys.executable, PEER, "--extracts", peer_dir, "--out", p,
                                                  "--period", "2026-10", "--threads", "2"]))
    # A further month into the loaded store: time in proportion to the file, not the store.
    d = os.path.join(work, "run")
    month = fresh(os.path.join(work, "month"))
    with open(os.path.join(plain, "attendance.csv")) as f, open(os.path.join(month, "attendance-2026-11.csv"), "w") as o:
        o.write(f.readline())
        for line in f:
            if ",2026-07-" in line:
                o.write(line.replace(",2026-07-", ",2026-11-"))
    add("load one more month into the county store",
        timed([BIN, "load", "--quiet", "--extracts", month, "--db", os.path.join(d, "s.db"), "--out", os.path.join(d, "o")]))
    # 4x attendance: the same pupils over four times the rows (ids suffixed), for peak memory.
    big = fresh(os.path.join(work, "big"))
    for f in ("episodes.csv", "outcomes.csv", "feedback.csv"):
        shutil.copy(os.path.join(plain, f), big)
    with open(os.path.join(plain, "attendance.csv")) as f, open(os.path.join(big, "attendance.csv"), "w") as o:
        header = f.readline(); o.write(header)
        body = f.read()
        o.write(body)
        for k in range(1, 4):
            o.write(re.sub(r"^([^,\n]+)", lambda m: m.group(1) + f"x{k}", body, flags=re.M))
    d = fresh(os.path.join(work, "big-run"))
    add("load 4x attendance", timed([BIN, "load", "--quiet", "--extracts", big, "--db", os.path.join(d, "s.db"),
                                     "--out", os.path.join(d, "out")]))
    print(f"{'measure':45} {'median s':>9} {'peak MiB':>9}  runs")
    med = {}
    for k, v in res.items():
        med[k] = statistics.median(x[0] for x in v)
        mem = max(x[1] for x in v)
        print(f"{k:45} {med[k]:9.2f} {mem:9.0f}  {len(v)}")
    def ratio(a_, b_):
        if a_ in med and b_ in med:
            print(f"{a_} / {b_}: {med[a_] / med[b_]:.2f}")
    ratio("load plain", "sqlite3 .import attendance")
    ratio("load gzip", "load plain")
    ratio("run cold (2 threads)", "peer duckdb (2 threads)")
    ratio("report (2 threads)", "peer duckdb (2 threads)")
    ratio("report (1 thread)", "report (2 threads)")


if __name__ == "__main__":
    main()
