import Foundation

/// What the page is built from: the month's tables and the reporting month.
struct SummaryContext {
    let tables: SummaryTables
    let period: Month
    /// The attendance impact settings the tables were computed with (docs/METRICS.md 2).
    var impactDaysBefore = 90
    var impactMinSessions = 20
    static let rolling = "Rolling 12 months"

    /// `March 2026`.
    static func monthName(_ m: Month) -> String { "\(m.name) \(m.year)" }
    /// `Mar`.
    static func shortName(_ m: Month) -> String { String(m.name.prefix(3)) }
    /// The 12 months ending with the reporting month, oldest first.
    var months12: [Month] { (0..<12).map { period.adding($0 - 11) } }
    /// `April 2025 to March 2026`.
    var rollingSpan: String { "\(Self.monthName(period.adding(-11))) to \(Self.monthName(period))" }
}

/// One headline figure: what it is, its value, a detail line and its comparison.
///
/// Comparisons (decided for this page, and said on it): the trend tables give the previous
/// month, so episodes open, attendance and persistent absence show the change between the two
/// months' figures as shown (exact, as both are rounded to the same places); feedback shows the
/// table's own `change_pp` against the previous 12 months; distance travelled and timeliness have
/// no earlier figure in this month's tables, so they say "no comparison".
struct Headline {
    var title: String
    var value: String
    var detail: String
    var comparison: String
    /// A value of several lines (distance travelled) is set smaller.
    var long = false

    func html() -> String {
        "<div class=\"kpi\"><h3>\(HTMLText.esc(title))</h3><p class=\"v\(long ? " long" : "")\">\(value)</p>"
            + "<p class=\"d\">\(detail)</p><p class=\"cmp\">\(comparison)</p></div>\n"
    }
}

extension SummaryContext {
    static let noComparison = "No comparison: this month's tables hold no earlier figure."

    func headlines() -> [Headline] {
        [episodesOpen(), distanceTravelled(), attendance(), persistentAbsence(), feedback(), firstContact()]
    }

    private func fig(_ t: String, _ unit: String = "") -> String { SummaryMarkup.figure(t, unit: unit) }

    /// Episodes open at the month's end, against the end of the previous month.
    func episodesOpen() -> Headline {
        let t = tables["activity_trend"]
        let now = t.shown(t.row(window: period.text), "open_at_month_end")
        let before = t.shown(t.row(window: period.adding(-1).text), "open_at_month_end")
        let prev = Self.monthName(period.adding(-1))
        return Headline(title: "Episodes open", value: fig(now),
                        detail: "at the end of \(Self.monthName(period))",
                        comparison: change(now, before, dp: 0, unit: "", against: "the end of \(prev)"))
    }

    /// Distance travelled: the share of episode-domains whose score improved, as families rated
    /// them (the families' own view comes first; the practitioners' figure is in the detail line).
    func distanceTravelled() -> Headline {
        let t = tables["distance_travelled"]
        let fam = t.row(window: Self.rolling, filters: ["domain": "Total", "rated_by": "family"])
        let pra = t.row(window: Self.rolling, filters: ["domain": "Total", "rated_by": "practitioner"])
        return Headline(title: "Distance travelled: scores improved",
                        value: fig(t.shown(fam, "pct_improved"), "%"),
                        detail: "of \(fig(t.shown(fam, "n"))) episode-domains rated by families, all domains, 12 months "
                            + "(mean change \(fig(t.shown(fam, "mean_change")))); practitioners \(fig(t.shown(pra, "pct_improved"), "%"))",
                        comparison: Self.noComparison)
    }

    /// Attendance of children we work with, against all pupils.
    func attendance() -> Headline { attendanceLike(column: "attendance_pct", title: "Attendance") }

    /// Persistent absence (10% or more of sessions missed), against all pupils.
    func persistentAbsence() -> Headline {
        attendanceLike(column: "persistent_absence_pct", title: "Persistent absence")
    }

    private func attendanceLike(column: String, title: String) -> Headline {
        let a = tables["attendance"], tr = tables["attendance_trend"]
        let cohort = a.shown(a.row(window: Self.rolling), column)
        let all = a.shown(a.row(window: Self.rolling, breakdown: "all_pupils"), column)
        let now = tr.shown(tr.row(window: period.text), column)
        let before = tr.shown(tr.row(window: period.adding(-1).text), column)
        let cmp = "In \(Self.monthName(period)) alone: \(fig(now, "%")); "
            + change(now, before, dp: 1, unit: " pp", against: Self.monthName(period.adding(-1)))
        return Headline(title: title, value: fig(cohort, "%"),
                        detail: "children we work with, 12 months; all pupils \(fig(all, "%"))",
                        comparison: cmp)
    }

    /// Feedback: the % positive of one question, "did the work make a difference?" on the closure
    /// survey (the question the reports answer), with its change on the previous 12 months; when
    /// that question has no figure, the question with the most answers that has one.
    func feedback() -> Headline {
        let t = tables["feedback"]
        let rows = t.rows(window: Self.rolling, filters: ["respondent": "Total"])
        let shown = rows.filter { t.value($0, "pct_positive") != nil }
        let pick = shown.first { t.filter($0, "instrument") == "closure_survey" && t.filter($0, "question") == "made_difference" }
            ?? shown.max { (t.value($0, "n_responses") ?? 0) < (t.value($1, "n_responses") ?? 0) }
        guard let r = pick else {
            return Headline(title: "Feedback % positive", value: fig(rows.isEmpty ? "x" : "c"),
                            detail: "no question has a figure that can be shown", comparison: Self.noComparison)
        }
        let name = HTMLText.esc(HTMLText.words(t.filter(r, "instrument")) + ": " + HTMLText.words(t.filter(r, "question")).lowercased())
        let ch = t.shown(r, "change_pp")
        let cmp = SVG.num(ch) != nil
            ? "<b>\(HTMLText.esc((SVG.num(ch)! > 0 ? "+" : "") + ch)) pp</b> on the previous 12 months (\(fig(t.shown(r, "prev_pct_positive"), "%")))"
            : "change on the previous 12 months: \(fig(ch))"
        return Headline(title: "Feedback: answers positive", value: fig(t.shown(r, "pct_positive"), "%"),
                        detail: "\(name), \(fig(t.shown(r, "n_responses"))) answers, 12 months; all \(rows.count) questions in section 4",
                        comparison: cmp)
    }

    /// First contact within 5 working days of allocation.
    func firstContact() -> Headline {
        let t = tables["timeliness"]
        let r = t.row(window: Self.rolling, filters: ["measure": "first_contact_5wd"])
        return Headline(title: "First contact within 5 working days", value: fig(t.shown(r, "pct_met"), "%"),
                        detail: "\(fig(t.shown(r, "n_met"))) of \(fig(t.shown(r, "n_eligible"))) episodes, 12 months",
                        comparison: Self.noComparison)
    }

    /// "+12 on February 2026 (1200)", or why there is no change.
    func change(_ now: String, _ before: String, dp: Int, unit: String, against: String) -> String {
        if let d = HTMLText.difference(now, before, dp: dp) {
            return "<b>\(HTMLText.esc(d))\(HTMLText.esc(unit))</b> since \(HTMLText.esc(against)) (\(fig(before, unit == " pp" ? "%" : "")))"
        }
        return "change since \(HTMLText.esc(against)): \(fig(HTMLText.isSymbol(now) ? now : (HTMLText.isSymbol(before) ? before : "x")))"
    }
}
