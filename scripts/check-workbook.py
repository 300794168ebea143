#!/usr/bin/env python3
"""Independent check of outcomes.xlsx with openpyxl (pip install openpyxl): every table sheet
equals its CSV file cell for cell, numbers stored as numbers (int/float cells whose value equals
the CSV figure) and the symbols c/z/x as text; the About sheet comes first and holds the licence
line; header frozen and filtered. Usage: scripts/check-workbook.py output/2026-10"""
import csv, os, sys
import openpyxl

folder = sys.argv[1]
wb = openpyxl.load_workbook(os.path.join(folder, "outcomes.xlsx"))
assert wb.sheetnames[0] == "About", wb.sheetnames
about = " ".join(str(c.value) for row in wb["About"].iter_rows() for c in row if c.value is not None)
assert "Contains public sector information licensed under the Open Government Licence v3.0." in about
tables = sorted(f[:-4] for f in os.listdir(folder)
                if f.endswith(".csv") and not f.endswith(".meta.csv") and os.path.exists(os.path.join(folder, f[:-4] + ".meta.csv")))
problems, cells, numbers = [], 0, 0
for t in tables:
    if t not in wb.sheetnames:
        problems.append(f"{t}: no sheet"); continue
    ws = wb[t]
    with open(os.path.join(folder, t + ".meta.csv"), newline="", encoding="utf-8") as f:
        indicators = {r["col_name"] for r in csv.DictReader(f) if r["col_type"] == "Indicator"}
    with open(os.path.join(folder, t + ".csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    sheet = [[c.value for c in r] for r in ws.iter_rows()]
    if len(sheet) != len(rows):
        problems.append(f"{t}: {len(sheet)} rows in the sheet, {len(rows)} in the CSV"); continue
    if ws.freeze_panes != "A2": problems.append(f"{t}: header not frozen ({ws.freeze_panes})")
    if not ws.auto_filter.ref: problems.append(f"{t}: no autofilter")
    header = rows[0]
    for i, (want, got) in enumerate(zip(rows, sheet)):
        if len(got) != len(want):
            problems.append(f"{t} row {i+1}: {len(got)} cells, CSV has {len(want)}"); continue
        for j, (w, g) in enumerate(zip(want, got)):
            cells += 1
            numeric = i > 0 and (header[j] in indicators or header[j] == "time_period")
            if numeric and w not in ("c", "z", "x"):
                if not isinstance(g, (int, float)) or isinstance(g, bool) or float(w) != float(g):
                    problems.append(f"{t} {header[j]} row {i+1}: sheet {g!r}, CSV {w!r}")
                numbers += 1
            elif g != w:
                problems.append(f"{t} {header[j]} row {i+1}: sheet {g!r}, CSV {w!r} (text expected)")
print(f"{len(tables)} table sheets, {cells} cells compared, {numbers} numbers stored as numbers; sheets: {wb.sheetnames}")
for p in problems[:20]: print("PROBLEM", p)
sys.exit(1 if problems else 0)
