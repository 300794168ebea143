#!/usr/bin/env python3
"""An attacker's view of one run's published tables, or of two consecutive months' runs
(docs/DISCLOSURE.md "Checking it from outside").

Written from the disclosure contract, not from the tool's code, so it checks the suppression
stage by an independent route. It reads the published CSVs of one or two period folders (never
the store), builds the relations an outsider can write down from the tables alone, and
propagates exact integer bounds on every hidden cell (`c`) until nothing moves. A hidden cell
whose lower and upper bounds meet is pinned; pinned to 1 or more, the attacker has recovered it.

Relations used:
  - sets: a breakdown's rows add up to the row one level up, and a filter with a Total value
    likewise; exact for counts that add, bounds for children, pupils and enrolments (exact over
    gender and ethnicity_major); the previous window's figures as bounds;
  - row sums and parts within wholes;
  - percentages against numerator and base by the tables' rounding (1 dp, half away from zero):
    rates in a row, prev_pct_positive with prev_n_responses, a band's percentage of its baseline
    band (z: that band is empty), a year-on change against the year before;
  - identities between tables: bands and distance travelled's n, response-rate closures and
    activity's closures (month; 12-month sum), timeliness open_over_* eligibility and activity's
    open_at_month_end (and the same in both windows and measures), the attendance trend's last
    month and attendance.csv, the rolling window holding the month and the month before;
  - two folders (earlier, later): the later previous-window figures are the earlier month's,
    and trend months both publish are the same figures;
  - a hidden count is at least 1, but 0 in a row whose base is hidden and for a set's parent
    whose other members are all 0 or hidden.

Which relations are trusted: with --truth FOLDER (per folder, in order: the same run at
--suppress-max 0) every relation is checked against the true values and a kind false anywhere
is dropped and reported; without it, a kind false on a fully shown instance is dropped, and an
exact equation never seen fully shown too unless --trust-unverified.

Usage: scripts/attack.py OUT/PERIOD [OUT/NEXT_PERIOD] [--truth T0/PERIOD ...] [--probe N]
  --probe N  also try each value of a hidden cell whose range is at most N wide and keep only
             those that leave the system consistent; default 8, 0 turns it off.
"""
import csv, glob, os, sys
from collections import defaultdict

INF = 10 ** 12
COHORT = ["service", "locality", "level", "age_band", "gender", "ethnicity_major"]
OWN_ATTRIBUTES = {"gender", "ethnicity_major"}
# Counts of people: one child can sit in two rows of a breakdown.
PEOPLE = {"n_pupils", "n_persistently_absent", "n_severely_absent", "n_enrolments",
          "n_enrolments_persistently_absent", "n_enrolments_severely_absent", "n_children"}
# Filters whose Total is the sum of the other values (exactness as for cohort columns).
TOTAL_FILTERS = ["respondent", "domain", "rated_by", "instrument"]

# Per table: (sum identities: whole, [parts]), (part <= whole), (num, den, pct).
ROW_SUMS = {
    "distance_travelled": [("n", ["n_improved", "n_no_change", "n_declined"])],
    "attendance": [("sessions_possible", ["sessions_attended", "sessions_authorised_absence",
                                          "sessions_unauthorised_absence"])],
    "feedback": [("n_responses", ["n_positive", "n_neutral", "n_negative"])],
}
PARTS = {
    "distance_travelled": [("n_children", "n")],
    "attendance": [("n_persistently_absent", "n_pupils"), ("n_severely_absent", "n_persistently_absent"),
                   ("n_enrolments_persistently_absent", "n_enrolments"),
                   ("n_enrolments_severely_absent", "n_enrolments_persistently_absent"),
                   ("n_pupils", "n_enrolments")],
    "timeliness": [("n_met", "n_eligible")],
    "feedback_response_rate": [("n_with_closure_survey", "n_closed")],
    "attendance_impact": [("n_improved", "n_episodes")],
}
PCTS = {
    "timeliness": [("n_met", "n_eligible", "pct_met")],
    "feedback_response_rate": [("n_with_closure_survey", "n_closed", "response_rate_pct")],
    "distance_travelled": [("n_improved", "n", "pct_improved"), ("n_no_change", "n", "pct_no_change"),
                           ("n_declined", "n", "pct_declined")],
    "feedback": [("n_positive", "n_responses", "pct_positive")],
    "attendance": [("n_persistently_absent", "n_pupils", "persistent_absence_pct"),
                   ("n_severely_absent", "n_pupils", "severe_absence_pct"),
                   ("n_enrolments_persistently_absent", "n_enrolments", "enrolment_persistent_absence_pct"),
                   ("n_enrolments_severely_absent", "n_enrolments", "enrolment_severe_absence_pct"),
                   ("sessions_attended", "sessions_possible", "attendance_pct")],
    "attendance_impact": [("n_improved", "n_episodes", "pct_improved")],
}


