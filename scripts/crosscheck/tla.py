#!/usr/bin/env python3
"""Independent implementation (crosscheck 'tla') of timeliness.csv and activity_trend.csv,
plus a reader that reproduces the rejects of EXTRACTS.md / PRECISE.md 1-9.
Standard library only.

usage: tla.py EXTRACTS_DIR PERIOD(YYYY-MM) SUPPRESS_MAX OUTDIR [--referral-needs-alloc]
"""
import csv, gzip, io, os, re, sys, datetime as dt
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP

D = dt.date

# ---------------------------------------------------------------- bank holidays (England and Wales)
BANK_HOLIDAYS = set()
_BH = """
2016-01-01 2016-03-25 2016-03-28 2016-05-02 2016-05-30 2016-08-29 2016-12-26 2016-12-27
2017-01-02 2017-04-14 2017-04-17 2017-05-01 2017-05-29 2017-08-28 2017-12-25 2017-12-26
2018-01-01 2018-03-30 2018-04-02 2018-05-07 2018-05-28 2018-08-27 2018-12-25 2018-12-26
2019-01-01 2019-04-19 2019-04-22 2019-05-06 2019-05-27 2019-08-26 2019-12-25 2019-12-26
2020-01-01 2020-04-10 2020-04-13 2020-05-08 2020-05-25 2020-08-31 2020-12-25 2020-12-28
2021-01-01 2021-04-02 2021-04-05 2021-05-03 2021-05-31 2021-08-30 2021-12-27 2021-12-28
2022-01-03 2022-04-15 2022-04-18 2022-05-02 2022-06-02 2022-06-03 2022-08-29 2022-09-19 2022-12-26 2022-12-27
2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 2023-12-26
2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26
2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26
2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28
2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28
2028-01-03 2028-04-14 2028-04-17 2028-05-01 2028-05-29 2028-08-28 2028-12-25 2028-12-26
"""
for _s in _BH.split() + os.environ.get('TLA_EXTRA_BH', '').split():
    BANK_HOLIDAYS.add(D.fromisoformat(_s))


def is_working(d):
    return d.weekday() < 5 and d not in BANK_HOLIDAYS


def nth_working_day_after(a, n):
    d, c = a, 0
    while c < n:
        d += dt.timedelta(days=1)
        if is_working(d):
            c += 1
    return d


def add_months_clamped(d, m):
    y, mo = d.year, d.month + m
    y += (mo - 1) // 12
    mo = (mo - 1) % 12 + 1
    last = month_end(y, mo).day
    return D(y, mo, min(d.day, last))


def month_end(y, m):
    if m == 12:
        return D(y, 12, 31)
    return D(y, m + 1, 1) - dt.timedelta(days=1)


def month_shift(y, m, k):
    t = y * 12 + (m - 1) + k
    return t // 12, t % 12 + 1

