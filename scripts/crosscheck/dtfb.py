#!/usr/bin/env python3
"""Independent implementation (dtfb) of distance_travelled*, feedback* tables from the spec.

Usage: dtfb.py EXTRACTS_DIR PERIOD(YYYY-MM) OUTDIR [--suppress-max N] [--flag name=val]
"""
import csv, gzip, io, os, re, sys, math, datetime
from fractions import Fraction
from decimal import Decimal, ROUND_HALF_UP

FLAGS = {
    'exclude_future_alloc_dt': True,   # PRECISE 12: episodes allocated after window end left out (distance)
    'exclude_future_alloc_fb': True,   # same for linked feedback answers
    'wilson_n1_z': False,              # CI of one value -> z ?
}

GEO = ['Local authority', 'E92000001', 'England', 'E12000009', 'South West', 'E10000008', '878', 'Devon']
MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
          'October', 'November', 'December']
COHORT = ['service', 'locality', 'level', 'age_band', 'gender', 'ethnicity_major']
BREAKDOWNS = [[], ['service'], ['locality'], ['level'], ['age_band'], ['gender'], ['ethnicity_major'],
              ['service', 'locality']]
AGE_ORDER = ['Under 1', '1 to 4', '5 to 9', '10 to 15', '16 to 17', '18 and over', 'Unknown']
DOMAINS = ['education', 'early_years', 'health', 'substance_use', 'family_relationships', 'exploitation',
           'crime', 'domestic_abuse', 'housing', 'financial_stability']
LEVELS = {'eh3': 'EH3', 'eh4': 'EH4', 'cin': 'CIN', 'cp': 'CP', 'cic': 'CIC', 'cl': 'CL'}
ETH = {}
for g, codes in [('White', 'WBRI WIRI WIRT WOTH WROM'), ('Mixed / Multiple ethnic groups', 'MWBC MWBA MWAS MOTH'),
                 ('Asian / Asian British', 'AIND APKN ABAN AOTH CHNE'),
                 ('Black / African / Caribbean / Black British', 'BCRB BAFR BOTH'),
                 ('Other ethnic group', 'OOTH'), ('Unknown', 'REFU NOBT')]:
    for c in codes.split():
        ETH[c] = g
SEND = {'y', 'n', 'yes', 'no', 'true', 'false', '1', '0'}
POS = {'strongly agree', 'agree', 'yes', 'y', '5', '4'}
NEU = {'neutral', 'neither', 'neither agree nor disagree', '3', 'not sure'}
NEG = {'disagree', 'strongly disagree', 'no', 'n', '2', '1'}
NA = {'', 'n/a', 'na', 'not answered', 'prefer not to say'}
RESP = {'child': 'child', 'parent': 'parent', 'carer': 'carer', 'partner': 'partner', 'young person': 'child',
        'professional': 'partner', 'agency': 'partner'}
INSTR = {'closure_survey', 'follow_up', 'feedback_form', 'app'}

WS = ' \t\r\n\v\f'


class Bad(Exception):
    pass


def pdate(s):
    m = re.fullmatch(r'(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?', s, re.S)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r'(\d{1,2})/(\d{1,2})/(\d{4})(?:[T ].*)?', s, re.S)
        if not m:
            raise Bad('date')
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        raise Bad('date')


def pmonth(s):
    m = re.fullmatch(r'(\d{4})-(\d{2})', s)
    if m:
        if not 1 <= int(m[2]) <= 12:
            raise Bad('month')
        return (int(m[1]), int(m[2]))
    d = pdate(s)
    return (d.year, d.month)


