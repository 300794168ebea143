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
    /// Rejected rows in file order, one per row, with bounded memory.
    public let spool: RejectSpool
    /// Records after the header (the reader already skips blank lines).
    public private(set) var rowsRead = 0
    /// Physical lines of those records, and of the rejected ones: the reject limit weighs each
    /// record by the lines it spans (PRECISE.md 29).
    public private(set) var linesRead = 0
    public private(set) var linesRejected = 0
    /// The line of the accepted row holding each key.
    private var firstLine: [V.Key: Int] = [:]
    private let isKnownEpisode: ((String) -> Bool)?

    /// - Parameter isKnownEpisode: answers whether an episode id is stored or loaded earlier in this
    ///   run; pass it for outcomes and feedback. Nil skips the check (episodes, or `validate`
    ///   runs that only look at one file).
    /// - Parameter spool: where the rejects go (a fresh one, default memory limit, when nil).
    public init(_ validator: V, isKnownEpisode: ((String) -> Bool)? = nil, spool: RejectSpool? = nil) {
        self.validator = validator
        self.isKnownEpisode = isKnownEpisode
        self.spool = spool ?? RejectSpool(file: validator.file)
    }

    public var loaded: Int { rows.count }
    public var rejected: Int { spool.count }
    /// Every reject read back from the spool (small files and tests).
    public var rejects: [Reject] { (try? spool.all()) ?? [] }

    /// Validates one data record and files it as a row or a reject.
    public mutating func add(_ rec: CSVRecord) {
        rowsRead += 1
        linesRead += rec.lineSpan
        switch validator.validate(rec) {
        case .failure(let r): reject(r, rec)
        case .success(let row):
            if let r = fileRule(row, line: rec.line) { reject(r, rec); return }
            firstLine[validator.key(of: row)] = rec.line
            // After the file rules, so their rejects name the value as written.
            rows.append(validator.pseudonymiser.map { row.pseudonymised(by: $0) } ?? row)
        }
    }

    /// Files a row the mapping step rejected before validation (a wrong field count) that spans
    /// `lines` physical lines.
    public mutating func add(rejected r: Reject, lines: Int = 1) {
        rowsRead += 1
        linesRead += lines
        linesRejected += lines
        spool.append(Reasons.spanning(r, lines: lines))
    }

    private mutating func reject(_ r: Reject, _ rec: CSVRecord) {
        linesRejected += rec.lineSpan
        spool.append(Reasons.spanning(r, lines: rec.lineSpan))
    }

    /// The duplicate check, then the unknown-episode check.
    private func fileRule(_ row: V.Row, line: Int) -> Reject? {
        let key = validator.key(of: row)
        let cell = validator.keyCell(of: row)
        if let first = firstLine[key] {
            return Reject(file: validator.file, line: line, column: cell.column, value: cell.value,
                          reason: Reasons.duplicate(validator.describe(key), firstLine: first))
        }
        // The known episodes are stored (and so pseudonymised) ids.
        if let known = isKnownEpisode, let id = validator.episodeReference(of: row),
           !known(validator.pseudonymiser?.pseudonym(id) ?? id) {
            return Reject(file: validator.file, line: line, column: "episode_id", value: id,
                          reason: Reasons.unknownEpisode)
        }
        return nil
    }
}

public typealias EpisodeBatch = FileBatch<EpisodeValidator>
public typealias OutcomeBatch = FileBatch<OutcomeValidator>
public typealias FeedbackBatch = FileBatch<FeedbackValidator>
