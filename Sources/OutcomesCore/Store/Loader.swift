import Crypto
import Foundation

/// What happened to one extract file in a load.
public struct FileLoadResult: Sendable, Equatable {
    public var file: String
    public var kind: ExtractKind
    public var sha256: String
    public var rowsRead = 0
    public var rowsLoaded = 0
    public var rowsRejected = 0
    /// Physical lines of the records read and rejected: the reject limit compares these, so a
    /// record a stray quote stretched over many lines counts as that many rows (PRECISE.md 29).
    public var linesRead = 0
    public var linesRejected = 0
    /// Skipped: the same content was loaded before.
    public var unchanged = false
    /// Over the reject threshold: nothing from it was loaded (exit 4).
    public var overRejectLimit = false
    /// Set for a national return read by its built-in profile (rows read are then the return's
    /// records, rows loaded its episodes: docs/RETURNS.md).
    public var returnSource: RecognisedReturn?
}

/// The outcome of loading a folder.
public struct LoadReport {
    public var files: [FileLoadResult] = []
    /// The rejects of every file read in this load (loaded, over the limit, or only validated),
    /// one spool per file in load order; a spool whose file was committed has `loadedAt` set.
    public var spools: [RejectSpool] = []
    public var warnings: [String] = []
    /// The contract error that stopped the load (exit 3), if any.
    public var contractError: ExtractError?
    public var exceededRejectLimit: Bool { files.contains { $0.overRejectLimit } }
    public init() {}
    /// Every reject of this load read back into memory (small loads and tests).
    public var rejects: [Reject] { spools.flatMap { (try? $0.all()) ?? [] } }
    public var rejectCount: Int { spools.reduce(0) { $0 + $1.count } }
}

/// Progress events for the terminal bar or the scheduled run's log lines.
public enum LoadEvent {
    case fileStarted(String, kind: ExtractKind, bytes: Int)
    case bytes(Int)
    case fileFinished(FileLoadResult)
}

/// Loads an extracts folder into the store (EXTRACTS.md "Loading rules", PRECISE.md 1-2).
///
/// Files load one at a time, kinds in the order episodes, outcomes, attendance, feedback, names in
/// byte order within a kind. A file loads all or nothing in one transaction. The load stops at the
/// first file that breaks the contract or exceeds the reject limit, so later files that may refer
/// to it are not judged against a store that lacks it; files before it stay loaded.
public struct Loader {
    public var store: Store?
    public var rules: ExtractRules
    public var maxRejectPct: Double
    public var bufferSize = 1 << 20
    /// Threads for reading a CSV extract: from 2 up, one parses (and hashes and inflates) while
    /// the caller's thread validates and stores (docs/PERFORMANCE.md); 1 does all on one thread.
    /// The store, the rejects and every message are the same whatever the count.
    public var threads = 2
    /// Bytes per block handed from the parsing thread to the validating one (small values exist
    /// for tests: blocks then cut records, even quoted multi-line fields, anywhere).
    public var parseBlockSize = 1 << 20
    /// When false (`validate`) nothing is written and every file is read.
    public var write: Bool
    public var progress: ((LoadEvent) -> Void)?
    /// Test hook: called inside a file's transaction after its rows are written; throwing
    /// simulates a failure part-way through the file.
    public var afterWrite: ((String) throws -> Void)?
    /// Test hook: called inside an attendance file's transaction each time its batch spills
    /// month entries to the store part-way through the file.
    public var afterSpill: ((String) throws -> Void)?
    /// Test hook: the attendance file read ahead, when its reading starts.
    var readAheadStarted: ((AttendanceReadAhead) -> Void)?
    /// Most attendance month entries held in memory while a file loads; beyond it the batch
    /// spills to the store inside the file's transaction, so peak memory does not grow with the file.
    public var attendanceCapacity = AttendanceBatch.defaultCapacity
    /// Most rejects of one file held in memory; the rest wait in a temporary file (`RejectSpool`).
    public var rejectMemoryLimit = RejectSpool.defaultMemoryLimit
    /// Hash every file even when its size, modification time and inode match the load log.
    public var verifyUnchanged = false
    /// Input profiles (PROFILES.md): files they match are read through them.
    public var profiles: [Profile] = []

    public init(store: Store?, rules: ExtractRules = ExtractRules(), maxRejectPct: Double = 5, write: Bool = true) {
        self.store = store; self.rules = rules; self.maxRejectPct = maxRejectPct; self.write = write
    }

    /// The extract files of a folder in load order, and warnings for the files it ignores
    /// (national returns are listed among the episodes files; see `plan(folder:profiles:)`).
    public static func discover(folder: String, profiles: [Profile] = []) throws -> (files: [(name: String, kind: ExtractKind)], warnings: [String]) {
        let plan = try plan(folder: folder, profiles: profiles)
        return (plan.items.map { ($0.name, $0.kind) }, plan.warnings)
    }

