#!/usr/bin/env python3
"""The published layout of a table (PRECISE.md 22 and 40), applied to a cross-check table written
in the full layout (10 time and geography columns, `window` or `month`, `breakdown`, all six cohort
columns, then the table's filters and indicators).

- Trend tables (a `month` column): each row's own month becomes its `time_period` (year) and
  `time_identifier` (month name); the `month` column goes.
- Only the cohort columns that one of the table's breakdowns breaks down are kept.
- No `breakdown` column when the table has one breakdown only.
Written from the spec, not from the Swift sources."""
import calendar

COHORT = ["service", "locality", "level", "age_band", "gender", "ethnicity_major"]


def columns_of(breakdown):
    """Cohort columns a breakdown name breaks down (names joined with _ in cohort order)."""
    if breakdown in ("Total", "all_pupils"):
        return []
    out, rest = [], breakdown
    while rest:
        for c in sorted(COHORT, key=len, reverse=True):
            if rest == c or rest.startswith(c + "_"):
                out.append(c)
                rest = rest[len(c) + 1:]
                break
        else:
            raise ValueError("unknown breakdown %r" % breakdown)
    return out


def relayout(table, breakdowns=None):
    """table: list of rows, header first, in the full layout. breakdowns: the table's breakdown
    names (default: those its rows hold). Returns (table in the published layout, number of
    leading columns before the table's own filters)."""
    header, rows = table[0], table[1:]
    wcol = header[10]
    assert wcol in ("window", "month") and header[11] == "breakdown" and header[12:18] == COHORT, header[:18]
    names = breakdowns if breakdowns is not None else list(dict.fromkeys(r[11] for r in rows))
    keep = [c for c in COHORT if any(c in columns_of(b) for b in names)]
    show_bd = len(names) > 1
    new_header = header[:10] + ([] if wcol == "month" else [wcol]) + (["breakdown"] if show_bd else []) + keep + header[18:]
    out = [new_header]
    for r in rows:
        lead = list(r[:10])
        if wcol == "month":
            y, m = r[10].split("-")
            lead[0], lead[1] = str(int(y)), calendar.month_name[int(m)]
        else:
            lead.append(r[10])
        if show_bd:
            lead.append(r[11])
        lead += [r[12 + COHORT.index(c)] for c in keep]
        out.append(lead + list(r[18:]))
    nlead = 10 + (0 if wcol == "month" else 1) + (1 if show_bd else 0) + len(keep)
    return out, nlead
