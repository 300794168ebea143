#!/usr/bin/env python3
"""An attacker's view of one run's published tables (docs/DISCLOSURE.md "The audit").

Written from the disclosure contract, not from the tool's code, so it checks the suppression
stage by an independent route. It reads the published CSVs of one period folder (never the
store), builds the relations an outsider can write down from the tables alone, and propagates
exact integer bounds on every hidden cell (`c`) until nothing moves. A hidden cell whose lower
and upper bounds meet is pinned: the attacker knows its value.

Relations used (each is first checked on rows where every cell is shown; a relation kind that
fails there is reported and dropped, so a wrong guess about the tables cannot invent pins):
  - sets: a breakdown's rows add up to the row one level up (a cohort column set back to
    Total), and a filter with a Total value (respondent, domain, ...) likewise. Exact for
    counts that add (episodes, responses, answers, episode-domains, sessions); for counts of
    children, pupils and enrolments only bounds (the parent is at least each member and at most
    their sum), except over gender and ethnicity_major, a child's own attributes;
  - row identities: n = n_improved + n_no_change + n_declined, sessions possible = attended +
    authorised + unauthorised, n_positive + n_neutral + n_negative = n_responses, and a part at
    most its whole (n_met <= n_eligible, severe <= persistent, n_children <= n, ...);
  - a shown percentage with its base: num/den*100 rounds to the shown value (1 dp);
  - every hidden count is at least 1 (a true zero is shown as 0).
Not modelled (yet): the previous-window and trend figures against other months, identities
between tables (bands against distance travelled's n, rolling windows against months), means
and intervals against their base.

Which relations are trusted: a relation kind false on any fully shown instance is dropped; an
exact equation never seen fully shown is dropped too unless --trust-unverified (its bounds form,
parent at least each member and at most their sum, stays). A hidden cell is at least 0, or at
least 1 with --at-least-one (the contract's "a true zero shows 0"; the stage also hides the
zeros of a row it hides whole, so an attacker relying on it can be wrong).

Usage: scripts/attack.py OUT/PERIOD [--probe N] [--trust-unverified] [--at-least-one]
  --probe N  also try each value of a hidden cell whose range is at most N wide and keep only
             those that leave the system consistent (exhaustive enumeration, one cell at a
             time, around the propagated bounds); default 8, 0 turns it off.
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

    def cell(self, table, i, col, text):
        """A term for one cell: a known integer, a hidden variable, or None (not applicable)."""
        if text == "c":
            k = (table, i, col)
            if k not in self.var_of:
                self.var_of[k] = len(self.lo)
                self.lo.append(self.least); self.hi.append(INF); self.name.append(k)
            return ("v", self.var_of[k])
        try:
            return ("k", int(text))
        except ValueError:
            return None

    def add(self, kind, terms, op):
        """terms: [(coef, cell)]; op '==' or '<=' (sum <= 0)."""
        if any(c is None for _, c in terms):
            return
        lin, const = [], 0
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


def load(folder, system):
    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        table = os.path.basename(path)[:-4]
        if table.endswith(".meta"): continue
        meta = os.path.join(folder, table + ".meta.csv")
        if not os.path.exists(meta): continue
        with open(meta, newline="", encoding="utf-8-sig") as f:
            indicators = [r["col_name"] for r in csv.DictReader(f) if r["col_type"] == "Indicator"]
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        if not rows: continue
        cols = list(rows[0].keys())
        cohort = [c for c in COHORT if c in cols]
        counts = [c for c in indicators if c.startswith("n_") or c == "n" or c.startswith("sessions_")
                  or c in ("referrals", "allocations", "closures", "open_at_month_end")]
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
        for (p, c), members in sets.items():
            for col in counts:
                cells = [system.cell(table, m, col, rows[m][col]) for m in members]
                parent = system.cell(table, p, col, rows[p][col])
                exact = col not in PEOPLE or c in OWN_ATTRIBUTES
                if exact:
                    system.add(f"{table}: set over {c} ({col})", [(1, x) for x in cells] + [(-1, parent)], "==")
                # The bounds hold wherever the equation does, and stand in when it is dropped.
                if True:
                    system.add(f"{table}: set over {c} ({col}) at most the sum", [(1, parent)] + [(-1, x) for x in cells], "<=")
                    for x in cells:
                        system.add(f"{table}: set over {c} ({col}) at least each member", [(1, x), (-1, parent)], "<=")
        for i, r in enumerate(rows):
            for whole, parts in ROW_SUMS.get(table, []):
                system.add(f"{table}: {whole} = sum of its parts",
                           [(1, system.cell(table, i, p, r[p])) for p in parts] + [(-1, system.cell(table, i, whole, r[whole]))], "==")
            for part, whole in PARTS.get(table, []):
                system.add(f"{table}: {part} <= {whole}",
                           [(1, system.cell(table, i, part, r[part])), (-1, system.cell(table, i, whole, r[whole]))], "<=")
            for num, den, pct in PCTS.get(table, []):
                try: v10 = round(float(r[pct]) * 10)
                except ValueError: continue
                n, d = system.cell(table, i, num, r[num]), system.cell(table, i, den, r[den])
                # num/den*100 rounds to v10/10: (2*v10 - 1) * den <= 2000 * num <= (2*v10 + 1) * den
                system.add(f"{table}: {pct} against its base", [(2 * v10 - 1, d), (-2000, n)], "<=")
                system.add(f"{table}: {pct} against its base", [(2000, n), (-(2 * v10 + 1), d)], "<=")
    return system


def main():
    args = sys.argv[1:]
    probe = 8
    if "--probe" in args:
        k = args.index("--probe"); probe = int(args[k + 1]); del args[k:k + 2]
    flags = {a for a in args if a.startswith("--")}
    args = [a for a in args if not a.startswith("--")]
    if len(args) != 1:
        raise SystemExit(__doc__)
    s = System()
    s.least = 1 if "--at-least-one" in flags else 0
    s = load(args[0], s)
    bad = s.drop_failed_kinds("--trust-unverified" in flags)
    lo, hi = s.solve(probe)
    pinned = [v for v in range(len(lo)) if lo[v] == hi[v]]
    by_table = defaultdict(int)
    for v in pinned: by_table[s.name[v][0]] += 1
    zeros = sum(1 for v in pinned if lo[v] == 0)
    print(f"hidden cells: {len(lo)}; relations: {len(s.cons)}; pinned to one value: {len(pinned)} "
          f"({zeros} of them to 0, {len(pinned) - zeros} to 1 or more)")
    for t in sorted(by_table): print(f"  {t}: {by_table[t]}")
    narrow = sum(1 for v in range(len(lo)) if lo[v] != hi[v] and hi[v] - lo[v] <= 1)
    print(f"pinned to two values: {narrow}")
    if bad:
        print("relation kinds dropped (false on a fully shown row, or an exact one never seen fully shown):")
        for k in sorted(bad): print(f"  {k}: held {s.kind_checked[k][0]}, failed {s.kind_checked[k][1]}")
    if "-v" in os.environ.get("ATTACK_VERBOSE", ""):
        for v in pinned[:50]: print("  pinned", s.name[v], lo[v])


if __name__ == "__main__":
    main()