def read_file(path):
    """Yield (line, dict-of-lowercase-col->value) or (line, None) for wrong field counts."""
    raw = open(path, 'rb').read()
    if path.endswith('.gz'):
        raw = gzip.decompress(raw)
    text = raw.decode('utf-8')
    if text.startswith('\ufeff'):
        text = text[1:]
    rd = csv.reader(io.StringIO(text, newline=''))
    header = None
    prev = 0
    for rec in rd:
        start = prev + 1
        prev = rd.line_num
        if rec == []:
            continue
        if header is None:
            header = [h.strip(WS).lower() for h in rec]
            continue
        if len(rec) != len(header):
            yield start, None
            continue
        yield start, {h: v.strip(WS) for h, v in zip(header, rec)}
    if header is None:
        header = []
    read_file.header = header


def req(r, c):
    v = r.get(c, '')
    if v == '':
        raise Bad(c)
    return v


def gender_norm(g):
    gl = g.lower()
    if gl in ('f', 'female', 'girl'):
        return 'Female'
    if gl in ('m', 'male', 'boy'):
        return 'Male'
    if gl in ('', 'u', 'unknown', 'not known', 'not stated'):
        return 'Unknown'
    return 'Other'


def age_band(bm, alloc):
    if bm is None:
        return 'Unknown'
    by, bmo = bm
    age = alloc.year - by - (1 if alloc.month < bmo else 0)
    if (by, bmo) > (alloc.year, alloc.month) or age < 1:
        return 'Under 1'
    if age <= 4:
        return '1 to 4'
    if age <= 9:
        return '5 to 9'
    if age <= 15:
        return '10 to 15'
    if age <= 17:
        return '16 to 17'
    return '18 and over'


def parse_episode(r):
    e = {}
    e['episode_id'] = req(r, 'episode_id')
    e['child_id'] = req(r, 'child_id')
    e['service'] = req(r, 'service').upper()
    e['locality'] = r.get('locality', '') or 'Unknown'
    lv = req(r, 'level').lower()
    if lv not in LEVELS:
        raise Bad('level')
    e['level'] = LEVELS[lv]
    if r.get('referral_date', ''):
        pdate(r['referral_date'])
    alloc = pdate(req(r, 'allocation_date'))
    e['allocation_date'] = alloc
    for c in ('first_contact_date', 'assessment_date', 'first_taf_date', 'closure_date'):
        v = r.get(c, '')
        d = None
        if v:
            d = pdate(v)
            if d < alloc:
                raise Bad(c)
        e[c] = d
    bm = r.get('birth_month', '')
    e['birth_month'] = pmonth(bm) if bm else None
    e['gender'] = gender_norm(r.get('gender', ''))
    e['ethnicity_major'] = ETH.get(r.get('ethnicity', '').upper(), 'Unknown')
    s = r.get('send', '')
    if s and s.lower() not in SEND:
        raise Bad('send')
    e['age_band'] = age_band(e['birth_month'], alloc)
    return e


def parse_outcome(r, episodes):
    o = {}
    o['episode_id'] = req(r, 'episode_id')
    o['date'] = pdate(req(r, 'assessment_date'))
    st = req(r, 'stage').lower()
    if st not in ('entry', 'review', 'exit'):
        raise Bad('stage')
    o['stage'] = st
    dm = req(r, 'domain').lower()
    if dm not in DOMAINS:
        raise Bad('domain')
    o['domain'] = dm
    sc = req(r, 'score')
    if not re.fullmatch(r'\+?[0-9]+', sc) or not 1 <= int(sc) <= 10:
        raise Bad('score')
    o['score'] = int(sc)
    rb = r.get('rated_by', '').lower() or 'practitioner'
    if rb not in ('family', 'practitioner'):
        raise Bad('rated_by')
    o['rated_by'] = rb
    key = (o['episode_id'], o['date'], st, dm, rb)
    return key, o


def answer_class(a):
    a = re.sub(r'[ \-_]+', ' ', a.lower()).strip(' ')
    if a in NA:
        return None
    if a in POS:
        return 'pos'
    if a in NEU:
        return 'neu'
    if a in NEG:
        return 'neg'
    raise Bad('answer')


