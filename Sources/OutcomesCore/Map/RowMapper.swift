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
/// value maps, `MDY` dates, ragged workbook rows). The file's column plans are compiled once into
/// a few short lists, each run over every row as a tight loop of plain data:
/// - constants are written once, at the start of the buffer, and never again;
/// - the stretch of the source row that holds the fields used is copied after them, and every
///   column taken from the source points into that copy (a column the profile does not touch
///   costs two subtractions);
/// - value-mapped cells are answered from bytes (`ByteValueMap`) and a rewritten value appended;
/// - month-first dates are swapped in place (on a copy of their own when a source field feeds
///   two columns).
/// Columns the file lacks stay empty. No `String`, no allocation per row (issue 10: a profiled CSV
/// costs at most 1.2x a contract file).
struct RowMapper {
    struct Take { var column: Int32, source: Int32 }
    struct MapStep { var column: Int32, source: Int32, map: Int32 }
    struct DateStep { var column: Int32, sole: Bool }
    private let takes: [Take]
    private let mapSteps: [MapStep]
    private let dateSteps: [DateStep]
    /// The distinct source fields read, to find the stretch of the row to copy.
    private let used: [Int32]
    /// Bytes at the start of `row` that stay from row to row (the constants).
    private let fixed: Int
    /// Per value map: the compiled tables (plain data, read without retains), the map itself
    /// (the reference route for values the tables do not know yet) and what `""` maps to.
    private var maps: [ByteValueMap]
    private let references: [ValueMap]
    private let empties: [[UInt8]?]
    private var row: RowBuffer
    /// Start and end of each contract column's bytes in `row`.
    private let bounds: UnsafeMutablePointer<Int32>
    /// Columns whose bounds no step writes (constants, columns the file lacks): the block route
    /// copies just these from `bounds`, the same on every row.
    private let settled: [Int32]
    let columns: Int

    init(_ plans: [ColumnPlan]) {
        var takes: [Take] = [], mapSteps: [MapStep] = [], dateSteps: [DateStep] = []
        var maps: [ByteValueMap] = [], references: [ValueMap] = []
        var uses: [Int: Int] = [:]
        for p in plans where p.constant == nil && p.source >= 0 { uses[p.source, default: 0] += 1 }
        var row = RowBuffer()
        columns = plans.count
        bounds = .allocate(capacity: max(1, 2 * plans.count))
        bounds.initialize(repeating: 0, count: max(1, 2 * plans.count))  // absent columns stay empty
        for (c, p) in plans.enumerated() {
            let column = Int32(c)
            if let k = p.constant {
                bounds[2 * c] = Int32(row.count)
                k.withUnsafeBufferPointer { row.append($0) }
                bounds[2 * c + 1] = Int32(row.count)
                continue
            }
            // An absent column stays empty even with a `""` value key (PROFILES.md 4).
            guard p.source >= 0 else { continue }
            takes.append(Take(column: column, source: Int32(p.source)))
            if let v = p.values {
                mapSteps.append(MapStep(column: column, source: Int32(p.source), map: Int32(maps.count)))
                maps.append(ByteValueMap(v))
                references.append(v)
            }
            if p.monthFirst { dateSteps.append(DateStep(column: column, sole: uses[p.source] == 1)) }
        }
        fixed = row.count
        settled = plans.indices.filter { plans[$0].constant != nil || plans[$0].source < 0 }.map { Int32($0) }
        self.row = row
        self.takes = takes; self.mapSteps = mapSteps; self.dateSteps = dateSteps
        self.maps = maps; self.references = references
        used = uses.keys.sorted().map { Int32($0) }
        empties = references.map(ByteValueMap.empty)
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
        let rewritten = mapRow(rec, into: &out, origin: 0, bounds: bounds)
        row = out
        return try body(CSVRecord(line: rec.line, fieldCount: columns, base: row.base, bounds: bounds, lineSpan: rec.lineSpan),
                        rewritten)
    }

