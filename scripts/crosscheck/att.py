#!/usr/bin/env python3
"""Independent implementation of attendance.csv, attendance_impact.csv, attendance_trend.csv
from the written contract (docs/) only.  Usage:
  att.py EXTRACTS_DIR PERIOD(YYYY-MM) T OUTDIR    -> writes the three tables
  att.py --compare MINEDIR TOOLDIR                -> compares
"""
import csv, gzip, io, os, re, sys, datetime
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP

D = datetime.date
GEO = ["Local authority", "E92000001", "England", "E12000009", "South West", "E10000008", "878", "Devon"]
COHORT = ["service", "locality", "level", "age_band", "gender", "ethnicity_major"]
BREAKDOWNS = [(), ("service",), ("locality",), ("level",), ("age_band",), ("gender",),
              ("ethnicity_major",), ("service", "locality")]
AGE_ORDER = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17", "18 and over", "Unknown"]

# ---------------------------------------------------------------- parsing
WS = " \t\r\n\f\v"


def trim(s):
    return s.strip(WS)


ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", re.S)
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[T ].*)?$", re.S)


def pdate(s):
    m = ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = UK.match(s)
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return D(y, mo, d)
    except ValueError:
        return None


def pmonth(s):
    m = re.match(r"^(\d{4})-(\d{2})$", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return (y, mo)
        return None
    d = pdate(s)
    if d:
        return (d.year, d.month)
    return None


LEVELS = {"EH3", "EH4", "CIN", "CP", "CIC", "CL"}
SEND = {"y", "n", "yes", "no", "true", "false", "1", "0"}
ETH = {}
for g, codes in [("White", "WBRI WIRI WIRT WOTH WROM"), ("Mixed / Multiple ethnic groups", "MWBC MWBA MWAS MOTH"),
                 ("Asian / Asian British", "AIND APKN ABAN AOTH CHNE"),
                 ("Black / African / Caribbean / Black British", "BCRB BAFR BOTH"), ("Other ethnic group", "OOTH")]:
    for c in codes.split():
        ETH[c] = g

MARKS = {}
for c in ["/", "\\", "L", "K", "V", "P", "W", "B", "J"]:
    MARKS[c] = "att"
for c in ["C", "C1", "C2", "M", "J1", "S", "R", "I", "T", "E", "H", "F"]:
    MARKS[c] = "auth"
for c in ["G", "N", "O", "U"]:
    MARKS[c] = "unauth"
for c in ["X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "D", "Z", "#", "Y"]:
    MARKS[c] = "np"


def gender(s):
    l = s.lower()
    if l in ("f", "female", "girl"):
        return "Female"
    if l in ("m", "male", "boy"):
        return "Male"
    if l in ("", "u", "unknown", "not known", "not stated"):
        return "Unknown"
    return "Other"


def read_rows(path):
    raw = open(path, "rb").read()
    if path.endswith(".gz"):
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    rd = csv.reader(io.StringIO(text, newline=""))
    header = None
    for rec in rd:
        if not rec:
            continue
        if header is None:
            header = [trim(h).lower() for h in rec]
            continue
        if len(rec) != len(header):
            yield None
            continue
        row = {}
        for h, v in zip(header, rec):
            if h not in row:
                row[h] = trim(v)
        yield row


SEEN_SHA = set()


def files_of(folder, prefix):
    import hashlib
    out = []
    for n in os.listdir(folder):
        if n.startswith(prefix) and (n.endswith(".csv") or n.endswith(".csv.gz")):
            out.append(n)
    out.sort(key=lambda n: n.encode())
    res = []
    for n in out:
        p = os.path.join(folder, n)
        h = hashlib.sha256(open(p, "rb").read()).hexdigest()
        if h in SEEN_SHA:
            continue
        SEEN_SHA.add(h)
        res.append(p)
    return res


def load_episodes(folder):
    store = {}
    for f in files_of(folder, "episodes"):
        seen = {}
        for row in read_rows(f):
            if row is None:
                continue
            ep = parse_episode(row)
            if ep is None:
                continue
            if ep["episode_id"] in seen:
                continue
            seen[ep["episode_id"]] = ep
        store.update(seen)
    return store


def parse_episode(r):
    g = lambda k: r.get(k, "")
    if not g("episode_id") or not g("child_id") or not g("service"):
        return None
    lvl = g("level").upper()
    if lvl not in LEVELS:
        return None
    ref = None
    if g("referral_date"):
        ref = pdate(g("referral_date"))
        if ref is None:
            return None
    if not g("allocation_date"):
        return None
    alloc = pdate(g("allocation_date"))
    if alloc is None:
        return None
    dates = {}
    for k in ("first_contact_date", "assessment_date", "first_taf_date", "closure_date"):
        v = g(k)
        if v:
            d = pdate(v)
            if d is None or d < alloc:
                return None
            dates[k] = d
        else:
            dates[k] = None
    bm = None
    if g("birth_month"):
        bm = pmonth(g("birth_month"))
        if bm is None:
            return None
    gen = gender(g("gender"))
    eth = ETH.get(g("ethnicity").upper(), "Unknown")
    if g("send") and g("send").lower() not in SEND:
        return None
    # age band
    if bm is None:
        ab = "Unknown"
    else:
        bd = D(bm[0], bm[1], 1)
        if bd > alloc:
            ab = "Under 1"
        else:
            age = alloc.year - bd.year - ((alloc.month, alloc.day) < (bd.month, bd.day))
            ab = ("Under 1" if age < 1 else "1 to 4" if age < 5 else "5 to 9" if age < 10 else
                  "10 to 15" if age < 16 else "16 to 17" if age < 18 else "18 and over")
    return {"episode_id": g("episode_id"), "child_id": g("child_id"), "alloc": alloc,
            "closure": dates["closure_date"],
            "cohort": {"service": g("service").upper(), "locality": g("locality") or "Unknown",
                       "level": lvl, "age_band": ab, "gender": gen, "ethnicity_major": eth}}


def load_attendance(folder):
    store = {}
    for f in files_of(folder, "attendance"):
        seen = {}
        for r in read_rows(f):
            if r is None:
                continue
            cid = r.get("child_id", "")
            if not cid:
                continue
            dt = r.get("date", "")
            if not dt:
                continue
            d = pdate(dt)
            if d is None:
                continue
            s = r.get("session", "").upper()
            if s not in ("AM", "PM"):
                continue
            mk = r.get("mark", "")
            if mk not in MARKS:
                continue
            key = (cid, r.get("school_urn", ""), d, s)
            if key in seen:
                continue
            seen[key] = MARKS[mk]
        store.update(seen)
    return store


# ---------------------------------------------------------------- metrics
def month_bounds(y, m):
    first = D(y, m, 1)
    nxt = D(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def add_months(y, m, k):
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1


def row_key(bd, cohort):
    return tuple(cohort[c] if c in bd else "Total" for c in COHORT)


def sort_key(key):
    out = []
    for c, v in zip(COHORT, key):
        if v == "Total":
            out.append((0, 0, ""))
        elif v == "Unknown":
            out.append((2, 0, ""))
        elif c == "age_band":
            out.append((1, AGE_ORDER.index(v), ""))
        else:
            out.append((1, 0, v))
    return out


def guard(v):
    if v and v[0] in "=+-@\t\r":
        return "'" + v
    return v


class Data:
    def __init__(self, folder):
        self.eps = load_episodes(folder)
        self.att = load_attendance(folder)
        self.by_child = {}
        for e in self.eps.values():
            self.by_child.setdefault(e["child_id"], []).append(e)
        self.sessions = {}  # child -> list of (date, cls, school): an enrolment is a child at one school
        for (cid, urn, d, s), cls in self.att.items():
            self.sessions.setdefault(cid, []).append((d, cls, urn))
        for v in self.sessions.values():
            v.sort()
        self._keycache = {}

    def keys_on(self, cid, d, bds):
        ck = (cid, d)
        r = self._keycache.get(ck)
        if r is None:
            keys = set()
            for e in self.by_child.get(cid, ()):
                if e["alloc"] <= d and (e["closure"] is None or d <= e["closure"]):
                    for bd in bds:
                        keys.add((bd, row_key(bd, e["cohort"])))
            r = keys
            self._keycache[ck] = r
        return r

    def attendance_rows(self, ws, we, bds, all_pupils=True):
        """returns dict (bdname, key) -> per-pupil dict child -> [poss, att, auth, unauth, any, {school: [poss, absent]}]"""
        acc = {}
        import bisect
        for cid, ss in self.sessions.items():
            lo = bisect.bisect_left(ss, (ws, "", ""))
            hi = bisect.bisect_right(ss, (we, "~", "~"))
            for d, cls, urn in ss[lo:hi]:
                ks = set(self.keys_on(cid, d, bds))
                if all_pupils:
                    ks.add((("all_pupils",), ("Total",) * 6))
                for k in ks:
                    p = acc.setdefault(k, {}).setdefault(cid, [0, 0, 0, 0, 0, {}])
                    p[4] += 1
                    if cls != "np":
                        p[0] += 1
                        en = p[5].setdefault(urn, [0, 0])
                        en[0] += 1
                        en[1] += cls in ("auth", "unauth")
                        if cls == "att":
                            p[1] += 1
                        elif cls == "auth":
                            p[2] += 1
                        else:
                            p[3] += 1
        return acc


def pct(a, b):
    if b == 0:
        return None
    return Fraction(a * 100, b)


def summarise(pupils):
    n = 0
    P = A = AU = UN = 0
    npa = nsa = 0
    ne = nepa = nesa = 0
    for c, (p, a, au, un, anyc, schools) in pupils.items():
        for ep, eab in schools.values():
            if ep > 0:
                ne += 1
                nepa += 10 * eab >= ep
                nesa += 2 * eab >= ep
        if p > 0:
            n += 1
            ab = au + un
            if 10 * ab >= p:
                npa += 1
            if 2 * ab >= p:
                nsa += 1
        P += p
        A += a
        AU += au
        UN += un
    return dict(n_pupils=n, sessions_possible=P, sessions_attended=A, sessions_authorised_absence=AU,
                sessions_unauthorised_absence=UN, attendance_pct=pct(A, P), authorised_absence_pct=pct(AU, P),
                unauthorised_absence_pct=pct(UN, P), overall_absence_pct=pct(AU + UN, P),
                n_persistently_absent=npa, persistent_absence_pct=pct(npa, n), n_severely_absent=nsa,
                severe_absence_pct=pct(nsa, n), n_enrolments=ne, n_enrolments_persistently_absent=nepa,
                enrolment_persistent_absence_pct=pct(nepa, ne), n_enrolments_severely_absent=nesa,
                enrolment_severe_absence_pct=pct(nesa, ne))


ATT_IND = ["n_pupils", "sessions_possible", "sessions_attended", "sessions_authorised_absence",
           "sessions_unauthorised_absence", "attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct",
           "overall_absence_pct", "n_persistently_absent", "persistent_absence_pct", "n_severely_absent",
           "severe_absence_pct", "n_enrolments", "n_enrolments_persistently_absent", "enrolment_persistent_absence_pct",
           "n_enrolments_severely_absent", "enrolment_severe_absence_pct"]
IMP_IND = ["n_episodes", "mean_before_pct", "mean_during_pct", "mean_change_pp", "n_improved", "pct_improved"]
TR_IND = ["n_pupils", "attendance_pct", "persistent_absence_pct", "severe_absence_pct"]


def dp_of(name):
    if name.startswith(("mean_", "median_", "sd_", "ci95_")):
        return 2
    if name.endswith("_pct") or name.endswith("_pp") or name.startswith("pct_"):
        return 1
    return 0


def fmt(v, name):
    if v is None:
        return "z"
    if isinstance(v, str):
        return v
    dp = dp_of(name)
    if isinstance(v, int) and dp == 0:
        return str(v)
    f = Fraction(v)
    q = Fraction(1, 10 ** dp)
    # half away from zero, exact
    sign = -1 if f < 0 else 1
    a = abs(f) / q
    n = int(a)
    if a - n >= Fraction(1, 2):
        n += 1
    n *= sign
    if dp == 0:
        return str(n)
    s = "-" if n < 0 else ""
    n = abs(n)
    return s + str(n // 10 ** dp) + "." + str(n % 10 ** dp).zfill(dp)


def small(v, T):
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= T


def suppress(vals, base, rule2, T):
    """vals dict name->value; rule2: list of (count, [dependent names])"""
    if T == 0:
        return vals
    out = dict(vals)
    if small(vals[base], T):
        return {k: "c" for k in vals}
    for cnt, deps in rule2:
        if small(vals[cnt], T):
            out[cnt] = "c"
            for d in deps:
                if out[d] is not None:
                    out[d] = "c"
    return out


def compute(folder, period, T, outdir):
    global BREAKDOWNS
    extra = os.environ.get("ATT_EXTRA")  # e.g. "level+service;gender+age_band"
    if extra:
        for b in extra.split(";"):
            cols = set(b.split("+"))
            BREAKDOWNS = BREAKDOWNS + [tuple(c for c in COHORT if c in cols)]
    DB = int(os.environ.get("ATT_DAYS", "90")); MINP = int(os.environ.get("ATT_MIN", "20"))
    y, m = map(int, period.split("-"))
    data = Data(folder)
    first, last = month_bounds(y, m)
    ry, rm = add_months(y, m, -11)
    rfirst = D(ry, rm, 1)
    windows = [("Reporting month", first, last), ("Rolling 12 months", rfirst, last)]
    # Academic year to date: from 1 September of the academic year holding the month's last day.
    ay_start = D(y if m >= 9 else y - 1, 9, 1)
    att_windows = windows + [("Academic year to date", ay_start, last)]
    lead = [str(y), D(y, m, 1).strftime("%B")] + GEO
    os.makedirs(outdir, exist_ok=True)

    def bdname(bd):
        if bd == ("all_pupils",):
            return "all_pupils"
        return "_".join(bd) if bd else "Total"

    # attendance.csv
    ours = {}
    rows = []
    for wname, ws, we in att_windows:
        acc = data.attendance_rows(ws, we, BREAKDOWNS)
        for bd in BREAKDOWNS + [("all_pupils",)]:
            keys = sorted([k for (b, k) in acc if b == bd], key=sort_key)
            for k in keys:
                v = summarise(acc[(bd, k)])
                v = suppress(v, "n_pupils", [("n_persistently_absent", ["persistent_absence_pct"]),
                                             ("n_severely_absent", ["severe_absence_pct"]),
                                             ("n_enrolments", ["enrolment_persistent_absence_pct", "enrolment_severe_absence_pct"]),
                                             ("n_enrolments_persistently_absent", ["enrolment_persistent_absence_pct"]),
                                             ("n_enrolments_severely_absent", ["enrolment_severe_absence_pct"])], T)
                if wname == "Academic year to date":
                    ours[(bdname(bd), k)] = v
                rows.append(lead + [wname, bdname(bd)] + [guard(x) for x in k] + [fmt(v[i], i) for i in ATT_IND])
    write(outdir, "attendance.csv", lead_header("window") + ATT_IND, rows)

    # attendance_impact.csv
    rows = []
    for wname, ws, we in windows:
        per = {}
        for e in data.eps.values():
            c = e["closure"]
            if c is None or c < ws or c > we:
                continue
            ss = data.sessions.get(e["child_id"], [])
            b0 = e["alloc"] - datetime.timedelta(days=DB)
            b1 = e["alloc"] - datetime.timedelta(days=1)
            bp = ba = dp_ = da = 0
            for d, cls, _ in ss:
                if cls == "np":
                    continue
                if b0 <= d <= b1:
                    bp += 1
                    ba += cls == "att"
                elif e["alloc"] <= d <= c:
                    dp_ += 1
                    da += cls == "att"
            if bp < MINP or dp_ < MINP:
                continue
            before = Fraction(ba * 100, bp)
            during = Fraction(da * 100, dp_)
            for bd in BREAKDOWNS:
                per.setdefault((bd, row_key(bd, e["cohort"])), []).append((before, during))
        for bd in BREAKDOWNS:
            keys = sorted([k for (b, k) in per if b == bd], key=sort_key)
            for k in keys:
                L = per[(bd, k)]
                n = len(L)
                mb = sum(x[0] for x in L) / n
                md = sum(x[1] for x in L) / n
                mc = sum(x[1] - x[0] for x in L) / n
                ni = sum(1 for x in L if x[1] - x[0] > 0)
                v = dict(n_episodes=n, mean_before_pct=mb, mean_during_pct=md, mean_change_pp=mc, n_improved=ni,
                         pct_improved=Fraction(ni * 100, n))
                v = suppress(v, "n_episodes", [("n_improved", ["pct_improved"])], T)
                rows.append(lead + [wname, bdname(bd)] + [guard(x) for x in k] + [fmt(v[i], i) for i in IMP_IND])
    write(outdir, "attendance_impact.csv", lead_header("window") + IMP_IND, rows)

    # attendance_trend.csv
    rows = []
    tb = [(), ("level",)]
    for i in range(11, -1, -1):
        yy, mm = add_months(y, m, -i)
        ws, we = month_bounds(yy, mm)
        acc = data.attendance_rows(ws, we, tb)
        for bd in tb + [("all_pupils",)]:
            keys = sorted([k for (b, k) in acc if b == bd], key=sort_key)
            for k in keys:
                v = summarise(acc[(bd, k)])
                v = suppress(v, "n_pupils", [("n_persistently_absent", ["persistent_absence_pct"]),
                                             ("n_severely_absent", ["severe_absence_pct"])], T)
                rows.append(lead + ["%04d-%02d" % (yy, mm), bdname(bd)] + [guard(x) for x in k] +
                            [fmt(v[i], i) for i in TR_IND])
    write(outdir, "attendance_trend.csv", lead_header("month") + TR_IND, rows)
    benchmarks(ours, y, m, lead, outdir)


BENCH_IND = ["attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct", "overall_absence_pct",
             "persistent_absence_pct", "gap_to_england_pp", "n_neighbours_found"]


def benchmarks(ours, y, m, lead, outdir):
    """attendance_benchmarks.csv (METRICS.md 6, PRECISE.md 39) from the academic-year rows above and
    the published files in $ATT_BENCH (default: the project's benchmarks/); neighbours from
    $ATT_NEIGHBOURS (comma-separated new LA codes); geography from $ATT_GEO (la,region codes and
    names; default Devon). Not written when no year is usable."""
    folder = os.environ.get("ATT_BENCH", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks"))
    neighbours = [c for c in os.environ.get("ATT_NEIGHBOURS", "").split(",") if c]
    la_code, la_name, reg_code, reg_name = GEO[5], GEO[7], GEO[3], GEO[4]
    need = ["time_period", "time_identifier", "geographic_level", "region_code", "new_la_code", "la_name",
            "education_phase", "possible_sessions", "overall_attendance", "overall_absence", "authorised_absence",
            "unauthorised_absence", "attendance_perc", "overall_absence_perc", "authorised_absence_perc",
            "unauthorised_absence_perc", "pa_perc"]
    pub = []
    if os.path.isdir(folder):
        for fn in sorted(os.listdir(folder)):
            if not fn.lower().endswith(".csv") or fn.lower().endswith(".meta.csv"):
                continue
            with open(os.path.join(folder, fn), newline="", encoding="utf-8-sig") as f:
                rd = csv.DictReader(f)
                if any(c not in (rd.fieldnames or []) for c in need):
                    continue
                pub += [r for r in rd if r["time_identifier"] == "Academic year" and r["education_phase"] == "Total"]
    sy = y if m >= 9 else y - 1
    target = "%04d%02d" % (sy, (sy + 1) % 100)
    years = sorted({r["time_period"] for r in pub if len(r["time_period"]) == 6 and r["time_period"].isdigit()})
    year = target if target in years else max([x for x in years if x < target], default=None)
    if year is None:
        return
    rows_y = [r for r in pub if r["time_period"] == year]
    def find(level, key, code):
        for r in rows_y:
            if r["geographic_level"] == level and (key is None or r[key] == code):
                return r
        return None
    def num(s):
        try:
            return Fraction(s)
        except (ValueError, TypeError):
            return None
    cols5 = ["attendance_perc", "authorised_absence_perc", "unauthorised_absence_perc", "overall_absence_perc", "pa_perc"]
    def published(r):
        if r is None:
            return ["x"] * 5
        return [num(r[c]) if num(r[c]) is not None else (r[c] if r[c] in ("c", "z", "x") else "x") for c in cols5]
    eng_row = find("National", None, None)
    eng = num(eng_row["attendance_perc"]) if eng_row else None
    def gap(v, is_eng=False):
        if is_eng or eng is None:
            return None
        return v - eng if isinstance(v, Fraction) else v
    out = []
    def add(group, source, five, nn=None, is_eng=False):
        vals = five + [gap(five[0], is_eng), nn]
        out.append(lead + [group, source] + [fmt(v, n) for v, n in zip(vals, BENCH_IND)])
    ourcols = ["attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct", "overall_absence_pct",
               "enrolment_persistent_absence_pct"]
    def mine(key):
        v = ours.get(key)
        return ["x"] * 5 if v is None else [v[c] for c in ourcols]
    tot = ("Total",) * 6
    add("Children we work with", "extracts", mine(("Total", tot)))
    levels = sorted({k[2] for (b, k) in ours if b == "level"}, key=lambda s: (s == "Unknown", s))
    for lv in levels:
        add(lv, "extracts", mine(("level", ("Total", "Total", lv, "Total", "Total", "Total"))))
    add("All pupils in the extracts", "extracts", mine(("all_pupils", tot)))
    src = "published " + year
    add(la_name + " (published)", src, published(find("Local authority", "new_la_code", la_code)))
    add(reg_name + " (published)", src, published(find("Regional", "region_code", reg_code)))
    add("England (published)", src, published(eng_row), is_eng=True)
    if neighbours:
        found = []
        for c in neighbours:
            r = find("Local authority", "new_la_code", c)
            if r and all(num(r[k]) is not None for k in ["possible_sessions", "overall_attendance", "authorised_absence",
                                                          "unauthorised_absence", "overall_absence", "pa_perc"]):
                found.append(r)
        if found:
            P = sum(num(r["possible_sessions"]) for r in found)
            five = [sum(num(r[k]) for r in found) * 100 / P for k in
                    ["overall_attendance", "authorised_absence", "unauthorised_absence", "overall_absence"]]
            five.append(sum(num(r["pa_perc"]) for r in found) / len(found))
        else:
            five = ["x"] * 5
        add("Statistical neighbours (published)", src, five, nn=len(found))
    hdr = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
           "region_name", "new_la_code", "old_la_code", "la_name", "group", "source"] + BENCH_IND
    with open(os.path.join(outdir, "attendance_benchmarks.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(hdr)
        w.writerows(out)


def lead_header(wcol):
    return ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
            "region_name", "new_la_code", "old_la_code", "la_name", wcol, "breakdown"] + COHORT


def write(outdir, name, header, rows):
    with open(os.path.join(outdir, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# ---------------------------------------------------------------- compare
def compare(mine, tool, names=("attendance.csv", "attendance_impact.csv", "attendance_trend.csv",
                               "attendance_benchmarks.csv"), limit=15):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from layout import relayout
    total = 0
    for n in names:
        if n == "attendance_benchmarks.csv":
            here, there = os.path.exists(os.path.join(mine, n)), os.path.exists(os.path.join(tool, n))
            if here != there:
                print(n, "written by", "mine only" if here else "the tool only"); total += 1
            if not (here and there):
                continue
            a = list(csv.reader(open(os.path.join(mine, n))))
            nk = 12  # time and geography, group, source
        else:
            a, nk = relayout(list(csv.reader(open(os.path.join(mine, n)))))
        b = list(csv.reader(open(os.path.join(tool, n))))
        if a[0] != b[0]:
            print(n, "HEADER differs\n mine", a[0], "\n tool", b[0])
            total += 1
        H = a[0]
        ka = [tuple(r[:nk]) for r in a[1:]]
        kb = [tuple(r[:nk]) for r in b[1:]]
        da = dict(zip(ka, a[1:]))
        db = dict(zip(kb, b[1:]))
        only_a = [k for k in ka if k not in db]
        only_b = [k for k in kb if k not in da]
        cnt = 0
        for k in only_a:
            print(n, "ONLY MINE", k[10:], da[k][nk:]); cnt += 1
        for k in only_b:
            print(n, "ONLY TOOL", k[10:], db[k][nk:]); cnt += 1
        common_a = [k for k in ka if k in db]
        common_b = [k for k in kb if k in da]
        if common_a != common_b:
            print(n, "ROW ORDER differs")
            for i, (x, y) in enumerate(zip(common_a, common_b)):
                if x != y:
                    print("  first at", i, "mine", x[10:], "tool", y[10:])
                    break
            cnt += 1
        for k in common_a:
            ra, rb = da[k], db[k]
            for j in range(len(H)):
                if j < len(ra) and j < len(rb) and ra[j] != rb[j]:
                    cnt += 1
                    if cnt <= limit:
                        print(n, "CELL", k[10:], H[j], "mine", ra[j], "tool", rb[j])
        print(n, "rows mine", len(ka), "tool", len(kb), "differences", cnt)
        total += cnt
    return total


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(1 if compare(sys.argv[2], sys.argv[3]) else 0)
    compute(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