    /// Loads (or, with `write == false`, validates) every extract in `folder`.
    public func load(folder: String) throws -> LoadReport {
        var report = LoadReport()
        let plan = try Self.plan(folder: folder, profiles: profiles)
        report.warnings = plan.warnings
        var sameRunEpisodes = Set<String>()
        var storedEpisodes: Set<String>?
        // The 903 header tables are read once, when the first 903 episodes table needs them; their
        // results join the report before that table's own.
        var ssda903Children: [String: SSDA903Child]?
        var headerResults: [(FileLoadResult, RejectSpool)] = []
        func ssda903Headers() throws -> [String: SSDA903Child]? {
            if plan.ssda903Headers.isEmpty { return nil }
            if let c = ssda903Children { return c }
            let (children, tables) = try Self.readSSDA903Headers(folder: folder, plan: plan)
            for t in tables {
                var r = FileLoadResult(file: t.file, kind: .episodes,
                                       sha256: try Self.sha256(path: (folder as NSString).appendingPathComponent(t.file)))
                r.returnSource = .ssda903(.header)
                r.rowsRead = t.rowsRead; r.rowsRejected = t.rejects.count; r.rowsLoaded = t.rowsRead - t.rejects.count
                r.linesRead = t.rowsRead; r.linesRejected = t.rejects.count
                let headerSpool = RejectSpool(file: t.file, memoryLimit: rejectMemoryLimit)
                for j in t.rejects { headerSpool.append(j) }
                headerResults.append((r, headerSpool))
            }
            ssda903Children = children
            return children
        }
        // The first attendance file is read ahead on a thread of its own while the files before
        // it load (docs/PERFORMANCE.md); stopped when the load ends before its turn.
        var ahead = startReadAhead(plan: plan, folder: folder)
        // The first feedback file after it is read ahead while the attendance loads.
        var rowsAhead: RowsReadAhead?
        defer { ahead?.cancel(); rowsAhead?.cancel() }
        for (index, item) in plan.items.enumerated() {
            let (name, kind) = (item.name, item.kind)
            let path = (folder as NSString).appendingPathComponent(name)
            let readAhead = ahead.flatMap { $0.name == name && item.source == nil ? $0 : nil }
            var rowsReadAhead = rowsAhead.flatMap { $0.name == name && item.source == nil ? $0 : nil }
            do {
                // Taken before reading: a file changed while it is read then fails to match next time.
                let identity = readAhead.map(\.identity) ?? rowsReadAhead.map(\.identity) ?? FileIdentity(path: path)
                // A return is always hashed: a 903 episodes table's identity covers its header tables.
                let returnSHA = item.source == nil ? nil : try Self.returnSHA(folder: folder, item: item, plan: plan)
                let logged: String?
                if let returnSHA { logged = try store.map { try $0.wasLoaded(sha256: returnSHA) ? returnSHA : nil } ?? nil }
                else if let store, !verifyUnchanged, let identity { logged = try store.loggedSHA256(file: name, identity: identity) }
                else { logged = nil }
                if write, let sha = logged {
                    if readAhead != nil { ahead?.cancel(); ahead = nil }
                    if rowsReadAhead != nil { rowsAhead?.cancel(); rowsAhead = nil }
                    var r = FileLoadResult(file: name, kind: kind, sha256: sha, unchanged: true)
                    r.returnSource = item.source
                    report.files.append(r); progress?(.fileFinished(r))
                    continue
                }
                if kind != .episodes && storedEpisodes == nil { storedEpisodes = try store?.episodeIDs() ?? [] }
                let known = (storedEpisodes ?? []).union(sameRunEpisodes)
                if kind == .attendance && rowsAhead == nil {
                    rowsAhead = startRowsReadAhead(plan: plan, folder: folder, after: index, known: known)
                }
                if let r = rowsReadAhead, r.known != known {
                    r.cancel(); rowsAhead = nil; rowsReadAhead = nil
                }
                let spool = readAhead?.spool ?? rowsReadAhead?.spool ?? RejectSpool(file: name, memoryLimit: rejectMemoryLimit)
                var result: FileLoadResult
                if let source = item.source, let returnSHA {
                    defer {
                        for (r, headerSpool) in headerResults {
                            report.files.append(r); report.spools.append(headerSpool)
                            progress?(.fileFinished(r))
                        }
                        headerResults = []
                    }
                    var warnings: [String] = []
                    result = try loadReturn(path: path, name: name, source: source, sha: returnSHA, identity: identity,
                                            headers: ssda903Headers, episodes: &sameRunEpisodes, spool: spool,
                                            warnings: &warnings)
                    report.warnings += warnings
                } else if let readAhead, let store {
                    result = try loadAttendance(readAhead, identity: identity, store: store)
                } else if let rowsReadAhead {
                    result = try storeRows(try rowsReadAhead.collect(), identity: identity)
                } else {
                    result = try loadFile(path: path, name: name, kind: kind, profile: item.profile, identity: identity,
                                          known: known, episodes: &sameRunEpisodes, spool: spool, warnings: &report.warnings)
                }
                if result.unchanged {
                    // Counted as a skipped file, like one skipped unread: its rows were loaded before.
                    let r = FileLoadResult(file: name, kind: kind, sha256: result.sha256, unchanged: true)
                    report.files.append(r); progress?(.fileFinished(r))
                    continue
                }
                if kind == .episodes { storedEpisodes = nil }
                if isOverLimit(result) { result.overRejectLimit = true }
                report.files.append(result)
                report.spools.append(spool)
                progress?(.fileFinished(result))
                if result.overRejectLimit && write { break }
            } catch let e as ExtractError {
                report.contractError = e
                if write { break }
            }
        }
        return report
    }

