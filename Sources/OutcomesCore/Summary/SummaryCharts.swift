import Foundation

/// The page's chart kinds, drawn as inline SVG. Each returns the SVG's inner drawing and its
/// height; the width is given. Values that are not shown (`c`, `z`, `x`) leave a gap with the
/// symbol drawn in a box where the value would be, never a zero.
enum SummaryCharts {
    /// One series of a line chart: a value (or a symbol) per category.
    struct Series {
        var name: String
        var style: SeriesStyle
        /// The shown text per category (a number or `c`/`z`/`x`).
        var texts: [String]
    }

    /// A line chart over categories (months), with a y axis in `domain`.
    ///
    /// A value that is not shown never sits on the scale (where a box near the axis would read as
    /// a value near zero): a month with no figure for any series is a shaded column with one symbol;
    /// other gaps are boxed symbols in a strip under the axis, one row per series with gaps, each row
    /// headed by that series' line sample. Returns the drawing and its height.
    static func line(categories: [String], series: [Series], yLabel: String, xLabel: String,
                     domain: ClosedRange<Double>, width: Int = 480, plotHeight: Double = 200,
                     left: Double = 52, title: String? = nil) -> (svg: String, height: Int) {
        let right = 10.0, top = title == nil ? 10.0 : 24.0
        let pw = Double(width) - left - right, ph = plotHeight
        let n = max(1, categories.count)
        func x(_ i: Int) -> Double { left + pw * (Double(i) + 0.5) / Double(n) }
        func y(_ v: Double) -> Double { top + ph * (1 - (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound)) }
        // Months with no figure in any series (a whole row missing from the table).
        let empty: [Int: String] = Dictionary(uniqueKeysWithValues: (0..<n).compactMap { i -> (Int, String)? in
            let ts = series.map { i < $0.texts.count ? $0.texts[i] : "x" }
            guard series.count > 1, ts.allSatisfy({ SVG.num($0) == nil }), Set(ts).count == 1 else { return nil }
            return (i, ts[0])
        })
        let gapSeries = series.filter { ser in
            ser.texts.enumerated().contains { i, t in i < n && empty[i] == nil && SVG.num(t) == nil }
        }
        let stripTop = top + ph + 6, stripH = 17.0 * Double(gapSeries.count)
        let tickY = stripTop + stripH + 12
        let height = Int(tickY + 22)
        var s = ""
        if let title { s += SVG.text(title, x: left, y: 14, cls: "pt") }
        let step = pw / Double(n)
        for (i, _) in empty.sorted(by: { $0.key < $1.key }) {
            s += "<rect x=\"\(SVG.n(x(i) - step / 2))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(step))\" height=\"\(SVG.n(ph))\" class=\"nod\"/>"
        }
        s += axesY(domain: domain, left: left, top: top, pw: pw, ph: ph, label: yLabel, y: y)
        for (i, sym) in empty.sorted(by: { $0.key < $1.key }) { s += SVG.gap(sym, x: x(i), y: top + 12) }
        for (i, c) in categories.enumerated() {
            s += SVG.line(x(i), top + ph, x(i), top + ph + 4, cls: "tick")
            s += SVG.text(c, x: x(i), y: tickY, anchor: "middle", cls: "tl")
        }
        s += SVG.text(xLabel, x: left + pw / 2, y: Double(height) - 4, anchor: "middle", cls: "al")
        for ser in series {
            var path = "", pen = false
            var marks = ""
            let row = gapSeries.firstIndex { $0.name == ser.name }
            if let row {
                let ry = stripTop + 17 * Double(row) + 8
                s += "<g transform=\"translate(\(SVG.n(left - 36)) \(SVG.n(ry - 7)))\">" + ser.style.lineSample + "</g>"
            }
            for (i, t) in ser.texts.enumerated() where i < n {
                if let v = SVG.num(t) {
                    let yy = min(max(y(v), top), top + ph)
                    path += (pen ? "L" : "M") + SVG.n(x(i)) + " " + SVG.n(yy)
                    pen = true
                    marks += SVG.marker(ser.style.marker, x: x(i), y: yy, color: ser.style.color, r: 3.5)
                    // A point with no neighbour to join draws no line; a series without markers
                    // would lose it, so it gets a short bar of its own.
                    let alone = (i == 0 || SVG.num(ser.texts[i - 1]) == nil)
                        && (i + 1 >= min(n, ser.texts.count) || SVG.num(ser.texts[i + 1]) == nil)
                    if alone && ser.style.marker == .none {
                        marks += SVG.line(x(i) - 7, yy, x(i) + 7, yy, extra: " stroke=\"\(ser.style.color)\" stroke-width=\"3\"")
                    }
                } else {
                    pen = false
                    if empty[i] == nil, let row {
                        marks += SVG.gap(t, x: x(i), y: stripTop + 17 * Double(row) + 8, color: ser.style.color)
                    }
                }
            }
            let dash = ser.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(ser.style.dash)\""
            if !path.isEmpty {
                s += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(ser.style.color)\" stroke-width=\"\(SVG.n(ser.style.width))\"\(dash)/>"
            }
            s += marks
        }
        return (s, height)
    }

