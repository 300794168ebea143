/// The national returns the tool reads directly, each a built-in profile (docs/RETURNS.md).
public enum ReturnKind: String, Sendable, Equatable, CaseIterable {
    case cinCensus = "cin-census"
    case ssda903
    case annexA = "annex-a"

    /// The profile's name, as `outcomes profiles` lists it.
    public var profileName: String { rawValue }

    /// The return's name for people.
    public var title: String {
        switch self {
        case .cinCensus: return "Children in Need census"
        case .ssda903: return "SSDA903 children looked after"
        case .annexA: return "Ofsted Annex A"
        }
    }
}

/// What reading one return file produced: episode rows for the contract's checks, and the
/// records the return's own rules rejected before any row was made.
public struct ReturnRows: Sendable {
    public var kind: ReturnKind
    /// The file's name (no folder), as rejects name it.
    public var file: String
    /// Mapped episodes in source order.
    public var rows: [MappedEpisodeRow] = []
    /// Records rejected by the return's rules (`no start date`, `no UPN`, ...), in source order.
    public var rejects: [Reject] = []
    /// Source records read: CIN details and plans, 903 episodes-table rows, Annex A list rows.
    public var recordsRead = 0
    public var warnings: [String] = []

    public init(kind: ReturnKind, file: String) { self.kind = kind; self.file = file }

    mutating func reject(line: Int, sheet: String? = nil, column: String, value: String, reason: String) {
        var r = Reject(file: file, line: line, column: column, value: value, reason: reason)
        r.sheet = sheet
        rejects.append(r)
    }
}

/// Episode rows of a return checked as the contract checks any `episodes` row (EXTRACTS.md), so
/// they load, replace and reject like rows of an `episodes` file.
///
/// Rows can be added as a reader makes them (`add`), so a large return holds only its checked
/// episodes, never its mapped rows. Duplicates are judged within one sheet (the row numbers a
/// reason names are that sheet's), and across a text file as a whole.
public struct ReturnBatch {
    public let file: String
    /// Source records read (set by the reader).
    public var recordsRead = 0
    private let header: HeaderMap
    private let rules: ExtractRules
    private var batches: [String?: EpisodeBatch] = [:]
    private var order: [String?] = []
    private var own: [Reject] = []

    public init(file: String, rules: ExtractRules = ExtractRules()) {
        self.file = file; self.rules = rules
        header = try! HeaderMap(kind: .episodes, file: file, names: EpisodeColumn.names)
    }

    /// Checks every row of `mapped` and takes its rejects.
    public init(_ mapped: ReturnRows, file: String, rules: ExtractRules = ExtractRules()) {
        self.init(file: file, rules: rules)
        for row in mapped.rows { add(row) }
        for r in mapped.rejects { reject(r) }
        recordsRead = mapped.recordsRead
    }

    /// Checks one mapped row as the contract checks an `episodes` row.
    public mutating func add(_ row: MappedEpisodeRow) {
        let sheet = row.sheet
        if batches[sheet] == nil {
            batches[sheet] = EpisodeBatch(EpisodeValidator(file: file, header: header, rules: rules))
            order.append(sheet)
        }
        CSVRecord.with(fields: row.contractFields, line: row.line) { batches[sheet]!.add($0) }
    }

    /// A record the return's own rules rejected.
    public mutating func reject(_ r: Reject) { own.append(r) }

    /// Accepted episodes in source order (sheet by sheet).
    public var episodes: [Episode] { order.count == 1 ? batches[order[0]]!.rows : order.flatMap { batches[$0]!.rows } }

    /// Every reject, the return's own and the contract's, in the order of the source.
    public var rejects: [Reject] {
        var all = own
        for sheet in order {
            all += batches[sheet]!.rejects.map { var r = $0; r.sheet = sheet; return r }
        }
        return all.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.sheet != y.sheet { return Self.sheetPrecedes(x.sheet, y.sheet) }
            if x.line != y.line { return x.line < y.line }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// `List 2` before `List 10`: sheets by the number they end with, then by name.
    static func sheetPrecedes(_ a: String?, _ b: String?) -> Bool {
        func number(_ s: String?) -> Int { Int(String((s ?? "").reversed().prefix { $0.isNumber }.reversed())) ?? -1 }
        let (x, y) = (number(a), number(b))
        return x != y ? x < y : (a ?? "") < (b ?? "")
    }
}