    /// The parsing thread's route (`MappedBlock`): appends `rec` in contract order to `out` and
    /// writes its `2 * columns` field bounds, relative to the record's first byte (the old
    /// `out.count`), at `fieldBounds`. Returns the rewritten bits, as `map`.
    @inline(__always)
    mutating func map(_ rec: CSVRecord, appendingTo out: inout RowBuffer, fieldBounds: UnsafeMutablePointer<Int32>) -> UInt64 {
        let origin = out.count
        // The constants and the bounds of constant and absent columns, as `init` laid them out.
        out.append(UnsafeBufferPointer(start: row.base, count: fixed))
        let bounds = self.bounds
        settled.withUnsafeBufferPointer { settled in
            for c in settled {
                fieldBounds[2 &* Int(c)] = bounds[2 &* Int(c)]
                fieldBounds[2 &* Int(c) &+ 1] = bounds[2 &* Int(c) &+ 1]
            }
        }
        return mapRow(rec, into: &out, origin: origin, bounds: fieldBounds)
    }

    /// `build` on the compiled tables; a value they do not know yet sends the row through `learn`.
    /// `out` holds the constants at `origin`; `bounds` gets offsets relative to `origin`.
    @inline(__always)
    private mutating func mapRow(_ rec: CSVRecord, into out: inout RowBuffer, origin: Int,
                                 bounds: UnsafeMutablePointer<Int32>) -> UInt64 {
        let fixed = self.fixed
        let rewritten = takes.withUnsafeBufferPointer { takes in
            used.withUnsafeBufferPointer { used in
                mapSteps.withUnsafeBufferPointer { mapSteps in
                    dateSteps.withUnsafeBufferPointer { dateSteps in
                        maps.withUnsafeBufferPointer { maps in
                            Self.build(rec, takes, used, mapSteps, dateSteps, fixed, origin, bounds, &out, empty: { empties[$0] },
                                       value: { m, b, out in ByteValueMap.lookup(maps.baseAddress! + m, b, into: &out) })
                        }
                    }
                }
            }
        }
        return rewritten ?? learn(rec, into: &out, origin: origin, bounds: bounds)
    }

    /// The row again when it holds a value its column's map has not met in this file: the maps
    /// answer by the reference route and learn the answer (once per distinct value; PROFILES.md 4).
    private mutating func learn(_ rec: CSVRecord, into out: inout RowBuffer, origin: Int,
                                bounds: UnsafeMutablePointer<Int32>) -> UInt64 {
        var maps: [ByteValueMap] = []
        swap(&maps, &self.maps)
        defer { swap(&maps, &self.maps) }
        let fixed = self.fixed, references = self.references, empties = self.empties
        return takes.withUnsafeBufferPointer { takes in
            used.withUnsafeBufferPointer { used in
                mapSteps.withUnsafeBufferPointer { mapSteps in
                    dateSteps.withUnsafeBufferPointer { dateSteps in
                        Self.build(rec, takes, used, mapSteps, dateSteps, fixed, origin, bounds, &out, empty: { empties[$0] },
                                   value: { m, b, out in maps[m].map(b, reference: references[m], into: &out) ? .mapped : .unchanged })!
                    }
                }
            }
        }
    }

