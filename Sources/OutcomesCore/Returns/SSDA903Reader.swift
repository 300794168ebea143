import Foundation

/// The tables of the SSDA903 return that the tool tells apart by their header.
public enum SSDA903Table: String, Sendable, Equatable {
    /// `CHILD, SEX, DOB, ETHNIC, ...`: one row per child.
    case header
    /// `CHILD, DECOM, RNE, LS, PLACE, DEC, REC, ...`: one row per change of placement or legal status.
    case episodes
    /// Any other table of the return (`UASC`, `OC2`, `OC3`, `AD1`, reviews, missing ...): ignored.
    case other
}

/// One row of the 903 header table, as the episodes need it.
public struct SSDA903Child: Sendable, Equatable {
    public var sex = "", dob = "", ethnic = "", upn = ""
    public var line: Int
    public init(sex: String = "", dob: String = "", ethnic: String = "", upn: String = "", line: Int) {
        self.sex = sex; self.dob = dob; self.ethnic = ethnic; self.upn = upn; self.line = line
    }
}

/// The 903 header table: children by `CHILD`.
public struct SSDA903HeaderTable: Sendable {
    public var file: String
    public var children: [String: SSDA903Child] = [:]
    public var rejects: [Reject] = []
    public var rowsRead = 0
    public init(file: String) { self.file = file }
}

/// One row of the 903 episodes table, as the periods of care need it.
public struct SSDA903Row: Sendable, Equatable {
    public var child: String
    public var decom: String
    public var rne: String
    public var dec: String
    public var rec: String
    public var line: Int
    public init(child: String, decom: String, rne: String, dec: String, rec: String, line: Int) {
        self.child = child; self.decom = decom; self.rne = rne; self.dec = dec; self.rec = rec; self.line = line
    }
}

/// One period of care: a child's run of 903 rows from a start to the first `REC` that is not `X1`.
public struct SSDA903Period: Sendable, Equatable {
    public var child: String
    /// The first row's `DECOM` as written, and its line.
    public var start: String
    public var line: Int
    /// The ending row's `DEC` and `REC` as written; empty while the period is open.
    public var end: String
    public var reason: String
}

/// Reads the SSDA903 return (docs/RETURNS.md "SSDA903, children looked after").
///
/// 903 "episodes" are changes of placement or legal status, not episodes of work: a child's rows,
/// ordered by `DECOM`, are joined into periods of care, and each period is one `CIC` episode.
/// `URN` is the placement's and is never read (it is not a school).
public enum SSDA903Reader {
    static let headerColumns = ["CHILD", "SEX", "DOB", "ETHNIC"]
    static let episodeColumns = ["CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"]

    /// Which 903 table a header (names as in the file) is, or nil when it has no `CHILD` column.
    public static func table(headerNames: [String]) -> SSDA903Table? {
        let names = Set(headerNames.enumerated().map { HeaderMap.clean($0.element, first: $0.offset == 0).uppercased() })
        guard names.contains("CHILD") else { return nil }
        if episodeColumns.allSatisfy(names.contains) { return .episodes }
        if headerColumns.allSatisfy(names.contains) { return .header }
        return .other
    }

    /// Which 903 table the CSV at `path` is (reads its first record only), or nil.
    public static func table(path: String) -> SSDA903Table? {
        guard let names = try? firstRecord(path: path) else { return nil }
        return table(headerNames: names)
    }

    /// The fields of a CSV file's first record.
    static func firstRecord(path: String) throws -> [String]? {
        struct Stop: Error {}
        var names: [String]?
        let reader = try CSVReader(path: path, bufferSize: 64 << 10)
        do {
            try reader.forEachRecord { rec in
                names = (0..<rec.fieldCount).map { rec.string($0) }
                throw Stop()
            }
        } catch is Stop {}
        return names
    }

    /// Column positions of a header record, by upper-cased trimmed name (the first of a name wins).
    private static func positions(_ rec: CSVRecord) -> [String: Int] {
        var p: [String: Int] = [:]
        for i in 0..<rec.fieldCount {
            let n = HeaderMap.clean(rec.string(i), first: i == 0).uppercased()
            if p[n] == nil { p[n] = i }
        }
        return p
    }

    /// Reads one 903 table: its first record is the header; each later record is counted, then
    /// handed to `badCount` with the header's field count when its count differs, or to `body`
    /// with a lookup of its fields by column name (an absent column reads as empty).
    /// - Throws: `ExtractError.noHeader` for a file with no record at all.
    private static func forEachRow(
        path: String, file: String, counted: () -> Void,
        badCount: (CSVRecord, Int) -> Void, _ body: (CSVRecord, (String) -> String) -> Void
    ) throws {
        var pos: [String: Int]?
        var fields = 0
        let reader = try CSVReader(path: path)
        try reader.forEachRecord { rec in
            guard let p = pos else { pos = positions(rec); fields = rec.fieldCount; return }
            counted()
            guard rec.fieldCount == fields else { badCount(rec, fields); return }
            body(rec) { n in p[n].map { rec.string($0) } ?? "" }
        }
        guard pos != nil else { throw ExtractError.noHeader(file: file) }
    }

