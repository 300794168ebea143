@testable import OutcomesCore

/// Hand-built month tables for the summary page: realistic shapes and values, with some `c`,
/// `z` and missing figures, generated deterministically (no data from any person).
enum SummaryFixtures {
    static let period = Month(year: 2026, month: 3)
    static let levels = ["CIN", "CP", "EH3", "EH4"]
    static let domains = ["education", "family_relationships", "health", "housing", "substance_use"]

    static func specs(_ names: [String]) -> [ColumnSpec] { names.map { ColumnSpec($0, $0) } }
    static let localities = ["East", "Exeter", "North", "Unknown"]

    static func cohort(level: String? = nil, locality: String? = nil) -> [String] {
        var c = CohortAttributes.totals
        if let level { c[CohortColumn.level.rawValue] = level }
        if let locality { c[CohortColumn.locality.rawValue] = locality }
        return c
    }

    /// A small deterministic pseudo-random sequence (xorshift), so fixtures look varied.
    struct Rand {
        var s: UInt64
        mutating func next() -> Double {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            return Double(s % 10_000) / 10_000
        }
        mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(next() * Double(r.count)) % r.count }
    }

    static func all(period: Month = period) -> [OutputTable] {
        var r = Rand(s: 0x9E37_79B9_7F4A_7C15)
        return [distance(&r), attendance(&r), impact(&r), trend(&r, period), feedback(&r), timeliness(&r),
                activity(&r, period), benchmarks()]
    }

    /// `attendance_benchmarks` as METRICS.md 6 lays it out: our rows, then the published ones.
    static func benchmarks() -> OutputTable {
        let ind = ["attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct", "overall_absence_pct",
                   "persistent_absence_pct", "gap_to_england_pp", "n_neighbours_found"].map { ColumnSpec($0, $0, unit: $0.hasSuffix("_pp") ? "pp" : ($0.hasPrefix("n_") ? "" : "%")) }
        func row(_ g: String, _ src: String, _ v: [Cell]) -> OutputRow {
            OutputRow(window: "", breakdown: "Total", cohort: cohort(), filters: [g, src], cells: v)
        }
        let rows = [
            row("Children we work with", "extracts", [.num(86.43), .num(8.1), .num(5.47), .num(13.57), .num(38.25), .num(-6.35), .z]),
            row("CIN", "extracts", [.num(84.96), .num(9), .num(6.04), .num(15.04), .num(41.2), .num(-7.82), .z]),
            row("CP", "extracts", [.c, .c, .c, .c, .c, .c, .z]),
            row("All pupils in the extracts", "extracts", [.num(93.05), .num(4.5), .num(2.45), .num(6.95), .num(17.15), .num(0.27), .z]),
            row("Devon (published)", "published 202526", [.num(92.9), .num(4.6), .num(2.5), .num(7.1), .num(17.6), .num(0.12), .z]),
            row("South West (published)", "published 202526", [.num(92.7), .num(4.8), .num(2.5), .num(7.3), .num(18.4), .num(-0.08), .z]),
            row("England (published)", "published 202526", [.num(92.78), .num(4.6), .num(2.6), .num(7.2), .num(17.9), .z, .z]),
        ]
        return OutputTable(name: "attendance_benchmarks", windowColumn: "", filters: specs(["group", "source"]),
                           indicators: ind, rows: rows)
    }

    static func distance(_ r: inout Rand) -> OutputTable {
        let ind = specs(["n", "n_children", "mean_baseline", "mean_latest", "mean_change", "median_change", "sd_change",
                         "ci95_low", "ci95_high", "n_improved", "n_no_change", "n_declined", "pct_improved",
                         "pct_no_change", "pct_declined"])
        var rows: [OutputRow] = []
        for w in ["Reporting month", "Rolling 12 months"] {
            for d in ["Total"] + domains {
                for rater in ["family", "practitioner"] {
                    let n = d == "housing" && rater == "family" ? 4 : r.int(20...300)
                    if n <= 5 { rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [d, rater],
                                                      cells: Array(repeating: .c, count: ind.count))); continue }
                    let b = 3 + r.next() * 3, l = b + r.next() * 2.5 - 0.3
                    let imp = Int(Double(n) * (0.4 + r.next() * 0.4)), nc = Int(Double(n - imp) * 0.5)
                    rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [d, rater], cells: [
                        .int(n), .int(n - 2), .num(b), .num(l), .num(l - b), .num(1), .num(1.8), .num(l - b - 0.3),
                        .num(l - b + 0.3), .int(imp), .int(nc), .int(n - imp - nc), .num(Double(imp) * 100 / Double(n)),
                        .num(Double(nc) * 100 / Double(n)), .num(Double(n - imp - nc) * 100 / Double(n)),
                    ]))
                }
            }
        }
        // Locality rows (domain Total): fixed figures; Unknown families suppressed.
        for w in ["Reporting month", "Rolling 12 months"] {
            for (k, l) in localities.enumerated() {
                for (j, rater) in ["family", "practitioner"].enumerated() {
                    if l == "Unknown" && rater == "family" {
                        rows.append(OutputRow(window: w, breakdown: "locality", cohort: cohort(locality: l), filters: ["Total", rater],
                                              cells: Array(repeating: .c, count: ind.count))); continue
                    }
                    let n = 1200 + 150 * k + 40 * j, imp = 600 + 37 * k + 11 * j
                    rows.append(OutputRow(window: w, breakdown: "locality", cohort: cohort(locality: l), filters: ["Total", rater], cells: [
                        .int(n), .int(n / 3), .num(4.125), .num(5.875), .num(1.75), .num(1), .num(1.8), .num(1.5), .num(2),
                        .int(imp), .int(n - imp - 100), .int(100), .num(Double(imp) * 100 / Double(n)),
                        .num(Double(n - imp - 100) * 100 / Double(n)), .num(100 * 100 / Double(n))]))
                }
            }
        }
        return OutputTable(name: "distance_travelled", filters: specs(["domain", "rated_by"]), indicators: ind, rows: rows)
    }

    static func attendance(_ r: inout Rand) -> OutputTable {
        let ind = specs(["n_pupils", "sessions_possible", "sessions_attended", "sessions_authorised_absence",
                         "sessions_unauthorised_absence", "attendance_pct", "authorised_absence_pct",
                         "unauthorised_absence_pct", "overall_absence_pct", "n_persistently_absent",
                         "persistent_absence_pct", "n_severely_absent", "severe_absence_pct"])
        func row(_ w: String, _ b: String, _ c: [String], att: Double, pa: Double) -> OutputRow {
            OutputRow(window: w, breakdown: b, cohort: c, cells: [
                .int(400), .int(100_000), .int(Int(att * 1000)), .int(3000), .int(2000), .num(att), .num(3), .num(2),
                .num(100 - att), .int(Int(pa * 4)), .num(pa), .int(20), .num(5)])
        }
        var rows: [OutputRow] = []
        for w in ["Reporting month", "Rolling 12 months"] {
            rows.append(row(w, "Total", cohort(), att: 86.43, pa: 38.25))
            for (k, l) in localities.enumerated() where l != "Unknown" {
                rows.append(row(w, "locality", cohort(locality: l), att: [84.25, 91.04, 79.96][k], pa: 30))
            }
            rows.append(OutputRow(window: w, breakdown: "locality", cohort: cohort(locality: "Unknown"),
                                  cells: Array(repeating: .c, count: ind.count)))
            for l in levels { rows.append(row(w, "level", cohort(level: l), att: 80 + r.next() * 10, pa: 25 + r.next() * 20)) }
            rows.append(row(w, "all_pupils", cohort(), att: 93.05, pa: 17.15))
        }
        return OutputTable(name: "attendance", indicators: ind, rows: rows)
    }

    static func impact(_ r: inout Rand) -> OutputTable {
        let ind = specs(["n_episodes", "mean_before_pct", "mean_during_pct", "mean_change_pp", "n_improved", "pct_improved"])
        var rows: [OutputRow] = []
        for w in ["Reporting month", "Rolling 12 months"] {
            rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(),
                                  cells: [.int(140), .num(81.237), .num(85.5), .num(4.263), .int(80), .num(57.142857)]))
            for l in levels {
                if l == "CP" { rows.append(OutputRow(window: w, breakdown: "level", cohort: cohort(level: l),
                                                     cells: Array(repeating: .c, count: 6))); continue }
                let b = 75 + r.next() * 10, d = b + r.next() * 8 - 2
                rows.append(OutputRow(window: w, breakdown: "level", cohort: cohort(level: l),
                                      cells: [.int(30), .num(b), .num(d), .num(d - b), .int(17), .num(56.7)]))
            }
        }
        return OutputTable(name: "attendance_impact", indicators: ind, rows: rows)
    }

    static func trend(_ r: inout Rand, _ p: Month) -> OutputTable {
        let ind = specs(["n_pupils", "attendance_pct", "persistent_absence_pct", "severe_absence_pct"])
        var rows: [OutputRow] = []
        for k in 0..<12 {
            let m = p.adding(k - 11).text
            rows.append(OutputRow(window: m, breakdown: "Total", cohort: cohort(),
                                  cells: [.int(300), .num(84 + r.next() * 4), .num(30 + r.next() * 8), .num(4)]))
            for l in levels {
                if l == "CP" && (k == 3 || k == 4) {
                    rows.append(OutputRow(window: m, breakdown: "level", cohort: cohort(level: l), cells: [.c, .c, .c, .c]))
                    continue
                }
                rows.append(OutputRow(window: m, breakdown: "level", cohort: cohort(level: l),
                                      cells: [.int(60), .num(78 + r.next() * 10), .num(25 + r.next() * 20), .num(5)]))
            }
            rows.append(OutputRow(window: m, breakdown: "all_pupils", cohort: cohort(),
                                  cells: [.int(9000), .num(92.5 + r.next()), .num(15 + r.next() * 3), .num(1.5)]))
        }
        return OutputTable(name: "attendance_trend", windowColumn: "month", indicators: ind, rows: rows)
    }

    static func feedback(_ r: inout Rand) -> OutputTable {
        // The intervals are percentages (unit %) at 2 dp in the CSV; the page shows them at 1.
        let ind = specs(["n_responses", "n_positive", "n_neutral", "n_negative", "pct_positive"])
            + ["ci95_low", "ci95_high"].map { ColumnSpec($0, $0, unit: "%") }
            + specs(["prev_n_responses", "prev_pct_positive", "change_pp"])
        var rows: [OutputRow] = []
        let qs = [("closure_survey", "kept_informed"), ("closure_survey", "made_difference"), ("closure_survey", "respected"),
                  ("follow_up", "agree_outcome"), ("app", "supported"), ("feedback_form", "respected")]
        for w in ["Reporting month", "Rolling 12 months"] {
            for (ins, q) in qs {
                for resp in ["Total", "child", "parent"] {
                    if ins == "follow_up" && resp == "Total" {
                        rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [ins, q, resp],
                                              cells: [.int(9), .c, .int(0), .c, .c, .c, .c, .z, .z, .z]))
                        continue
                    }
                    let n = r.int(30...240), pos = Int(Double(n) * (0.6 + r.next() * 0.35))
                    let p = Double(pos) * 100 / Double(n), prev = p + r.next() * 10 - 5
                    rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [ins, q, resp], cells: [
                        .int(n), .int(pos), .int((n - pos) / 2), .int(n - pos - (n - pos) / 2), .num(p),
                        .num(p - 600 / Double(n)), .num(min(100, p + 600 / Double(n))), .int(n + 10), .num(prev),
                        .num((p * 10).rounded() / 10 - (prev * 10).rounded() / 10)]))
                }
            }
        }
        return OutputTable(name: "feedback", filters: specs(["instrument", "question", "respondent"]), indicators: ind, rows: rows)
    }

    static func timeliness(_ r: inout Rand) -> OutputTable {
        let ind = specs(["n_eligible", "n_met", "pct_met"])
        var rows: [OutputRow] = []
        for w in ["Reporting month", "Rolling 12 months"] {
            for m in ["first_contact_5wd", "assessment_45d", "taf_28d", "open_over_9_months", "open_over_12_months"] {
                if m == "taf_28d" && w == "Rolling 12 months" {
                    rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [m], cells: [.c, .c, .c])); continue
                }
                let n = r.int(100...900), met = Int(Double(n) * (m.hasPrefix("open") ? 0.1 + r.next() * 0.2 : 0.6 + r.next() * 0.35))
                rows.append(OutputRow(window: w, breakdown: "Total", cohort: cohort(), filters: [m],
                                      cells: [.int(n), .int(met), .num(Double(met) * 100 / Double(n))]))
            }
        }
        for w in ["Reporting month", "Rolling 12 months"] {
            for (k, l) in localities.enumerated() {
                for (j, m) in ["assessment_45d", "first_contact_5wd"].enumerated() {
                    let n = 90 + 20 * k + j, met = 50 + 13 * k + 7 * j
                    rows.append(OutputRow(window: w, breakdown: "locality", cohort: cohort(locality: l), filters: [m],
                                          cells: [.int(n), .int(met), .num(Double(met) * 100 / Double(n))]))
                }
            }
        }
        return OutputTable(name: "timeliness", filters: specs(["measure"]), indicators: ind, rows: rows)
    }

    static func activity(_ r: inout Rand, _ p: Month) -> OutputTable {
        let ind = specs(["referrals", "allocations", "closures", "open_at_month_end", "referrals_yoy_pct",
                         "allocations_yoy_pct", "closures_yoy_pct", "open_at_month_end_yoy_pct"])
        var rows: [OutputRow] = []
        var open = 1100
        for k in 0..<24 {
            let m = p.adding(k - 23).text
            let ref = r.int(120...200), alloc = r.int(100...170), clo = r.int(90...170)
            open += alloc - clo
            let yoy: [Cell] = k < 12 ? [.z, .z, .z, .z] : [.num(r.next() * 20 - 10), .num(r.next() * 20 - 10), .num(r.next() * 20 - 10), .num(r.next() * 6 - 3)]
            rows.append(OutputRow(window: m, breakdown: "Total", cohort: cohort(),
                                  cells: [.int(ref), .int(alloc), k == 20 ? .c : .int(clo), .int(open)] + yoy))
        }
        return OutputTable(name: "activity_trend", windowColumn: "month", indicators: ind, rows: rows)
    }

    static func load() -> LoadReport {
        var l = LoadReport()
        l.files = [
            FileLoadResult(file: "episodes_2026-03.csv.gz", kind: .episodes, sha256: String(repeating: "ab", count: 32),
                           rowsRead: 5200, rowsLoaded: 5190, rowsRejected: 10),
            FileLoadResult(file: "outcomes_2026-03.csv", kind: .outcomes, sha256: String(repeating: "cd", count: 32),
                           rowsRead: 40_000, rowsLoaded: 40_000),
            FileLoadResult(file: "attendance_2025-26.csv.gz", kind: .attendance, sha256: String(repeating: "ef", count: 32),
                           unchanged: true),
            FileLoadResult(file: "feedback <2026>.csv", kind: .feedback, sha256: String(repeating: "01", count: 32),
                           rowsRead: 3000, rowsLoaded: 2990, rowsRejected: 10),
        ]
        return l
    }
}
