#!/usr/bin/env python3
"""Makes a copy of an extracts folder that DuckDB's CSV sniffer (the peer) can read: no BOM, no
line breaks inside quoted fields, and rows with the wrong field count dropped (the peer has no
rejects handling; `outcomes` reads the original). Usage: peer_copy.py SRC DST"""
import csv, os, sys

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
for name in sorted(os.listdir(src)):
    if not name.endswith(".csv"):
        continue
    with open(os.path.join(src, name), encoding="utf-8-sig", newline="") as i, \
         open(os.path.join(dst, name), "w", newline="") as o:
        r = csv.reader(i)
        w = csv.writer(o, lineterminator="\n")
        header = next(r)
        w.writerow(header)
        for row in r:
            if len(row) == len(header):
                w.writerow([c.replace("\r", " ").replace("\n", " ") for c in row])
