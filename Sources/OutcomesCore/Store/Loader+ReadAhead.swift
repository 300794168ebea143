import Crypto
import Foundation

/// The first attendance file of a load, read, checked and packed on a thread of its own while
/// the caller's thread loads the files before it (docs/PERFORMANCE.md "The attendance file read
/// ahead").
///
/// What runs ahead is exactly the one-thread route's reading of the file: the same
/// `MappedRecords.fill`, `AttendanceValidator` and `AttendanceBatch`, in file order on one thread,
/// so the rejects, their order and every message are the same. Nothing reaches the store before
/// the file's turn: the batch holds at most its capacity in memory, and a spill (or a staged
/// lookup after one) waits until the caller, at the file's turn, has opened the file's
/// transaction and runs it there (`CallerRelay`); from then on a spill is written there while
/// this thread packs on, and the next spill or lookup waits for it. The file's result is decided at its turn, as
/// on one thread (loaded before, over the reject limit, a contract error); when the load ends
/// before the turn, the read stops and its work is dropped.
final class AttendanceReadAhead: @unchecked Sendable {
    let name: String
    /// Taken before the read started (the load log keeps it: a file changed while it was read
    /// then fails to match next time).
    let identity: FileIdentity?
    let spool: RejectSpool
    let relay = CallerRelay<AttendanceSink>()
    let progress: HeldProgress

    // Guarded by `cond`.
    private let cond = NSCondition()
    private var ended = false
    private var outcome: Result<(batch: AttendanceBatch, sha256: String), Error>?

    init(name: String, identity: FileIdentity?, spool: RejectSpool, progress: ((LoadEvent) -> Void)?) {
        self.name = name; self.identity = identity; self.spool = spool
        self.progress = HeldProgress(progress)
    }

    /// Starts the reading thread.
    func start(path: String, profile: Profile?, rules: ExtractRules, bufferSize: Int, blockSize: Int, capacity: Int) {
        let args = UncheckedBox(value: (profile, rules))
        let thread = Thread { [self] in
            let (profile, rules) = args.value
            let r: Result<(batch: AttendanceBatch, sha256: String), Error>
            do {
                let file = try HashedRead(path: path, kind: .attendance, profile: profile, bufferSize: bufferSize,
                                          parseThreadBlockSize: blockSize, bytes: { self.progress.bytes($0) })
                let mapped = file.mapped
                let relay = self.relay, name = self.name, spool = self.spool
                mapped.blockCheck = { if relay.isCancelled { throw CallerRelay<AttendanceSink>.Cancelled() } }
                let b = try mapped.fill { h in
                    AttendanceBatch(AttendanceValidator(file: name, header: h, rules: rules), capacity: capacity,
                                    relay: relay, spool: spool)
                }
                // The last spill written: its failure is the file's, as on one thread.
                try relay.settle()
                r = .success((b, file.sha256))
            } catch {
                // A spill still being written when the read failed came before the failure: on
                // one thread its error would have stopped the read first.
                do { try self.relay.settle(); r = .failure(error) } catch let spillError { r = .failure(spillError) }
            }
            self.cond.lock()
            self.outcome = r
            self.ended = true
            self.cond.broadcast()
            self.cond.unlock()
            self.relay.finish()
        }
        thread.name = "outcomes.attendance"
        thread.start()
    }

    /// At the file's turn, inside its transaction: runs the reader's store work with `sink` until
    /// the read ends, then gives its batch and the file's SHA-256, or rethrows its error.
    func collect(sink: AttendanceSink) throws -> (batch: AttendanceBatch, sha256: String) {
        relay.serve(sink)
        cond.lock()
        while !ended { cond.wait() }
        let r = outcome!
        outcome = nil  // the batch's memory goes with the caller's copy
        cond.unlock()
        return try r.get()
    }

    /// Stops the read (the load ended before its turn, or the file was loaded before) and waits
    /// for its thread to end. Safe after `collect`.
    func cancel() {
        relay.cancel()
        cond.lock()
        while !ended { cond.wait() }
        outcome = nil
        cond.unlock()
    }
}

extension Loader {
    /// Starts reading the plan's first attendance CSV ahead, when this load writes on two threads
    /// or more and files come before it; not when the load log shows it loaded already (it will
    /// be skipped unread at its turn).
    func startReadAhead(plan: LoadPlan, folder: String) -> AttendanceReadAhead? {
        guard let i = plan.items.firstIndex(where: { $0.kind == .attendance && $0.source == nil }), i > 0,
              let (item, path, identity) = readAheadCandidate(plan.items[i], folder: folder) else { return nil }
        let ahead = AttendanceReadAhead(name: item.name, identity: identity,
                                        spool: RejectSpool(file: item.name, memoryLimit: rejectMemoryLimit),
                                        progress: progress)
        ahead.start(path: path, profile: item.profile, rules: rules, bufferSize: bufferSize, blockSize: parseBlockSize,
                    capacity: attendanceCapacity)
        readAheadStarted?(ahead)
        return ahead
    }

