#!/usr/bin/env python3
"""Synthetic national returns (no real person's data) and the episodes they must give.

    python3 scripts/make-returns-fixtures.py            # writes Tests/OutcomesCoreTests/Fixtures/returns/
    python3 scripts/make-returns-fixtures.py --out DIR  # the same sample elsewhere
    python3 scripts/make-returns-fixtures.py --cin-mb 50 --out /tmp/big   # one big CIN census only

The sample folder holds a Children in Need census (`cin-census.xml`), the SSDA903 header table
(`903_header.csv`), its episodes table deliberately called `episodes.csv` (it must still be read as
903), a 903 table the tool ignores (`903_uasc.csv`) and an Annex A workbook (`annex-a.xlsx`).

Beside them, `expected/episodes.csv` and `expected/rejects.csv` say what loading the folder must
give, computed here from the generator's own model of the children (never by reading the files
back), by the rules of docs/RETURNS.md. The Swift tests compare the tool's result with them.
The same seed gives the same bytes.
"""
import argparse
import csv
import datetime as dt
import io
import os
import random
import zipfile

D = dt.date
GENDER = {"1": "Male", "2": "Female", "0": "Unknown", "9": "Other"}
ETHNIC = ["WBRI", "WIRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH", "NOBT", "REFU"]


def iso(d):
    return d.isoformat() if d else ""


def dmy(d):
    return d.strftime("%d/%m/%Y") if d else ""


def expected_row(**kw):
    cols = ["episode_id", "child_id", "service", "level", "referral_date", "allocation_date",
            "assessment_date", "closure_date", "closure_reason", "birth_month", "gender", "ethnicity"]
    return {c: kw.get(c, "") for c in cols}


# ---------------------------------------------------------------------------------------------
# Children in Need census

def cin_children(rng, n, start_id=1001):
    """The model: children with CIN details, assessments and plans."""
    kids = []
    for i in range(n):
        cid = f"C{start_id + i}"
        born = D(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 15 * 365))
        upn = rng.choice([f"A{800000000000 + start_id + i}", f"A{800000000000 + start_id + i}", "", "UN2"]) if n < 1000 else f"A{800000000000 + start_id + i}"
        kid = {"id": cid, "upn": upn, "born": born, "gender": rng.choice(["1", "2", "1", "2", "0", "9"]),
               "ethnic": rng.choice(ETHNIC), "cins": []}
        when = D(2021, 4, 1) + dt.timedelta(days=rng.randrange(0, 500))
        for _ in range(rng.choice([1, 1, 2])):
            ref = when
            closed = ref + dt.timedelta(days=rng.randrange(20, 300)) if rng.random() < 0.6 else None
            # Assessments: some authorised before the referral (an earlier involvement), some after.
            auths = sorted(ref + dt.timedelta(days=rng.randrange(-60, 60)) for _ in range(rng.choice([0, 1, 2])))
            plans = []
            if rng.random() < 0.4:
                ps = ref + dt.timedelta(days=rng.randrange(5, 40))
                pe = ps + dt.timedelta(days=rng.randrange(30, 200)) if closed and rng.random() < 0.7 else None
                if pe and closed and pe > closed:
                    pe = closed if closed >= ps else None
                plans.append((ps, pe))
            kid["cins"].append({"ref": ref, "closed": closed, "reason": "RC" + str(rng.randrange(1, 9)) if closed else "",
                                "auths": auths, "plans": plans})
            when = (closed or ref) + dt.timedelta(days=rng.randrange(30, 200))
        kids.append(kid)
    return kids


