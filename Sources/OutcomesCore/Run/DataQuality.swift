import Foundation
import GRDB

/// `data_quality.csv` (OUTPUTS.md): checks over the whole data, each with its figure, threshold
/// and pass/fail. They warn; they never fail the run.
public enum DataQuality {
    /// Thresholds in percent; a check passes when its figure is at or below the threshold.
    public static let defaultThresholds: [String: Double] = [
        "episodes_unknown_gender_pct": 10, "episodes_unknown_ethnicity_pct": 10,
        "episodes_unknown_birth_month_pct": 10, "open_over_12_months_no_recent_assessment_pct": 25,
        "attendance_n_marks_over_a_month_old_pct": 1, "pupils_with_no_school_pct": 5,
        "episodes_unrecognised_gender_pct": 1, "episodes_unrecognised_ethnicity_pct": 1,
        "extract_vs_published_pp": 2,
    ]

    struct Check { let name: String; let description: String; let sql: String }

    /// The checks in output order; each SQL returns (numerator, denominator) as at the period end.
    static let checks: [Check] = [
        Check(name: "episodes_unknown_gender_pct", description: "Episodes with gender Unknown",
              sql: "SELECT count(*) FILTER (WHERE gender = 'Unknown'), count(*) FROM episodes WHERE allocation_date <= :end"),
        Check(name: "episodes_unknown_ethnicity_pct", description: "Episodes with no ethnicity code",
              sql: "SELECT count(*) FILTER (WHERE ethnicity IS NULL), count(*) FROM episodes WHERE allocation_date <= :end"),
        Check(name: "episodes_unknown_birth_month_pct", description: "Episodes with no birth month",
              sql: "SELECT count(*) FILTER (WHERE birth_month IS NULL), count(*) FROM episodes WHERE allocation_date <= :end"),
        Check(name: "open_over_12_months_no_recent_assessment_pct",
              description: "Episodes open over 12 months at the period end with no outcome assessment in the last 12 weeks",
              sql: """
              SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.episode_id = e.episode_id
                       AND o.assessment_date > date(:end, '-84 days') AND o.assessment_date <= :end)), count(*)
              FROM episodes e WHERE allocation_date <= date(:end, '-12 months')
                AND (closure_date IS NULL OR closure_date >= :end)
              """),
        Check(name: "attendance_n_marks_over_a_month_old_pct",
              description: "Sessions in the 12 months to the period end still marked N (reason not yet provided) more than a month before its end",
              // The month and the cutoff are compared as text by SQLite, never parsed per row: a
              // month before the cutoff's month counts all its N marks, the cutoff's month those in
              // the slots of the days before the cutoff's day (slot 2 × (day − 1) + PM,
              // docs/STORE.md), later months none. The marks are counted by `outcomes_count_char`
              // (DataQuality+CountFunction.swift), which copies nothing.
              sql: """
              SELECT coalesce(sum(CASE WHEN month < c.m THEN \(countCharFunction)(marks, c.n, -1)
                                       WHEN month = c.m THEN \(countCharFunction)(marks, c.n, c.slots)
                                       ELSE 0 END), 0),
                     coalesce(sum(sessions_possible + sessions_not_possible), 0)
              FROM attendance_months,
                   (SELECT substr(date(:end, '-1 month'), 1, 7) AS m,
                           2 * (CAST(substr(date(:end, '-1 month'), 9, 2) AS INTEGER) - 1) AS slots,
                           '\(nMarkCharacter)' AS n) AS c
              WHERE month <= substr(:end, 1, 7) AND month > substr(date(:end, '-12 months'), 1, 7)
              """),
        Check(name: "pupils_with_no_school_pct", description: "Pupils whose attendance appears under no school",
              sql: """
              SELECT count(DISTINCT child_id) FILTER (WHERE school_urn = ''), count(DISTINCT child_id)
              FROM attendance_months WHERE month <= substr(:end, 1, 7)
              """),
        // PROFILES.md 14: values stored as Other / an unlisted code only because the contract did not
        // recognise them (an unmapped `1`/`2`, an Annex A `a) WBRI`). The contract has no word for
        // Other, so every stored Other is such a value.
        Check(name: "episodes_unrecognised_gender_pct", description: "Episodes whose gender was not recognised (stored as Other)",
              sql: "SELECT count(*) FILTER (WHERE gender = 'Other'), count(*) FROM episodes WHERE allocation_date <= :end"),
        Check(name: "episodes_unrecognised_ethnicity_pct",
              description: "Episodes whose ethnicity is not a DfE code (grouped as Unknown)",
              sql: "SELECT count(*) FILTER (WHERE ethnicity IS NOT NULL AND ethnicity NOT IN ("
                  + UnrecognisedCodes.ethnicityCodes.sorted().map { "'\($0)'" }.joined(separator: ", ")
                  + ")), count(*) FROM episodes WHERE allocation_date <= :end"),
    ]

    /// The packed-marks character of register code N (`'0' + mark number`, docs/STORE.md).
    static let nMarkCharacter = String(UnicodeScalar(StoreSchema.noMark + AttendanceMarks.number(of: "N")!))

    /// One check's numerator and denominator as at the end of `period`.
    public static func figures(check i: Int, db: Database, period: Month) throws -> (num: Int, den: Int) {
        try addCountFunction(db)
        let row = try Row.fetchOne(db, sql: checks[i].sql, arguments: ["end": Days.iso(period.lastDay)])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    /// The `extract_vs_published_pp` row, written after the other checks when both figures exist:
    /// our all-pupils attendance over the academic year to date minus the council's published rate
    /// for the same year, in percentage points (numerator and denominator: our attended and possible
    /// sessions). It fails when the gap is over the threshold either way, the sign of an attendance
    /// extract that misses schools or weeks.
    public static func extractVsPublishedLine(_ f: (attended: Int, possible: Int, published: Double)?,
                                              thresholds: [String: Double]) -> (line: String, failed: Bool)? {
        guard let f, f.possible > 0 else { return nil }
        let name = "extract_vs_published_pp"
        let t = thresholds[name] ?? defaultThresholds[name]!
        let gap = 100.0 * Double(f.attended) / Double(f.possible) - f.published
        let pass = abs(gap) <= t + 1e-12
        let line = CSVText.line([name, "All pupils' attendance in the extracts, academic year to date, minus the council's published rate for the same year (percentage points)",
                                 String(f.attended), String(f.possible), NumberFormat.rounded(gap, dp: 1),
                                 NumberFormat.rounded(t, dp: 1), pass ? "pass" : "fail"])
        return (line, !pass)
    }

    /// The table's CSV text from each check's figures (in `checks` order), and the failed checks.
    public static func csv(figures: [(num: Int, den: Int)], thresholds: [String: Double]) -> (text: String, failed: [String]) {
        var out = CSVText.line(["check", "description", "numerator", "denominator", "figure_pct", "threshold_pct", "result"])
        var failed: [String] = []
        for (c, (num, den)) in zip(checks, figures) {
            let t = thresholds[c.name] ?? defaultThresholds[c.name]!
            let figure = den == 0 ? nil : 100.0 * Double(num) / Double(den)
            let pass = (figure ?? 0) <= t + 1e-12
            if !pass { failed.append(c.name) }
            out += CSVText.line([c.name, c.description, String(num), String(den),
                                 figure.map { NumberFormat.rounded($0, dp: 1) } ?? "z",
                                 NumberFormat.rounded(t, dp: 1), pass ? "pass" : "fail"])
        }
        return (out, failed)
    }
}
