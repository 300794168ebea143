import Foundation

/// A block of parsed CSV records handed from the parsing thread to the thread that validates
/// them (docs/PERFORMANCE.md "The load on two cores").
///
/// The block owns the parser's buffer at the time it was handed off: the records' unescaped bytes
/// stay where the parser wrote them (no copy), and `bounds` holds every record's field offsets
/// back to back. A record never straddles two blocks: the parser copies a record still in progress
/// to the next block before it hands this one off, so quote state and line counts simply carry on.
final class RecordBlock {
    struct Entry {
        var line: Int
        var start: Int32  // the record's first byte in `buf`
        var boundsAt: Int32  // its first offset in `bounds`
        var fieldCount: Int32
        var lineSpan: Int32

        /// A record as the parser holds it (offsets fit in 32 bits: a block is far below 2 GiB).
        @inline(__always)
        init(line: Int, start: Int, boundsAt: Int, fieldCount: Int, lineSpan: Int) {
            self.line = line
            self.start = Int32(truncatingIfNeeded: start)
            self.boundsAt = Int32(truncatingIfNeeded: boundsAt)
            self.fieldCount = Int32(truncatingIfNeeded: fieldCount)
            self.lineSpan = Int32(truncatingIfNeeded: lineSpan)
        }
    }

    var buf: UnsafeMutablePointer<UInt8>
    /// The bytes the parser may fill.
    var cap: Int
    /// The bytes `buf` holds (at least `cap`): the mapping step writes after the parser's bytes,
    /// and may make room beyond `cap` (`reserveTail`) without the parser filling more next time.
    private(set) var allocated: Int
    var bounds: UnsafeMutablePointer<Int32>
    var boundsCap: Int
    var records: ContiguousArray<Entry> = []
    /// What the pipe's `transform` attached on the parsing thread (the mapping step's rows in
    /// contract order, `MappedBlock`); kept with the block from use to use, so its buffers are reused.
    var annex: AnyObject?

    init(capacity: Int) {
        cap = capacity
        allocated = capacity
        buf = .allocate(capacity: capacity)
        boundsCap = 64
        bounds = .allocate(capacity: boundsCap)
    }

    deinit {
        buf.deallocate()
        bounds.deallocate()
    }

    /// Makes room for at least `capacity` bytes (contents not kept: the block is empty).
    func reserve(_ capacity: Int) {
        guard cap < capacity else { return }
        while cap < capacity { cap *= 2 }
        guard allocated < cap else { return }
        buf.deallocate()
        buf = .allocate(capacity: cap)
        allocated = cap
    }

    /// Room for `count` more bytes after the first `used`, which are kept (the records' offsets
    /// stay valid; pointers into `buf` do not). For the mapping step, after the parser is done
    /// with the block (`RecordBlockPipe.deliver`).
    func reserveTail(used: Int, count: Int) {
        guard allocated < used + count else { return }
        var n = Swift.max(allocated, 64) * 2
        while n < used + count { n *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        bigger.update(from: buf, count: used)
        buf.deallocate()
        buf = bigger
        allocated = n
    }

    /// The block's records, read without touching the class per record (each use of a class's
    /// property costs a run-time exclusivity check). Valid during `body`; `records` must not
    /// change meanwhile.
    struct Records {
        let entries: UnsafeBufferPointer<Entry>
        let buf: UnsafeMutablePointer<UInt8>
        let bounds: UnsafeMutablePointer<Int32>
        var count: Int { entries.count }

        @inline(__always)
        subscript(i: Int) -> CSVRecord {
            let e = entries[i]
            return CSVRecord(line: e.line, fieldCount: Int(e.fieldCount), base: buf + Int(e.start),
                             bounds: bounds + Int(e.boundsAt), lineSpan: Int(e.lineSpan))
        }
    }

    @inline(__always)
    func withRecords<R>(_ body: (Records) throws -> R) rethrows -> R {
        let buf = self.buf, bounds = self.bounds
        return try records.withUnsafeBufferPointer { try body(Records(entries: $0, buf: buf, bounds: bounds)) }
    }

    /// Calls `body` for each record, in file order.
    @inline(__always)
    func forEach(_ body: (CSVRecord) throws -> Void) rethrows {
        for e in records {
            try body(CSVRecord(line: e.line, fieldCount: Int(e.fieldCount), base: buf + Int(e.start),
                               bounds: bounds + Int(e.boundsAt), lineSpan: Int(e.lineSpan)))
        }
    }
}

/// The bounded hand-off between the parsing thread (producer) and the caller's thread (consumer):
/// a fixed pool of `RecordBlock`s, so memory stays at `poolSize` blocks whatever the file's size,
/// and the parser waits when the validator falls behind. Blocks reach the consumer in the order
/// they were parsed; an error of the parser (a quote open at the end of the file, bytes that are
/// not text, a read fault) reaches it only after every block parsed before the fault, exactly
/// where a single-threaded read would have thrown.
final class RecordBlockPipe: HandOff<RecordBlock>, @unchecked Sendable {
    /// Producer holds one block, the consumer one, the rest are ready or free.
    static let poolSize = 4

    /// Runs on the parsing thread on each block, in file order, just before it is sent: the
    /// mapping step's work moved off the caller's thread (docs/PERFORMANCE.md). When it throws,
    /// it has cut `records` to those before the fault; they are still sent, then the error
    /// follows them, so the caller sees exactly what a single-threaded read would have shown.
    private let transform: ((RecordBlock) throws -> Void)?

    init(blockSize: Int, transform: ((RecordBlock) throws -> Void)? = nil) {
        self.transform = transform
        super.init(pool: (0..<Self.poolSize).map { _ in RecordBlock(capacity: blockSize) }, running: true)
    }

    /// The transform, then `send`; the transform's error (a fault earlier in the file than any
    /// the parser may meet later) is thrown after the block is sent.
    func deliver(_ b: RecordBlock) throws {
        var fault: Error?
        if let transform {
            do { try transform(b) } catch { fault = error }
        }
        try send(b)
        if let fault { throw fault }
    }

    /// An empty block with room for `capacity` bytes; waits for the consumer to give one back.
    func take(capacity: Int) throws -> RecordBlock {
        let b = try take()
        b.records.removeAll(keepingCapacity: true)
        b.reserve(capacity)
        return b
    }
}

/// Carries a non-Sendable value to the parsing thread; the pipe's lock orders every access.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
}