    /// Reads, validates and (when writing) stores one file in one transaction, hashing the bytes
    /// as they are read. A file whose content was loaded before (under any name) is not written
    /// again and comes back `unchanged`.
    private func loadFile(path: String, name: String, kind: ExtractKind, profile: Profile?, identity: FileIdentity?,
                          known: Set<String>, episodes: inout Set<String>, spool: RejectSpool,
                          warnings: inout [String]) throws -> FileLoadResult {
        progress?(.fileStarted(name, kind: kind, bytes: Int(identity?.size ?? 0)))
        guard kind == .attendance else {
            let rows = try readRows(path: path, name: name, kind: kind, profile: profile, known: known, spool: spool,
                                    progress: progress)
            warnings += rows.warnings
            episodes.formUnion(rows.episodeIDs)
            return try storeRows(rows, identity: identity)
        }
        let progress = self.progress
        let file = try HashedRead(path: path, kind: kind, profile: profile, bufferSize: bufferSize,
                                  parseThreadBlockSize: threads > 1 ? parseBlockSize : nil,
                                  bytes: progress.map { p in { p(.bytes($0)) } })
        func read(sink: AttendanceSink?) throws -> (batch: AttendanceBatch, sha256: String) {
            let b = try file.mapped.fill { h in
                AttendanceBatch(AttendanceValidator(file: name, header: h, rules: rules),
                                capacity: attendanceCapacity, sink: sink, spool: spool)
            }
            return (b, file.sha256)
        }
        guard self.write, let store else {
            let (b, sha) = try read(sink: nil)
            return FileLoadResult(file: name, kind: kind, sha256: sha, rowsRead: b.rowsRead, rejected: spool.count,
                                  lines: (b.linesRead, b.linesRejected))
        }
        return try storeAttendance(name: name, identity: identity, spool: spool, store: store, read: read(sink:))
    }

    /// An attendance file's transaction, whichever thread read it: `read` gives the batch (a
    /// batch too big for memory spills to the store through the sink as it goes) and the file's
    /// SHA-256; a failure, a file over the reject limit or content loaded before rolls all of it
    /// back.
    func storeAttendance(name: String, identity: FileIdentity?, spool: RejectSpool, store: Store,
                         read: (AttendanceSink) throws -> (batch: AttendanceBatch, sha256: String)) throws -> FileLoadResult {
        var result = FileLoadResult(file: name, kind: .attendance, sha256: "")
        let afterSpill = self.afterSpill
        try store.transactionCommitting(if: { w in
            let sink = try AttendanceSink(w, onSpill: afterSpill.map { hook in { try hook(name) } })
            let (b, sha) = try read(sink)
            result = FileLoadResult(file: name, kind: .attendance, sha256: sha, rowsRead: b.rowsRead,
                                    rejected: spool.count, lines: (b.linesRead, b.linesRejected))
            if try w.wasLoaded(sha256: result.sha256) { result.unchanged = true; return false }
            if isOverLimit(result) { return false }
            try b.finish()
            try afterWrite?(name)
            try logLoaded(result, w, identity: identity, spool: spool)
            return true
        })
        if result.unchanged { try noteUnchanged(result, identity: identity, store: store) }
        return result
    }

    /// An episodes, outcomes or feedback file read and checked, its rows not yet stored.
    struct RowsRead {
        var result: FileLoadResult
        var spool: RejectSpool
        var warnings: [String] = []
        /// The episodes file's accepted ids (they count as known to later files of the load).
        var episodeIDs: [String] = []
        /// Writes the rows, inside the file's transaction.
        var write: (StoreWriter) throws -> Void
    }

