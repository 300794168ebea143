import Foundation

/// Lets a worker thread have pieces of work done on the caller's thread, in the order it hands
/// them over (docs/PERFORMANCE.md "The files read ahead", "Spills written while the file reads
/// on").
///
/// The store's connection belongs to the caller's thread, inside the file's transaction; a
/// worker that reads an attendance file ahead of its turn packs months in memory on its own, and
/// hands the few pieces that touch the store (a spill, a staged lookup) over here. The caller
/// runs them only once it has reached the file's turn and opened its transaction (`serve`), so
/// the writes happen in the same order and the same transaction as on one thread.
///
/// A job is either run (`run`: the worker waits for it, as for a lookup whose answer it needs)
/// or posted (`post`: the worker carries on while the caller runs it, as for a spill, whose job
/// owns a copy of what it writes). At most one job is out at a time: `run`, `post` and `settle`
/// first wait for the job before them to end and rethrow its error, so a later job (a lookup of
/// what a spill staged) always finds the earlier one's writes, and a failed spill stops the
/// worker at its next hand-over.
///
/// `@unchecked Sendable`: every mutable field is read and written only while `cond` is held. A
/// job run with `run` touches the worker's state while the worker waits; a posted job touches only
/// what it captured (its own copy) and the caller's context, so each piece of state has one user
/// at a time.
final class CallerRelay<Context>: @unchecked Sendable {
    /// Thrown to a worker whose job the caller will never run (it stopped before the file's turn).
    struct Cancelled: Error {}

    private let cond = NSCondition()
    // Guarded by `cond`.
    /// A job handed over and not yet taken by the caller.
    private var job: ((Context) throws -> Void)?
    /// A job was handed over and the worker has not yet seen its end.
    private var outstanding = false
    private var jobDone = false
    private var jobError: Error?
    private var workerDone = false
    private var cancelled = false
    /// The worker is waiting for the job out to end.
    private var workerWaiting = false
    /// Set by the caller before it serves; read by jobs (on the caller's thread) and by the
    /// caller after the worker is done.
    private(set) var context: Context?

    init() {}

    // MARK: Worker side

    /// Runs `body` on the caller's thread with the caller's context once it serves, and waits
    /// for it to end; rethrows its error (or an earlier posted job's).
    func run(_ body: (Context) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            cond.lock()
            defer { cond.unlock() }
            try settleLocked()
            try handOverLocked(body)
            try settleLocked()
        }
    }

    /// Hands `body` to the caller's thread and returns without waiting for it, once the job
    /// before it has ended (its error is rethrown here). `body` must own what it touches.
    func post(_ body: @escaping (Context) throws -> Void) throws {
        cond.lock()
        defer { cond.unlock() }
        try settleLocked()
        try handOverLocked(body)
    }

    /// Waits for the job out, if any, and rethrows its error.
    func settle() throws {
        cond.lock()
        defer { cond.unlock() }
        try settleLocked()
    }

    private func handOverLocked(_ body: @escaping (Context) throws -> Void) throws {
        if cancelled { throw Cancelled() }
        job = body
        jobDone = false
        outstanding = true
        cond.broadcast()
    }

    private func settleLocked() throws {
        guard outstanding else { return }
        workerWaiting = true
        // The job is not taken back when cancelled mid-way: a caller that serves runs it to its
        // end, and one that cancels never starts it.
        while !jobDone && !(cancelled && job != nil) { cond.wait() }
        workerWaiting = false
        outstanding = false
        if !jobDone {
            job = nil
            throw Cancelled()
        }
        if let e = jobError { jobError = nil; throw e }
    }

    /// The worker has ended (after its last hand-over, settled): `serve` returns.
    func finish() {
        cond.lock()
        workerDone = true
        cond.broadcast()
        cond.unlock()
    }

    // MARK: Caller side

    /// Runs the worker's jobs with `context` until the worker finishes.
    func serve(_ context: Context) {
        cond.lock()
        self.context = context
        while true {
            while job == nil && !workerDone { cond.wait() }
            guard let body = job else { break }
            job = nil
            cond.unlock()
            var error: Error?
            do { try body(context) } catch let e { error = e }
            cond.lock()
            jobError = error
            jobDone = true
            cond.broadcast()
        }
        cond.unlock()
    }

    /// The caller will not serve: a job waiting, or any later one, throws `Cancelled` to the
    /// worker. Safe after `serve`.
    func cancel() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        cond.unlock()
    }

    var isCancelled: Bool {
        cond.lock()
        defer { cond.unlock() }
        return cancelled
    }

    /// The worker has come to its next hand-over (or its end) and waits for the job out: a
    /// posted job that sees this ran while the worker worked on (tests force that order).
    var isWorkerWaiting: Bool {
        cond.lock()
        defer { cond.unlock() }
        return workerWaiting
    }
}
