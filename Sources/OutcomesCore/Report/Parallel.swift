import Dispatch
import Synchronization

/// The parallel aggregation core: work split into a fixed number of partitions, processed by
/// `threads` workers with `concurrentPerform`, results returned in partition order.
///
/// The partitioning never depends on the thread count and merges happen in partition order, so
/// tables are byte-identical for `--threads 1` and `--threads 8`.
public enum Parallel {
    /// Applies `body` to every partition index in `0..<partitions` and returns the results in order.
    public static func map<T: Sendable>(partitions: Int, threads: Int,
                                        _ body: @Sendable (Int) -> T) -> [T] {
        guard partitions > 0 else { return [] }
        let box = ResultBox<T>(count: partitions)
        let next = Atomic<Int>(0)
        let workers = max(1, min(threads, partitions))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if i >= partitions { break }
                box.set(i, body(i))
            }
        }
        return box.values()
    }

    /// Splits `0..<count` into `partitions` contiguous ranges of near-equal size.
    public static func ranges(count: Int, partitions: Int) -> [Range<Int>] {
        let p = max(1, min(partitions, max(count, 1)))
        return (0..<p).map { i in (count * i / p)..<(count * (i + 1) / p) }
    }
}

/// Per-partition result slots; each slot is written by exactly one worker.
private final class ResultBox<T: Sendable>: Sendable {
    private let slots: Mutex<[T?]>
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }
    func set(_ i: Int, _ v: T) { slots.withLock { $0[i] = v } }
    func values() -> [T] { slots.withLock { $0.map { $0! } } }
}
