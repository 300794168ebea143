import Foundation

/// A fixed pool of buffers handed from one producer thread to one consumer, in order: the gzip
/// inflater's chunks and the parsing thread's record blocks both go through it. Memory stays at
/// the pool's size whatever the file's, the producer waits when the consumer falls behind, and a
/// producer's error reaches the consumer only after every item sent before it.
///
/// `@unchecked Sendable` because the two threads hand items over through an `NSCondition` (wait
/// and signal), which `Mutex` cannot do; every mutable field is read and written only while
/// `cond` is held, and an item belongs to one thread at a time (in `free`, in `full`, or held).
class HandOff<Item: AnyObject>: @unchecked Sendable {
    /// Thrown to the producer once the consumer has stopped; never reaches the consumer.
    struct Cancelled: Error {}

    private let cond = NSCondition()
    // Guarded by `cond`.
    private var free: [Item]
    private var full: [Item] = []
    private var finished = false
    private var exited: Bool
    private var cancelled = false
    private var failure: Error?

    /// - Parameter running: whether a producer thread is already on its way; when false, `stop`
    ///   has nothing to wait for until `started` is called.
    init(pool: [Item], running: Bool) {
        free = pool
        exited = !running
    }

    /// A producer thread is about to start: `stop` waits for its `finish`.
    final func started() {
        cond.lock()
        exited = false
        cond.unlock()
    }

    // MARK: Producer side

    /// A free item; waits for the consumer to give one back.
    final func take() throws -> Item {
        cond.lock()
        defer { cond.unlock() }
        while free.isEmpty && !cancelled { cond.wait() }
        if cancelled { throw Cancelled() }
        return free.removeLast()
    }

    final func send(_ item: Item) throws {
        cond.lock()
        defer { cond.unlock() }
        if cancelled { throw Cancelled() }
        full.append(item)
        cond.signal()
    }

    /// The producer is done: `error` (nil at a sound end) follows the items sent.
    final func finish(_ error: Error?) {
        cond.lock()
        if !(error is Cancelled) { failure = error }
        finished = true
        exited = true
        cond.broadcast()
        cond.unlock()
    }

    // MARK: Consumer side

    /// The next item in the order sent; nil at the end; the producer's error once every item
    /// before it is out.
    final func next() throws -> Item? {
        cond.lock()
        defer { cond.unlock() }
        while full.isEmpty && !finished { cond.wait() }
        if !full.isEmpty { return full.removeFirst() }
        if let failure { throw failure }
        return nil
    }

    final func recycle(_ item: Item) {
        cond.lock()
        free.append(item)
        cond.signal()
        cond.unlock()
    }

    /// Stops the producer (when the consumer gave up early) and waits for its thread to end, so
    /// nothing it holds is touched afterwards. Safe when the producer already finished.
    final func stop() {
        cond.lock()
        cancelled = true
        cond.broadcast()
        while !exited { cond.wait() }
        cond.unlock()
    }
}