def cin_child_xml(k, sex_element):
    out = ["    <Child>", "      <ChildIdentifiers>", f"        <LAchildID>{k['id']}</LAchildID>"]
    if k["upn"].startswith("UN"):
        out.append("        <UPN></UPN>")
        out.append(f"        <UPNunknown>{k['upn']}</UPNunknown>")
    else:
        out.append(f"        <UPN>{k['upn']}</UPN>")
    out.append(f"        <PersonBirthDate>{iso(k['born'])}</PersonBirthDate>")
    out.append(f"        <{sex_element}>{k['gender']}</{sex_element}>")
    out += ["      </ChildIdentifiers>", "      <ChildCharacteristics>",
            f"        <Ethnicity>{k['ethnic']}</Ethnicity>",
            "        <Disabilities><Disability>NONE</Disability></Disabilities>",
            "      </ChildCharacteristics>"]
    for c in k["cins"]:
        out += ["      <CINdetails>", f"        <CINreferralDate>{iso(c['ref']) if not c.get('no_date') else ''}</CINreferralDate>",
                "        <ReferralSource>1A</ReferralSource>", "        <PrimaryNeedCode>N1</PrimaryNeedCode>"]
        if c["closed"]:
            out += [f"        <CINclosureDate>{iso(c['closed'])}</CINclosureDate>",
                    f"        <ReasonForClosure>{c['reason']}</ReasonForClosure>"]
        for a in c["auths"]:
            out += ["        <Assessments>", f"          <AssessmentActualStartDate>{iso(a - dt.timedelta(days=10))}</AssessmentActualStartDate>",
                    f"          <AssessmentAuthorisationDate>{iso(a)}</AssessmentAuthorisationDate>",
                    "          <AssessmentFactors><AssessmentFactor>2A</AssessmentFactor></AssessmentFactors>",
                    "        </Assessments>"]
        for ps, pe in c["plans"]:
            out += ["        <ChildProtectionPlans>", f"          <CPPstartDate>{iso(ps)}</CPPstartDate>"]
            if pe:
                out.append(f"          <CPPendDate>{iso(pe)}</CPPendDate>")
            out += ["          <InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse>",
                    "          <Reviews><CPPreviewDate>" + iso(ps + dt.timedelta(days=90)) + "</CPPreviewDate></Reviews>",
                    "        </ChildProtectionPlans>"]
        out.append("      </CINdetails>")
    out.append("    </Child>")
    return out


CIN_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2023</Year>
      <ReferenceDate>2023-03-31</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>999</LEA>
      <SoftwareCode>Synthetic</SoftwareCode>
      <Release>1</Release>
      <SerialNo>1</SerialNo>
      <DateTime>2023-04-20T10:00:00</DateTime>
    </Source>
  </Header>
  <Children>
