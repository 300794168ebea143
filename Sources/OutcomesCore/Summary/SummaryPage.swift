import Foundation

/// The executive's monthly pack, `summary.html`: one self-contained page (inline SVG and CSS, no
/// script, no external resource) built only from the month's suppressed tables.
///
/// Figures are for the `Rolling 12 months` window unless the page says otherwise, and every number
/// is the CSV's own text (`NumberFormat.text`), so the page never shows more, or other, than the
/// tables. Values shown as `c`, `z` or `x` in a table appear as gaps with the symbol marked, never
/// as zero. The page prints on A4 portrait with no chart split across pages.
public enum SummaryPage {
    /// The page for reporting month `period`.
    ///
    /// - Parameters:
    ///   - tables: the month's metric tables, suppression applied (names without `.csv`).
    ///   - period: the reporting month, named at the top.
    ///   - load: the extracts loaded by this run, for the sources section (empty for `report`).
    ///   - impactDaysBefore, impactMinSessions: the configured `attendance_impact` settings, so the
    ///     page describes the figures as they were computed.
    /// - Returns: the whole HTML document; the same inputs give the same bytes.
    public static func html(tables: [OutputTable], period: Month, load: LoadReport,
                            impactDaysBefore: Int = 90, impactMinSessions: Int = 20) -> String {
        let ctx = SummaryContext(tables: SummaryTables(tables), period: period,
                                 impactDaysBefore: impactDaysBefore, impactMinSessions: impactMinSessions)
        let month = SummaryContext.monthName(period)
        var s = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<title>Children's services outcomes: \(month)</title>\n<style>\n\(css)</style>\n</head>\n<body>\n"
        s += "<header>\n<p class=\"kicker\">Monthly summary for the executive</p>\n"
        s += "<h1>Children's services outcomes: \(HTMLText.esc(month))</h1>\n"
        s += "<p class=\"lede\">Reporting month <b>\(HTMLText.esc(month))</b>. Figures are for the 12 months "
        s += "\(HTMLText.esc(ctx.rollingSpan)) unless a chart says otherwise.</p>\n"
        s += "<p class=\"key\">In figures and tables: \(SummaryMarkup.figure("c")) suppressed (a small number hidden "
        s += "to protect children), \(SummaryMarkup.figure("z")) cannot be computed, \(SummaryMarkup.figure("x")) not "
        s += "available. These show as gaps in charts, never as zero.</p>\n</header>\n<main>\n"

        // Four printed A4 pages (issue 15): the headlines and localities; distance travelled and the
        // attendance trend; attendance before and during the work beside how we compare, then
        // feedback; timeliness, activity and the notes. Distance travelled starts page 2; no figure
        // is split across pages (measured with a full benchmarks table on the county sample).
        s += section("headlines", "Headline figures", intro: nil,
                     body: "<div class=\"kpis\">\n" + ctx.headlines().map { $0.html() }.joined() + "</div>\n")
        s += section("locality", "1. By locality",
                     intro: "How each locality is doing on attendance, distance travelled and timeliness, over the 12 months.",
                     body: ctx.localityFigure().map { grid([$0]) }
                        ?? "<p class=\"note\">This month's tables have no locality rows.</p>\n")
        s += section("distance", "2. Distance travelled",
                     intro: "How outcome scores moved between the first and the latest assessment, by domain. "
                         + "Scores run from 1 (most worried) to 10 (no worries).",
                     body: grid(ctx.distanceFigures()), page: true)
        s += section("attendance", "3. School attendance and how we compare",
                     intro: "Attendance of the children we work with, month by month, beside all pupils in the "
                         + "attendance data; attendance before and during our work; and how we compare with the published "
                         + "figures for the council, the region and England.",
                     body: grid(ctx.attendanceTrendFigures() + [ctx.attendanceImpactFigure()] + (ctx.compareFigure().map { [$0] } ?? []))
                         + (ctx.compareFigure() == nil ? ctx.compareBody() : ""))
        s += section("feedback", "4. Feedback", intro: "What children, parents, carers and partners told us.",
                     body: grid([ctx.feedbackFigure()]))
        s += section("practice", "5. Timeliness and activity",
                     intro: "The practice standards, and the flow of work over 24 months.",
                     body: grid([ctx.timelinessFigure(), ctx.activityFigure()]))
        s += section("about", "About these figures", intro: nil, body: about(ctx, load: load))
        s += "</main>\n<footer><p>Produced by outcomes \(HTMLText.esc(OutcomesVersion.string)) from the tables in this "
        s += "folder. The CSV files are the official figures; this page repeats them.</p></footer>\n</body>\n</html>\n"
        return s
    }

