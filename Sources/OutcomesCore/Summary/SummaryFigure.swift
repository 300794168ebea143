import Foundation

/// One chart of the summary page with what makes it accessible: a visible title, an SVG
/// `<title>`/`<desc>` text alternative, a legend that names shapes and line styles (never colour
/// alone), and a small data table with every plotted figure as the CSV shows it.
struct SummaryFigure {
    var id: String
    var title: String
    /// The text alternative: what the chart shows, in a sentence or two.
    var summary: String
    /// The SVG's inner drawing and its viewBox size.
    var drawing: String
    var width: Int
    var height: Int
    var legend: [(name: String, style: SeriesStyle)] = []
    var table: DataTable
    var note: String? = nil
    /// Full-width figures span both columns of the grid.
    var wide = false
    /// Long tables (month by month, or figures the chart prints already) give way on paper to this
    /// line, so the pack prints on four pages (issue 15); on screen the table is always there.
    var printNote: String? = nil

    func html() -> String {
        var s = "<figure class=\"chart\(wide ? " wide" : "")\" id=\"\(id)\" aria-labelledby=\"\(id)-cap\">\n"
        s += "<div class=\"viz\">\n<figcaption id=\"\(id)-cap\">\(HTMLText.esc(title))</figcaption>\n"
        if !legend.isEmpty {
            s += "<ul class=\"legend\" aria-label=\"Legend\">"
            for l in legend {
                s += "<li><svg width=\"34\" height=\"14\" viewBox=\"0 0 34 14\" aria-hidden=\"true\">"
                s += l.style.lineSample
                s += "</svg>\(HTMLText.esc(l.name))</li>"
            }
            s += "</ul>\n"
        }
        s += "<svg class=\"plot\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" role=\"img\" "
        s += "aria-labelledby=\"\(id)-t \(id)-d\"><title id=\"\(id)-t\">\(HTMLText.esc(title))</title>"
        s += "<desc id=\"\(id)-d\">\(HTMLText.esc(summary))</desc>\n\(drawing)</svg>\n"
        if let note { s += "<p class=\"note\">\(HTMLText.esc(note))</p>\n" }
        s += "</div>\n"
        if let line = printNote {
            s += "<p class=\"note print-only\">\(HTMLText.esc(line))</p>\n"
            s += "<div class=\"screen-only\">" + table.html(label: "Data for: " + title) + "</div>\n"
        } else {
            s += table.html(label: "Data for: " + title)
        }
        s += "</figure>\n"
        return s
    }
}

/// A small data table; cells holding `c`, `z` or `x` are marked so they stand out.
struct DataTable {
    var headers: [String]
    var rows: [[String]]
    /// Optional column groups above the headers: a title and how many columns it spans.
    var groups: [(String, Int)] = []

    init(headers: [String], rows: [[String]]) { self.headers = headers; self.rows = rows }

    func html(label: String) -> String {
        var s = "<table class=\"data\" aria-label=\"\(HTMLText.esc(label))\"><thead>"
        if !groups.isEmpty {
            s += "<tr>" + groups.map { "<th scope=\"colgroup\" colspan=\"\($0.1)\">\(HTMLText.esc($0.0))</th>" }.joined() + "</tr>"
        }
        s += "<tr>"
        for h in headers { s += "<th scope=\"col\">\(HTMLText.esc(h))</th>" }
        s += "</tr></thead><tbody>\n"
        for r in rows {
            s += "<tr>"
            for (i, v) in r.enumerated() {
                if i == 0 { s += "<th scope=\"row\">\(HTMLText.esc(v))</th>"; continue }
                s += "<td>\(SummaryMarkup.figure(v))</td>"
            }
            s += "</tr>\n"
        }
        return s + "</tbody></table>\n"
    }
}

/// Shared bits of markup.
enum SummaryMarkup {
    /// A figure as shown in text: a number as is, a symbol in a marked box with its meaning as a tooltip.
    static func figure(_ t: String, unit: String = "") -> String {
        switch t {
        case "c": return "<abbr class=\"sym\" title=\"suppressed to protect children\">c</abbr>"
        case "z": return "<abbr class=\"sym\" title=\"cannot be computed\">z</abbr>"
        case "x": return "<abbr class=\"sym\" title=\"not available\">x</abbr>"
        default: return HTMLText.esc(t) + HTMLText.esc(unit)
        }
    }
}

/// How one series is drawn: colour (Okabe–Ito, safe for colour-blind readers) plus a dash pattern
/// and a marker shape, so series stay apart in greyscale too.
struct SeriesStyle: Sendable {
    var color: String
    var dash: String
    var marker: Marker
    var width: Double = 2
    /// Drawn as a line (line charts) rather than a lone marker (dumbbells, dots).
    var line = true

    enum Marker: Sendable { case circle, square, triangle, diamond, cross, ring, none }