    /// One row through the lists (see the type's comment). `value` answers a non-empty cell of a
    /// mapped column. Returns the rewritten bits, or nil as soon as `value` says `.unknown`.
    /// The row is built in `out` from `origin`, where the `fixed` bytes of constants already
    /// are; every offset (in `bounds`, and below) is relative to `origin`.
    @inline(__always)
    private static func build(_ rec: CSVRecord, _ takes: UnsafeBufferPointer<Take>, _ used: UnsafeBufferPointer<Int32>,
                              _ mapSteps: UnsafeBufferPointer<MapStep>, _ dateSteps: UnsafeBufferPointer<DateStep>,
                              _ fixed: Int, _ origin: Int, _ bounds: UnsafeMutablePointer<Int32>, _ out: inout RowBuffer,
                              empty: (Int) -> [UInt8]?,
                              value: (Int, UnsafeBufferPointer<UInt8>, inout RowBuffer) -> ByteValueMap.Answer) -> UInt64? {
        out.truncate(to: origin &+ fixed)
        let fields = Int32(truncatingIfNeeded: rec.fieldCount)
        let src = rec.bounds
        var lo = Int32.max, hi = Int32.min
        for s in used where s < fields {
            lo = min(lo, src[2 &* Int(s)])
            hi = max(hi, src[2 &* Int(s) &+ 1])
        }
        if lo < hi { out.append(UnsafeBufferPointer(start: rec.base + Int(lo), count: Int(hi &- lo))) } else { lo = 0 }
        let delta = Int32(truncatingIfNeeded: fixed) &- lo
        let empty32 = Int32(truncatingIfNeeded: fixed)
        for t in takes {
            let c = 2 &* Int(t.column)
            if t.source < fields {
                bounds[c] = src[2 &* Int(t.source)] &+ delta
                bounds[c &+ 1] = src[2 &* Int(t.source) &+ 1] &+ delta
            } else {  // a ragged row's missing cell reads as empty
                bounds[c] = empty32; bounds[c &+ 1] = empty32
            }
        }
        var rewritten: UInt64 = 0, own: UInt64 = 0
        for m in mapSteps {
            let c = Int(m.column)
            // Read from the source row: appends may move `out`.
            let b = m.source < fields
                ? UnsafeBufferPointer(start: rec.base + Int(src[2 &* Int(m.source)]),
                                      count: Int(src[2 &* Int(m.source) &+ 1] &- src[2 &* Int(m.source)]))
                : UnsafeBufferPointer(start: rec.base, count: 0)
            let at = Int32(truncatingIfNeeded: out.count &- origin)
            if b.isEmpty {
                // Only a `""` key rewrites an empty value (PROFILES.md 4).
                guard let e = empty(Int(m.map)) else { continue }
                e.withUnsafeBufferPointer { out.append($0) }
            } else {
                switch value(Int(m.map), b, &out) {
                case .mapped: break
                case .unchanged: continue
                case .unknown: return nil
                }
            }
            bounds[2 &* c] = at
            bounds[2 &* c &+ 1] = Int32(truncatingIfNeeded: out.count &- origin)
            rewritten |= 1 << UInt64(c)
            own |= 1 << UInt64(c)
        }
        for d in dateSteps {
            let c = Int(d.column)
            var start = Int(bounds[2 &* c]), end = Int(bounds[2 &* c &+ 1])
            guard start < end else { continue }
            // In place when the bytes are this column's alone; else on a copy of its own.
            if own & (1 << UInt64(c)) == 0 && !d.sole {
                let at = out.count &- origin
                out.appendCopy(from: origin &+ start, count: end &- start)
                start = at; end = out.count &- origin
                bounds[2 &* c] = Int32(truncatingIfNeeded: start)
                bounds[2 &* c &+ 1] = Int32(truncatingIfNeeded: end)
            }
            if MappedRecords.swapMonthFirst(out.base + (origin &+ start), count: end &- start) { rewritten |= 1 << UInt64(c) }
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

    /// Drops the bytes after the first `n`.
    @inline(__always)
    mutating func truncate(to n: Int) { count = n }

    @inline(__always)
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        guard n > 0 else { return }
        if count + n > capacity { grow(to: count + n) }
        let to = base + count
        if n < 8 {
            // Cells are short: a byte loop beats a call to memcpy.
            for i in 0..<n { to[i] = b[i] }
        } else if n <= 64 {
            // A row's stretch of fields: eight bytes at a time, the last word overlapping.
            let from = UnsafeRawPointer(b.baseAddress!), dst = UnsafeMutableRawPointer(to)
            var i = 0
            while i < n &- 8 {
                dst.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
            dst.storeBytes(of: from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else {
            to.update(from: b.baseAddress!, count: n)
        }
        count += n
    }

    /// Appends a copy of its own bytes `from ..< from + count`.
    @inline(__always)
    mutating func appendCopy(from: Int, count n: Int) {
        if count + n > capacity { grow(to: count + n) }
        (base + count).update(from: base + from, count: n)
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