# ---------------------------------------------------------------- parsing helpers
WS = ' \t\r\n\f\v'
RE_ISO = re.compile(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$', re.S)
RE_UK = re.compile(r'^(\d{1,2})/(\d{1,2})/(\d{4})(?:[T ].*)?$', re.S)
RE_YM = re.compile(r'^(\d{4})-(\d{2})$')


def parse_date(s):
    m = RE_ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = RE_UK.match(s)
        if not m:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return D(y, mo, d)
    except ValueError:
        return None


def parse_birth_month(s):
    m = RE_YM.match(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return D(y, mo, 1)
        return None
    d = parse_date(s)
    if d is None:
        return None
    return D(d.year, d.month, 1)


LEVELS = {'eh3': 'EH3', 'eh4': 'EH4', 'cin': 'CIN', 'cp': 'CP', 'cic': 'CIC', 'cl': 'CL'}
SEND = {'y', 'n', 'yes', 'no', 'true', 'false', '1', '0'}
ETH = {}
for g, codes in [('White', 'WBRI WIRI WIRT WOTH WROM'),
                 ('Mixed / Multiple ethnic groups', 'MWBC MWBA MWAS MOTH'),
                 ('Asian / Asian British', 'AIND APKN ABAN AOTH CHNE'),
                 ('Black / African / Caribbean / Black British', 'BCRB BAFR BOTH'),
                 ('Other ethnic group', 'OOTH')]:
    for c in codes.split():
        ETH[c] = g


def norm_gender(s):
    v = s.lower()
    if v in ('f', 'female', 'girl'):
        return 'Female'
    if v in ('m', 'male', 'boy'):
        return 'Male'
    if v in ('', 'u', 'unknown', 'not known', 'not stated'):
        return 'Unknown'
    return 'Other'


DOMAINS = {'education', 'early_years', 'health', 'substance_use', 'family_relationships',
           'exploitation', 'crime', 'domestic_abuse', 'housing', 'financial_stability'}
MARKS = set('/ \\ L K V P W B C C1 C2 M J1 S R I T E G N O U X Q Y1 Y2 Y3 Y4 Y5 Y6 Y7 D Z # H J Y F'.split())
RESP = {'child': 'child', 'parent': 'parent', 'carer': 'carer', 'partner': 'partner',
        'young person': 'child', 'professional': 'partner', 'agency': 'partner'}
INSTR = {'closure_survey', 'follow_up', 'feedback_form', 'app'}
ANS_POS = {'strongly agree', 'agree', 'yes', 'y', '5', '4'}
ANS_NEU = {'neutral', 'neither', 'neither agree nor disagree', '3', 'not sure'}
ANS_NEG = {'disagree', 'strongly disagree', 'no', 'n', '2', '1'}
ANS_NA = {'', 'n/a', 'na', 'not answered', 'prefer not to say'}


def norm_answer(s):
    v = re.sub(r'[ \-_]+', ' ', s.lower()).strip(' ')
    if v in ANS_POS: return 'positive'
    if v in ANS_NEU: return 'neutral'
    if v in ANS_NEG: return 'negative'
    if v in ANS_NA: return 'na'
    return None


COLS = {
    'episodes': ['episode_id', 'child_id', 'family_id', 'service', 'locality', 'level', 'referral_date',
                 'allocation_date', 'first_contact_date', 'assessment_date', 'first_taf_date', 'closure_date',
                 'closure_reason', 'birth_month', 'gender', 'ethnicity', 'send', 'school_urn'],
    'outcomes': ['episode_id', 'assessment_date', 'stage', 'domain', 'score', 'rated_by'],
    'attendance': ['child_id', 'school_urn', 'date', 'session', 'mark'],
    'feedback': ['response_id', 'episode_id', 'service', 'received_date', 'respondent', 'instrument',
                 'question', 'answer'],
}
REQ = {
    'episodes': {'episode_id', 'child_id', 'service', 'level', 'allocation_date'},
    'outcomes': {'episode_id', 'assessment_date', 'stage', 'domain', 'score'},
    'attendance': {'child_id', 'date', 'session', 'mark'},
    'feedback': {'response_id', 'service', 'received_date', 'respondent', 'instrument', 'question'},
}


class Reject(Exception):
    def __init__(self, col, val, reason):
        self.col, self.val, self.reason = col, val, reason


def check_row(kind, r, episodes):
    """r: dict col->trimmed value ('' = null). Returns (key, record) or raises Reject."""
    def req(c):
        if r.get(c, '') == '':
            raise Reject(c, '', 'required value missing')
        return r[c]

    def date(c, required=False):
        v = r.get(c, '')
        if v == '':
            if required:
                raise Reject(c, v, 'required value missing')
            return None
        d = parse_date(v)
        if d is None:
            raise Reject(c, v, 'invalid date')
        return d

    if kind == 'episodes':
        rec = {}
        for c in COLS['episodes']:
            v = r.get(c, '')
            if c in ('episode_id', 'child_id'):
                rec[c] = req(c)
            elif c == 'service':
                rec[c] = req(c).upper()
            elif c == 'locality':
                rec[c] = v if v != '' else 'Unknown'
            elif c == 'level':
                req(c)
                if v.lower() not in LEVELS:
                    raise Reject(c, v, 'unknown level')
                rec[c] = LEVELS[v.lower()]
            elif c == 'referral_date':
                rec[c] = date(c)
            elif c == 'allocation_date':
                rec[c] = date(c, True)
            elif c in ('first_contact_date', 'assessment_date', 'first_taf_date', 'closure_date'):
                d = date(c)
                if d is not None and d < rec['allocation_date']:
                    raise Reject(c, v, 'before allocation_date')
                rec[c] = d
            elif c == 'birth_month':
                if v == '':
                    rec[c] = None
                else:
                    b = parse_birth_month(v)
                    if b is None:
                        raise Reject(c, v, 'invalid birth month')
                    rec[c] = b
            elif c == 'gender':
                rec[c] = norm_gender(v)
            elif c == 'ethnicity':
                rec[c] = ETH.get(v.upper(), 'Unknown')
            elif c == 'send':
                if v != '' and v.lower() not in SEND:
                    raise Reject(c, v, 'invalid send')
                rec[c] = v
            else:
                rec[c] = v
        return (rec['episode_id'],), rec, None
    if kind == 'outcomes':
        eid = req('episode_id')
        ad = date('assessment_date', True)
        st = req('stage').lower()
        if st not in ('entry', 'review', 'exit'):
            raise Reject('stage', r['stage'], 'unknown stage')
        dm = req('domain').lower()
        if dm not in DOMAINS:
            raise Reject('domain', r['domain'], 'unknown domain')
        sc = req('score')
        if not re.fullmatch(r'\d+', sc) or not (1 <= int(sc) <= 10):
            raise Reject('score', sc, 'bad score')
        rb = r.get('rated_by', '').lower() or 'practitioner'
        if rb not in ('family', 'practitioner'):
            raise Reject('rated_by', r['rated_by'], 'bad rated_by')
        return (eid, ad, st, dm, rb), {}, ('episode_id', eid)
    if kind == 'attendance':
        cid = req('child_id')
        urn = r.get('school_urn', '')
        d = date('date', True)
        s = req('session').upper()
        if s not in ('AM', 'PM'):
            raise Reject('session', r['session'], 'bad session')
        mk = req('mark')
        if mk not in MARKS:
            raise Reject('mark', mk, 'unknown attendance mark')
        return (cid, urn, d, s), {}, None
    if kind == 'feedback':
        rid = req('response_id')
        eid = r.get('episode_id', '')
        req('service')
        date('received_date', True)
        rs = req('respondent').lower()
        if rs not in RESP:
            raise Reject('respondent', r['respondent'], 'bad respondent')
        ins = req('instrument').lower()
        if ins not in INSTR:
            raise Reject('instrument', r['instrument'], 'bad instrument')
        q = req('question')
        if norm_answer(r.get('answer', '')) is None:
            raise Reject('answer', r['answer'], 'bad answer')
        return (rid, q), {}, (('episode_id', eid) if eid != '' else None)


def read_all(folder):
    names = sorted(os.listdir(folder), key=lambda s: s.encode('utf-8'))
    files = {k: [] for k in COLS}
    for n in names:
        p = os.path.join(folder, n)
        if not os.path.isfile(p):
            continue
        if not (n.endswith('.csv') or n.endswith('.csv.gz')):
            continue
        for k in COLS:
            if n.startswith(k):
                files[k].append(n)
                break
    rejects = []
    episodes = {}
    for kind in ['episodes', 'outcomes', 'attendance', 'feedback']:
        for n in files[kind]:
            p = os.path.join(folder, n)
            raw = open(p, 'rb').read()
            if n.endswith('.gz'):
                raw = gzip.decompress(raw)
            text = raw.decode('utf-8-sig')
            rdr = csv.reader(io.StringIO(text, newline=''))
            header = None
            prev_line = 0
            seen = {}
            loaded = {}
            for rec in rdr:
                start = prev_line + 1
                prev_line = rdr.line_num
                if header is None:
                    header = [h.strip(WS).lower() for h in rec]
                    missing = [c for c in REQ[kind] if c not in header]
                    if missing:
                        print('FILE REJECTED', n, missing, file=sys.stderr)
                        break
                    continue
                if rec == [] or (len(rec) == 1 and rec[0].strip(WS) == ''):
                    continue
                if len(rec) != len(header):
                    rejects.append((n, start, '', '', 'wrong number of fields'))
                    continue
                r = {}
                for h, v in zip(header, rec):
                    if h in COLS[kind] and h not in r:
                        r[h] = v.strip(WS)
                try:
                    key, obj, ref = check_row(kind, r, episodes)
                    if key in seen:
                        c0 = COLS[kind][0]
                        raise Reject(c0, r.get(c0, ''), 'duplicate of line %d' % seen[key])
                    if ref is not None and ref[1] not in episodes:
                        raise Reject('episode_id', ref[1], 'unknown episode_id')
                    seen[key] = start
                    loaded[key] = obj
                except Reject as e:
                    rejects.append((n, start, e.col, e.val, e.reason))
            if kind == 'episodes':
                for key, obj in loaded.items():
                    episodes[key[0]] = obj
    return episodes, rejects

# ---------------------------------------------------------------- cohorts / output helpers
AGE_ORDER = ['Under 1', '1 to 4', '5 to 9', '10 to 15', '16 to 17', '18 and over', 'Unknown']


def age_band(bm, alloc):
    if bm is None:
        return 'Unknown'
    if bm > alloc:
        return 'Under 1'
    age = alloc.year - bm.year - ((alloc.month, alloc.day) < (bm.month, bm.day))
    if age < 1: return 'Under 1'
    if age <= 4: return '1 to 4'
    if age <= 9: return '5 to 9'
    if age <= 15: return '10 to 15'
    if age <= 17: return '16 to 17'
    return '18 and over'


COHORT = ['service', 'locality', 'level', 'age_band', 'gender', 'ethnicity_major']
BREAKDOWNS = [[], ['service'], ['locality'], ['level'], ['age_band'], ['gender'], ['ethnicity_major'],
              ['service', 'locality']]


def cohort_of(e):
    return {'service': e['service'], 'locality': e['locality'], 'level': e['level'],
            'age_band': age_band(e['birth_month'], e['allocation_date']),
            'gender': e['gender'], 'ethnicity_major': e['ethnicity']}


def sort_key_value(col, v):
    if col == 'age_band':
        return (AGE_ORDER.index(v),)
    if v == 'Unknown':
        return (2, '')
    return (1, v)


def guard(v):
    if v and v[0] in '=+-@\t\r':
        return "'" + v
    return v


MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
          'October', 'November', 'December']
GEO = ['Local authority', 'E92000001', 'England', 'E12000009', 'South West', 'E10000008', '878', 'Devon']


def fmt_pct(fr, dp=1):
    # round half away from zero
    neg = fr < 0
    a = abs(fr)
    q = Decimal(a.numerator) / Decimal(a.denominator) if False else None
    scaled = a * (10 ** dp)
    ip = scaled.numerator // scaled.denominator
    rem = scaled - ip
    if rem >= Fraction(1, 2):
        ip += 1
    s = str(ip).rjust(dp + 1, '0')
    s = s[:-dp] + '.' + s[-dp:]
    if neg and ip != 0:
        s = '-' + s
    return s


def lead(y, m):
    return [str(y), MONTHS[m - 1]] + GEO


def write_csv(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)

# ---------------------------------------------------------------- timeliness
MEASURES = ['first_contact_5wd', 'assessment_45d', 'taf_28d', 'open_over_9_months', 'open_over_12_months']


def timeliness(episodes, y, m, T):
    end = month_end(y, m)
    windows = [('Reporting month', D(y, m, 1)), ('Rolling 12 months', D(*month_shift(y, m, -11), 1))]
    rows = []
    for wname, start in windows:
        # per episode: measure -> (eligible, met)
        res = []
        for e in episodes.values():
            a = e['allocation_date']
            if a > end:
                continue
            def happened(d):
                return d is not None and d <= end
            fc = e['first_contact_date'] if happened(e['first_contact_date']) else None
            asd = e['assessment_date'] if happened(e['assessment_date']) else None
            taf = e['first_taf_date'] if happened(e['first_taf_date']) else None
            cl = e['closure_date'] if happened(e['closure_date']) else None
            mres = {}
            inwin = start <= a <= end
            if inwin:
                dl = nth_working_day_after(a, 5)
                if dl <= end or fc is not None:
                    mres['first_contact_5wd'] = fc is not None and fc <= dl
                dl = a + dt.timedelta(days=45)
                if dl <= end or asd is not None:
                    mres['assessment_45d'] = asd is not None and asd <= dl
                if fc is not None:
                    dl = fc + dt.timedelta(days=28)
                    if dl <= end or taf is not None:
                        mres['taf_28d'] = taf is not None and taf <= dl
            openend = cl is None or cl >= end
            if openend:
                mres['open_over_9_months'] = end > add_months_clamped(a, 9)
                mres['open_over_12_months'] = end > add_months_clamped(a, 12)
            if mres:
                res.append((cohort_of(e), mres))
        for bd in BREAKDOWNS:
            groups = {}
            for coh, mres in res:
                k = tuple(coh[c] for c in bd)
                g = groups.setdefault(k, {})
                for ms, met in mres.items():
                    x = g.setdefault(ms, [0, 0])
                    x[0] += 1
                    x[1] += int(met)
            keys = sorted(groups, key=lambda k: tuple(sort_key_value(c, v) for c, v in zip(bd, k)))
            for k in keys:
                cvals = dict(zip(bd, k))
                for ms in sorted(groups[k]):
                    ne, nm = groups[k][ms]
                    pct = fmt_pct(Fraction(nm * 100, ne))
                    cells = [str(ne), str(nm), pct]
                    if T > 0:
                        if 1 <= ne <= T:
                            cells = ['c', 'c', 'c']
                        elif 1 <= nm <= T:
                            cells = [str(ne), 'c', 'c']
                    rows.append(lead(y, m) + [wname, '_'.join(bd) or 'Total'] +
                                [guard(cvals[c]) if c in cvals else 'Total' for c in COHORT] + [ms] + cells)
    header = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name',
              'region_code', 'region_name', 'new_la_code', 'old_la_code', 'la_name', 'window', 'breakdown'] + \
        COHORT + ['measure', 'n_eligible', 'n_met', 'pct_met']
    return header, rows

