import Foundation
import Testing
@testable import OutcomesCore

/// The summary page: self-contained, accessible, and showing exactly the tables' figures.
@Suite struct SummaryPageTests {
    let tables = SummaryFixtures.all()
    var page: String { SummaryPage.html(tables: tables, period: SummaryFixtures.period, load: SummaryFixtures.load()) }

    // MARK: - Self-contained

    @Test func hasNoScriptNoExternalResourceAndIsSmall() {
        let html = page
        let lower = html.lowercased()
        for banned in ["<script", "javascript:", "http://", "https://", " src=", "@import", "url(", "<link", "<iframe", "on" + "load="] {
            #expect(!lower.contains(banned), "page contains \(banned)")
        }
        #expect(html.utf8.count < 1_000_000)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func isDeterministic() {
        #expect(page == SummaryPage.html(tables: tables, period: SummaryFixtures.period, load: SummaryFixtures.load()))
    }

    @Test func namesTheReportingMonthAtTheTop() {
        let html = page
        let h1 = html.range(of: "<h1>")!
        #expect(html[h1.upperBound...].hasPrefix("Children's services outcomes: March 2026</h1>"))
        #expect(html.contains("April 2025 to March 2026"))
    }

    // MARK: - Accessible

    @Test func everyChartHasTitleTextAlternativeLegendOrTableAndDataTable() {
        let figs = Self.figures(page)
        #expect(figs.count == 2 + 3 + 1 + 1 + 4)
        for (id, body) in figs {
            #expect(body.contains("<figcaption id=\"\(id)-cap\">"), "\(id) caption")
            #expect(body.contains("role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\""), "\(id) aria")
            #expect(body.contains("<title id=\"\(id)-t\">"), "\(id) title")
            #expect(body.contains("<desc id=\"\(id)-d\">"), "\(id) desc")
            #expect(body.contains("<table class=\"data\""), "\(id) data table")
            #expect(body.contains("class=\"al\""), "\(id) axis label")
        }
    }

    @Test func textFromTablesIsEscaped() {
        var t = tables
        let i = t.firstIndex { $0.name == "timeliness" }!
        t[i].rows[t[i].rows.count - 1].filters = ["<b>\"odd\" & measure</b>"]
        let html = SummaryPage.html(tables: t, period: SummaryFixtures.period, load: SummaryFixtures.load())
        #expect(!html.contains("<b>\"odd\""))
        #expect(html.contains("&lt;b&gt;&quot;odd&quot; &amp; measure&lt;/b&gt;"))
        #expect(html.contains("feedback &lt;2026&gt;.csv"))
    }

    @Test func missingTablesShowNotAvailableNotZero() {
        let html = SummaryPage.html(tables: [], period: SummaryFixtures.period, load: LoadReport())
        #expect(html.contains(">x</abbr>"))
        #expect(!html.contains("<p class=\"v\">0"))
        #expect(html.contains("without loading extracts"))
    }

    // MARK: - Numbers equal the tables