def parse_feedback(r):
    f = {}
    f['response_id'] = req(r, 'response_id')
    f['episode_id'] = r.get('episode_id', '') or None
    f['service'] = req(r, 'service').upper()
    f['date'] = pdate(req(r, 'received_date'))
    rs = req(r, 'respondent').lower()
    if rs not in RESP:
        raise Bad('respondent')
    f['respondent'] = RESP[rs]
    ins = req(r, 'instrument').lower()
    if ins not in INSTR:
        raise Bad('instrument')
    f['instrument'] = ins
    f['question'] = req(r, 'question')
    f['cls'] = answer_class(r.get('answer', ''))
    return (f['response_id'], f['question']), f


REQUIRED = {
    'episodes': ['episode_id', 'child_id', 'service', 'level', 'allocation_date'],
    'outcomes': ['episode_id', 'assessment_date', 'stage', 'domain', 'score'],
    'attendance': ['child_id', 'date', 'session', 'mark'],
    'feedback': ['response_id', 'service', 'received_date', 'respondent', 'instrument', 'question'],
}


def load(folder):
    files = {k: [] for k in REQUIRED}
    for name in sorted(os.listdir(folder), key=lambda s: s.encode()):
        if not (name.endswith('.csv') or name.endswith('.csv.gz')):
            continue
        for k in REQUIRED:
            if name.startswith(k):
                files[k].append(os.path.join(folder, name))
                break
    episodes, outcomes, feedback = {}, {}, {}
    rejects = 0
    for kind in ('episodes', 'outcomes', 'feedback'):
        for path in files[kind]:
            rows = list(read_file(path))
            hdr = read_file.header
            if any(c not in hdr for c in REQUIRED[kind]):
                print('missing column in', path, file=sys.stderr)
                continue
            seen = {}
            new = {}
            for line, r in rows:
                if r is None:
                    rejects += 1
                    continue
                try:
                    if kind == 'episodes':
                        o = parse_episode(r)
                        key = o['episode_id']
                    elif kind == 'outcomes':
                        key, o = parse_outcome(r, episodes)
                    else:
                        key, o = parse_feedback(r)
                except Bad:
                    rejects += 1
                    continue
                if key in seen:
                    rejects += 1
                    continue
                seen[key] = line
                if kind in ('outcomes', 'feedback'):
                    eid = o['episode_id']
                    if eid is not None and eid not in episodes:
                        rejects += 1
                        continue
                new[key] = o
            {'episodes': episodes, 'outcomes': outcomes, 'feedback': feedback}[kind].update(new)
    return episodes, outcomes, feedback


# ---------- helpers ----------

def month_add(y, m, k):
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def mfirst(y, m):
    return datetime.date(y, m, 1)


def mlast(y, m):
    y2, m2 = month_add(y, m, 1)
    return datetime.date(y2, m2, 1) - datetime.timedelta(days=1)


def windows(period):
    y, m = map(int, period.split('-'))
    E = mlast(y, m)
    py, pm = month_add(y, m, -1)
    ry, rm = month_add(y, m, -11)
    p1y, p1m = month_add(y, m, -23)
    p2y, p2m = month_add(y, m, -12)
    return [('Reporting month', mfirst(y, m), E, mfirst(py, pm), mlast(py, pm)),
            ('Rolling 12 months', mfirst(ry, rm), E, mfirst(p1y, p1m), mlast(p2y, p2m))]


def sortkey_val(col, v):
    if v == 'Total':
        return (0, 0, '')
    if v == 'Unknown':
        return (2, 0, '')
    if col == 'age_band':
        return (1, AGE_ORDER.index(v), '')
    return (1, 0, v)


def guard(v):
    if isinstance(v, str) and v and v[0] in '=+-@\t\r':
        return "'" + v
    return v


