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
    /// Skipped: the same content was loaded before.
    public var unchanged = false
    /// Over the reject threshold: nothing from it was loaded (exit 4).
    public var overRejectLimit = false
}

/// The outcome of loading a folder.
public struct LoadReport: Sendable {
    public var files: [FileLoadResult] = []
    public var rejects: [Reject] = []
    public var warnings: [String] = []
    /// The contract error that stopped the load (exit 3), if any.
    public var contractError: ExtractError?
    public var exceededRejectLimit: Bool { files.contains { $0.overRejectLimit } }
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
    /// When false (`validate`) nothing is written and every file is read.
    public var write: Bool
    public var progress: ((LoadEvent) -> Void)?
    /// Test hook: called inside a file's transaction after its rows are written; throwing
    /// simulates a failure part-way through the file.
    public var afterWrite: ((String) throws -> Void)?
    /// Test hook: called inside an attendance file's transaction each time its batch spills
    /// month entries to the store part-way through the file.
    public var afterSpill: ((String) throws -> Void)?
    /// Most attendance month entries held in memory while a file loads; beyond it the batch
    /// spills to the store inside the file's transaction, so peak memory does not grow with the file.
    public var attendanceCapacity = AttendanceBatch.defaultCapacity
    /// Input profiles (PROFILES.md): files they match are read through them.
    public var profiles: [Profile] = []

    public init(store: Store?, rules: ExtractRules = ExtractRules(), maxRejectPct: Double = 5, write: Bool = true) {
        self.store = store; self.rules = rules; self.maxRejectPct = maxRejectPct; self.write = write
    }

    /// The extract files of a folder in load order, and warnings for the files it ignores.
    public static func discover(folder: String) throws -> (files: [(name: String, kind: ExtractKind)], warnings: [String]) {
        let (files, warnings) = try ExtractDiscovery.discover(folder: folder, profiles: [])
        return (files.map { ($0.name, $0.kind) }, warnings)
    }