    /// Reads each chart's data table from the page and rebuilds it independently from the CSV cells.
    @Test func dataTablesEqualTheMonthsTables() throws {
        let figs = Dictionary(uniqueKeysWithValues: Self.figures(page))
        let w = "Rolling 12 months"
        func t(_ n: String) -> OutputTable { tables.first { $0.name == n }! }
        func txt(_ table: OutputTable, _ row: OutputRow?, _ col: String) -> String {
            guard let row, let i = table.indicatorIndex(col) else { return "x" }
            return NumberFormat.text(row.cells[i], dp: ColumnSpec.decimalPlaces(col))
        }

        let dt = t("distance_travelled")
        for (k, rater) in ["family", "practitioner"].enumerated() {
            let want = dt.rows.filter { $0.window == w && $0.filters[1] == rater }.map { r in
                ["n", "mean_baseline", "mean_latest", "mean_change", "pct_improved"].map { txt(dt, r, $0) }
            }
            #expect(Self.body(try #require(figs["dt-\(k)"])) == want)
        }

        let tr = t("attendance_trend")
        let months = (0..<12).map { SummaryFixtures.period.adding($0 - 11).text }
        for (id, col) in [("att-trend", "attendance_pct"), ("pa-trend", "persistent_absence_pct")] {
            let want = months.map { m in
                [txt(tr, tr.rows.first { $0.window == m && $0.breakdown == "Total" }, col)]
                + SummaryFixtures.levels.map { l in txt(tr, tr.rows.first { $0.window == m && $0.cohort[2] == l }, col) }
                    + [txt(tr, tr.rows.first { $0.window == m && $0.breakdown == "all_pupils" }, col)]
            }
            #expect(Self.body(try #require(figs[id])) == want)
        }

        let im = t("attendance_impact")
        let wantImpact = im.rows.filter { $0.window == w }.map { r in
            ["n_episodes", "mean_before_pct", "mean_during_pct", "mean_change_pp", "pct_improved"].map { txt(im, r, $0) }
        }
        #expect(Self.body(try #require(figs["att-impact"])) == wantImpact)

        let fb = t("feedback")
        let wantFb = fb.rows.filter { $0.window == w && $0.filters[2] == "Total" }.map { r in
            ["n_responses", "pct_positive", "ci95_low", "ci95_high", "prev_pct_positive", "change_pp"].map { txt(fb, r, $0) }
        }
        #expect(Self.body(try #require(figs["fb"])) == wantFb)

        let tl = t("timeliness")
        let wantTl = tl.rows.filter { $0.window == w }.map { r in ["n_eligible", "n_met", "pct_met"].map { txt(tl, r, $0) } }
        #expect(Self.body(try #require(figs["tl"])) == wantTl)

        let act = t("activity_trend")
        for col in ["referrals", "allocations", "closures", "open_at_month_end"] {
            let want = (0..<12).map { k -> [String] in
                let m = SummaryFixtures.period.adding(k - 11)
                let now = act.rows.first { $0.window == m.text }, before = act.rows.first { $0.window == m.adding(-12).text }
                return [txt(act, now, col), txt(act, before, col), txt(act, now, col + "_yoy_pct")]
            }
            #expect(Self.body(try #require(figs["act-\(col)"])) == want)
        }
    }