    /// Styles for the levels and other series, in order; the last one is for the comparison line.
    static let palette: [SeriesStyle] = [
        SeriesStyle(color: "#0072B2", dash: "", marker: .circle),
        SeriesStyle(color: "#D55E00", dash: "6 3", marker: .square),
        SeriesStyle(color: "#009E73", dash: "2 2", marker: .triangle),
        SeriesStyle(color: "#CC79A7", dash: "8 3 2 3", marker: .diamond),
        SeriesStyle(color: "#E69F00", dash: "1 3", marker: .cross),
        SeriesStyle(color: "#56B4E9", dash: "10 4", marker: .ring),
    ]
    static func at(_ i: Int) -> SeriesStyle { palette[i % palette.count] }
    /// The all-pupils (or year-before) comparison: thick black, long dashes, no marker.
    static let comparison = SeriesStyle(color: "#000000", dash: "9 4", marker: .none, width: 3)
    static let baseline = SeriesStyle(color: "#555555", dash: "", marker: .ring, line: false)
    static let latest = SeriesStyle(color: "#0072B2", dash: "", marker: .diamond, line: false)
    /// Feedback: this period (filled circle), the previous period (hollow), the 95% interval (whisker).
    static let current = SeriesStyle(color: "#0072B2", dash: "", marker: .circle, line: false)
    static let previous = SeriesStyle(color: "#D55E00", dash: "", marker: .ring, line: false)
    static let interval = SeriesStyle(color: "#333333", dash: "", marker: .none, width: 1.5)

    /// A legend sample: a short line with the marker in the middle.
    var lineSample: String {
        var s = ""
        if line {
            s += "<line x1=\"1\" y1=\"7\" x2=\"33\" y2=\"7\" stroke=\"\(color)\" stroke-width=\"\(SVG.n(width))\""
            s += dash.isEmpty ? "/>" : " stroke-dasharray=\"\(dash)\"/>"
        }
        return s + SVG.marker(marker, x: 17, y: 7, color: color)
    }
}

/// Tiny SVG writing helpers; coordinates printed with one decimal so output is deterministic.
enum SVG {
    static func n(_ v: Double) -> String { NumberFormat.rounded(v, dp: 1) }

    /// A figure as the page shows it (thousands separated) as a number; nil for a symbol.
    static func num(_ s: String) -> Double? {
        s.contains(",") ? Double(s.replacingOccurrences(of: ",", with: "")) : Double(s)
    }

    static func text(_ s: String, x: Double, y: Double, anchor: String = "start", cls: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\"\(cls.isEmpty ? "" : " class=\"\(cls)\"")>\(HTMLText.esc(s))</text>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String = "", extra: String = "") -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"\(cls.isEmpty ? "" : " class=\"\(cls)\"")\(extra)/>"
    }

    /// A marker shape centred on (x, y).
    static func marker(_ m: SeriesStyle.Marker, x: Double, y: Double, color: String, r: Double = 4.5) -> String {
        switch m {
        case .none: return ""
        case .circle: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(color)\"/>"
        case .ring: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"#fff\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        case .square: return "<rect x=\"\(n(x - r))\" y=\"\(n(y - r))\" width=\"\(n(2 * r))\" height=\"\(n(2 * r))\" fill=\"\(color)\"/>"
        case .triangle:
            return "<path d=\"M\(n(x)) \(n(y - r - 1))L\(n(x + r + 1)) \(n(y + r))L\(n(x - r - 1)) \(n(y + r))Z\" fill=\"\(color)\"/>"
        case .diamond:
            return "<path d=\"M\(n(x)) \(n(y - r - 1))L\(n(x + r + 1)) \(n(y))L\(n(x)) \(n(y + r + 1))L\(n(x - r - 1)) \(n(y))Z\" fill=\"\(color)\"/>"
        case .cross:
            return "<path d=\"M\(n(x - r)) \(n(y - r))L\(n(x + r)) \(n(y + r))M\(n(x + r)) \(n(y - r))L\(n(x - r)) \(n(y + r))\" stroke=\"\(color)\" stroke-width=\"2.5\" fill=\"none\"/>"
        }
    }

    /// A symbol marker for a value that is not shown (`c`, `z`, `x`): the letter in a small box.
    static func gap(_ symbol: String, x: Double, y: Double, color: String = "#222") -> String {
        "<g class=\"gap\"><rect x=\"\(n(x - 6))\" y=\"\(n(y - 7))\" width=\"12\" height=\"14\" rx=\"2\" fill=\"#fff\" stroke=\"\(color)\"/>"
            + "<text x=\"\(n(x))\" y=\"\(n(y + 4))\" text-anchor=\"middle\" fill=\"\(color)\">\(HTMLText.esc(symbol))</text></g>"
    }

    /// Round tick values covering `lo...hi`, about `count` of them.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(max(1, count))
        let mag = pow(10, (raw).log10Floor)
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? raw
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(t); t += step }
        return out
    }

    /// A nice domain around values: widened to round steps, within `clamp`.
    static func domain(_ values: [Double], clamp: ClosedRange<Double>, minSpan: Double = 10) -> ClosedRange<Double> {
        guard let lo0 = values.min(), let hi0 = values.max() else { return clamp }
        var lo = lo0, hi = hi0
        if hi - lo < minSpan { let mid = (hi + lo) / 2; lo = mid - minSpan / 2; hi = mid + minSpan / 2 }
        let step = pow(10, ((hi - lo) / 4).log10Floor) * 5
        lo = (lo / step).rounded(.down) * step; hi = (hi / step).rounded(.up) * step
        lo = max(clamp.lowerBound, lo); hi = min(clamp.upperBound, hi)
        if hi <= lo { return clamp }
        return lo...hi
    }
}

extension Double {
    var log10Floor: Double { self > 0 ? log10(self).rounded(.down) : 0 }
}
