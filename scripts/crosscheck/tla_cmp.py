#!/usr/bin/env python3
import csv, sys, os, collections
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from layout import relayout
def load(p):
    with open(p, newline='') as f:
        return list(csv.reader(f))
def cmp_table(name, ours_p, mine_p, nkey):
    A = load(ours_p); B, nlead = relayout(load(mine_p))
    nkey = nlead + nkey  # nkey: the table's own filters
    out = []
    if A[0] != B[0]:
        out.append('HEADER differs:\n tool %s\n mine %s' % (A[0], B[0]))
    ka = [tuple(r[:nkey]) for r in A[1:]]; kb = [tuple(r[:nkey]) for r in B[1:]]
    da = {tuple(r[:nkey]): r for r in A[1:]}; db = {tuple(r[:nkey]): r for r in B[1:]}
    onlya = [k for k in ka if k not in db]; onlyb = [k for k in kb if k not in da]
    for k in onlya[:10]: out.append('ONLY TOOL: %s %s' % (k[10:], da[k][nkey:]))
    for k in onlyb[:10]: out.append('ONLY MINE: %s %s' % (k[10:], db[k][nkey:]))
    if len(onlya) > 10 or len(onlyb) > 10: out.append('... onlytool=%d onlymine=%d' % (len(onlya), len(onlyb)))
    common_a = [k for k in ka if k in db]; common_b = [k for k in kb if k in da]
    if common_a != common_b:
        for i, (x, y) in enumerate(zip(common_a, common_b)):
            if x != y:
                out.append('ORDER differs at %d: tool %s mine %s' % (i, x[10:], y[10:])); break
    nd = 0
    for k in ka:
        if k in db and da[k] != db[k]:
            nd += 1
            if nd <= 15:
                diffs = [(A[0][i], da[k][i], db[k][i]) for i in range(len(A[0])) if i < len(db[k]) and da[k][i] != db[k][i]]
                out.append('CELL %s: %s' % (k[10:], diffs))
    if nd > 15: out.append('... %d differing rows' % nd)
    print('== %s: tool %d rows, mine %d rows, %d issues' % (name, len(A)-1, len(B)-1, len(out)))
    for o in out: print('  ' + o)
def cmp_rejects(tool_p, mine_p):
    A = load(tool_p)[1:]; B = load(mine_p)[1:]
    sa = {(r[0], r[1]): r for r in A}; sb = {(r[0], r[1]): r for r in B}
    print('== rejects: tool %d, mine %d' % (len(A), len(B)))
    for k in sorted(set(sa) | set(sb), key=lambda k: (k[0], int(k[1]))):
        a = sa.get(k); b = sb.get(k)
        if a is None: print('  ONLY MINE', b)
        elif b is None: print('  ONLY TOOL', a)
        elif a[2] != b[2] or a[3] != b[3]: print('  COL/VAL differ', a, '| mine', b)
if __name__ == '__main__':
    t, m = sys.argv[1], sys.argv[2]
    cmp_table('timeliness', t + '/timeliness.csv', m + '/timeliness.csv', 1)
    cmp_table('activity_trend', t + '/activity_trend.csv', m + '/activity_trend.csv', 0)
    cmp_rejects(t + '/rejects.csv', m + '/rejects.csv')
