#!/usr/bin/env python3
"""Compare tool tables (A) vs dtfb tables (B). usage: dtfb_cmp.py DIR_A DIR_B [maxshow]"""
import csv, sys, collections, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from layout import relayout
A, B = sys.argv[1], sys.argv[2]
maxshow = int(sys.argv[3]) if len(sys.argv) > 3 else 8
NF = {'distance_travelled': 2, 'distance_travelled_bands': 4, 'feedback': 3, 'feedback_response_rate': 0}
total = 0
for t, nf in NF.items():
    ra = list(csv.reader(open(f'{A}/{t}.csv', newline='')))
    rb, nlead = relayout(list(csv.reader(open(f'{B}/{t}.csv', newline=''))))
    if ra[0] != rb[0]:
        print(t, 'HEADER differs\n ', ra[0], '\n ', rb[0])
        total += 1
    nk = nlead + nf
    ka = [tuple(r[:nk]) for r in ra[1:]]
    kb = [tuple(r[:nk]) for r in rb[1:]]
    da, db = dict(zip(ka, ra[1:])), dict(zip(kb, rb[1:]))
    onlya = [k for k in ka if k not in db]
    onlyb = [k for k in kb if k not in da]
    common_a = [k for k in ka if k in db]
    common_b = [k for k in kb if k in da]
    print(f'== {t}: tool {len(ka)} rows, mine {len(kb)} rows, only-tool {len(onlya)}, only-mine {len(onlyb)}, order-same {common_a == common_b}')
    for k in onlya[:maxshow]: print('  only tool:', k[10:], da[k][nk:])
    for k in onlyb[:maxshow]: print('  only mine:', k[10:], db[k][nk:])
    if common_a != common_b:
        for i, (x, y) in enumerate(zip(common_a, common_b)):
            if x != y:
                print('  first order diff at', i, x[10:], 'vs', y[10:]); break
    diffs = collections.defaultdict(list)
    for k in common_a:
        for i, (x, y) in enumerate(zip(da[k], db[k])):
            if x != y:
                diffs[ra[0][i]].append((k[10:], x, y))
    for col, l in diffs.items():
        total += len(l)
        print(f'  col {col}: {len(l)} diffs')
        for k, x, y in l[:maxshow]:
            print('    ', k, 'tool', x, 'mine', y)
    total += len(onlya) + len(onlyb)
print('TOTAL DIFFS', total)
