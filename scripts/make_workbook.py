#!/usr/bin/env python3
"""Write a minimal .xlsx (SpreadsheetML parts in a zip) from rows, for fixtures and benchmarks.

Usage:
  make_workbook.py mosaic OUT.xlsx          the Mosaic-like example (tests' fixture)
  make_workbook.py episodes N OUT.xlsx [CSV] N synthetic episode rows (benchmark); CSV also writes
                                          the same rows as a contract episodes file
Cells: text as shared strings, dates as serial numbers in a dd/mm/yyyy style, numbers as numbers.
"""
import datetime, random, sys, zipfile
from xml.sax.saxutils import escape

EPOCH = datetime.date(1899, 12, 30)

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def write(path, sheets):
    """sheets: [(name, rows)], rows: [(row_number, [cell])]; cell: str | int | datetime.date | None."""
    strings, index = [], {}
    def sid(s):
        if s not in index:
            index[s] = len(strings); strings.append(s)
        return index[s]
    parts = {}
    for n, (name, rows) in enumerate(sheets, 1):
        out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
        for r, cells in rows:
            out.append('<row r="%d">' % r)
            for c, v in enumerate(cells):
                ref = "%s%d" % (col(c), r)
                if v is None or v == "":
                    continue
                if isinstance(v, datetime.date):
                    out.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, (v - EPOCH).days))
                elif isinstance(v, (int, float)):
                    out.append('<c r="%s"><v>%s</v></c>' % (ref, v))
                else:
                    out.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sid(v)))
            out.append('</row>')
        out.append('</sheetData></worksheet>')
        parts["xl/worksheets/sheet%d.xml" % n] = "".join(out)
    parts["xl/sharedStrings.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings))
        + "".join("<si><t>%s</t></si>" % escape(s) for s in strings) + "</sst>")
    parts["xl/styles.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
    parts["xl/workbook.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(name), n, n) for n, (name, _) in enumerate(sheets, 1)) + "</sheets></workbook>")
    parts["xl/_rels/workbook.xml.rels"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (n, n) for n in range(1, len(sheets) + 1))
        + "</Relationships>")
    parts["[Content_Types].xml"] = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(parts):
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), parts[name], zipfile.ZIP_DEFLATED)

def mosaic(path):
    d = datetime.date
    header = ["WORKFLOW_ID", "PERSON_ID", "TEAM_AREA", "LEVEL_OF_NEED", "START_DATE", "END_DATE", "END_REASON", "DOB", "GENDER", "ETHNICITY"]
    rows = [(1, ["Early help episodes - all open and closed"]), (2, ["Run 01/11/2026"]), (3, header),
            (4, ["M1", "P1", "North", "b) Level 3 Targeted", d(2026, 9, 1), None, None, d(2011, 3, 9), 1, "a) WBRI - White British"]),
            (5, ["M2", "P2", "South", "c) Level 4 Complex", d(2026, 9, 2), d(2026, 10, 15), "Goals achieved", d(2013, 7, 1), 2, "q) AIND - Indian"]),
            (6, ["M3", "P3", "East", "b) Level 3 Targeted", d(2026, 9, 3), None, None, None, 0, "zz) Not a code"]),
            (8, ["M4", "P4", "East", "x) Level 9", d(2026, 9, 4), None, None, None, 2, "a) WBRI - White British"])]
    write(path, [("Notes", [(1, ["Exported from Mosaic"])]), ("Episodes", rows)])

def episodes(n, path, csv_path=None):
    rnd = random.Random(7)
    header = ["episode_id", "child_id", "service", "locality", "level", "allocation_date", "closure_date", "gender", "ethnicity", "birth_month"]
    rows, csv = [(1, header)], [",".join(header)]
    for i in range(n):
        a = datetime.date(2025, 1, 1) + datetime.timedelta(days=rnd.randrange(600))
        c = a + datetime.timedelta(days=rnd.randrange(30, 300)) if rnd.random() < 0.6 else None
        b = datetime.date(2008 + rnd.randrange(12), 1 + rnd.randrange(12), 1)
        r = ["E%06d" % i, "C%06d" % rnd.randrange(n), rnd.choice(["YIT", "FIT", "BRIDGES", "LINKS"]),
             rnd.choice(["North", "South", "East", "Exeter"]), rnd.choice(["EH3", "EH4", "CIN"]), a, c,
             rnd.choice(["Female", "Male"]), rnd.choice(["WBRI", "AIND", "MWBC", "BAFR"]), b]
        rows.append((i + 2, r))
        csv.append(",".join("" if v is None else v.isoformat() if isinstance(v, datetime.date) else str(v) for v in r))
    write(path, [("Sheet1", rows)])
    if csv_path:
        open(csv_path, "w").write("\n".join(csv) + "\n")

if __name__ == "__main__":
    if sys.argv[1] == "mosaic":
        mosaic(sys.argv[2])
    else:
        episodes(int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
