/// The rows and rejects of one extract file, with the within-file rules applied in the order
/// PRECISE.md 6 fixes: field checks, then the duplicate key, then the unknown episode last.
///
/// For example:
///
///     let header = try HeaderMap(kind: .outcomes, file: name, header: headerRecord)
///     var batch = FileBatch(OutcomeValidator(file: name, header: header, rules: rules),
///                           isKnownEpisode: { known.contains($0) })
///     reader.forEachRecord { batch.add($0) }
///     // batch.rows (file order), batch.rejects, batch.rowsRead
///
/// A rejected row never becomes the "first" of a duplicate: only accepted rows register their key.
/// Invariant: `rowsRead == loaded + rejected`.
public struct FileBatch<V: RowValidator> {
    public let validator: V
    /// Accepted rows in file order.
    public private(set) var rows: [V.Row] = []
    /// Rejected rows in file order, one per row.
    public private(set) var rejects: [Reject] = []
    /// Records after the header (the reader already skips blank lines).
    public private(set) var rowsRead = 0
    /// The line of the accepted row holding each key.
    private var firstLine: [V.Key: Int] = [:]
    private let isKnownEpisode: ((String) -> Bool)?

    /// - Parameter isKnownEpisode: answers whether an episode id is stored or loaded earlier in this
    ///   run; pass it for outcomes and feedback. Nil skips the check (episodes, or `validate`
    ///   runs that only look at one file).
    public init(_ validator: V, isKnownEpisode: ((String) -> Bool)? = nil) {
        self.validator = validator
        self.isKnownEpisode = isKnownEpisode
    }

    public var loaded: Int { rows.count }
    public var rejected: Int { rejects.count }

    /// Validates one data record and files it as a row or a reject.
    public mutating func add(_ rec: CSVRecord) {
        rowsRead += 1
        switch validator.validate(rec) {
        case .failure(let r): rejects.append(r)
        case .success(let row):
            if let r = fileRule(row, line: rec.line) { rejects.append(r); return }
            firstLine[validator.key(of: row)] = rec.line
            rows.append(row)
        }
    }

    /// Files a row the mapping step rejected before validation (a wrong field count).
    public mutating func add(rejected r: Reject) { rowsRead += 1; rejects.append(r) }

    /// Lets the mapping step restore source values and sheet names in rejects from `index` on.
    public mutating func amendRejects(from index: Int, _ f: (inout Reject) -> Void) {
        for i in index..<rejects.count { f(&rejects[i]) }
    }

    /// The duplicate check, then the unknown-episode check.
    private func fileRule(_ row: V.Row, line: Int) -> Reject? {
        let key = validator.key(of: row)
        let cell = validator.keyCell(of: row)
        if let first = firstLine[key] {
            return Reject(file: validator.file, line: line, column: cell.column, value: cell.value,
                          reason: Reasons.duplicate(validator.describe(key), firstLine: first))
        }
        if let known = isKnownEpisode, let id = validator.episodeReference(of: row), !known(id) {
            return Reject(file: validator.file, line: line, column: "episode_id", value: id,
                          reason: Reasons.unknownEpisode)
        }
        return nil
    }
}

public typealias EpisodeBatch = FileBatch<EpisodeValidator>
public typealias OutcomeBatch = FileBatch<OutcomeValidator>
public typealias FeedbackBatch = FileBatch<FeedbackValidator>