def rnd(x, dp):
    if isinstance(x, str):
        return x
    if isinstance(x, int):
        x = Fraction(x)
    if isinstance(x, float):
        d = Decimal(x)
    else:
        d = Decimal(x.numerator) / Decimal(x.denominator) if x.denominator != 1 else Decimal(x.numerator)
        # exact when possible; use high precision context
    q = Decimal(1).scaleb(-dp)
    r = d.quantize(q, rounding=ROUND_HALF_UP)
    if r == 0:
        r = abs(r)
    return str(r)


def fmt_frac(fr, dp):
    # exact rational rounding half away from zero
    sign = -1 if fr < 0 else 1
    a = abs(fr) * 10 ** dp
    q, rem = divmod(a.numerator, a.denominator)
    if 2 * rem >= a.denominator:
        q += 1
    if q == 0:
        sign = 1
    s = str(q).rjust(dp + 1, '0')
    out = s[:-dp] + '.' + s[-dp:] if dp else s
    return ('-' if sign < 0 else '') + out


def fmt(x, dp):
    if isinstance(x, str):
        return x
    if isinstance(x, int) and dp == 0:
        return str(x)
    if isinstance(x, (int, Fraction)):
        return fmt_frac(Fraction(x), dp)
    return rnd(x, dp)


def dp_of(name):
    if name.startswith(('mean_', 'median_', 'sd_', 'ci95_')):
        return 2
    if name.endswith(('_pct', '_pp')) or name.startswith('pct_') or name == 'prev_pct_positive':
        return 1
    return 0


# ---------- t quantile ----------