    @Test func suppressedFiguresShowMarkersNotZeros() throws {
        let figs = Dictionary(uniqueKeysWithValues: Self.figures(page))
        // Family housing is suppressed (n = 4) in the fixtures: its row is all `c`.
        let dt = try #require(figs["dt-0"])
        let housing = Self.rows(dt).first { $0.first == "Housing" }
        #expect(housing == ["Housing", "c", "c", "c", "c", "c"])
        // A `c` in a table is a marked symbol, and the chart draws a `c` gap, not a bar at zero.
        #expect(dt.contains("<abbr class=\"sym\" title=\"suppressed to protect children\">c</abbr>"))
        #expect(dt.contains("<g class=\"gap\">"))
        let trend = try #require(figs["att-trend"])
        #expect(trend.components(separatedBy: "<g class=\"gap\">").count - 1 == 2)
        // Gaps sit in a strip under the axis, never on the scale where a box would read as near zero.
        let (line, height) = SummaryCharts.line(categories: ["a", "b", "c"], series: [
            .init(name: "s", style: .at(0), texts: ["10", "c", "20"])], yLabel: "y", xLabel: "x", domain: 0...20, plotHeight: 100)
        let gapY = try #require(Double(line.components(separatedBy: "<g class=\"gap\"><rect x=\"")[1]
            .components(separatedBy: "y=\"")[1].components(separatedBy: "\"")[0]))
        #expect(gapY > 10 + 100 && Double(height) > gapY)
        // The activity chart breaks its line at the suppressed month instead of dropping to 0.
        let closures = try #require(figs["act-closures"])
        #expect(closures.contains(">c</text></g>"))
    }

    @Test func headlinesShowTheTablesFigures() {
        let html = page
        #expect(html.contains("<p class=\"v\">86.4%</p>"))        // attendance, 12 months, Total
        #expect(html.contains("all pupils 93.1%"))                  // 93.05 rounds half away from zero
        #expect(html.contains("<p class=\"v\">38.3%</p>"))        // persistent absence 38.25
        let act = tables.first { $0.name == "activity_trend" }!
        let open = act.indicatorIndex("open_at_month_end")!
        let now = act.rows.first { $0.window == "2026-03" }!.cells[open]
        let before = act.rows.first { $0.window == "2026-02" }!.cells[open]
        guard case .int(let a) = now, case .int(let b) = before else { Issue.record("fixture"); return }
        #expect(html.contains("<p class=\"v\">\(a)</p>"))
        #expect(html.contains("<b>\(a - b > 0 ? "+" : "")\(a - b)</b> since the end of February 2026 (\(b))"))
        #expect(html.contains("No comparison: this month's tables hold no earlier figure."))
    }

    @Test(arguments: [("86.4", "85.9", "+0.5"), ("80.0", "80.3", "-0.3"), ("5", "5", "0"), ("c", "4.0", nil), ("1.1", "z", nil)])
    func differenceOfShownFigures(a: String, b: String, want: String?) {
        #expect(HTMLText.difference(a, b, dp: a.contains(".") ? 1 : 0) == want)
    }

    // MARK: - Reading the page back

    /// Each `<figure id=…>…</figure>` of the page.
    static func figures(_ html: String) -> [(String, String)] {
        html.components(separatedBy: "<figure class=\"chart").dropFirst().map { part in
            let body = String(part[..<part.range(of: "</figure>")!.lowerBound])
            let id = body.components(separatedBy: "id=\"")[1].components(separatedBy: "\"")[0]
            return (id, body)
        }
    }

    /// The body rows of a figure's data table, as text, label included.
    static func rows(_ fig: String) -> [[String]] {
        guard let b = fig.range(of: "<tbody>"), let e = fig.range(of: "</tbody>") else { return [] }
        return fig[b.upperBound..<e.lowerBound].components(separatedBy: "</tr>").compactMap { tr in
            let cells = tr.components(separatedBy: "</t").dropLast().map { c -> String in
                let inner = c.components(separatedBy: "<t").last ?? ""
                return unescape(stripTags("<t" + inner))
            }
            return cells.isEmpty ? nil : cells
        }
    }

    /// Figures only: the rows without their label.
    static func body(_ fig: String) -> [[String]] { rows(fig).map { Array($0.dropFirst()) } }

    static func stripTags(_ s: String) -> String {
        var out = "", inTag = false
        for ch in s { if ch == "<" { inTag = true } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) } }
        return out
    }
    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Writes the fixture page for `scripts/render-summary.sh` into SUMMARY_PREVIEW_DIR (a temporary
    /// folder when it is not set), then reads it back: the file must be the page, byte for byte,
    /// whole (it ends with the closing tag) and owner-only like every output.
    @Test func writesPreviewWhenAsked() throws {
        let scratch = TempDir()
        let dir = ProcessInfo.processInfo.environment["SUMMARY_PREVIEW_DIR"] ?? scratch.path
        try SafeFiles.makeDirectories(dir)
        let path = dir + "/summary.html"
        let html = page
        try SafeFiles.replaceFile(path, data: Data(html.utf8))
        let back = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(back == Data(html.utf8))
        #expect(String(decoding: back, as: UTF8.self).hasSuffix("</html>\n"))
        #expect(back.count > 10_000, "the preview is \(back.count) bytes: the page lost its sections")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int) & 0o777
        #expect(mode == 0o600)
    }

    /// The impact figure and the definitions describe the configured settings, not the defaults.
    @Test func impactTextUsesTheConfiguredSettings() {
        let custom = SummaryPage.html(tables: tables, period: SummaryFixtures.period, load: SummaryFixtures.load(),
                                      impactDaysBefore: 60, impactMinSessions: 12)
        #expect(custom.contains("in the 60 days before allocation"))
        #expect(custom.contains("at least 12 possible sessions"))
        #expect(custom.contains("Before the work (60 days)"))
        #expect(!custom.contains("90 days") && !custom.contains("at least 20 possible"))
        // The defaults are the contract's: 90 days and 20 sessions.
        #expect(page.contains("in the 90 days before allocation") && page.contains("at least 20 possible sessions"))
    }
}