class System:
    def __init__(self):
        self.lo, self.hi, self.name = [], [], []
        self.cons = []  # (terms [(coef, var or None)], const, kind) meaning sum(coef*x) + const (<= or ==) 0
        self.kind_checked = defaultdict(lambda: [0, 0])  # kind -> [held, failed] on fully shown instances
        self.var_of = {}
        self.least = 0
        self.published = set()  # variables that stand for a figure another table shows

    def cell(self, table, i, col, text, least=None):
        """A term for one cell: a known integer, a hidden variable, or None (not applicable).
        `least`: the lowest value the contract allows this hidden cell (1 for a count hidden on
        its own, 0 where it may be a zero hidden with its row); the first call for a cell decides."""
        if text == "c":
            k = (table, i, col)
            if k not in self.var_of:
                self.var_of[k] = len(self.lo)
                self.lo.append(self.least if least is None else least); self.hi.append(INF); self.name.append(k)
            return ("v", self.var_of[k])
        try:
            return ("k", int(text))
        except ValueError:
            return None

    def add(self, kind, terms, op, const=0):
        """terms: [(coef, cell)]; op '==' or '<=' (sum + const <= 0)."""
        if any(c is None for _, c in terms):
            return
        lin = []
        for a, c in terms:
            if c[0] == "k": const += a * c[1]
            else: lin.append((a, c[1]))
        if not lin:
            ok = const == 0 if op == "==" else const <= 0
            self.kind_checked[kind][0 if ok else 1] += 1
            return
        self.cons.append((kind, lin, const, op))

    def drop_failed_kinds(self, trust_unverified):
        kinds = {c[0] for c in self.cons} | set(self.kind_checked)
        bad = {k for k in kinds if self.kind_checked[k][1]
               or (not trust_unverified and self.kind_checked[k][0] == 0 and " at " not in k)}
        self.cons = [c for c in self.cons if c[0] not in bad]
        return bad

    def propagate(self, lo, hi, queue=None):
        """Bounds propagation to a fixpoint; False when some bound crosses (inconsistent)."""
        by_var = self.by_var
        pending = set(range(len(self.cons))) if queue is None else set(queue)
        while pending:
            ci = pending.pop()
            _, lin, const, op = self.cons[ci]
            # sum a_i x_i + const <= 0 (and >= 0 for ==)
            mins = [a * (lo[v] if a > 0 else hi[v]) for a, v in lin]
            maxs = [a * (hi[v] if a > 0 else lo[v]) for a, v in lin]
            smin, smax = sum(mins) + const, sum(maxs) + const
            if smin > 0 or (op == "==" and smax < 0):
                return False
            for j, (a, v) in enumerate(lin):
                rest_min = smin - mins[j]  # a*x_v <= -rest_min
                nlo, nhi = lo[v], hi[v]
                if a > 0: nhi = min(nhi, (-rest_min) // a)
                else: nlo = max(nlo, -((-rest_min) // (-a)))
                if op == "==":
                    rest_max = smax - maxs[j]  # a*x_v >= -rest_max
                    if a > 0: nlo = max(nlo, -((rest_max) // a))
                    else: nhi = min(nhi, (rest_max) // (-a))
                if nlo > nhi:
                    return False
                if nlo != lo[v] or nhi != hi[v]:
                    lo[v], hi[v] = nlo, nhi
                    pending.update(by_var[v])
        return True

    def solve(self, probe):
        self.by_var = defaultdict(list)
        for ci, (_, lin, _, _) in enumerate(self.cons):
            for _, v in lin: self.by_var[v].append(ci)
        lo, hi = list(self.lo), list(self.hi)
        if not self.propagate(lo, hi):
            raise SystemExit("the published tables are inconsistent under these relations")
        if probe:
            changed = True
            while changed:
                changed = False
                for v in range(len(lo)):
                    if lo[v] == hi[v] or hi[v] - lo[v] > probe: continue
                    feasible = []
                    for x in range(lo[v], hi[v] + 1):
                        l2, h2 = list(lo), list(hi)
                        l2[v] = h2[v] = x
                        if self.propagate(l2, h2, self.by_var[v]): feasible.append(x)
                    if feasible and (feasible[0] != lo[v] or feasible[-1] != hi[v]):
                        lo[v], hi[v] = feasible[0], feasible[-1]
                        self.propagate(lo, hi, self.by_var[v])
                        changed = True
        return lo, hi


def breakdown_cols(b):
    if b == "Total": return []
    out, rest = [], b
    while rest:
        for c in sorted(COHORT, key=len, reverse=True):
            if rest == c or rest.startswith(c + "_"):
                out.append(c); rest = rest[len(c) + 1:]; break
        else:
            return None
    return out


# Rule 1's base of each table (a row whose base is hidden is hidden whole, zeros included).
BASE = {"distance_travelled": "n", "attendance": "n_pupils", "attendance_impact": "n_episodes",
        "attendance_trend": "n_pupils", "feedback": "n_responses", "feedback_response_rate": "n_closed",
        "timeliness": "n_eligible"}
COUNT_NAMES = ("referrals", "allocations", "closures", "open_at_month_end")


def is_count(c):
    return c.startswith("n_") or c == "n" or c.startswith("sessions_") or c in COUNT_NAMES


class Tables:
    """One period folder's tables, with lookups by their key columns."""

    def __init__(self, folder, tag):
        self.tag, self.rows, self.cols, self.indicators, self.index = tag, {}, {}, {}, {}
        for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
            table = os.path.basename(path)[:-4]
            meta = os.path.join(folder, table + ".meta.csv")
            if table.endswith(".meta") or not os.path.exists(meta): continue
            with open(meta, newline="", encoding="utf-8-sig") as f:
                self.indicators[table] = [r["col_name"] for r in csv.DictReader(f) if r["col_type"] == "Indicator"]
            with open(path, newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
            if not rows: continue
            self.rows[table] = rows
            self.cols[table] = [c for c in rows[0].keys() if c not in self.indicators[table]]
            self.index[table] = {self.key(table, r): i for i, r in enumerate(rows)}

    def key(self, table, r, **over):
        return tuple(over.get(c, r.get(c, "Total")) for c in self.cols[table])

    def find(self, table, **values):
        """The row of `table` with these key values (others Total, breakdown Total)."""
        if table not in self.rows: return None
        cols = self.cols[table]
        k = tuple(values.get(c, values.get("_" + c, "Total")) for c in cols)
        return self.index[table].get(k)


def least_of(tables, table, i, col, parent_instead):
    """The contract's lowest value of a hidden count (PRECISE.md 41, docs/DISCLOSURE.md "Hidden
    zeros"): 0 in a row hidden whole (rule 1 hides its zeros too) or for a set's parent hidden for
    want of a non-zero shown member (it may be 0); otherwise 1 (a true zero shows 0)."""
    r = tables.rows[table][i]
    base = BASE.get(table)
    if base and base in r and r[base] == "c" and col != base: return 0
    if (i, col) in parent_instead: return 0
    return 1


def load(tables, system):
    """The relations inside each table of one folder (sets, row sums, parts, rates)."""
    tag = tables.tag
    for table, rows in tables.rows.items():
        indicators = tables.indicators[table]
        cols = list(rows[0].keys())
        cohort = [c for c in COHORT if c in cols]
        counts = [c for c in indicators if is_count(c)]
        filters = [c for c in cols if c not in indicators and c not in cohort and c != "breakdown"]
        index = {}
        for i, r in enumerate(rows):
            index[tuple(r[c] for c in filters) + (r.get("breakdown", ""),) + tuple(r[c] for c in cohort)] = i

        def key(r, over=None, breakdown=None):
            over = over or {}
            return (tuple(over.get(c, r[c]) for c in filters) + (breakdown if breakdown is not None else r.get("breakdown", ""),)
                    + tuple(over.get(c, r[c]) for c in cohort))

        sets = defaultdict(list)  # (parent index, partitioned column) -> member indices
        for i, r in enumerate(rows):
            bcols = breakdown_cols(r.get("breakdown", "Total")) if cohort else []
            if bcols is None: continue
            for c in bcols:
                rest = [b for b in bcols if b != c]
                p = index.get(key(r, {c: "Total"}, "_".join(rest) if rest else "Total"))
                if p is not None: sets[(p, c)].append(i)
            for c in TOTAL_FILTERS:
                if c in filters and r[c] != "Total":
                    p = index.get(key(r, {c: "Total"}))
                    if p is not None: sets[(p, c)].append(i)
        # Rule 4 hides a set's parent when no other member is shown non-zero: such a parent may be 0.
        parent_instead = set()
        for (p, c), members in sets.items():
            for col in counts:
                if any(rows[m][col] == "c" for m in members) and all(rows[m][col] in ("0", "c") for m in members):
                    parent_instead.add((p, col))
        name = tag + table

        def cell(i, col, text=None, rows=rows, table=table, name=name, parent_instead=parent_instead):
            return system.cell(name, i, col, rows[i][col] if text is None else text,
                               least_of(tables, table, i, col, parent_instead))
        tables.cell = getattr(tables, "cell", {})
        tables.cell[table] = cell
        for (p, c), members in sets.items():
            for col in counts:
                cells = [cell(m, col) for m in members]
                parent = cell(p, col)
                exact = col not in PEOPLE or c in OWN_ATTRIBUTES
                if exact:
                    system.add(f"{table}: set over {c} ({col})", [(1, x) for x in cells] + [(-1, parent)], "==")
                system.add(f"{table}: set over {c} ({col}) at most the sum", [(1, parent)] + [(-1, x) for x in cells], "<=")
                for x in cells:
                    system.add(f"{table}: set over {c} ({col}) at least each member", [(1, x), (-1, parent)], "<=")
            if table == "feedback":
                # The previous window's figures: a row exists only with an answer this window,
                # so the parent's previous count is at least the members' sum.
                for col in ("prev_n_responses", "prev_n_positive"):
                    system.add(f"feedback: set over {c} ({col}) at least the sum",
                               [(1, prev_cell(system, name, m, rows[m], col, cell)) for m in members]
                               + [(-1, prev_cell(system, name, p, rows[p], col, cell))], "<=")
        for i, r in enumerate(rows):
            for whole, parts in ROW_SUMS.get(table, []):
                system.add(f"{table}: {whole} = sum of its parts",
                           [(1, cell(i, q)) for q in parts] + [(-1, cell(i, whole))], "==")
            for part, whole in PARTS.get(table, []):
                system.add(f"{table}: {part} <= {whole}", [(1, cell(i, part)), (-1, cell(i, whole))], "<=")
            for num, den, pct in PCTS.get(table, []):
                rate(system, f"{table}: {pct} against its base", r[pct], [(1, cell(i, num))], [(1, cell(i, den))])
            if table == "feedback":
                pos, n = prev_cell(system, name, i, r, "prev_n_positive", cell), cell(i, "prev_n_responses")
                rate(system, "feedback: prev_pct_positive against its base", r["prev_pct_positive"], [(1, pos)], [(1, n)])
                system.add("feedback: prev positives within prev responses", [(1, pos), (-1, n)], "<=")
                if r["prev_pct_positive"] == "z":  # no answer in the previous window
                    system.add("feedback: no previous answer", [(1, n)], "==")
    return system


def prev_cell(system, name, i, r, col, cell):
    """Feedback's previous-window positives: never shown, known through prev_pct_positive."""
    if col != "prev_n_positive": return cell(i, col)
    if r["prev_pct_positive"] != "c":
        # Shown through its percentage: last month's own table shows it (rule 7), so knowing it
        # is no recovery.
        system.published.add((name, i, "prev_n_positive"))
    return system.cell(name, i, "prev_n_positive", "c", 0)


def tenths_interval(text):
    """A 1-decimal figure as written (half away from zero, METRICS.md): the exact value x lies in
    [v - 0.05, v + 0.05) for v >= 0, in (v - 0.05, v + 0.05] below 0; as tenths*2 bounds."""
    try: v10 = round(float(text) * 10)
    except ValueError: return None
    return v10


def rate(system, kind, text, num, den):
    """num/den*100 written as `text` (1 dp): (2v-1)*den <= 2000*num < (2v+1)*den (v >= 0)."""
    v10 = tenths_interval(text)
    if v10 is None: return
    if v10 >= 0:
        system.add(kind, [(a * (2 * v10 - 1), c) for a, c in den] + [(-2000 * a, c) for a, c in num], "<=")
        system.add(kind, [(2000 * a, c) for a, c in num] + [(-(2 * v10 + 1) * a, c) for a, c in den], "<=", 1)
    else:
        system.add(kind, [(a * (2 * v10 - 1), c) for a, c in den] + [(-2000 * a, c) for a, c in num], "<=", 1)
        system.add(kind, [(2000 * a, c) for a, c in num] + [(-(2 * v10 + 1) * a, c) for a, c in den], "<=")


def identities(tables, system):
    """Relations between one folder's tables (PRECISE.md 41, "identities between the run's tables")."""
    rows, cell = tables.rows, tables.cell
    # Distance travelled's n of a domain and rater is the sum of its 25 band pairs; a band's
    # percentage is of its baseline band's total (z when that is empty).
    if "distance_travelled_bands" in rows and "distance_travelled" in rows:
        groups, base_rows = defaultdict(list), defaultdict(list)
        for i, r in enumerate(rows["distance_travelled_bands"]):
            groups[(r["window"], r["domain"], r["rated_by"])].append(i)
            base_rows[(r["window"], r["domain"], r["rated_by"], r["baseline_band"])].append(i)
        for (w, d, rb), ms in groups.items():
            p = tables.find("distance_travelled", window=w, domain=d, rated_by=rb)
            if p is None: continue
            system.add("bands add up to distance travelled's n",
                       [(1, cell["distance_travelled_bands"](m, "n")) for m in ms] + [(-1, cell["distance_travelled"](p, "n"))], "==")
        for k, ms in base_rows.items():
            terms = [(1, cell["distance_travelled_bands"](m, "n")) for m in ms]
            for m in ms:
                t = rows["distance_travelled_bands"][m]["pct_of_baseline_band"]
                if t == "z":
                    system.add("a band percentage z: its baseline band is empty", terms, "<=")
                elif t != "c":
                    system.add("a band percentage shown: its baseline band is not empty", [(-a, c) for a, c in terms], "<=", 1)
                    rate(system, "a band percentage against its baseline band", t,
                         [(1, cell["distance_travelled_bands"](m, "n"))], terms)
    act = rows.get("activity_trend")
    if act:
        months = sorted({r["time_period"] + "-" + MONTHS[r["time_identifier"]] for r in act})
        m_last = months[-1]

        def act_row(month, service):
            y, mo = month.split("-")
            return tables.find("activity_trend", time_period=y, time_identifier=NAMES[int(mo) - 1],
                               breakdown="Total" if service == "Total" else "service", service=service)
        # Year-on changes: (this - before) / before * 100 as written, for months with the year before in the table.
        for i, r in enumerate(act):
            month = r["time_period"] + "-" + MONTHS[r["time_identifier"]]
            y, mo = month.split("-")
            before = f"{int(y) - 1}-{mo}"
            j = act_row(before, r["service"])
            if j is None: continue
            for c in COUNT_NAMES:
                this, prev = cell["activity_trend"](i, c), cell["activity_trend"](j, c)
                rate(system, "activity: year-on change against the year before",
                     r[c + "_yoy_pct"], [(1, this), (-1, prev)], [(1, prev)])
        # Response rate: closed episodes are activity's closures (the month's; the 12 months' sum).
        for i, r in enumerate(rows.get("feedback_response_rate", [])):
            span = [m_last] if r["window"] == "Reporting month" else months[-12:]
            ms = [act_row(m, r.get("service", "Total")) for m in span]
            if None in ms: continue
            system.add("response rate's closures are activity's closures",
                       [(1, cell["activity_trend"](m, "closures")) for m in ms]
                       + [(-1, cell["feedback_response_rate"](i, "n_closed"))], "==")
        # Timeliness open_over_* eligibility is the episodes open at the month's end.
        for i, r in enumerate(rows.get("timeliness", [])):
            if not r["measure"].startswith("open_over_"): continue
            if r.get("breakdown", "Total") not in ("Total", "service"): continue
            if any(r.get(c, "Total") != "Total" for c in COHORT if c != "service"): continue
            j = act_row(m_last, r.get("service", "Total"))
            if j is not None:
                system.add("timeliness open_over eligibility is activity's open at month end",
                           [(1, cell["timeliness"](i, "n_eligible")), (-1, cell["activity_trend"](j, "open_at_month_end"))], "==")
    tl = rows.get("timeliness")
    if tl:
        for i, r in enumerate(tl):
            if not r["measure"].startswith("open_over_"): continue
            for w, meas in (("Rolling 12 months", r["measure"]), (r["window"], "open_over_9_months")):
                j = tables.index["timeliness"].get(tables.key("timeliness", r, window=w, measure=meas))
                if j is not None and j != i:
                    system.add("timeliness open_over eligibility is the same in both windows and measures",
                               [(1, cell["timeliness"](i, "n_eligible")), (-1, cell["timeliness"](j, "n_eligible"))], "==")
    # The attendance trend's last month is attendance.csv's reporting month.
    at, att = rows.get("attendance_trend"), rows.get("attendance")
    if at and att:
        last = max((r["time_period"], MONTHS[r["time_identifier"]]) for r in at)
        for i, r in enumerate(at):
            if (r["time_period"], MONTHS[r["time_identifier"]]) != last: continue
            j = tables.index["attendance"].get(tables.key("attendance", r, window="Reporting month"))
            if j is None: continue
            system.add("attendance trend's month is attendance's reporting month",
                       [(1, cell["attendance_trend"](i, "n_pupils")), (-1, cell["attendance"](j, "n_pupils"))], "==")
    # Feedback: the rolling 12 months hold this month and the month before.
    fb = rows.get("feedback")
    if fb:
        for i, r in enumerate(fb):
            if r["window"] != "Reporting month": continue
            j = tables.index["feedback"].get(tables.key("feedback", r, window="Rolling 12 months"))
            if j is None: continue
            for now, prev in (("n_responses", "prev_n_responses"), ("n_positive", "prev_n_positive")):
                system.add("feedback: the rolling window holds the month and the month before",
                           [(1, cell["feedback"](i, now)), (1, prev_cell(system, tables.tag + "feedback", i, r, prev, cell["feedback"])),
                            (-1, cell["feedback"](j, now))], "<=")


def across_months(earlier, later, system):
    """Two consecutive months' runs (PRECISE.md 41, "the previous-window and trend figures against
    the other windows and months of the run"): the later month's previous-window figures are the
    earlier month's own, and a trend month both tables hold is the same figure in both."""
    fa, fb = earlier.rows.get("feedback"), later.rows.get("feedback")
    if fa and fb:
        for i, r in enumerate(fb):
            if r["window"] != "Reporting month": continue
            j = earlier.index["feedback"].get(earlier.key("feedback", r))
            if j is None: continue
            system.add("two months: previous responses are last month's responses",
                       [(1, later.cell["feedback"](i, "prev_n_responses")), (-1, earlier.cell["feedback"](j, "n_responses"))], "==")
            system.add("two months: previous positives are last month's positives",
                       [(1, prev_cell(system, later.tag + "feedback", i, r, "prev_n_positive", later.cell["feedback"])),
                        (-1, earlier.cell["feedback"](j, "n_positive"))], "==")
    for table in ("activity_trend", "attendance_trend"):
        ra, rb = earlier.rows.get(table), later.rows.get(table)
        if not ra or not rb: continue
        counts = [c for c in earlier.indicators[table] if is_count(c)]
        for i, r in enumerate(rb):
            j = earlier.index[table].get(earlier.key(table, r))
            if j is None: continue
            for c in counts:
                system.add(f"two months: {table} month in both runs ({c})",
                           [(1, later.cell[table](i, c)), (-1, earlier.cell[table](j, c))], "==")


MONTHS = {n: f"{k + 1:02d}" for k, n in enumerate(["January", "February", "March", "April", "May", "June", "July",
                                                      "August", "September", "October", "November", "December"])}
NAMES = list(MONTHS)


def truth_of(folder, tag):
    """The true values of one folder's counts, from the same run at --suppress-max 0."""
    t = Tables(folder, tag)
    out = {}
    for table, rows in t.rows.items():
        for i, r in enumerate(rows):
            for c, v in r.items():
                try: out[(tag + table, i, c)] = int(v)
                except (ValueError, TypeError): pass
            if table == "feedback":
                try:
                    n, pct = int(r["prev_n_responses"]), float(r["prev_pct_positive"])
                    out[(tag + table, i, "prev_n_positive")] = round(pct * n / 100)
                except ValueError:
                    out[(tag + table, i, "prev_n_positive")] = 0
    return out


def main():
    args = sys.argv[1:]
    probe = 8
    if "--probe" in args:
        k = args.index("--probe"); probe = int(args[k + 1]); del args[k:k + 2]
    truth_folders = []
    while "--truth" in args:
        k = args.index("--truth"); truth_folders.append(args[k + 1]); del args[k:k + 2]
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    if len(args) not in (1, 2):
        raise SystemExit(__doc__)
    s = System()
    s.least = 0
    folders = [Tables(f, f"m{k}:") for k, f in enumerate(args)]
    for t in folders:
        load(t, s)
        identities(t, s)
    if len(folders) == 2:
        across_months(folders[0], folders[1], s)
    truth = {}
    for k, f in enumerate(truth_folders): truth.update(truth_of(f, f"m{k}:"))
    if truth:
        # A relation kind false on the true values is a mistake in this script's reading of
        # the contract: report it and drop it.
        for kind, lin, const, op in s.cons:
            vals = [truth.get(s.name[v]) for _, v in lin]
            if None in vals: continue
            tot = sum(a * x for (a, _), x in zip(lin, vals)) + const
            ok = tot == 0 if op == "==" else tot <= 0
            s.kind_checked[kind][0 if ok else 1] += 1
        for v in range(len(s.lo)):
            x = truth.get(s.name[v])
            if x is not None and x < s.lo[v]:
                s.kind_checked["lower bound of a hidden count"][1] += 1
                s.lo[v] = 0
    bad = s.drop_failed_kinds("--trust-unverified" in flags or bool(truth))
    lo, hi = s.solve(probe)
    pinned = [v for v in range(len(lo)) if lo[v] == hi[v]]
    recovered = [v for v in pinned if lo[v] >= 1 and s.name[v] not in s.published]
    by_table = defaultdict(int)
    for v in recovered: by_table[s.name[v][0]] += 1
    print(f"hidden cells: {len(lo)}; relations: {len(s.cons)}; pinned to one value: {len(pinned)} "
          f"({len(pinned) - len(recovered)} of them to 0, {len(recovered)} to 1 or more: recovered)")
    for t in sorted(by_table): print(f"  {t}: {by_table[t]}")
    if truth:
        wrong = [v for v in recovered if truth.get(s.name[v]) not in (None, lo[v])]
        print(f"recovered values that differ from the truth: {len(wrong)}")
    narrow = sum(1 for v in range(len(lo)) if lo[v] != hi[v] and hi[v] - lo[v] <= 1)
    print(f"pinned to two values: {narrow}")
    if bad:
        print("relation kinds dropped (false on the truth or a fully shown row, or an exact one never seen fully shown):")
        for k in sorted(bad): print(f"  {k}: held {s.kind_checked[k][0]}, failed {s.kind_checked[k][1]}")
    if os.environ.get("ATTACK_VERBOSE"):
        for v in recovered[:50]: print("  recovered", s.name[v], lo[v], "truth", truth.get(s.name[v]))


if __name__ == "__main__":
    main()