    static func section(_ id: String, _ title: String, intro: String?, body: String, page: Bool = false) -> String {
        var s = "<section id=\"\(id)\"\(page ? " class=\"page\"" : "") aria-labelledby=\"\(id)-h\">\n<h2 id=\"\(id)-h\">\(HTMLText.esc(title))</h2>\n"
        if let intro { s += "<p class=\"intro\">\(HTMLText.esc(intro))</p>\n" }
        return s + body + "</section>\n"
    }

    static func grid(_ figs: [SummaryFigure]) -> String {
        "<div class=\"figs\">\n" + figs.map { $0.html() }.joined() + "</div>\n"
    }

    /// Sources, suppression and the definitions in plain words.
    static func about(_ ctx: SummaryContext, load: LoadReport) -> String {
        let p = ctx.period
        var s = "<div class=\"about\">\n<p class=\"print-only\">Sources: manifest.json beside this page lists every file "
        s += "the run read and wrote, with its checksum; the About section on screen lists them too.</p>\n"
        s += "<div class=\"screen-only\">\n<h3>Sources</h3>\n"
        s += "<p>Reporting month: \(Days.iso(p.firstDay)) to \(Days.iso(p.lastDay)). 12-month window: "
        s += "\(Days.iso(p.adding(-11).firstDay)) to \(Days.iso(p.lastDay)). Data dated after the window's end is not used.</p>\n"
        if load.files.isEmpty {
            s += "<p>This run reported from the store without loading extracts; the files behind the store are listed in "
            s += "earlier runs' manifest.json.</p>\n"
        } else {
            s += "<table class=\"data src\" aria-label=\"Extract files loaded by this run\"><thead><tr><th scope=\"col\">File</th>"
            s += "<th scope=\"col\">Kind</th><th scope=\"col\">Rows read</th><th scope=\"col\">Loaded</th>"
            s += "<th scope=\"col\">Rejected</th><th scope=\"col\">Status</th><th scope=\"col\">SHA-256 (start)</th></tr></thead><tbody>\n"
            for f in load.files {
                let status = f.unchanged ? "unchanged, loaded before" : (f.overRejectLimit ? "not loaded (too many rejects)" : "loaded")
                s += "<tr><th scope=\"row\">\(HTMLText.esc(f.file))</th><td>\(HTMLText.esc(f.kind.rawValue))</td>"
                s += "<td>\(f.unchanged ? "–" : String(f.rowsRead))</td><td>\(f.unchanged ? "–" : String(f.rowsLoaded))</td>"
                s += "<td>\(f.unchanged ? "–" : String(f.rowsRejected))</td><td>\(status)</td>"
                s += "<td><code>\(HTMLText.esc(String(f.sha256.prefix(12))))</code></td></tr>\n"
            }
            s += "</tbody></table>\n"
        }
        s += "<p>manifest.json beside this page lists every input and output file with its checksum and the run's "
        s += "start and end times; restricted/rejects.csv (not for publication) lists rows that were not loaded and why.</p>\n</div>\n"
        s += "<h3>Suppression</h3>\n<p>To protect children from being identified, "
        s += "counts from 1 up to the suppression threshold (5 unless the run set another; manifest.json gives it) "
        s += "are shown as \(SummaryMarkup.figure("c")), and so is any percentage or mean worked out from them; where that would "
        s += "let a hidden count be worked out from the others, the next smallest is hidden too. A true zero shows 0. "
        s += "\(SummaryMarkup.figure("z")) means a figure cannot be computed (for example a change against a period "
        s += "with no data), and \(SummaryMarkup.figure("x")) that it is not available in this month's tables.</p>\n"
        s += "<h3>Definitions</h3>\n<p class=\"print-only\">The definitions of every measure are in this page's "
        s += "About section on screen (summary.html) and in the tables' .meta.csv files.</p>\n<dl>\n"
        for (term, text) in definitions(ctx) { s += "<dt>\(HTMLText.esc(term))</dt><dd>\(HTMLText.esc(text))</dd>\n" }
        s += "</dl>\n</div>\n"
        return s
    }

    static func definitions(_ ctx: SummaryContext) -> [(String, String)] { [
        ("Episode", "A period of work with a child, from allocation to closure. A child may have more than one."),
        ("Distance travelled", "For each episode and outcome domain, the change between the first score (at entry) and the latest later score, on a scale of 1 (most worried) to 10 (no worries). Family and practitioner ratings are kept apart. Improved means the score rose."),
        ("Attendance", "Sessions attended as a percentage of possible sessions, counting sessions while the child had an open episode. All pupils means every pupil in the schools' attendance data, whether or not we worked with them."),
        ("Persistent absence", "Pupils who missed 10% or more of their possible sessions, as a percentage of pupils."),
        ("Before and during the work", "For episodes closed in the window: attendance in the \(ctx.impactDaysBefore) days before allocation against attendance from allocation to closure, when each part has at least \(ctx.impactMinSessions) possible sessions."),
        ("Feedback % positive", "Answers that agreed or were positive, as a percentage of answered questions. The 95% interval is a Wilson score interval. The previous period is the 12 months before this window."),
        ("Timeliness", "Episodes meeting each practice standard, as a percentage of episodes where the deadline has passed or the event has happened. Working days leave out weekends and bank holidays."),
        ("Referrals, allocations, closures", "Episodes referred, allocated or closed in each month; episodes open counts those open on the month's last day."),
        ("Changes on the previous month", "The difference between the two months' figures as shown, from the month-by-month tables. Where this month's tables hold no earlier figure the page says there is no comparison."),
    ] }

    static let css = """
    @page { size: A4 portrait; margin: 12mm; }
    html { color: #1a1a1a; background: #fff; }
    body { font-family: "Segoe UI", Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 15px; line-height: 1.4;
      max-width: 1060px; margin: 0 auto; padding: 16px 24px 32px; }
    h1 { font-size: 26px; margin: 0 0 6px; }
    h2 { font-size: 20px; border-bottom: 2px solid #1a1a1a; padding-bottom: 2px; margin: 28px 0 8px; break-after: avoid; }
    h3 { font-size: 15px; margin: 0 0 4px; }
    .kicker { text-transform: uppercase; letter-spacing: .05em; font-size: 12px; margin: 0; color: #444; }
    .lede { margin: 0 0 6px; }
    .key, .intro, .note { font-size: 13px; color: #333; margin: 4px 0 10px; }
    .note { margin: 4px 0; }
    .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
    .kpi { border: 1px solid #888; border-left: 6px solid #0072B2; padding: 8px 12px; break-inside: avoid; }
    .kpi p { margin: 2px 0; }
    .kpi .v { font-size: 22px; font-weight: 700; }
    .kpi .v.long { font-size: 15px; font-weight: normal; }
    .kpi .d { font-size: 13px; color: #333; }
    .kpi .cmp { font-size: 13px; border-top: 1px dotted #888; padding-top: 3px; }
    .figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 20px 28px; align-items: start; }
    figure.chart { margin: 0; min-width: 0; break-inside: avoid; page-break-inside: avoid; }
    figure.wide { grid-column: 1 / -1; }
    .viz { break-inside: avoid; page-break-inside: avoid; }
    figcaption { font-weight: 700; font-size: 16px; margin: 0 0 4px; break-after: avoid; }
    svg.plot { display: block; max-width: 100%; height: auto; font-size: 12px; }
    svg text { fill: #222; }
    svg .tl { font-size: 11px; } svg .al { font-size: 12px; font-weight: 600; } svg .rl { font-size: 12px; } svg .b { font-weight: 700; }
    svg .pt { font-size: 13px; font-weight: 700; } svg .nod { fill: #ececec; }
    svg .gl { stroke: #e0e0e0; } svg .axis, svg .tick { stroke: #333; }
    svg .bar { stroke: #888; stroke-width: 3; } svg .ci { stroke: #333; stroke-width: 1.5; } svg .barfill { fill: #0072B2; }
    svg .vl { font-size: 12px; font-weight: 700; } svg .gap text { font-size: 11px; font-weight: 700; }
    .legend { list-style: none; padding: 0; margin: 0 0 4px; display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; }
    .legend li { display: flex; align-items: center; gap: 4px; }
    table.data { border-collapse: collapse; font-size: 12px; margin: 6px 0 0; width: 100%; font-variant-numeric: tabular-nums; }
    table.data th, table.data td { border-bottom: 1px solid #ccc; padding: 2px 6px; text-align: right; vertical-align: top; }
    table.data thead th { border-bottom: 2px solid #555; font-weight: 600; }
    table.data tbody th, table.data thead th:first-child { text-align: left; font-weight: normal; }
    table.data thead th:first-child { font-weight: 600; }
    table.data tr { break-inside: avoid; }
    table.src td, table.src th { text-align: left; }
    abbr.sym { display: inline-block; min-width: 1em; text-align: center; border: 1px solid #333; border-radius: 2px;
      padding: 0 3px; font-weight: 700; text-decoration: none; background: #f0f0f0; line-height: 1.2; }
    .about dt { font-weight: 700; } .about dd { margin: 0 0 6px 0; }
    .about h3 { margin-top: 12px; }
    .print-only { display: none; }
    footer { margin-top: 24px; font-size: 12px; color: #444; border-top: 1px solid #888; }
    @media print {
      /* Four A4 pages (issue 15): sections marked .page start a page, figures never split, two
         figures side by side, and type no smaller than 7.5pt. */
      body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.25; }
      h1 { font-size: 16pt; margin: 0 0 2px; }
      h2 { font-size: 12pt; margin: 6px 0 3px; padding-bottom: 1px; }
      h3 { font-size: 9pt; margin: 0 0 1px; }
      section.page { break-before: page; }
      section.page h2 { margin-top: 0; }
      .lede, .key { margin: 0 0 3px; font-size: 8pt; }
      .note, .intro { margin: 1px 0 2px; font-size: 7.5pt; line-height: 1.2; }
      .kpis { grid-template-columns: repeat(3, 1fr); gap: 5px; }
      .kpi { padding: 3px 7px; border-left-width: 4px; }
      .kpi p { margin: 0; }
      .kpi .v { font-size: 14pt; }
      .kpi .d, .kpi .cmp { font-size: 7.5pt; line-height: 1.2; }
      .figs { grid-template-columns: 1fr 1fr; gap: 6px 14px; }
      figure.wide { grid-column: 1 / -1; }
      figure.wide svg.plot { width: 92%; }
      table.data thead th[scope=colgroup] { text-align: center; border-bottom: 1px solid #555; }
      figcaption { font-size: 9.5pt; margin: 0 0 1px; }
      .legend { font-size: 7.5pt; margin: 0 0 1px; }
      table.data { font-size: 7.5pt; margin-top: 2px; line-height: 1.15; }
      table.data th, table.data td { padding: 0 3px; }
      table.data tbody th, table.data td { white-space: nowrap; }
      #cmp table.data { font-size: 6.8pt; }
      #cmp table.data th, #cmp table.data td { padding: 0 2px; }
      #cmp table.data tbody th { white-space: normal; }
      .about dl, .about table.src { display: none; }
      h2, .intro { break-after: avoid; page-break-after: avoid; }
      .print-only { display: block; }
      .screen-only { display: none; }
      .about .defs-note { display: none; }
      .about { columns: 3; column-gap: 12px; font-size: 7pt; line-height: 1.15; }
      .about p, .about dd { margin: 0 0 3px; }
      .about h3 { margin-top: 4px; font-size: 8.5pt; }
      .about table.data { font-size: 7pt; }
      footer { margin-top: 4px; font-size: 7.5pt; }
    }

    """
}