    /// The read-ahead attendance file at its turn: the same transaction, checks and writes as
    /// `loadFile`'s attendance case, the rows already read.
    func loadAttendance(_ ahead: AttendanceReadAhead, identity: FileIdentity?, store: Store) throws -> FileLoadResult {
        ahead.progress.claim(.fileStarted(ahead.name, kind: .attendance, bytes: Int(identity?.size ?? 0)))
        return try storeAttendance(name: ahead.name, identity: identity, spool: ahead.spool, store: store,
                                   read: ahead.collect(sink:))
    }
}

/// The progress of a file read ahead, held until the file's turn so the bar shows the files in
/// load order. `@unchecked Sendable`: its fields are touched only while `lock` is held.
final class HeldProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: ((LoadEvent) -> Void)?
    private var claimed = false
    private var unreported = 0

    init(_ progress: ((LoadEvent) -> Void)?) { self.progress = progress }

    /// Bytes read (on the parsing thread).
    func bytes(_ n: Int) {
        lock.lock()
        defer { lock.unlock() }
        if claimed { progress?(.bytes(n)) } else { unreported += n }
    }

    /// The file's turn has come: `started`, then the bytes read so far.
    func claim(_ started: LoadEvent) {
        lock.lock()
        defer { lock.unlock() }
        claimed = true
        progress?(started)
        if unreported > 0 { progress?(.bytes(unreported)) }
        unreported = 0
    }
}

/// The first feedback file after the attendance, read and checked on a thread of its own while
/// the caller's thread loads the attendance (docs/PERFORMANCE.md): `Loader.readRows`, the
/// one-thread route's own reading, with the episode ids known when it started. Its rows are
/// stored at its turn (`Loader.storeRows`), and only when the known episodes are still those
/// (they are: every episodes file loads before the attendance); else it is read again there.
final class RowsReadAhead: @unchecked Sendable {
    let name: String
    let kind: ExtractKind
    let identity: FileIdentity?
    let known: Set<String>
    let spool: RejectSpool
    let progress: HeldProgress

    // Guarded by `cond`.
    private let cond = NSCondition()
    private var cancelled = false
    private var ended = false
    private var outcome: Result<Loader.RowsRead, Error>?

    init(name: String, kind: ExtractKind, identity: FileIdentity?, known: Set<String>, spool: RejectSpool,
         progress: ((LoadEvent) -> Void)?) {
        self.name = name; self.kind = kind; self.identity = identity; self.known = known; self.spool = spool
        self.progress = HeldProgress(progress)
    }

    func start(loader: Loader, path: String, profile: Profile?) {
        let args = UncheckedBox(value: (loader, profile))
        let thread = Thread { [self] in
            let (loader, profile) = args.value
            let r = Result {
                try loader.readRows(path: path, name: name, kind: kind, profile: profile, known: known, spool: spool,
                                    progress: { if case .bytes(let n) = $0 { self.progress.bytes(n) } },
                                    blockCheck: { if self.isCancelled { throw CallerRelay<Void>.Cancelled() } })
            }
            self.cond.lock()
            self.outcome = r
            self.ended = true
            self.cond.broadcast()
            self.cond.unlock()
        }
        thread.name = "outcomes.read-ahead"
        thread.start()
    }

    private var isCancelled: Bool {
        cond.lock()
        defer { cond.unlock() }
        return cancelled
    }

    /// At the file's turn: its rows, or the read's error.
    func collect() throws -> Loader.RowsRead {
        progress.claim(.fileStarted(name, kind: kind, bytes: Int(identity?.size ?? 0)))
        cond.lock()
        while !ended { cond.wait() }
        let r = outcome!
        outcome = nil
        cond.unlock()
        return try r.get()
    }

    /// Stops the read and waits for its thread to end. Safe after `collect`.
    func cancel() {
        cond.lock()
        cancelled = true
        while !ended { cond.wait() }
        outcome = nil
        cond.unlock()
    }
}

extension Loader {
    /// Starts reading the first feedback CSV after `index` ahead, with the episode ids `known`
    /// now; not when the load log shows it loaded already.
    func startRowsReadAhead(plan: LoadPlan, folder: String, after index: Int, known: Set<String>) -> RowsReadAhead? {
        guard let i = plan.items[(index + 1)...].firstIndex(where: { $0.kind == .feedback && $0.source == nil }),
              let (item, path, identity) = readAheadCandidate(plan.items[i], folder: folder) else { return nil }
        let ahead = RowsReadAhead(name: item.name, kind: item.kind, identity: identity, known: known,
                                  spool: RejectSpool(file: item.name, memoryLimit: rejectMemoryLimit), progress: progress)
        ahead.start(loader: self, path: path, profile: item.profile)
        return ahead
    }
}

extension Loader {
    /// `item` with its path and identity when it may be read ahead: this load writes on two
    /// threads or more, the file is a CSV (a workbook is read on one thread), and the load log
    /// does not show it loaded already (it will be skipped unread at its turn).
    func readAheadCandidate(_ item: LoadPlan.Item, folder: String) -> (LoadPlan.Item, String, FileIdentity?)? {
        guard write, let store, threads > 1, !item.name.lowercased().hasSuffix(".xlsx") else { return nil }
        let path = (folder as NSString).appendingPathComponent(item.name)
        let identity = FileIdentity(path: path)
        if !verifyUnchanged, let identity, (try? store.loggedSHA256(file: item.name, identity: identity)) != nil {
            return nil
        }
        return (item, path, identity)
    }
}