# ---------------------------------------------------------------- activity
ACT = ['referrals', 'allocations', 'closures', 'open_at_month_end']


def activity(episodes, y, m, T, referral_needs_alloc=False):
    endM = month_end(y, m)
    months = [month_shift(y, m, k) for k in range(-35, 1)]  # 36 months for yoy
    def counts(eps):
        c = {}
        for (yy, mm) in months:
            s, e_ = D(yy, mm, 1), month_end(yy, mm)
            r = al = cl = op = 0
            for e in eps:
                a = e['allocation_date']
                rd = e['referral_date'] or a
                if s <= rd <= e_ and (not referral_needs_alloc or a <= endM):
                    r += 1
                if a > endM:
                    continue
                if s <= a <= e_:
                    al += 1
                cd = e['closure_date']
                if cd is not None and s <= cd <= e_ and cd <= endM:
                    cl += 1
                if a <= e_ and (cd is None or cd >= e_):
                    op += 1
            c[(yy, mm)] = [r, al, cl, op]
        return c
    groups = [((), list(episodes.values()))]
    svcs = sorted({e['service'] for e in episodes.values()
                   if e['allocation_date'] <= endM or (e['referral_date'] is not None and e['referral_date'] <= endM)},
                  key=lambda v: sort_key_value('service', v))
    for s in svcs:
        groups.append(((s,), [e for e in episodes.values() if e['service'] == s]))
    rows = []
    for k, eps in groups:
        c = counts(eps)
        for (yy, mm) in months[12:]:
            cur = c[(yy, mm)]
            prev = c[month_shift(yy, mm, -12)]
            cells = []
            for i in range(4):
                v = cur[i]
                cells.append('c' if T > 0 and 1 <= v <= T else str(v))
            for i in range(4):
                if prev[i] == 0:
                    cells.append('z')
                elif T > 0 and (1 <= cur[i] <= T or 1 <= prev[i] <= T):
                    cells.append('c')
                else:
                    cells.append(fmt_pct(Fraction((cur[i] - prev[i]) * 100, prev[i])))
            rows.append(((yy, mm), 0 if not k else 1, k,
                         lead(y, m) + ['%04d-%02d' % (yy, mm), 'service' if k else 'Total',
                                       guard(k[0]) if k else 'Total'] + ['Total'] * 5 + cells))
    rows.sort(key=lambda t: (t[0], t[1], tuple(sort_key_value('service', v) for v in t[2])))
    header = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name',
              'region_code', 'region_name', 'new_la_code', 'old_la_code', 'la_name', 'month', 'breakdown'] + \
        COHORT + ACT + [a + '_yoy_pct' for a in ACT]
    return header, [r[3] for r in rows]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    folder, period, T, out = args[0], args[1], int(args[2]), args[3]
    y, m = map(int, period.split('-'))
    episodes, rejects = read_all(folder)
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, 'rejects.csv'), ['file', 'line', 'column', 'value', 'reason'], rejects)
    h, r = timeliness(episodes, y, m, T)
    write_csv(os.path.join(out, 'timeliness.csv'), h, r)
    h, r = activity(episodes, y, m, T, '--referral-needs-alloc' in sys.argv)
    write_csv(os.path.join(out, 'activity_trend.csv'), h, r)


if __name__ == '__main__':
    main()