    /// Loads (or, with `write == false`, validates) every extract in `folder`.
    public func load(folder: String) throws -> LoadReport {
        var report = LoadReport()
        let (files, warnings) = try ExtractDiscovery.discover(folder: folder, profiles: profiles)
        report.warnings = warnings
        var sameRunEpisodes = Set<String>()
        var storedEpisodes: Set<String>?
        for f in files {
            let (name, kind) = (f.name, f.kind)
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let sha = try Self.sha256(path: path)
                if write, let store, try store.wasLoaded(sha256: sha) {
                    let r = FileLoadResult(file: name, kind: kind, sha256: sha, unchanged: true)
                    report.files.append(r); progress?(.fileFinished(r))
                    continue
                }
                if kind != .episodes && storedEpisodes == nil { storedEpisodes = try store?.episodeIDs() ?? [] }
                let known = (storedEpisodes ?? []).union(sameRunEpisodes)
                var result = try loadFile(path: path, name: name, kind: kind, profile: f.profile, sha: sha, known: known,
                                          episodes: &sameRunEpisodes, rejects: &report.rejects, warnings: &report.warnings)
                if kind == .episodes { storedEpisodes = nil }
                if result.rowsRead > 0, Double(result.rowsRejected) * 100 > maxRejectPct * Double(result.rowsRead) {
                    result.overRejectLimit = true
                }
                report.files.append(result)
                progress?(.fileFinished(result))
                if result.overRejectLimit && write { break }
            } catch let e as ExtractError {
                report.contractError = e
                if write { break }
            }
        }
        return report
    }

    /// Reads, validates and (when writing) stores one file in one transaction.
    private func loadFile(path: String, name: String, kind: ExtractKind, profile: Profile?, sha: String, known: Set<String>,
                          episodes: inout Set<String>, rejects: inout [Reject], warnings: inout [String]) throws -> FileLoadResult {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        progress?(.fileStarted(name, kind: kind, bytes: size))
        let progress = self.progress
        let source = try TableSources.open(path: path, profile: profile, bufferSize: bufferSize,
                                           rawObserver: progress.map { p in { p(.bytes($0.count)) } })
        let mapped = MappedRecords(source: source, kind: kind, profile: profile)
        var result = FileLoadResult(file: name, kind: kind, sha256: sha)
        var write: ((StoreWriter) throws -> Void)?
        func finish(read: Int, rejected: [Reject]) {
            result.rowsRead = read; result.rowsRejected = rejected.count; result.rowsLoaded = read - rejected.count
            rejects += rejected
        }
        switch kind {
        case .attendance:
            func read(sink: AttendanceSink?) throws -> AttendanceBatch {
                try mapped.fill { h in
                    AttendanceBatch(AttendanceValidator(file: name, header: h, rules: rules),
                                    capacity: attendanceCapacity, sink: sink)
                }
            }
            guard self.write, let store else {
                let b = try read(sink: nil)
                finish(read: b.rowsRead, rejected: b.rejects)
                return result
            }
            // Read inside the file's transaction: a batch too big for memory spills to the store
            // as it goes, and a failure or a file over the reject limit rolls all of it back.
            let afterSpill = self.afterSpill
            try store.transactionCommitting(if: { w in
                let sink = try AttendanceSink(w, onSpill: afterSpill.map { hook in { try hook(name) } })
                let b = try read(sink: sink)
                finish(read: b.rowsRead, rejected: b.rejects)
                if isOverLimit(result) { return false }
                try b.finish()
                try afterWrite?(name)
                try w.logFile(name: name, kind: kind, sha256: sha, read: result.rowsRead, loaded: result.rowsLoaded,
                              rejected: result.rowsRejected)
                return true
            })
            return result
        case .episodes:
            var codes = UnrecognisedCodes()
            let g = EpisodeColumn.gender.rawValue, e = EpisodeColumn.ethnicity.rawValue
            let b = try mapped.fill({ FileBatch(EpisodeValidator(file: name, header: $0, rules: rules)) }, accepted: { m in
                codes.note(gender: m.record.string(m.header.fieldIndex[g]), ethnicity: m.record.string(m.header.fieldIndex[e]))
            })
            warnings += codes.warnings(file: name)
            finish(read: b.rowsRead, rejected: b.rejects)
            episodes.formUnion(b.rows.map(\.episodeID))
            write = { try $0.upsert(episodes: b.rows, file: name) }
        case .outcomes:
            let b = try mapped.fill {
                FileBatch(OutcomeValidator(file: name, header: $0, rules: rules), isKnownEpisode: { known.contains($0) })
            }
            finish(read: b.rowsRead, rejected: b.rejects)
            write = { try $0.upsert(outcomes: b.rows, file: name) }
        case .feedback:
            let b = try mapped.fill {
                FileBatch(FeedbackValidator(file: name, header: $0, rules: rules), isKnownEpisode: { known.contains($0) })
            }
            finish(read: b.rowsRead, rejected: b.rejects)
            write = { try $0.upsert(feedback: b.rows, file: name) }
        }
        if self.write, !isOverLimit(result), let store, let write {
            let r = result
            try store.transaction { w in
                try write(w)
                try afterWrite?(name)
                try w.logFile(name: name, kind: kind, sha256: sha, read: r.rowsRead, loaded: r.rowsLoaded, rejected: r.rowsRejected)
            }
        }
        return result
    }

    private func isOverLimit(_ r: FileLoadResult) -> Bool {
        r.rowsRead > 0 && Double(r.rowsRejected) * 100 > maxRejectPct * Double(r.rowsRead)
    }

    /// SHA-256 of a file's bytes, hex.
    public static func sha256(path: String) throws -> String {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw ExtractError.unreadable(file: (path as NSString).lastPathComponent, detail: "cannot open")
        }
        defer { try? fh.close() }
        var h = SHA256()
        while let d = try fh.read(upToCount: 4 << 20), !d.isEmpty { h.update(data: d) }
        return h.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
