import Foundation

/// Lets a worker thread have pieces of work done on the caller's thread, one at a time, the
/// worker waiting meanwhile (docs/PERFORMANCE.md "The attendance file read ahead").
///
/// The store's connection belongs to the caller's thread, inside the file's transaction; a
/// worker that reads an attendance file ahead of its turn packs months in memory on its own, and
/// hands the few pieces that touch the store (a spill, a staged lookup) over here. The caller
/// runs them only once it has reached the file's turn and opened its transaction (`serve`), so
/// the writes happen in the same order and the same transaction as on one thread.
///
/// `@unchecked Sendable`: every mutable field is read and written only while `cond` is held; a
/// job runs on the caller's thread while the worker that posted it waits in `run`, so the state
/// the job touches has one user at a time.
final class CallerRelay<Context>: @unchecked Sendable {
    /// Thrown to a worker whose job the caller will never run (it stopped before the file's turn).
    struct Cancelled: Error {}

    private let cond = NSCondition()
    // Guarded by `cond`.
    private var job: ((Context) throws -> Void)?
    private var jobDone = false
    private var jobError: Error?
    private var workerDone = false
    private var cancelled = false
    /// Set by the caller before it serves; read by jobs (on the caller's thread) and by the
    /// caller after the worker is done.
    private(set) var context: Context?

    init() {}

    // MARK: Worker side

    /// Runs `body` on the caller's thread with the caller's context once it serves, and waits
    /// for it to end; rethrows its error.
    func run(_ body: (Context) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            cond.lock()
            defer { cond.unlock() }
            if cancelled { throw Cancelled() }
            job = body
            jobDone = false
            cond.broadcast()
            // The job is not taken back when cancelled mid-way: a caller that serves runs it to
            // its end, and one that cancels never starts it.
            while !jobDone && !(cancelled && job != nil) { cond.wait() }
            if !jobDone {
                job = nil
                throw Cancelled()
            }
            if let e = jobError { jobError = nil; throw e }
        }
    }

    /// The worker has ended (after its last `run`): `serve` returns.
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
}