    /// Reads a header table. A later row for the same `CHILD` is rejected naming the first.
    public static func readHeader(path: String, file: String) throws -> SSDA903HeaderTable {
        var table = SSDA903HeaderTable(file: file)
        try forEachRow(path: path, file: file, counted: { table.rowsRead += 1 }, badCount: { rec, fields in
            table.rejects.append(Reject(file: file, line: rec.line, column: "", value: "",
                                        reason: Reasons.fieldCount(expected: fields, found: rec.fieldCount)))
        }) { rec, v in
            let child = v("CHILD")
            if child.isEmpty {
                table.rejects.append(Reject(file: file, line: rec.line, column: "child_id", value: "",
                                            reason: Reasons.requiredEmpty))
                return
            }
            if let first = table.children[child] {
                table.rejects.append(Reject(file: file, line: rec.line, column: "child_id", value: child,
                                            reason: ReturnReasons.duplicate903Header(child: child, firstLine: first.line)))
                return
            }
            table.children[child] = SSDA903Child(sex: v("SEX"), dob: v("DOB"), ethnic: v("ETHNIC"), upn: v("UPN"), line: rec.line)
        }
        return table
    }

    /// Reads an episodes table and maps its periods of care, joining `header` for each child.
    public static func readEpisodes(path: String, file: String, header: [String: SSDA903Child],
                                    settings: ReturnsSettings) throws -> ReturnRows {
        var out = ReturnRows(kind: .ssda903, file: file)
        var rows: [SSDA903Row] = []
        try forEachRow(path: path, file: file, counted: { out.recordsRead += 1 }, badCount: { rec, fields in
            out.reject(line: rec.line, column: "", value: "", reason: Reasons.fieldCount(expected: fields, found: rec.fieldCount))
        }) { rec, v in
            rows.append(SSDA903Row(child: v("CHILD"), decom: v("DECOM"), rne: v("RNE"), dec: v("DEC"), rec: v("REC"), line: rec.line))
        }
        map(rows, header: header, settings: settings, into: &out)
        return out
    }

    /// Maps episodes-table rows (file order) to one `CIC` episode per period of care.
    public static func map(_ rows: [SSDA903Row], header: [String: SSDA903Child],
                           settings: ReturnsSettings, into out: inout ReturnRows) {
        var byChild: [String: [SSDA903Row]] = [:]
        var order: [String] = []
        for r in rows {
            let at = r.line
            if r.child.isEmpty {
                out.reject(line: at, column: "child_id", value: "", reason: Reasons.requiredEmpty); continue
            }
            guard let h = header[r.child] else {
                out.reject(line: at, column: "child_id", value: r.child, reason: ReturnReasons.notInHeader(child: r.child)); continue
            }
            if settings.childID == .upn && ReturnCodes.upn(h.upn) == nil {
                out.reject(line: at, column: "child_id", value: h.upn, reason: ReturnReasons.noUPN(child: r.child)); continue
            }
            if r.decom.isEmpty {
                out.reject(line: at, column: "allocation_date", value: "", reason: Reasons.requiredEmpty); continue
            }
            if ReturnCodes.parseDate(r.decom) == nil {
                out.reject(line: at, column: "allocation_date", value: r.decom, reason: ReturnReasons.invalid903Date("DECOM")); continue
            }
            if byChild[r.child] == nil { order.append(r.child) }
            byChild[r.child, default: []].append(r)
        }
        for child in order {
            let h = header[child]!
            let id = settings.childID == .upn ? ReturnCodes.upn(h.upn)! : child
            for p in periods(byChild[child]!) {
                let v: [String: String] = [
                    "episode_id": ReturnCodes.episodeID("CLA", child: id, date: p.start), "child_id": id,
                    "service": settings.service, "level": "CIC", "allocation_date": p.start,
                    "closure_date": p.end, "closure_reason": p.reason,
                    "birth_month": h.dob, "gender": ReturnCodes.gender(h.sex), "ethnicity": ReturnCodes.ethnicity(h.ethnic),
                ]
                out.rows.append(MappedEpisodeRow(v, line: p.line))
            }
        }
    }

    /// One child's periods of care. Rows are ordered by `DECOM` (ties in file order); a period runs
    /// from its first row to the first row whose `REC` is not `X1`, whose `DEC` and `REC` end it; the
    /// next row starts the next period. A chain whose rows all say `X1` has not ended: it is open.
    /// Every `DECOM` must be a date (the caller rejects rows whose `DECOM` is not).
    public static func periods(_ rows: [SSDA903Row]) -> [SSDA903Period] {
        let sorted = rows.enumerated().sorted { a, b in
            let (x, y) = (ReturnCodes.parseDate(a.element.decom)!, ReturnCodes.parseDate(b.element.decom)!)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        var out: [SSDA903Period] = []
        var current: SSDA903Period?
        for r in sorted {
            if current == nil {
                current = SSDA903Period(child: r.child, start: r.decom, line: r.line, end: "", reason: "")
            }
            if r.rec.uppercased() != "X1" {
                current!.end = r.dec
                current!.reason = r.rec
                out.append(current!)
                current = nil
            }
        }
        if let open = current { out.append(open) }
        return out
    }
}