def betacf(a, b, x):
    MAXIT, EPS, FPMIN = 1000, 3e-16, 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    if abs(d) < FPMIN: d = FPMIN
    d = 1 / d
    h = d
    for m in range(1, MAXIT + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        if abs(d) < FPMIN: d = FPMIN
        c = 1 + aa / c
        if abs(c) < FPMIN: c = FPMIN
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        if abs(d) < FPMIN: d = FPMIN
        c = 1 + aa / c
        if abs(c) < FPMIN: c = FPMIN
        d = 1 / d
        de = d * c
        h *= de
        if abs(de - 1) < EPS:
            break
    return h


def betai(a, b, x):
    if x <= 0: return 0.0
    if x >= 1: return 1.0
    bt = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return bt * betacf(a, b, x) / a
    return 1 - bt * betacf(b, a, 1 - x) / b


def tcdf(t, df):
    x = df / (df + t * t)
    p = 0.5 * betai(df / 2, 0.5, x)
    return 1 - p if t > 0 else p


_TQ = {}


def tq975(df):
    if df not in _TQ:
        lo, hi = 0.0, 1000.0
        for _ in range(200):
            mid = (lo + hi) / 2
            if tcdf(mid, df) < 0.975:
                lo = mid
            else:
                hi = mid
        _TQ[df] = (lo + hi) / 2
    return _TQ[df]


# ---------- suppression ----------

def small(v, T):
    return isinstance(v, int) and 1 <= v <= T


def suppress(cells, order, T, base, rule2, sets):
    """cells: dict name->value. rule2: {count: [dependent cols]}; sets: list of (list of counts)."""
    if T == 0:
        return cells
    if small(cells[base], T):
        return {k: 'c' for k in cells}
    out = dict(cells)

    def hide(cnt):
        out[cnt] = 'c'
        for dep in rule2.get(cnt, []):
            if out[dep] != 'z':
                out[dep] = 'c'
    for cnt in rule2:
        if small(cells[cnt], T):
            hide(cnt)
    for s in sets:
        hidden = [c for c in s if out[c] == 'c']
        if len(hidden) == 1:
            cands = [c for c in s if out[c] != 'c' and isinstance(out[c], int) and out[c] != 0]
            if cands:
                best = min(cands, key=lambda c: (out[c], s.index(c)))
                hide(best)
    return out


# ---------- rows ----------

def cohort_keys(attrs):
    for bi, bd in enumerate(BREAKDOWNS):
        yield bi, tuple(attrs[c] if c in bd else 'Total' for c in COHORT)


def bd_name(bi):
    return '_'.join(BREAKDOWNS[bi]) if BREAKDOWNS[bi] else 'Total'


def cohort_sort(bi, coh):
    return (bi,) + tuple(sortkey_val(c, v) for c, v in zip(COHORT, coh))


def filt_sort(v):
    return sortkey_val('', v)


def lead(period):
    y, m = map(int, period.split('-'))
    return [str(y), MONTHS[m - 1]] + GEO


def distance(episodes, outcomes, period, T):
    groups = {}
    for o in outcomes.values():
        groups.setdefault((o['episode_id'], o['domain'], o['rated_by']), []).append(o)
    stage_rank = {'entry': 0, 'review': 1, 'exit': 2}
    rows, brows = [], []
    bands = ['1-2', '3-4', '5-6', '7-8', '9-10']

    def band(s):
        return bands[(s - 1) // 2]
    for wname, S, E, _, _ in windows(period):
        obs = []  # (attrs, child, domain, rb, base, latest)
        for (eid, dom, rb), lst in groups.items():
            ep = episodes[eid]
            if FLAGS['exclude_future_alloc_dt'] and ep['allocation_date'] > E:
                continue
            l = [o for o in lst if o['date'] <= E]
            if not l:
                continue
            entries = [o for o in l if o['stage'] == 'entry']
            if entries:
                b = min(entries, key=lambda o: o['date'])
            else:
                b = min(l, key=lambda o: (o['date'], stage_rank[o['stage']]))
            after = [o for o in l if o['date'] > b['date']]
            if not after:
                continue
            la = max(after, key=lambda o: (o['date'], stage_rank[o['stage']]))
            if not (S <= la['date'] <= E):
                continue
            obs.append((ep, dom, rb, b['score'], la['score']))
        agg = {}
        for ep, dom, rb, bs, ls in obs:
            for bi, coh in cohort_keys(ep):
                for d in ('Total', dom):
                    agg.setdefault((bi, coh, d, rb), []).append((ep['child_id'], bs, ls))
        for key in sorted(agg, key=lambda k: cohort_sort(k[0], k[1]) + (filt_sort(k[2]), k[3])):
            bi, coh, d, rb = key
            L = agg[key]
            n = len(L)
            ch = [l - b for _, b, l in L]
            mean_c = Fraction(sum(ch), n)
            srt = sorted(ch)
            med = Fraction(srt[n // 2]) if n % 2 else Fraction(srt[n // 2 - 1] + srt[n // 2], 2)
            if n >= 2:
                var = sum((Fraction(c) - mean_c) ** 2 for c in ch) / (n - 1)
                sd = math.sqrt(var)
                h = tq975(n - 1) * sd / math.sqrt(n)
                lo, hi = float(mean_c) - h, float(mean_c) + h
            else:
                sd = lo = hi = 'z'
            ni = sum(1 for c in ch if c > 0)
            nn = sum(1 for c in ch if c == 0)
            nd = sum(1 for c in ch if c < 0)
            cells = {
                'n': n, 'n_children': len({c for c, _, _ in L}),
                'mean_baseline': Fraction(sum(b for _, b, _ in L), n),
                'mean_latest': Fraction(sum(l for _, _, l in L), n),
                'mean_change': mean_c, 'median_change': med, 'sd_change': sd, 'ci95_low': lo, 'ci95_high': hi,
                'n_improved': ni, 'n_no_change': nn, 'n_declined': nd,
                'pct_improved': Fraction(ni * 100, n), 'pct_no_change': Fraction(nn * 100, n),
                'pct_declined': Fraction(nd * 100, n)}
            order = list(cells)
            cells = suppress(cells, order, T, 'n',
                             {'n_children': [], 'n_improved': ['pct_improved'], 'n_no_change': ['pct_no_change'],
                              'n_declined': ['pct_declined']},
                             [['n_improved', 'n_no_change', 'n_declined']])
            rows.append([wname, bd_name(bi)] + [guard(v) for v in coh] + [d, rb] +
                        [fmt(cells[c], dp_of(c)) for c in order])
        # bands: Total breakdown only
        bagg = {}
        for ep, dom, rb, bs, ls in obs:
            for d in ('Total', dom):
                bagg.setdefault((d, rb), []).append((band(bs), band(ls)))
        for (d, rb) in sorted(bagg, key=lambda k: (filt_sort(k[0]), k[1])):
            L = bagg[(d, rb)]
            for bb in bands:
                nb = sum(1 for x, _ in L if x == bb)
                for lb in bands:
                    n = sum(1 for x, y in L if x == bb and y == lb)
                    pct = Fraction(n * 100, nb) if nb else 'z'
                    cells = {'n': n, 'pct_of_baseline_band': pct}
                    if T and small(n, T):
                        cells = {'n': 'c', 'pct_of_baseline_band': 'c'}
                    brows.append([wname, 'Total'] + ['Total'] * 6 + [d, rb, bb, lb] +
                                 [fmt(cells['n'], 0), fmt(cells['pct_of_baseline_band'], 1)])
    return rows, brows


def wilson(k, n):
    z = 1.959964
    p = k / n
    den = 1 + z * z / n
    c = (p + z * z / (2 * n)) / den
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (c - h) * 100, (c + h) * 100


UNK_ATTRS = {c: 'Unknown' for c in COHORT}


def feedback_tables(episodes, feedback, period, T):
    rows, rrows = [], []
    for wname, S, E, PS, PE in windows(period):
        agg = {}
        for f in feedback.values():
            if f['cls'] is None:
                continue
            cur = S <= f['date'] <= E
            prv = PS <= f['date'] <= PE
            if not (cur or prv):
                continue
            if f['episode_id'] is not None:
                ep = episodes[f['episode_id']]
                if FLAGS['exclude_future_alloc_fb'] and ep['allocation_date'] > (E if cur else PE):
                    continue
                attrs = ep
            else:
                attrs = dict(UNK_ATTRS, service=f['service'])
            for bi, coh in cohort_keys(attrs):
                for rs in ('Total', f['respondent']):
                    a = agg.setdefault((bi, coh, f['instrument'], f['question'], rs),
                                       {'cur': {'pos': 0, 'neu': 0, 'neg': 0}, 'prev': {'pos': 0, 'neu': 0, 'neg': 0}})
                    a['cur' if cur else 'prev'][f['cls']] += 1
        keys = [k for k in agg if sum(agg[k]['cur'].values()) > 0]
        for key in sorted(keys, key=lambda k: cohort_sort(k[0], k[1]) + (filt_sort(k[2]), filt_sort(k[3]),
                                                                         filt_sort(k[4]))):
            bi, coh, ins, q, rs = key
            c, p = agg[key]['cur'], agg[key]['prev']
            n = sum(c.values())
            pn = sum(p.values())
            pct = Fraction(c['pos'] * 100, n)
            if n == 1 and FLAGS['wilson_n1_z']:
                lo = hi = 'z'
            else:
                lo, hi = wilson(c['pos'], n)
            ppct = Fraction(p['pos'] * 100, pn) if pn else 'z'
            chg = pct - ppct if pn else 'z'
            cells = {'n_responses': n, 'n_positive': c['pos'], 'n_neutral': c['neu'], 'n_negative': c['neg'],
                     'pct_positive': pct, 'ci95_low': lo, 'ci95_high': hi, 'prev_n_responses': pn,
                     'prev_pct_positive': ppct, 'change_pp': chg}
            order = list(cells)
            if T:
                if small(n, T):
                    cells = {k: 'c' for k in cells}
                else:
                    cells = suppress(cells, order, T, 'n_responses',
                                     {'n_positive': ['pct_positive', 'ci95_low', 'ci95_high', 'change_pp'],
                                      'n_neutral': [], 'n_negative': []},
                                     [['n_positive', 'n_neutral', 'n_negative']])
                    if small(pn, T):
                        for k in ('prev_n_responses', 'prev_pct_positive', 'change_pp'):
                            cells[k] = 'c'
            rows.append([wname, bd_name(bi)] + [guard(v) for v in coh] + [guard(ins), guard(q), rs] +
                        [fmt(cells[k], dp_of(k)) for k in order])
        # response rate
        surveyed = set()
        for f in feedback.values():
            if f['cls'] is not None and f['instrument'] == 'closure_survey' and f['episode_id'] and f['date'] <= E:
                surveyed.add(f['episode_id'])
        ragg = {}
        for ep in episodes.values():
            cd = ep['closure_date']
            if cd is None or not (S <= cd <= E):
                continue
            for bi, coh in [(0, ('Total',) * 6), (1, (ep['service'],) + ('Total',) * 5)]:
                a = ragg.setdefault((bi, coh), [0, 0])
                a[0] += 1
                a[1] += ep['episode_id'] in surveyed
        for key in sorted(ragg, key=lambda k: cohort_sort(k[0], k[1])):
            nc, ns = ragg[key]
            cells = {'n_closed': nc, 'n_with_closure_survey': ns, 'response_rate_pct': Fraction(ns * 100, nc)}
            order = list(cells)
            cells = suppress(cells, order, T, 'n_closed', {'n_with_closure_survey': ['response_rate_pct']}, [])
            rrows.append([wname, bd_name(key[0])] + [guard(v) for v in key[1]] +
                         [fmt(cells[k], dp_of(k)) for k in order])
    return rows, rrows


HEAD = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name', 'region_code',
        'region_name', 'new_la_code', 'old_la_code', 'la_name', 'window', 'breakdown'] + COHORT


def write(path, cols, rows, period):
    with open(path, 'w', newline='') as fh:
        w = csv.writer(fh, lineterminator='\n')
        w.writerow(HEAD + cols)
        for r in rows:
            w.writerow(lead(period) + r)


def main():
    args = sys.argv[1:]
    T = 5
    pos = []
    i = 0
    while i < len(args):
        if args[i] == '--suppress-max':
            T = int(args[i + 1]); i += 2
        elif args[i] == '--flag':
            k, v = args[i + 1].split('=')
            FLAGS[k] = v in ('1', 'true', 'True')
            i += 2
        else:
            pos.append(args[i]); i += 1
    folder, period, out = pos
    os.makedirs(out, exist_ok=True)
    episodes, outcomes, feedback = load(folder)
    dt, bands = distance(episodes, outcomes, period, T)
    write(os.path.join(out, 'distance_travelled.csv'),
          ['domain', 'rated_by', 'n', 'n_children', 'mean_baseline', 'mean_latest', 'mean_change', 'median_change',
           'sd_change', 'ci95_low', 'ci95_high', 'n_improved', 'n_no_change', 'n_declined', 'pct_improved',
           'pct_no_change', 'pct_declined'], dt, period)
    write(os.path.join(out, 'distance_travelled_bands.csv'),
          ['domain', 'rated_by', 'baseline_band', 'latest_band', 'n', 'pct_of_baseline_band'], bands, period)
    fb, rr = feedback_tables(episodes, feedback, period, T)
    write(os.path.join(out, 'feedback.csv'),
          ['instrument', 'question', 'respondent', 'n_responses', 'n_positive', 'n_neutral', 'n_negative',
           'pct_positive', 'ci95_low', 'ci95_high', 'prev_n_responses', 'prev_pct_positive', 'change_pp'], fb, period)
    write(os.path.join(out, 'feedback_response_rate.csv'),
          ['n_closed', 'n_with_closure_survey', 'response_rate_pct'], rr, period)


if __name__ == '__main__':
    main()
