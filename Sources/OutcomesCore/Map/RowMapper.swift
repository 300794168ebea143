/// How one contract column is filled from a source row, as `MappedRecords` resolves it from the
/// file's header (PROFILES.md 2-5).
struct ColumnPlan {
    /// The source field (-1: the file has no such column).
    var source = -1
    /// `constants` (trimmed): the value on every row; the column's value map is then not used.
    var constant: [UInt8]?
    var values: ValueMap?
    /// `dates: MDY` and a date column.
    var monthFirst = false
}

/// The row loop of the mapping step when rows must be rebuilt in contract order (constants,
/// value maps, `MDY` dates, ragged workbook rows): the file's column plans compiled once into a
/// small code per column, constants in one arena and value maps answering from bytes
/// (`ByteValueMap`), writing into one buffer reused for every row. A row then costs byte copies
/// and a table probe per mapped cell, no `String` and no allocation (issue 10: a profiled CSV
/// costs at most 1.2x a contract file).
struct RowMapper {
    enum Op: UInt8 { case absent, constant, copy, map }
    /// One contract column's step; plain data, so the row loop reads it through a pointer.
    struct Column {
        var op: Op
        /// `dates: MDY` swaps this column's `M/D/YYYY` (after any value map).
        var monthFirst: Bool
        var source: Int
        /// Index into `maps` (op `.map`), or the constant's bytes in `constants` (op `.constant`).
        var map: Int
        var constant: Range<Int>
    }
    private let steps: [Column]
    private let constants: [UInt8]
    /// Per value map: the compiled tables (plain data, read without retains), the map itself
    /// (the reference route for values the tables do not know yet) and what `""` maps to.
    private var maps: [ByteValueMap]
    private let references: [ValueMap]
    private let empties: [[UInt8]?]
    private var row = RowBuffer()
    /// Start and end of each contract column's bytes in `row`.
    private let bounds: UnsafeMutablePointer<Int32>
    var columns: Int { steps.count }

    init(_ plans: [ColumnPlan]) {
        var steps: [Column] = [], constants: [UInt8] = [], maps: [ByteValueMap] = [], references: [ValueMap] = []
        for p in plans {
            var c = Column(op: .copy, monthFirst: p.monthFirst && p.constant == nil && p.source >= 0, source: p.source,
                           map: -1, constant: 0..<0)
            if let k = p.constant {
                c.op = .constant
                c.constant = constants.count..<(constants.count + k.count)
                constants.append(contentsOf: k)
            } else if p.source < 0 {
                // An absent column stays empty even with a `""` value key (PROFILES.md 4).
                c.op = .absent
            } else if let v = p.values {
                c.op = .map
                c.map = maps.count
                maps.append(ByteValueMap(v))
                references.append(v)
            }
            steps.append(c)
        }
        self.steps = steps; self.constants = constants; self.maps = maps; self.references = references
        empties = references.map(ByteValueMap.empty)
        bounds = .allocate(capacity: max(1, 2 * plans.count))
    }

    /// Frees the buffers; the mapper is not used after.
    func free() {
        bounds.deallocate()
        row.free()
        for m in maps { m.free() }
    }

    /// Rebuilds `rec` in contract order in the buffer and calls `body` with it (valid only during
    /// the call) and, per contract column (bit c), whether the mapping changed the value.
    @inline(__always)
    mutating func map<R>(_ rec: CSVRecord, _ body: (CSVRecord, UInt64) throws -> R) rethrows -> R {
        var out = row
        let bounds = self.bounds
        var rewritten = steps.withUnsafeBufferPointer { steps in
            constants.withUnsafeBufferPointer { constants in
                maps.withUnsafeBufferPointer { maps in
                    Self.build(rec, steps, constants, bounds, &out, empty: { empties[$0] },
                               value: { m, b, out in maps[m].lookup(b, into: &out) })
                }
            }
        }
        row = out
        if rewritten == nil { rewritten = learn(rec) }
        return try body(CSVRecord(line: rec.line, fieldCount: steps.count, base: row.base, bounds: bounds, lineSpan: rec.lineSpan),
                        rewritten!)
    }

    /// The row again when it holds a value its column's map has not met in this file: the maps
    /// answer by the reference route and learn the answer (once per distinct value; PROFILES.md 4).
    private mutating func learn(_ rec: CSVRecord) -> UInt64 {
        var maps: [ByteValueMap] = []
        swap(&maps, &self.maps)
        defer { swap(&maps, &self.maps) }
        var out = row
        defer { row = out }
        return steps.withUnsafeBufferPointer { steps in
            constants.withUnsafeBufferPointer { constants in
                Self.build(rec, steps, constants, bounds, &out, empty: { empties[$0] },
                           value: { m, b, out in maps[m].map(b, reference: references[m], into: &out) ? .mapped : .unchanged })!
            }
        }
    }

    /// The column loop: each step's bytes into `out`, their bounds into `bounds`; `value` answers
    /// a non-empty cell of a mapped column. Returns the rewritten bits, or nil as soon as `value`
    /// says `.unknown`.
    @inline(__always)
    private static func build(_ rec: CSVRecord, _ steps: UnsafeBufferPointer<Column>, _ constants: UnsafeBufferPointer<UInt8>,
                              _ bounds: UnsafeMutablePointer<Int32>, _ out: inout RowBuffer, empty: (Int) -> [UInt8]?,
                              value: (Int, UnsafeBufferPointer<UInt8>, inout RowBuffer) -> ByteValueMap.Answer) -> UInt64? {
        out.clear()
        var rewritten: UInt64 = 0
        for c in 0..<steps.count {
            let step = steps[c]
            let start = out.count
            bounds[2 * c] = Int32(truncatingIfNeeded: start)
            switch step.op {
            case .absent: break
            case .constant:
                out.append(UnsafeBufferPointer(rebasing: constants[step.constant]))
            case .copy:
                out.append(rec.bytes(step.source))
            case .map:
                let b = rec.bytes(step.source)
                if b.isEmpty {
                    // Only a `""` key rewrites an empty value (PROFILES.md 4).
                    if let e = empty(step.map) {
                        e.withUnsafeBufferPointer { out.append($0) }
                        rewritten |= 1 << UInt64(c)
                    }
                } else {
                    switch value(step.map, b, &out) {
                    case .mapped: rewritten |= 1 << UInt64(c)
                    case .unchanged: out.append(b)
                    case .unknown: return nil
                    }
                }
            }
            if step.monthFirst, MappedRecords.swapMonthFirst(out.base + start, count: out.count - start) {
                rewritten |= 1 << UInt64(c)
            }
            bounds[2 * c + 1] = Int32(truncatingIfNeeded: out.count)
        }
        return rewritten
    }
}

/// A growable byte buffer written through a pointer (no uniqueness check per append), for
/// `RowMapper` and `ByteValueMap`.
struct RowBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func free() { base.deallocate() }

    @inline(__always)
    mutating func clear() { count = 0 }

    @inline(__always)
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        guard n > 0 else { return }
        if count + n > capacity { grow(to: count + n) }
        let to = base + count
        if n <= 16 {
            // Cells are short: a byte loop beats a call to memcpy.
            for i in 0..<n { to[i] = b[i] }
        } else {
            to.update(from: b.baseAddress!, count: n)
        }
        count += n
    }

    private mutating func grow(to need: Int) {
        var cap = capacity * 2
        while cap < need { cap *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = cap
    }
}