"""
CIN_TAIL = "  </Children>\n</Message>\n"


def cin_expected(kids, file, service="CSC"):
    """Episodes and rejects per docs/RETURNS.md, from the model. Lines come from the writer."""
    rows, rejects = [], []
    for k in kids:
        for c in k["cins"]:
            if c.get("no_date"):
                rejects.append((file, c["line"], "no start date"))
            else:
                after = [a for a in c["auths"] if a >= c["ref"]]
                rows.append(expected_row(
                    episode_id=f"CIN-{k['id']}-{iso(c['ref'])}", child_id=k["id"], service=service, level="CIN",
                    referral_date=iso(c["ref"]), allocation_date=iso(c["ref"]), assessment_date=iso(min(after)) if after else "",
                    closure_date=iso(c["closed"]), closure_reason=c["reason"], birth_month=k["born"].strftime("%Y-%m"),
                    gender=GENDER[k["gender"]], ethnicity=k["ethnic"]))
            for (ps, pe), line in zip(c["plans"], c["plan_lines"]):
                rows.append(expected_row(
                    episode_id=f"CP-{k['id']}-{iso(ps)}", child_id=k["id"], service=service, level="CP",
                    allocation_date=iso(ps), closure_date=iso(pe), birth_month=k["born"].strftime("%Y-%m"),
                    gender=GENDER[k["gender"]], ethnicity=k["ethnic"]))
    return rows, rejects


def write_cin(path, kids, sex_element="Sex"):
    """Writes the census and records each block's line (the line of its start tag)."""
    lines = CIN_HEAD.splitlines()
    for k in kids:
        block = cin_child_xml(k, sex_element)
        base = len(lines)
        ci = 0
        for j, text in enumerate(block):
            if text.strip() == "<CINdetails>":
                k["cins"][ci]["line"] = base + j + 1
                k["cins"][ci]["plan_lines"] = []
                ci += 1
            elif text.strip() == "<ChildProtectionPlans>":
                k["cins"][ci - 1]["plan_lines"].append(base + j + 1)
        lines += block
    with open(path, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n" + CIN_TAIL)


def write_big_cin(path, megabytes, seed):
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    n = 0
    with open(path, "w", newline="\n") as f:
        f.write(CIN_HEAD)
        size = len(CIN_HEAD)
        while size < target:
            kids = cin_children(rng, 1000, start_id=100000 + n)
            n += 1000
            text = "\n".join(line for k in kids for line in cin_child_xml(k, "Sex")) + "\n"
            f.write(text)
            size += len(text)
        f.write(CIN_TAIL)
    return n


# ---------------------------------------------------------------------------------------------
# SSDA903

def ssda903(rng, folder):
    header_cols = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    episode_cols = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                    "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
    children, rows, expected = [], [], []
    for i in range(10):
        cid = str(500 + i)
        born = D(2007, 1, 1) + dt.timedelta(days=rng.randrange(0, 14 * 365))
        kid = {"id": cid, "sex": rng.choice(["1", "2"]), "born": born, "ethnic": rng.choice(ETHNIC),
               "upn": f"B{700000000000 + i}"}
        children.append(kid)
        start = D(2019, 4, 1) + dt.timedelta(days=rng.randrange(0, 900))
        for p in range(rng.choice([1, 1, 2])):
            # A period: a chain of placements joined by X1, ended by a reason or left open.
            moves = rng.choice([0, 1, 2])
            open_period = p == 0 and rng.random() < 0.3 or i == 3
            decom = start
            chain = []
            for m in range(moves + 1):
                last = m == moves
                dec = decom + dt.timedelta(days=rng.randrange(20, 200))
                if last and open_period:
                    chain.append((decom, "S" if m == 0 else "P", None, ""))
                elif last:
                    chain.append((decom, "S" if m == 0 else "P", dec, rng.choice(["E11", "E12", "E4A", "E13"])))
                else:
                    chain.append((decom, "S" if m == 0 else "P", dec, "X1"))
                decom = dec
            first = chain[0][0]
            end, rec = chain[-1][2], chain[-1][3]
            expected.append(expected_row(
                episode_id=f"CLA-{cid}-{iso(first)}", child_id=cid, service="CSC", level="CIC",
                allocation_date=iso(first), closure_date=iso(end), closure_reason=rec,
                birth_month=born.strftime("%Y-%m"), gender=GENDER[kid["sex"]], ethnicity=kid["ethnic"]))
            for decom, rne, dec, rec in chain:
                rows.append([cid, dmy(decom), rne, rng.choice(["C2", "J2"]), "N1", rng.choice(["U1", "U4", "K2"]),
                             "PR1", dmy(dec), rec, "", "EX1 1AA", "EX2 2BB", f"SC{100000 + i}"])
            if open_period:
                break
            start = decom + dt.timedelta(days=rng.randrange(30, 300))
    # A child missing from the header table: every row is rejected.
    rows.append(["999", dmy(D(2021, 5, 1)), "S", "C2", "N1", "U1", "PR1", "", "", "", "", "", "SC1"])
    # File order is not DECOM order: the return does not promise it.
    rng.shuffle(rows)
    with open(os.path.join(folder, "903_header.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header_cols)
        for k in children:
            w.writerow([k["id"], k["sex"], dmy(k["born"]), k["ethnic"], k["upn"], "", ""])
    rejects = []
    with open(os.path.join(folder, "episodes.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(episode_cols)
        for n, r in enumerate(rows):
            w.writerow(r)
            if r[0] == "999":
                rejects.append(("episodes.csv", n + 2, "child not in the 903 header table"))
    with open(os.path.join(folder, "903_uasc.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["CHILD", "SEX", "DOB", "DUC"])
        w.writerow([children[0]["id"], children[0]["sex"], dmy(children[0]["born"]), ""])
    return expected, rejects


# ---------------------------------------------------------------------------------------------
# Annex A workbook, written by hand so that every cell type is what we say it is

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(d):
    return (d - D(1899, 12, 30)).days


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class Book:
    """Cells: ("s", text) shared string, ("d", date) date cell, ("n", number), ("e", "#N/A") error,
    ("f", formula, cached text) a string formula, ("fn", formula, cached number)."""

    def __init__(self):
        self.sheets, self.strings, self.index = [], [], {}

    def sid(self, s):
        if s not in self.index:
            self.index[s] = len(self.strings)
            self.strings.append(s)
        return self.index[s]

    def cell(self, ref, c):
        kind = c[0]
        if kind == "s":
            return f'<c r="{ref}" t="s"><v>{self.sid(c[1])}</v></c>'
        if kind == "d":
            return f'<c r="{ref}" s="1"><v>{serial(c[1])}</v></c>'
        if kind == "n":
            return f'<c r="{ref}"><v>{c[1]}</v></c>'
        if kind == "e":
            return f'<c r="{ref}" t="e"><f>VLOOKUP(A1,X:Y,2,0)</f><v>{c[1]}</v></c>'
        if kind == "f":
            return f'<c r="{ref}" t="str"><f>{xml_escape(c[1])}</f><v>{xml_escape(c[2])}</v></c>'
        if kind == "fn":
            return f'<c r="{ref}"><f>{xml_escape(c[1])}</f><v>{c[2]}</v></c>'
        raise ValueError(kind)

    def save(self, path):
        def sheet_xml(rows):
            out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                   '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
            for r, cells in rows:
                body = "".join(self.cell(f"{col(i)}{r}", c) for i, c in enumerate(cells) if c is not None)
                out.append(f'<row r="{r}">{body}</row>')
            out.append("</sheetData></worksheet>")
            return "".join(out)

        parts = {}
        for i, (name, rows) in enumerate(self.sheets):
            parts[f"xl/worksheets/sheet{i + 1}.xml"] = sheet_xml(rows)
        parts["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(self.strings)}" uniqueCount="{len(self.strings)}">'
            + "".join(f"<si><t>{xml_escape(s)}</t></si>" for s in self.strings) + "</sst>")
        parts["xl/styles.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')
        parts["xl/workbook.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{xml_escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (n, _) in enumerate(self.sheets))
            + "</sheets></workbook>")
        parts["xl/_rels/workbook.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                      for i in range(len(self.sheets)))
            + f'<Relationship Id="rId{len(self.sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            + f'<Relationship Id="rId{len(self.sheets) + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            + "</Relationships>")
        parts["_rels/.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
        parts["[Content_Types].xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(len(self.sheets)))
            + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>')
        order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "xl/styles.xml", "xl/sharedStrings.xml"] + [f"xl/worksheets/sheet{i + 1}.xml" for i in range(len(self.sheets))]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=(2023, 4, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, parts[name])


ANNEX_GENDER = {"1": ("a) Male", "Male"), "2": ("b) Female", "Female"), "0": ("c) Not stated/recorded", "Unknown"),
                "9": ("d) Neither", "Other")}


def annex_a(rng, folder):
    book = Book()
    expected, rejects = [], []
    lists = {
        "List 2": ("EH", "EH3", "EH", ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                                        "Assessment start date", "Assessment completion date", "Organisation completing assessment"]),
        "List 6": ("CIN", "CIN", "CSC", ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                                          "Disability", "CIN Start Date", "Primary Need Code", "CIN Closure Date", "Reason for Closure"]),
        "List 7": ("CP", "CP", "CSC", ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                                        "Child Protection Plan Start Date", "Category of Abuse", "Child Protection Plan End Date"]),
        "List 8": ("CLA", "CIC", "CSC", ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
                                          "Date Started to be Looked After", "Legal Status", "Date Ceased to be Looked After",
                                          "Reason Ceased to be Looked After"]),
    }
    for n in range(1, 12):
        name = f"List {n}"
        if name not in lists:
            book.sheets.append((name, [(1, [("s", "Child Unique ID"), ("s", "Gender")])]))
            continue
        prefix, level, service, headers = lists[name]
        rows = [(1, [("s", h) for h in headers])]
        for i in range(6):
            r = i + 2
            cid = f"AA{n}{i:02d}"
            g = rng.choice(["1", "2", "0", "9"])
            eth = rng.choice(ETHNIC)
            born = D(2008, 1, 1) + dt.timedelta(days=rng.randrange(0, 14 * 365))
            start = D(2022, 4, 1) + dt.timedelta(days=rng.randrange(0, 300))
            end = start + dt.timedelta(days=rng.randrange(10, 200)) if rng.random() < 0.6 else None
            # Cells: a serial date cell, a text date, a #N/A, formula cells with cached values.
            eth_cell = ("f", 'VLOOKUP(B2,Codes!A:B,2,0)', f"{'abcdefghijkl'[ETHNIC.index(eth)]}) {eth}") if i == 1 else ("s", f"{'abcdefghijkl'[ETHNIC.index(eth)]}) {eth}")
            dob_cell = ("e", "#N/A") if i == 2 else ("d", born)
            cells = [("s", cid), ("s", ANNEX_GENDER[g][0]), eth_cell, dob_cell, ("fn", "DATEDIF(D2,TODAY(),\"y\")", 12)]
            row = dict(episode_id=f"{prefix}-{cid}-{iso(start)}", child_id=cid, service=service, level=level,
                       allocation_date=iso(start), birth_month="" if i == 2 else born.strftime("%Y-%m"),
                       gender=ANNEX_GENDER[g][1], ethnicity=eth)
            start_cell = ("s", dmy(start)) if i == 3 else ("d", start)
            if i == 4 and name == "List 6":
                # No start date: the contract rejects the row (allocation_date is required).
                start_cell = None
                row = None
                rejects.append(("annex-a.xlsx", f"{name}!{r}", "required value is empty"))
            if name == "List 2":
                done = start + dt.timedelta(days=rng.randrange(5, 40))
                cells += [start_cell, ("d", done), ("s", "LA")]
                if row:
                    row["assessment_date"] = iso(done)
            elif name == "List 6":
                cells += [("s", "Yes"), start_cell, ("s", "N1"), ("d", end) if end else ("e", "#N/A"), ("s", "RC1") if end else None]
                if row:
                    row["closure_date"], row["closure_reason"] = iso(end), "RC1" if end else ""
            elif name == "List 7":
                cells += [start_cell, ("s", "Neglect"), ("d", end) if end else None]
                if row:
                    row["closure_date"] = iso(end)
            else:
                cells += [start_cell, ("s", "C2"), ("d", end) if end else None, ("s", "E11") if end else None]
                if row:
                    row["closure_date"], row["closure_reason"] = iso(end), "E11" if end else ""
            rows.append((r, cells))
            if row:
                expected.append(expected_row(**row))
        book.sheets.append((name, rows))
    book.save(os.path.join(folder, "annex-a.xlsx"))
    return expected, rejects


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "Tests", "OutcomesCoreTests", "Fixtures", "returns"))
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cin-mb", type=int, help="write only one CIN census of about this many megabytes")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.cin_mb:
        path = os.path.join(a.out, "cin-census.xml")
        n = write_big_cin(path, a.cin_mb, a.seed)
        print(f"{path}: {os.path.getsize(path)} bytes, {n} children")
        return
    rng = random.Random(a.seed)
    kids = cin_children(rng, 12)
    kids[4]["cins"][0]["no_date"] = True   # a CINdetails with no referral date is rejected
    write_cin(os.path.join(a.out, "cin-census.xml"), kids)
    cin_rows, cin_rejects = cin_expected(kids, "cin-census.xml")
    s_rows, s_rejects = ssda903(rng, a.out)
    a_rows, a_rejects = annex_a(rng, a.out)
    exp = os.path.join(a.out, "expected")
    os.makedirs(exp, exist_ok=True)
    with open(os.path.join(exp, "episodes.csv"), "w", newline="") as f:
        rows = sorted(cin_rows + s_rows + a_rows, key=lambda r: r["episode_id"])
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(exp, "rejects.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["file", "line", "reason"])
        w.writerows(sorted(cin_rejects + s_rejects + a_rejects, key=lambda r: (r[0], str(r[1]))))
    print(f"wrote {a.out}: {len(cin_rows)} + {len(s_rows)} + {len(a_rows)} episodes expected")


if __name__ == "__main__":
    main()
