/// Which identifier of a national return becomes `child_id` (docs/RETURNS.md "Common rules").
public enum ReturnsChildID: String, Sendable, Equatable, CaseIterable {
    /// The return's local child identifier (`LAchildID`, `CHILD`).
    case laChildID = "la_child_id"
    /// The child's unique pupil number, so episodes link to attendance keyed by UPN.
    case upn
}

/// The configuration that changes how the national returns are read.
public struct ReturnsSettings: Sendable, Equatable {
    /// `returns_child_id`: the CIN census and the SSDA903 carry a UPN; Annex A never does.
    public var childID: ReturnsChildID = .laChildID
    /// `returns_service`: the service code of the returns' episodes (Annex A List 2 stays `EH`).
    public var service = "CSC"
    public init(childID: ReturnsChildID = .laChildID, service: String = "CSC") {
        self.childID = childID; self.service = service
    }
}

/// One episode as a return maps it: contract column name → text as written (trimmed), before the
/// contract's own normalisation and checks, which it then meets like any row of an `episodes` file.
public struct MappedEpisodeRow: Sendable, Equatable {
    public var values: [String: String]
    /// The physical line (text files; the element's line in XML) or the sheet's row number.
    public var line: Int
    /// The worksheet of a workbook row; nil for text files.
    public var sheet: String?

    public init(_ values: [String: String], line: Int, sheet: String? = nil) {
        self.values = values; self.line = line; self.sheet = sheet
    }

    public subscript(_ column: String) -> String { values[column] ?? "" }

    /// The fields in contract column order (`EXTRACTS.md` "episodes"), empty where not given.
    var contractFields: [String] { EpisodeColumn.names.map { values[$0] ?? "" } }
}

/// The mapping rules every return shares (docs/RETURNS.md "Common rules").
public enum ReturnCodes {
    /// National gender codes `1`/`2`/`0`/`9` and Annex A's lettered list; anything else is passed
    /// on (after its list prefix) for the contract's own gender rule (`M`, `F`, `Male` ...).
    public static func gender(_ raw: String) -> String {
        let v = withoutListPrefix(raw)
        switch v.lowercased() {
        case "1", "male": return "Male"
        case "2", "female": return "Female"
        case "0", "not stated/recorded", "not stated / recorded": return "Unknown"
        case "9", "neither": return "Other"
        default: return v
        }
    }

    /// An ethnicity code after any list prefix: `a) WBRI` → `WBRI`; a prefixed code followed by its
    /// label (`a) WBRI - White British`) keeps the code, as the lettered lists of Annex A write it.
    public static func ethnicity(_ raw: String) -> String {
        let s = trimmed(raw)
        let v = withoutListPrefix(s)
        guard v != s else { return v }
        let u = Array(v.unicodeScalars)
        if u.count > 4, u[0..<4].allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) }),
           !(("A"..."Z").contains(u[4]) || ("a"..."z").contains(u[4]) || ("0"..."9").contains(u[4]) || u[4] == "_") {
            return String(String.UnicodeScalarView(u[0..<4]))
        }
        return v
    }

    /// Removes a list prefix of one or two lower-case letters and `)` (`a) `, `ab) `), trimmed.
    public static func withoutListPrefix(_ raw: String) -> String {
        let s = trimmed(raw)
        let u = Array(s.unicodeScalars)
        var i = 0
        while i < u.count, i < 2, ("a"..."z").contains(u[i]) { i += 1 }
        guard i > 0, i < u.count, u[i] == ")" else { return s }
        return trimmed(String(String.UnicodeScalarView(u[(i + 1)...])))
    }

    /// A UPN, or nil when the child has none: empty, or one of the "UPN unknown" codes UN1-UN5.
    public static func upn(_ raw: String) -> String? {
        let s = trimmed(raw)
        if s.isEmpty { return nil }
        if ["UN1", "UN2", "UN3", "UN4", "UN5"].contains(s.uppercased()) { return nil }
        return s
    }

    /// A date as `YYYY-MM-DD` for an `episode_id`, read as the contract reads dates; a value that is
    /// not a date is kept as written (the contract then rejects the row's date column).
    public static func idDate(_ raw: String) -> String {
        parseDate(raw).map(Days.iso) ?? trimmed(raw)
    }

    /// A date read as the contract reads it (`YYYY-MM-DD` or `DD/MM/YYYY`, a time part dropped).
    public static func parseDate(_ raw: String) -> Day? {
        var s = trimmed(raw)
        if s.isEmpty { return nil }
        return s.withUTF8 { FieldParsers.date($0) }
    }

    /// `PREFIX-child-date`, the stable key that lets next year's return update the same episode.
    public static func episodeID(_ prefix: String, child: String, date: String) -> String {
        "\(prefix)-\(child)-\(idDate(date))"
    }

    /// Spaces, tabs and line breaks trimmed from both ends.
    public static func trimmed(_ s: String) -> String {
        var sub = Substring(s)
        while let c = sub.first, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { sub = sub.dropFirst() }
        while let c = sub.last, c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" { sub = sub.dropLast() }
        return String(sub)
    }
}

/// The reasons the returns add to the contract's own (docs/RETURNS.md), each beginning with the
/// short phrase the specification gives so it can be searched for.
enum ReturnReasons {
    static func noStartDate(_ element: String, child: String, dateElement: String) -> String {
        "no start date: the \(element) of child \(child) has no \(dateElement); "
            + "record the start date in the case record and produce the return again"
    }

    static func noUPN(child: String) -> String {
        "no UPN: child \(child) has no unique pupil number (empty or UN1-UN5), and returns_child_id is upn; "
            + "record the UPN, or set returns_child_id: la_child_id"
    }

    static func notInHeader(child: String) -> String {
        "child not in the 903 header table: CHILD \(child) has no row in the header table (CHILD, SEX, DOB, ETHNIC); "
            + "export both tables of the same return"
    }

    static func invalid903Date(_ column: String) -> String {
        "invalid date in \(column); use DD/MM/YYYY or YYYY-MM-DD with a date that exists (rows of a child are "
            + "ordered by DECOM to form periods of care)"
    }

    static func duplicate903Header(child: String, firstLine: Int) -> String {
        "duplicate CHILD \(child) in the 903 header table (first on line \(firstLine)); keep one row per child"
    }
}
