/// One contract column: its name and whether the file must carry it.
public struct ExtractColumn: Sendable, Equatable {
    public var name: String
    public var required: Bool
}

/// The contract's columns per extract kind, in contract order (EXTRACTS.md tables).
///
/// Contract order matters beyond the header: a row with several faults is rejected once, on the
/// first faulty column in this order (PRECISE.md 6), and the validators index columns by position
/// here (`EpisodeColumn` and friends).
public enum ExtractSchema {
    public static func columns(for kind: ExtractKind) -> [ExtractColumn] {
        switch kind {
        case .episodes: return specs(EpisodeColumn.allCases.map { ($0.name, $0.required) })
        case .outcomes: return specs(OutcomeColumn.allCases.map { ($0.name, $0.required) })
        case .attendance: return specs(AttendanceColumn.allCases.map { ($0.name, $0.required) })
        case .feedback: return specs(FeedbackColumn.allCases.map { ($0.name, $0.required) })
        }
    }

    /// Contract column names in contract order (shared static arrays: no per-row copies).
    static func names(for kind: ExtractKind) -> [String] {
        switch kind {
        case .episodes: return EpisodeColumn.names
        case .outcomes: return OutcomeColumn.names
        case .attendance: return AttendanceColumn.names
        case .feedback: return FeedbackColumn.names
        }
    }

    static func specs(_ pairs: [(String, Bool)]) -> [ExtractColumn] {
        pairs.map { ExtractColumn(name: $0.0, required: $0.1) }
    }
}

/// A contract column of one kind: position in contract order, name and required flag.
protocol ContractColumn: CaseIterable, RawRepresentable where RawValue == Int {
    var name: String { get }
    var required: Bool { get }
}

enum EpisodeColumn: Int, ContractColumn {
    case episodeID, childID, familyID, service, locality, level, referralDate, allocationDate,
         firstContactDate, assessmentDate, firstTafDate, closureDate, closureReason, birthMonth,
         gender, ethnicity, send, schoolURN

    static let names = [
        "episode_id", "child_id", "family_id", "service", "locality", "level", "referral_date",
        "allocation_date", "first_contact_date", "assessment_date", "first_taf_date", "closure_date",
        "closure_reason", "birth_month", "gender", "ethnicity", "send", "school_urn",
    ]
    var name: String { Self.names[rawValue] }
    var required: Bool { [.episodeID, .childID, .service, .level, .allocationDate].contains(self) }
}

enum OutcomeColumn: Int, ContractColumn {
    case episodeID, assessmentDate, stage, domain, score, ratedBy
    static let names = ["episode_id", "assessment_date", "stage", "domain", "score", "rated_by"]
    var name: String { Self.names[rawValue] }
    var required: Bool { self != .ratedBy }
}

enum AttendanceColumn: Int, ContractColumn {
    case childID, schoolURN, date, session, mark
    static let names = ["child_id", "school_urn", "date", "session", "mark"]
    var name: String { Self.names[rawValue] }
    var required: Bool { self != .schoolURN }
}

enum FeedbackColumn: Int, ContractColumn {
    case responseID, episodeID, service, receivedDate, respondent, instrument, question, answer
    static let names = [
        "response_id", "episode_id", "service", "received_date", "respondent", "instrument",
        "question", "answer",
    ]
    var name: String { Self.names[rawValue] }
    var required: Bool { self != .episodeID && self != .answer }
}

/// Where each contract column sits in one file, read from its header row.
///
/// Names match case-insensitively after trimming and in any order (EXTRACTS.md "Common format
/// rules"). A missing optional column reads as empty in every row; columns the contract does not
/// know are listed in `extraColumns` so the loader can name them once in a warning.
public struct HeaderMap: Sendable, Equatable {
    public let kind: ExtractKind
    /// Fields in the header; every data row must have exactly this many.
    public let fieldCount: Int
    /// Per contract column (contract order): its field index in the file, or -1 when absent.
    public let fieldIndex: [Int]
    /// Header names (as given, trimmed) that are not contract columns, in file order.
    public let extraColumns: [String]

    /// Maps a header record.
    /// - Throws: `ExtractError.missingColumn` naming the first missing required column in
    ///   contract order.
    public init(kind: ExtractKind, file: String, header: CSVRecord) throws {
        try self.init(kind: kind, file: file, names: (0..<header.fieldCount).map { header.string($0) })
    }

    /// Maps header names (for callers and tests that already hold them as strings).
    public init(kind: ExtractKind, file: String, names: [String]) throws {
        let columns = ExtractSchema.columns(for: kind)
        var index = [Int](repeating: -1, count: columns.count)
        var extra: [String] = []
        var seen: [String: Int] = [:]
        for (i, raw) in names.enumerated() {
            let name = Self.clean(raw, first: i == 0)
            let lower = name.lowercased()
            // Two columns of one name would make "which one?" a silent guess (PRECISE.md 30).
            // Nameless columns (a trailing comma) are not names, so they may repeat.
            if !lower.isEmpty {
                if let first = seen[lower] {
                    throw ExtractError.duplicateColumn(file: file, column: name, first: first + 1, second: i + 1)
                }
                seen[lower] = i
            }
            if let c = columns.firstIndex(where: { $0.name == lower }) {
                index[c] = i
            } else if !name.isEmpty {  // a trailing comma's nameless column needs no warning
                extra.append(name)
            }
        }
        if let missing = columns.indices.first(where: { columns[$0].required && index[$0] < 0 }) {
            throw ExtractError.missingColumn(file: file, column: columns[missing].name)
        }
        self.kind = kind
        fieldCount = names.count
        fieldIndex = index
        extraColumns = extra
    }

    /// Trims spaces and tabs, and a byte-order mark on the first name in case the reader left it.
    static func clean(_ raw: String, first: Bool) -> String {
        var s = Substring(raw)
        if first && s.hasPrefix("\u{FEFF}") { s = s.dropFirst() }
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }

    /// True when the file carries contract column `column`.
    public func has(_ column: Int) -> Bool { fieldIndex[column] >= 0 }
}