    /// Reads and checks an episodes, outcomes or feedback file, hashing its bytes as they are
    /// read; touches nothing but the file and `spool` (so it may run on another thread ahead of
    /// the file's turn, `RowsReadAhead`). `known` are the episode ids outcome and feedback rows
    /// may refer to.
    func readRows(path: String, name: String, kind: ExtractKind, profile: Profile?, known: Set<String>,
                  spool: RejectSpool, progress: ((LoadEvent) -> Void)?,
                  blockCheck: (() throws -> Void)? = nil) throws -> RowsRead {
        let file = try HashedRead(path: path, kind: kind, profile: profile, bufferSize: bufferSize,
                                  parseThreadBlockSize: threads > 1 ? parseBlockSize : nil,
                                  bytes: progress.map { p in { p(.bytes($0)) } })
        let mapped = file.mapped
        mapped.blockCheck = blockCheck
        func result(_ read: Int, _ lines: (read: Int, rejected: Int)) -> FileLoadResult {
            FileLoadResult(file: name, kind: kind, sha256: file.sha256, rowsRead: read, rejected: spool.count, lines: lines)
        }
        switch kind {
        case .attendance:
            preconditionFailure("attendance files are read by loadFile")
        case .episodes:
            var codes = UnrecognisedCodes()
            let g = EpisodeColumn.gender.rawValue, e = EpisodeColumn.ethnicity.rawValue
            let b = try mapped.fill({ FileBatch(EpisodeValidator(file: name, header: $0, rules: rules), spool: spool) }, accepted: { m in
                codes.note(gender: m.record.string(m.header.fieldIndex[g]), ethnicity: m.record.string(m.header.fieldIndex[e]))
            })
            return RowsRead(result: result(b.rowsRead, (b.linesRead, b.linesRejected)), spool: spool, warnings: codes.warnings(file: name),
                            episodeIDs: b.rows.map(\.episodeID), write: { try $0.upsert(episodes: b.rows, file: name) })
        case .outcomes:
            let b = try mapped.fill {
                FileBatch(OutcomeValidator(file: name, header: $0, rules: rules), isKnownEpisode: { known.contains($0) },
                          spool: spool)
            }
            return RowsRead(result: result(b.rowsRead, (b.linesRead, b.linesRejected)), spool: spool, write: { try $0.upsert(outcomes: b.rows, file: name) })
        case .feedback:
            let b = try mapped.fill {
                FileBatch(FeedbackValidator(file: name, header: $0, rules: rules), isKnownEpisode: { known.contains($0) },
                          spool: spool)
            }
            return RowsRead(result: result(b.rowsRead, (b.linesRead, b.linesRejected)), spool: spool, write: { try $0.upsert(feedback: b.rows, file: name) })
        }
    }

    /// Stores a file's rows and its load log entry in one transaction (when writing): not when
    /// its content was loaded before (under any name), nor when it is over the reject limit.
    func storeRows(_ rows: RowsRead, identity: FileIdentity?) throws -> FileLoadResult {
        var result = rows.result
        guard self.write, let store else { return result }
        if try store.wasLoaded(sha256: result.sha256) {
            result.unchanged = true
            try noteUnchanged(result, identity: identity, store: store)
            return result
        }
        if !isOverLimit(result) {
            try store.transaction { w in
                try rows.write(w)
                try afterWrite?(result.file)
                try logLoaded(result, w, identity: identity, spool: rows.spool)
            }
        }
        return result
    }

    /// Logs a loaded file and its rejects; the spool learns when it was loaded.
    func logLoaded(_ result: FileLoadResult, _ w: StoreWriter, identity: FileIdentity?, spool: RejectSpool) throws {
        let now = StoreWriter.now()
        let id = try w.logFile(name: result.file, kind: result.kind, sha256: result.sha256, read: result.rowsRead,
                               loaded: result.rowsLoaded, rejected: result.rowsRejected, loadedAt: now,
                               identity: identity)
        try w.insert(rejects: spool, loadID: id, sha256: result.sha256, loadedAt: now,
                     seal: rules.rejectSeal)
        spool.loadedAt = now
    }

    /// A file read in full only to find its content loaded before: its result says so (no rows
    /// counted again), and the log learns its identity so the next load skips it unread.
    func noteUnchanged(_ r: FileLoadResult, identity: FileIdentity?, store: Store) throws {
        if let identity { try store.updateIdentity(file: r.file, sha256: r.sha256, identity: identity) }
    }

    /// More than `maxRejectPct` of the file's physical data lines were in rejected records.
    func isOverLimit(_ r: FileLoadResult) -> Bool {
        r.linesRead > 0 && Double(r.linesRejected) * 100 > maxRejectPct * Double(r.linesRead)
    }

    /// Lower-case hex of a digest.
    static func hex(_ d: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in d { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
