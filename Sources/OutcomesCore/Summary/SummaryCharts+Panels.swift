import Foundation

extension SeriesStyle {
    /// A reference line (all localities, England): black, dashed.
    static let reference = SeriesStyle(color: "#000000", dash: "5 3", marker: .none, width: 1.5)
}

extension SummaryCharts {
    /// One panel of a row-aligned dot plot: its own scale, one or two series of dots, a reference.
    struct DotPanel {
        var title: String
        var series: [(style: SeriesStyle, texts: [String])]
        /// The shown figure drawn as a dashed vertical line (empty or a symbol: none).
        var reference: String = ""
        var domain: ClosedRange<Double>
    }

    /// Small multiples of dot plots sharing their rows (labels drawn once, on the left): each
    /// panel has its own scale and axis. A value not shown is a boxed symbol at the panel's left
    /// edge, never a dot at zero.
    static func dotPanels(rows: [String], panels: [DotPanel], labelWidth: Double = 92,
                          panelWidth: Double = 212, rowH: Double = 20) -> (svg: String, width: Int, height: Int) {
        let top = 40.0, gap = 34.0
        let ph = rowH * Double(rows.count)
        let width = Int(labelWidth + panelWidth * Double(panels.count))
        let height = Int(top + ph + 30)
        var s = ""
        for (i, r) in rows.enumerated() {
            let yy = top + rowH * (Double(i) + 0.5)
            s += SVG.text(r, x: labelWidth - 8, y: yy + 4, anchor: "end", cls: "rl")
        }
        for (k, p) in panels.enumerated() {
            let left = labelWidth + panelWidth * Double(k), pw = panelWidth - gap
            let d = p.domain
            func x(_ v: Double) -> Double { left + pw * (v - d.lowerBound) / (d.upperBound - d.lowerBound) }
            s += SVG.text(p.title, x: left, y: 14, cls: "pt")
            for t in SVG.ticks(d.lowerBound, d.upperBound, count: 4) {
                s += SVG.line(x(t), top, x(t), top + ph, cls: "gl")
                s += SVG.text(NumberFormat.rounded(t, dp: t == t.rounded() ? 0 : 1), x: x(t), y: top + ph + 14, anchor: "middle", cls: "tl")
            }
            s += SVG.line(left, top + ph, left + pw, top + ph, cls: "axis")
            s += SVG.text(d.lowerBound > 0 ? "% (axis from \(NumberFormat.rounded(d.lowerBound, dp: 0)), not 0)" : "%",
                          x: left + pw / 2, y: top + ph + 27, anchor: "middle", cls: "al")
            if let v = SVG.num(p.reference) {
                s += SVG.line(x(v), top - 6, x(v), top + ph, extra: " stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"")
                s += SVG.text("all " + p.reference, x: min(max(x(v), left + 20), left + pw - 20), y: top - 9, anchor: "middle", cls: "tl")
            }
            for (i, _) in rows.enumerated() {
                let yy = top + rowH * (Double(i) + 0.5)
                s += SVG.line(left, yy, left + pw, yy, cls: "gl")
                var gaps: [String] = []
                for ser in p.series where i < ser.texts.count {
                    if let v = SVG.num(ser.texts[i]) {
                        s += SVG.marker(ser.style.marker, x: x(v), y: yy, color: ser.style.color, r: 4.5)
                    } else {
                        gaps.append(ser.texts[i])
                    }
                }
                for (g, sym) in gaps.enumerated() { s += SVG.gap(sym, x: left + 7 + 15 * Double(g), y: yy) }
            }
        }
        return (s, width, height)
    }

    /// Horizontal bars on a 0 to 100 scale in panels stacked one under the other, each panel with
    /// its own heading (used to keep "lower is better" measures apart from "higher is better" ones).
    static func barPanels(_ groups: [(title: String, rows: [Bar])], xLabel: String, width: Int = 720,
                          labelWidth: Double = 250) -> (svg: String, height: Int) {
        var s = "", y = 0
        for g in groups where !g.rows.isEmpty {
            let b = bars(rows: g.rows, xLabel: xLabel, width: width, labelWidth: labelWidth)
            s += SVG.text(g.title, x: 4, y: Double(y) + 14, cls: "pt")
            s += "<g transform=\"translate(0 \(y + 18))\">\(b.svg)</g>"
            y += b.height + 24
        }
        return (s, y)
    }
}