    /// One row of a dumbbell chart: a start and an end value on one scale.
    struct Pair {
        var label: String
        var note: String
        var start: String
        var end: String
        var bold = false
    }

    /// A dumbbell chart: per row, a ring at the start value joined to a diamond at the end value,
    /// with the row's note (the number of episodes) on the right.
    static func dumbbell(rows: [Pair], domain: ClosedRange<Double>, ticks: [Double], xLabel: String,
                         width: Int = 480, labelWidth: Double = 150) -> (svg: String, height: Int) {
        let left = labelWidth, right = 70.0, top = 10.0, rowH = 20.0
        let height = Int(top + rowH * Double(rows.count) + 44)
        let pw = Double(width) - left - right, ph = rowH * Double(rows.count)
        func x(_ v: Double) -> Double { left + pw * (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound) }
        var s = axesX(ticks: ticks, top: top, ph: ph, label: xLabel, width: width, left: left, pw: pw, x: x)
        for (i, r) in rows.enumerated() {
            let yy = top + rowH * (Double(i) + 0.5)
            s += SVG.text(r.label, x: left - 8, y: yy + 4, anchor: "end", cls: r.bold ? "rl b" : "rl")
            s += SVG.text(r.note, x: Double(width) - 4, y: yy + 4, anchor: "end", cls: "tl")
            let a = SVG.num(r.start), b = SVG.num(r.end)
            if let a, let b { s += SVG.line(x(a), yy, x(b), yy, cls: "bar") }
            if let a { s += SVG.marker(SeriesStyle.baseline.marker, x: x(a), y: yy, color: SeriesStyle.baseline.color) }
            else { s += SVG.gap(r.start, x: left + 10, y: yy) }
            if let b { s += SVG.marker(SeriesStyle.latest.marker, x: x(b), y: yy, color: SeriesStyle.latest.color) }
            else { s += SVG.gap(r.end, x: left + 26, y: yy) }
        }
        return (s, height)
    }

    /// One row of a horizontal bar or interval chart (values are percentages).
    struct Bar {
        var label: String
        var value: String
        var low: String = ""
        var high: String = ""
        var previous: String = ""
        var note: String = ""
    }

    /// Horizontal bars from 0 to 100 with the value printed at the bar's end.
    static func bars(rows: [Bar], xLabel: String, width: Int = 720, labelWidth: Double = 230) -> (svg: String, height: Int) {
        let left = labelWidth, right = 60.0, top = 10.0, rowH = 19.0
        let height = Int(top + rowH * Double(rows.count) + 44)
        let pw = Double(width) - left - right, ph = rowH * Double(rows.count)
        func x(_ v: Double) -> Double { left + pw * v / 100 }
        var s = axesX(ticks: [0, 20, 40, 60, 80, 100], top: top, ph: ph, label: xLabel, width: width, left: left, pw: pw, x: x)
        for (i, r) in rows.enumerated() {
            let yy = top + rowH * (Double(i) + 0.5)
            s += SVG.text(r.label, x: left - 8, y: yy + 4, anchor: "end", cls: "rl")
            if let v = SVG.num(r.value) {
                s += "<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(yy - 8))\" width=\"\(SVG.n(max(0.5, x(v) - left)))\" height=\"16\" class=\"barfill\"/>"
                s += SVG.text(r.value + "%", x: x(v) + 4, y: yy + 4, cls: "vl")
            } else {
                s += SVG.gap(r.value, x: left + 10, y: yy)
            }
            if !r.note.isEmpty { s += SVG.text(r.note, x: Double(width) - 4, y: yy + 4, anchor: "end", cls: "tl") }
        }
        return (s, height)
    }

