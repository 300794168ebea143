#!/usr/bin/env python3
"""Cost of reading through a profile (PROFILES.md), run by hand (not a test).

Generates the same attendance rows three ways: a contract file, a profiled export whose headers
are renamed (rows pass through the mapping step without copying) and a profiled export that also
needs value maps and month-first dates (each row rebuilt in contract order); and a 50,000-row
episodes workbook. Times `outcomes load` into a fresh store, alternating rounds, and reports
medians with peak memory (from /usr/bin/time -v). Each profiled case is also divided by the
contract file's time in the same round, and the median of those ratios is printed: on a shared
machine the load drifts between rounds, and a same-round ratio cancels most of it.

Usage: python3 scripts/bench_profiles.py [--rows N] [--runs K] [--bin .build/release/outcomes]
                                         [--keep DIR]
--keep DIR writes the generated folders under DIR and leaves them there (with --runs 0, only
generates them: for a profiler such as callgrind).
"""
import argparse, datetime, os, random, re, shutil, statistics, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--rows", type=int, default=2_000_000)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--bin", default=".build/release/outcomes")
ap.add_argument("--workbook-rows", type=int, default=50_000)
ap.add_argument("--keep", help="write the generated folders here and keep them")
a = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
binary = os.path.abspath(a.bin)
work = os.path.abspath(a.keep) if a.keep else tempfile.mkdtemp(prefix="bench-profiles-")
os.makedirs(work, exist_ok=True)

def folder(name, files):
    d = os.path.join(work, name); os.makedirs(d, exist_ok=True)
    for fn, text in files.items():
        with open(os.path.join(d, fn), "w") as f: f.write(text)
    return d

rnd = random.Random(3)
start = datetime.date(2025, 9, 1)
days = [start + datetime.timedelta(days=i) for i in range(300) if (start + datetime.timedelta(days=i)).weekday() < 5]
marks = ["/"] * 8 + ["\\"] * 8 + ["N", "I", "L", "U", "M", "B"]
contract, renamed, mapped = ["child_id,school_urn,date,session,mark"], ["Pupil ID,URN,Session Date,AM/PM,Mark"], ["Pupil ID,URN,Session Date,AM/PM,Mark"]
n = 0
while n < a.rows:
    child, urn = "C%06d" % rnd.randrange(1_000_000), str(100000 + rnd.randrange(400))
    for d in days:
        for s in ("AM", "PM"):
            if n >= a.rows: break
            m = rnd.choice(marks)
            contract.append("%s,%s,%s,%s,%s" % (child, urn, d.isoformat(), s, m))
            renamed.append("%s,%s,%s,%s,%s" % (child, urn, d.isoformat(), s, m))
            mapped.append("%s,%s,%d/%d/%d,%s,%s" % (child, urn, d.month, d.day, d.year, "Morning" if s == "AM" else "Afternoon", m))
            n += 1
        if n >= a.rows: break
csv = {"contract": "\n".join(contract) + "\n", "renamed": "\n".join(renamed) + "\n", "mapped": "\n".join(mapped) + "\n"}
cases = {
    "contract file": (folder("contract", {"attendance.csv": csv["contract"]}), None),
    "profiled, headers renamed": (folder("renamed", {"Registers.csv": csv["renamed"]}),
        folder("renamed-profiles", {"registers.yml": 'kind: attendance\nfiles: ["Registers*.csv"]\ncolumns: {child_id: "Pupil ID", school_urn: URN, date: "Session Date", session: "AM/PM"}\n'})),
    "profiled, renamed + values + MDY": (folder("mapped", {"Registers.csv": csv["mapped"]}),
        folder("mapped-profiles", {"registers.yml": 'kind: attendance\nfiles: ["Registers*.csv"]\ndates: MDY\ncolumns: {child_id: "Pupil ID", school_urn: URN, date: "Session Date", session: "AM/PM"}\nvalues: {session: {Morning: AM, Afternoon: PM}}\n'})),
}
wb = os.path.join(work, "workbook"); os.makedirs(wb)
subprocess.run([sys.executable, os.path.join(here, "make_workbook.py"), "episodes", str(a.workbook_rows),
                os.path.join(wb, "episodes.xlsx"), os.path.join(work, "episodes-same.csv")], check=True)
cases["workbook, %d episode rows" % a.workbook_rows] = (wb, None)
wbcsv = folder("workbook-csv", {}); shutil.move(os.path.join(work, "episodes-same.csv"), os.path.join(wbcsv, "episodes.csv"))
cases["the same episodes as a contract CSV"] = (wbcsv, None)

def run(extracts, profiles):
    db = os.path.join(work, "s.db")
    for x in (db, db + "-wal", db + "-shm"):
        if os.path.exists(x): os.remove(x)
    cmd = ["/usr/bin/time", "-v", binary, "load", "--quiet", "--extracts", extracts, "--db", db,
           "--profiles", profiles or os.path.join(work, "none")]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0: sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    secs = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return secs, rss

if a.runs == 0:
    for k, (ex, pr) in cases.items(): print("%-40s --extracts %s --profiles %s" % (k, ex, pr or os.path.join(work, "none")))
    sys.exit(0)
times = {k: [] for k in cases}; mem = {k: [] for k in cases}
for r in range(a.runs):
    for k, (ex, pr) in cases.items():
        s, m = run(ex, pr); times[k].append(s); mem[k].append(m)
base = statistics.median(times["contract file"])
print("%d attendance rows (%.0f MB), medians of %d alternating rounds:" % (a.rows, len(csv["contract"]) / 1e6, a.runs))
for k in cases:
    t = statistics.median(times[k])
    same = sorted(x / c for x, c in zip(times[k], times["contract file"]))
    ratio = (" (%.2fx the contract file; same-round ratios median %.2fx, %.2f-%.2fx)"
             % (t / base, statistics.median(same), same[0], same[-1])) if k.startswith("profiled") else ""
    print("  %-40s %6.2f s  peak %4.0f MiB%s" % (k, t, max(mem[k]), ratio))
if not a.keep: shutil.rmtree(work)
