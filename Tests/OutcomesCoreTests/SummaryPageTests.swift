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
        // locality, distance ×2, attendance trend, impact, how we compare, feedback, timeliness, activity
        #expect(figs.map(\.0) == ["loc", "dt-0", "dt-1", "att-trend", "att-impact", "cmp", "fb", "tl", "act"])
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
        let last = t[i].rows.lastIndex { $0.breakdown == "Total" }!
        t[i].rows[last].filters = ["<b>\"odd\" & measure</b>"]
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

    /// The month's tables as their CSV files hold them, one dictionary per row (header → text).
    static func csvRows(_ t: OutputTable) -> [[String: String]] {
        let text = TableWriter(period: SummaryFixtures.period, geography: Geography()).csv(t)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { line in
            var r = Dictionary(uniqueKeysWithValues: zip(lines[0], line))
            // Trend tables are time series (each row's month is its time_period and time_identifier).
            if r["month"] == nil, let y = r["time_period"].flatMap(Int.init), let name = r["time_identifier"],
               let m = (1...12).first(where: { Month(year: y, month: $0).name == name }) {
                r["month"] = Month(year: y, month: m).text
            }
            return r
        }
    }

    /// Whether a page figure shows a CSV figure: the same symbol, or the same number at the page's
    /// places (`dp`: 1 for percentages, else the CSV's own), with a comma between thousands.
    /// Checked from the CSV text, not from the code that formats the page.
    static func shows(_ page: String, _ csv: String?, dp: Int) -> Bool {
        guard let csv else { return page == "x" }
        if ["c", "z", "x"].contains(csv) { return page == csv }
        guard let c = Double(csv) else { return page == csv }  // text such as a source
        let plain = page.replacingOccurrences(of: ",", with: "")
        guard let p = Double(plain) else { return false }
        // Thousands separators exactly where they belong.
        let whole = plain.split(separator: ".")[0].replacingOccurrences(of: "-", with: "")
        var grouped = ""
        for (i, ch) in whole.reversed().enumerated() { if i > 0 && i % 3 == 0 { grouped = "," + grouped }; grouped = String(ch) + grouped }
        guard page.replacingOccurrences(of: "-", with: "").hasPrefix(grouped) else { return false }
        let places = plain.contains(".") ? plain.split(separator: ".")[1].count : 0
        let csvPlaces = csv.contains(".") ? csv.split(separator: ".")[1].count : 0
        guard places == dp else { return false }
        // Same places: the same figure; fewer: within half a unit of the last place shown.
        return csvPlaces == dp ? p == c : abs(p - c) <= 0.5 * pow(10, Double(-dp)) + 1e-9
    }

    /// Reads each chart's data table from the page and checks every figure against the CSV text
    /// of the table it comes from.
    @Test func dataTablesEqualTheMonthsTables() throws {
        let figs = Dictionary(uniqueKeysWithValues: Self.figures(page))
        let w = "Rolling 12 months"
        func csv(_ n: String) -> [[String: String]] { Self.csvRows(tables.first { $0.name == n }!) }
        func check(_ id: String, _ want: [[(String?, Int)]], file: String = #filePath, line: Int = #line) throws {
            let got = Self.body(try #require(figs[id]))
            #expect(got.count == want.count, "\(id): \(got.count) rows, expected \(want.count)")
            for (i, (g, wr)) in zip(got, want).enumerated() {
                #expect(g.count == wr.count, "\(id) row \(i + 1)")
                for (j, (gc, (wc, d))) in zip(g, wr).enumerated() where !Self.shows(gc, wc, dp: d) {
                    Issue.record("\(id) row \(i + 1) column \(j + 2): page shows \(gc), the CSV \(wc ?? "no row")")
                }
            }
        }
        func cols(_ r: [String: String]?, _ names: [String], pct: Set<String> = []) -> [(String?, Int)] {
            names.map { (r?[$0], pct.contains($0) ? 1 : ColumnSpec.decimalPlaces($0)) }
        }

        let dt = csv("distance_travelled")
        for (k, rater) in ["family", "practitioner"].enumerated() {
            let want = dt.filter { $0["window"] == w && $0["breakdown"] == "Total" && $0["rated_by"] == rater }
                .map { cols($0, ["n", "mean_baseline", "mean_latest", "mean_change", "pct_improved"]) }
            try check("dt-\(k)", want)
        }

        let tr = csv("attendance_trend")
        let months = (0..<12).map { SummaryFixtures.period.adding($0 - 11).text }
        var wantTrend: [[(String?, Int)]] = []
        for m in months {
            var row: [(String?, Int)] = []
            for col in ["attendance_pct", "persistent_absence_pct"] {
                let total: [String: String]? = tr.first { $0["month"] == m && $0["breakdown"] == "Total" }
                row.append((total?[col], 1))
                for l in SummaryFixtures.levels {
                    let lr: [String: String]? = tr.first { $0["month"] == m && $0["level"] == l }
                    row.append((lr?[col], 1))
                }
                let all: [String: String]? = tr.first { $0["month"] == m && $0["breakdown"] == "all_pupils" }
                row.append((all?[col], 1))
            }
            wantTrend.append(row)
        }
        try check("att-trend", wantTrend)

        let pctCols: Set<String> = ["mean_before_pct", "mean_during_pct", "mean_change_pp", "ci95_low", "ci95_high"]
        try check("att-impact", csv("attendance_impact").filter { $0["window"] == w && ($0["breakdown"] == "Total" || $0["breakdown"] == "level") }
            .map { cols($0, ["n_episodes", "mean_before_pct", "mean_during_pct", "mean_change_pp", "pct_improved"], pct: pctCols) })

        try check("fb", csv("feedback").filter { $0["window"] == w && $0["respondent"] == "Total" }
            .map { cols($0, ["n_responses", "pct_positive", "ci95_low", "ci95_high", "prev_pct_positive", "change_pp"], pct: pctCols) })

        try check("tl", csv("timeliness").filter { $0["window"] == w && $0["breakdown"] == "Total" }
            .map { cols($0, ["n_eligible", "n_met", "pct_met"]) })

        let act = csv("activity_trend")
        try check("act", (0..<12).map { k -> [(String?, Int)] in
            let m = SummaryFixtures.period.adding(k - 11)
            let now = act.first { $0["month"] == m.text }, before = act.first { $0["month"] == m.adding(-12).text }
            return ["referrals", "allocations", "closures", "open_at_month_end"].flatMap { c in
                [(now?[c], 0), (before?[c], 0), (now?[c + "_yoy_pct"], 1)]
            }
        })

        try check("cmp", csv("attendance_benchmarks").map { r in
            [(r["source"], 0)] + cols(r, ["attendance_pct", "persistent_absence_pct", "gap_to_england_pp"])
        })
    }

    /// The locality table: the all-localities row, then one row per locality ranked by attendance
    /// (Unknown last), each figure from the `locality` rows of attendance, distance travelled and
    /// timeliness as their CSV files hold them.
    @Test func localitySectionShowsTheTablesLocalityRows() throws {
        let html = page
        #expect(html.contains("<h2 id=\"locality-h\">1. By locality</h2>"))
        let fig = try #require(Dictionary(uniqueKeysWithValues: Self.figures(html))["loc"])
        let rows = Self.rows(fig)
        // Attendance 91.04 (Exeter) > 84.25 (East) > 79.96 (North); Unknown (c) last.
        #expect(rows.map(\.first) == ["All localities", "Exeter", "East", "North", "Unknown"])
        let w = "Rolling 12 months"
        let att = Self.csvRows(tables.first { $0.name == "attendance" }!)
        let dt = Self.csvRows(tables.first { $0.name == "distance_travelled" }!)
        let tl = Self.csvRows(tables.first { $0.name == "timeliness" }!)
        for row in rows {
            let loc = row[0] == "All localities" ? nil : row[0]
            func pick(_ t: [[String: String]], _ extra: [String: String]) -> [String: String]? {
                t.first { r in r["window"] == w && (loc == nil ? r["breakdown"] == "Total" : (r["breakdown"] == "locality" && r["locality"] == loc))
                    && extra.allSatisfy { r[$0.key] == $0.value } }
            }
            let want: [(String?, Int)] = [
                (pick(att, [:])?["n_pupils"], 0), (pick(att, [:])?["attendance_pct"], 1),
                (pick(dt, ["domain": "Total", "rated_by": "family"])?["n"], 0),
                (pick(dt, ["domain": "Total", "rated_by": "family"])?["pct_improved"], 1),
                (pick(dt, ["domain": "Total", "rated_by": "practitioner"])?["pct_improved"], 1),
                (pick(tl, ["measure": "first_contact_5wd"])?["n_eligible"], 0),
                (pick(tl, ["measure": "first_contact_5wd"])?["pct_met"], 1),
                (pick(tl, ["measure": "assessment_45d"])?["pct_met"], 1),
            ]
            for (j, (g, (c, d))) in zip(row.dropFirst(), want).enumerated() where !Self.shows(g, c, dp: d) {
                Issue.record("locality \(row[0]) column \(j + 2): page shows \(g), the CSV \(c ?? "no row")")
            }
        }
        // 1,200 episode-domains: a thousands separator.
        #expect(rows[2][3] == "1,200")
        // The attendance panel is zoomed, so it says its axis does not start at 0.
        #expect(fig.contains("Axis does not start at 0"))
    }

    @Test func compareSectionIsOmittedWithANoteWithoutBenchmarks() {
        let html = SummaryPage.html(tables: tables.filter { $0.name != "attendance_benchmarks" }, period: SummaryFixtures.period,
                                    load: SummaryFixtures.load())
        #expect(!html.contains("id=\"cmp\""))
        #expect(html.contains("attendance_benchmarks.csv was not written"))
        #expect(page.contains("Contains public sector information licensed under the Open Government Licence v3.0."))
    }

    @Test func timelinessShowsTheDirectionOfGoodForEveryMeasure() throws {
        let fig = try #require(Dictionary(uniqueKeysWithValues: Self.figures(page))["tl"])
        let labels = Self.rows(fig).map { $0[0] }
        #expect(labels.count == 5)
        for l in labels {
            #expect(l.hasSuffix(l.hasPrefix("Open over") ? "(lower is better)" : "(higher is better)"), "\(l)")
        }
        // The two groups are drawn as separate panels, each with its own axis.
        #expect(fig.contains("Practice standards met: higher is better") && fig.contains("Episodes open a long time: lower is better"))
        #expect(fig.components(separatedBy: "% of eligible episodes</text>").count - 1 == 2)
    }

    @Test func everyZoomedAxisSaysItDoesNotStartAtZero() throws {
        let figs = Dictionary(uniqueKeysWithValues: Self.figures(page))
        for id in ["att-trend", "att-impact", "fb", "cmp", "loc"] {
            #expect(try #require(figs[id]).contains("Axis does not start at 0"), "\(id)")
        }
        // Distance travelled runs on the full 1 to 10 score scale and activity from 0: no note.
        #expect(!(try #require(figs["act"])).contains("Axis does not start at 0"))
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
        // Level CP is suppressed in two months, in both measures' panels.
        #expect(trend.components(separatedBy: "<g class=\"gap\">").count - 1 == 4)
        // Gaps sit in a strip under the axis, never on the scale where a box would read as near zero.
        let (line, height) = SummaryCharts.line(categories: ["a", "b", "c"], series: [
            .init(name: "s", style: .at(0), texts: ["10", "c", "20"])], yLabel: "y", xLabel: "x", domain: 0...20, plotHeight: 100)
        let gapY = try #require(Double(line.components(separatedBy: "<g class=\"gap\"><rect x=\"")[1]
            .components(separatedBy: "y=\"")[1].components(separatedBy: "\"")[0]))
        #expect(gapY > 10 + 100 && Double(height) > gapY)
        // The activity chart breaks its line at the suppressed month instead of dropping to 0.
        let closures = try #require(figs["act"])
        #expect(closures.contains(">c</text></g>"))
    }

    @Test func headlinesShowTheTablesFigures() throws {
        let html = page
        #expect(html.contains("<p class=\"v\">86.4%</p>"))        // attendance, 12 months, Total
        #expect(html.contains("all pupils 93.1%"))                  // 93.05 rounds half away from zero
        #expect(html.contains("<p class=\"v\">38.3%</p>"))        // persistent absence 38.25
        let act = tables.first { $0.name == "activity_trend" }!
        let open = act.indicatorIndex("open_at_month_end")!
        let now = act.rows.first { $0.window == "2026-03" }!.cells[open]
        let before = act.rows.first { $0.window == "2026-02" }!.cells[open]
        guard case .int(let a) = now, case .int(let b) = before else { Issue.record("fixture"); return }
        func grouped(_ n: Int) -> String {
            let f = NumberFormatter(); f.numberStyle = .decimal; f.locale = Locale(identifier: "en_GB"); return f.string(from: NSNumber(value: n))!
        }
        #expect(a >= 1000, "the fixture's caseload needs a thousands separator")
        #expect(html.contains("<p class=\"v\">\(grouped(a))</p>"))
        #expect(html.contains("<b>\(a - b > 0 ? "+" : "")\(grouped(a - b))</b> since the end of February 2026 (\(grouped(b)))"))
        #expect(html.contains("No comparison: this month's tables hold no earlier figure."))
        // Every card holds one number: no "to" range, no two figures in the value line.
        let values = html.components(separatedBy: "<p class=\"v\">").dropFirst().map { $0.components(separatedBy: "</p>")[0] }
        #expect(values.count == 6)
        for v in values { #expect(!v.contains(" to ") && !v.contains("<br>"), "\(v)") }
        // Feedback: the closure survey's "made a difference", with its change on the previous 12 months.
        let fb = tables.first { $0.name == "feedback" }!
        let r = try #require(fb.rows.first { $0.window == "Rolling 12 months" && $0.filters == ["closure_survey", "made_difference", "Total"] })
        let pct = NumberFormat.text(r.cells[fb.indicatorIndex("pct_positive")!], dp: 1)
        let ch = NumberFormat.text(r.cells[fb.indicatorIndex("change_pp")!], dp: 1)
        #expect(values.contains(pct + "%"))
        #expect(html.contains("<b>\(ch.hasPrefix("-") ? "" : "+")\(ch) pp</b> on the previous 12 months"))
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