    /// Points with a 95% interval (whiskers) and the previous period as a hollow circle.
    static func intervals(rows: [Bar], xLabel: String, domain: ClosedRange<Double>, width: Int = 720,
                          labelWidth: Double = 260, right: Double = 56) -> (svg: String, height: Int) {
        let left = labelWidth, top = 10.0, rowH = 18.0
        let height = Int(top + rowH * Double(rows.count) + 44)
        let pw = Double(width) - left - right, ph = rowH * Double(rows.count)
        func x(_ v: Double) -> Double { left + pw * (v - domain.lowerBound) / (domain.upperBound - domain.lowerBound) }
        let ticks = SVG.ticks(domain.lowerBound, domain.upperBound, count: 5)
        var s = axesX(ticks: ticks, top: top, ph: ph, label: xLabel, width: width, left: left, pw: pw, x: x)
        for (i, r) in rows.enumerated() {
            let yy = top + rowH * (Double(i) + 0.5)
            s += SVG.text(r.label, x: left - 8, y: yy + 4, anchor: "end", cls: "rl")
            s += SVG.text(r.note, x: Double(width) - 4, y: yy + 4, anchor: "end", cls: "tl")
            if let lo = SVG.num(r.low), let hi = SVG.num(r.high) {
                s += SVG.line(x(lo), yy, x(hi), yy, cls: "ci")
                s += SVG.line(x(lo), yy - 5, x(lo), yy + 5, cls: "ci") + SVG.line(x(hi), yy - 5, x(hi), yy + 5, cls: "ci")
            }
            if let p = SVG.num(r.previous) {
                s += SVG.marker(SeriesStyle.previous.marker, x: x(p), y: yy, color: SeriesStyle.previous.color, r: 5)
            }
            if let v = SVG.num(r.value) {
                s += SVG.marker(SeriesStyle.current.marker, x: x(v), y: yy, color: SeriesStyle.current.color, r: 5)
            } else {
                s += SVG.gap(r.value, x: left + 10, y: yy)
            }
        }
        return (s, height)
    }

    // MARK: - Axes

    private static func axesY(domain: ClosedRange<Double>, left: Double, top: Double, pw: Double, ph: Double,
                              label: String, y: (Double) -> Double) -> String {
        var s = ""
        for t in SVG.ticks(domain.lowerBound, domain.upperBound) {
            s += SVG.line(left, y(t), left + pw, y(t), cls: "gl")
            s += SVG.text(NumberFormat.rounded(t, dp: t == t.rounded() ? 0 : 1), x: left - 6, y: y(t) + 4, anchor: "end", cls: "tl")
        }
        s += SVG.line(left, top, left, top + ph, cls: "axis") + SVG.line(left, top + ph, left + pw, top + ph, cls: "axis")
        let cy = top + ph / 2
        s += "<text x=\"14\" y=\"\(SVG.n(cy))\" text-anchor=\"middle\" class=\"al\" transform=\"rotate(-90 14 \(SVG.n(cy)))\">\(HTMLText.esc(label))</text>"
        return s
    }

    private static func axesX(ticks: [Double], top: Double, ph: Double, label: String, width: Int, left: Double,
                              pw: Double, x: (Double) -> Double) -> String {
        var s = ""
        for t in ticks {
            s += SVG.line(x(t), top, x(t), top + ph, cls: "gl")
            s += SVG.text(NumberFormat.rounded(t, dp: t == t.rounded() ? 0 : 1), x: x(t), y: top + ph + 16, anchor: "middle", cls: "tl")
        }
        s += SVG.line(left, top + ph, left + pw, top + ph, cls: "axis")
        s += SVG.text(label, x: left + pw / 2, y: top + ph + 34, anchor: "middle", cls: "al")
        return s
    }
}
