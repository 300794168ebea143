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
/// costs at most 1.2x a contract file). The lists and maps live in memory the mapper allocates
/// (`free()` releases it), so the loop reads them with no retain, no closure and no uniqueness
/// check.
struct RowMapper {
    struct Take { var column: Int32, source: Int32 }
    struct MapStep {
        var column: Int32, source: Int32, map: Int32
        /// The map's parts read on every cell (`ByteValueMap.Hot`).
        var hot: ByteValueMap.Hot
    }
    struct DateStep { var column: Int32, sole: Bool }
    private let takes: UnsafeMutableBufferPointer<Take>
    private let mapSteps: UnsafeMutableBufferPointer<MapStep>
    private let dateSteps: UnsafeMutableBufferPointer<DateStep>
    /// The distinct source fields read, to find the stretch of the row to copy.
    private let used: UnsafeMutableBufferPointer<Int32>
    /// The last of `used` (-1 when none).
    private let lastUsed: Int32
    /// Bytes at the start of `row` that stay from row to row (the constants).
    private let fixed: Int
    /// Per value map: the compiled tables (plain data; they learn in place) and the map itself
    /// (the reference route for values the tables do not know yet).
    private let maps: UnsafeMutableBufferPointer<ByteValueMap>
    private let references: [ValueMap]
    private var row: RowBuffer
    /// Every column is taken as it is from the field of its own number (a profile that renames
    /// columns in contract order and, say, maps a value or swaps dates).
    private let inOrder: Bool
    /// Start and end of each contract column's bytes in `row`.
    private let bounds: UnsafeMutablePointer<Int32>
    /// Columns whose bounds no step writes (constants, columns the file lacks): the block route
    /// copies just these from `bounds`, the same on every row.
    private let settled: UnsafeMutableBufferPointer<Int32>
    /// The block route's positions in the current block (`startBlock`): where the constants
    /// start, then per value map where its `""` result and each few-keys result are.
    private let shared: UnsafeMutablePointer<Int>
    let columns: Int

    init(_ plans: [ColumnPlan]) {
        var takes: [Take] = [], mapSteps: [MapStep] = [], dateSteps: [DateStep] = []
        var maps: [ByteValueMap] = [], references: [ValueMap] = []
        var uses: [Int: Int] = [:]
        for p in plans where p.constant == nil && p.source >= 0 { uses[p.source, default: 0] += 1 }
        var row = RowBuffer()
        // The rewritten columns travel as bits of a UInt64, two of them kept for `MappedBlock.Row`.
        precondition(plans.count <= 62, "more than 62 contract columns")
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
                let compiled = ByteValueMap(v)
                mapSteps.append(MapStep(column: column, source: Int32(p.source), map: Int32(maps.count), hot: compiled.hot))
                maps.append(compiled)
                references.append(v)
            }
            if p.monthFirst { dateSteps.append(DateStep(column: column, sole: uses[p.source] == 1)) }
        }
        fixed = row.count
        self.row = row
        self.takes = Self.held(takes); self.mapSteps = Self.held(mapSteps); self.dateSteps = Self.held(dateSteps)
        self.maps = Self.held(maps); self.references = references
        let sources = uses.keys.sorted().map { Int32($0) }
        used = Self.held(sources)
        lastUsed = sources.last ?? -1
        inOrder = takes.count == plans.count && takes.indices.allSatisfy { takes[$0].column == $0 && takes[$0].source == $0 }
        shared = .allocate(capacity: 1 + mapSteps.count * Self.sharedPerMap)
        shared.initialize(repeating: 0, count: 1 + mapSteps.count * Self.sharedPerMap)
        settled = Self.held(plans.indices.filter { plans[$0].constant != nil || plans[$0].source < 0 }.map { Int32($0) })
    }

    /// A copy of `a` in memory of its own (freed by `free()`).
    private static func held<T>(_ a: [T]) -> UnsafeMutableBufferPointer<T> {
        let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(1, a.count))
        _ = b.initialize(from: a)
        return UnsafeMutableBufferPointer(rebasing: b[0..<a.count])
    }

    /// Frees the buffers; the mapper is not used after.
    func free() {
        bounds.deallocate()
        shared.deallocate()
        row.free()
        for m in maps { m.free() }
        for b in [UnsafeMutableRawPointer(takes.baseAddress!), UnsafeMutableRawPointer(mapSteps.baseAddress!),
                  UnsafeMutableRawPointer(dateSteps.baseAddress!), UnsafeMutableRawPointer(used.baseAddress!),
                  UnsafeMutableRawPointer(maps.baseAddress!), UnsafeMutableRawPointer(settled.baseAddress!)] {
            b.deallocate()
        }
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

    /// `build` on the compiled tables; a value they do not know yet sends the row through again,
    /// learning (once per distinct value; PROFILES.md 4).
    /// `out` holds the constants at `origin`; `bounds` gets offsets relative to `origin`.
    /// (The one-thread route; the parsing thread's is `mapInBlock`.)
    @inline(__always)
    private func mapRow(_ rec: CSVRecord, into out: inout RowBuffer, origin: Int, bounds: UnsafeMutablePointer<Int32>) -> UInt64 {
        if let r = build(rec, origin, bounds, &out, learning: false) { return r }
        return learn(rec, into: &out, origin: origin, bounds: bounds)
    }

    /// The row again when it holds a value its column's map has not met in this file: the maps
    /// answer by the reference route and learn the answer.
    @inline(never)
    private func learn(_ rec: CSVRecord, into out: inout RowBuffer, origin: Int, bounds: UnsafeMutablePointer<Int32>) -> UInt64 {
        build(rec, origin, bounds, &out, learning: true)!
    }

    /// One row through the lists (see the type's comment). Returns the rewritten bits, or nil
    /// (only when not `learning`) as soon as a mapped cell's value is unknown to its tables.
    /// The row is built in `out` from `origin`, where the `fixed` bytes of constants already
    /// are; every offset (in `bounds`, and below) is relative to `origin`.
    @inline(__always)
    private func build(_ rec: CSVRecord, _ origin: Int, _ bounds: UnsafeMutablePointer<Int32>, _ out: inout RowBuffer,
                       learning: Bool) -> UInt64? {
        out.truncate(to: origin &+ fixed)
        let fields = Int32(truncatingIfNeeded: rec.fieldCount)
        let src = rec.bounds
        // Every field used is in the row (always, but for a ragged workbook row).
        let whole = lastUsed < fields
        var lo = Int32.max, hi = Int32.min
        for s in used where s < fields {
            lo = min(lo, src[2 &* Int(s)])
            hi = max(hi, src[2 &* Int(s) &+ 1])
        }
        if lo < hi { out.append(rec.base + Int(lo), count: Int(hi &- lo)) } else { lo = 0 }
        let delta = Int32(truncatingIfNeeded: fixed) &- lo
        if whole {
            for t in takes {
                let c = 2 &* Int(t.column), s = 2 &* Int(t.source)
                bounds[c] = src[s] &+ delta
                bounds[c &+ 1] = src[s &+ 1] &+ delta
            }
        } else {
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
        }
        var rewritten: UInt64 = 0, own: UInt64 = 0
        for m in mapSteps {
            let c = Int(m.column)
            let map = maps.baseAddress! + Int(m.map)
            // Read from the source row: appends may move `out`.
            let b = m.source < fields
                ? UnsafeBufferPointer(start: rec.base + Int(src[2 &* Int(m.source)]),
                                      count: Int(src[2 &* Int(m.source) &+ 1] &- src[2 &* Int(m.source)]))
                : UnsafeBufferPointer(start: rec.base, count: 0)
            let at = Int32(truncatingIfNeeded: out.count &- origin)
            if b.isEmpty {
                // Only a `""` key rewrites an empty value (PROFILES.md 4).
                guard let e = m.hot.empty else { continue }
                out.append(e)
            } else {
                switch ByteValueMap.lookup(m.hot, map, b) {
                case .mapped(let p, let n):
                    out.append(p, count: n)
                case .unchanged:
                    continue
                case .unknown:
                    guard learning else { return nil }
                    guard map.pointee.learn(b, reference: references[Int(m.map)], into: &out) else { continue }
                }
            }
            bounds[2 &* c] = at
            bounds[2 &* c &+ 1] = Int32(truncatingIfNeeded: out.count &- origin)
            rewritten |= 1 &<< UInt64(truncatingIfNeeded: c)
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
            if MappedRecords.swapMonthFirst(out.base + (origin &+ start), count: end &- start) { rewritten |= 1 &<< UInt64(truncatingIfNeeded: c) }
        }
        return rewritten
    }
}

// MARK: The block route

/// The bytes after the parser's in a `RecordBlock`'s buffer, where the block route writes what a
/// mapped row holds that its source row does not (rewritten values, swapped dates, and once per
/// block the constants and the few-keys maps' results). Offsets, not pointers, are kept: making
/// room may move the buffer.
struct BlockTail {
    unowned(unsafe) let block: RecordBlock
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count: Int
    private var capacity: Int

    /// Starts after the block's records (the parser's bytes after them belong to a record it has
    /// moved to the next block).
    init(_ block: RecordBlock) {
        self.block = block
        var used = 0
        if let last = block.records.last {
            used = Int(last.start) + Int(block.bounds[Int(last.boundsAt) + 2 * Int(last.fieldCount) - 1])
        }
        base = block.buf
        count = used
        capacity = block.allocated
    }

    /// Room for `n` more bytes; `base` may change.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    @inline(never)
    private mutating func grow(_ n: Int) {
        block.reserveTail(used: count, count: n)
        base = block.buf
        capacity = block.allocated
    }

    /// Appends `n` bytes from outside the block's buffer.
    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        reserve(n)
        RowBuffer.copy(base + count, p, n)
        count &+= n
    }

    /// Appends a copy of its own bytes `from ..< from + n` (before `count`); returns where.
    @inline(__always)
    mutating func appendCopy(from: Int, count n: Int) -> Int {
        reserve(n)
        let at = count
        RowBuffer.copy(base + at, base + from, n)
        count &+= n
        return at
    }

    @inline(__always)
    mutating func truncate(to n: Int) { count = n }
}

extension RowMapper {
    /// Shared positions per value map: its `""` result, then one per few-keys result.
    static var sharedPerMap: Int { 1 + SmallKeys.limit }

    /// The block route's start of a block: writes the bytes rows may share to the tail, once.
    func startBlock(_ tail: inout BlockTail) {
        shared[0] = tail.count
        if fixed > 0 { tail.append(UnsafePointer(row.base), count: fixed) }
        for (m, step) in mapSteps.enumerated() {
            let at = shared + 1 + m * Self.sharedPerMap
            if let e = step.hot.empty {
                at[0] = tail.count
                if let p = e.baseAddress { tail.append(p, count: e.count) }
            }
            if let small = step.hot.small {
                for k in 0..<small.count {
                    let (p, n) = small.result(k)
                    at[1 + k] = tail.count
                    tail.append(p, count: n)
                }
            }
        }
    }

    /// The parsing thread's route (`BlockMapping`), for a CSV record of the block: the mapped
    /// record keeps the source record's bytes and start, and its bounds (`2 * columns`, written
    /// at `fb`, relative to the record's start) point into them for the columns taken as they
    /// are, and into the tail for the rest. The same record as `map`'s, without copying the row.
    /// The record must have the header's field count (checked before; so every field used is
    /// there). Returns the rewritten bits, as `map`.
    @inline(__always)
    func mapInBlock(start r0: Int, bounds src: UnsafePointer<Int32>, into tail: inout BlockTail,
                    fieldBounds fb: UnsafeMutablePointer<Int32>) -> UInt64 {
        let toShared = Int32(truncatingIfNeeded: shared[0] &- r0)
        for c in settled {
            // Constants sit at `shared[0]` as `init` laid them out; an absent column is empty.
            fb[2 &* Int(c)] = bounds[2 &* Int(c)] &+ toShared
            fb[2 &* Int(c) &+ 1] = bounds[2 &* Int(c) &+ 1] &+ toShared
        }
        if inOrder {
            // Every column from the field of the same number: the source's bounds as they are.
            RowBuffer.copy(UnsafeMutableRawPointer(fb).assumingMemoryBound(to: UInt8.self),
                           UnsafeRawPointer(src).assumingMemoryBound(to: UInt8.self), 8 &* columns)
        } else {
            for t in takes {
                let c = 2 &* Int(t.column), s = 2 &* Int(t.source)
                fb[c] = src[s]
                fb[c &+ 1] = src[s &+ 1]
            }
        }
        var rewritten: UInt64 = 0
        var m = 0
        while m < mapSteps.count {
            let at = shared + (1 &+ m &* Self.sharedPerMap)
            let step = mapSteps.baseAddress! + m
            m &+= 1
            let c = Int(step.pointee.column), s = 2 &* Int(step.pointee.source)
            let lo = src[s], hi = src[s &+ 1]
            var from: Int, n: Int
            if lo == hi {
                // Only a `""` key rewrites an empty value (PROFILES.md 4).
                guard let e = step.pointee.hot.empty else { continue }
                from = at[0]; n = e.count
            } else {
                let b = UnsafeBufferPointer(start: tail.base + r0 + Int(lo), count: Int(hi &- lo))
                if let small = step.pointee.hot.small, case let key = ByteKeyTable.Key(b), key.count <= SmallKeys.longest,
                   key.isASCII(b) {
                    if let k = small.index(key.folded) {
                        from = at[1 &+ k]; n = small.result(k).1
                    } else if !step.pointee.hot.hasPatterns {
                        continue
                    } else if let (f, k) = general(m &- 1, b, &tail) {
                        from = f; n = k
                    } else {
                        continue
                    }
                } else if let (f, k) = general(m &- 1, b, &tail) {
                    from = f; n = k
                } else {
                    continue
                }
            }
            fb[2 &* c] = Int32(truncatingIfNeeded: from &- r0)
            fb[2 &* c &+ 1] = Int32(truncatingIfNeeded: from &+ n &- r0)
            rewritten |= 1 &<< UInt64(truncatingIfNeeded: c)
        }
        for d in dateSteps {
            let c = Int(d.column)
            let lo = Int(fb[2 &* c]), hi = Int(fb[2 &* c &+ 1])
            guard lo < hi else { continue }
            // Swapped into bytes of their own: the source row keeps its bytes (rejects show
            // them), and a shared result serves other rows.
            let n = hi &- lo
            tail.reserve(n)
            let at = tail.count
            if MappedRecords.swapMonthFirst(tail.base + (r0 &+ lo), count: n, to: tail.base + at) {
                tail.truncate(to: at &+ n)
                fb[2 &* c] = Int32(truncatingIfNeeded: at &- r0)
                fb[2 &* c &+ 1] = Int32(truncatingIfNeeded: at &+ n &- r0)
                rewritten |= 1 &<< UInt64(truncatingIfNeeded: c)
            }
        }
        return rewritten
    }

    /// A value the few-keys scan does not answer: the map's tables, else the reference route
    /// (learnt). Returns where the mapped bytes now are in the tail, or nil (unchanged).
    @inline(never)
    private func general(_ m: Int, _ b: UnsafeBufferPointer<UInt8>, _ tail: inout BlockTail) -> (Int, Int)? {
        let step = mapSteps[m]
        let map = maps.baseAddress! + Int(step.map)
        let at = tail.count
        switch ByteValueMap.slowLookup(map, b) {
        case .mapped(let p, let n):
            tail.append(p, count: n)
            return (at, n)
        case .unchanged:
            return nil
        case .unknown:
            // `b` is read before the tail grows.
            guard let r = map.pointee.learn(b, reference: references[Int(step.map)]) else { return nil }
            r.withUnsafeBufferPointer { if let p = $0.baseAddress { tail.append(p, count: r.count) } }
            return (at, r.count)
        }
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
        guard let p = b.baseAddress else { return }
        append(p, count: b.count)
    }

    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, count n: Int) {
        if count &+ n > capacity { grow(to: count + n) }
        Self.copy(base + count, p, n)
        count &+= n
    }

    /// Copies `n` bytes between regions that do not overlap. Cells and a row's stretch of fields
    /// are short: a few (overlapping) word moves beat a call to memcpy, and a byte loop, which
    /// the compiler turns into that call.
    @inline(__always)
    static func copy(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>, _ n: Int) {
        let src = UnsafeRawPointer(from), dst = UnsafeMutableRawPointer(to)
        if n >= 8 {
            guard n <= 64 else { to.update(from: from, count: n); return }
            var i = 0
            while i < n &- 8 {
                dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            let a = src.loadUnaligned(as: UInt32.self), z = src.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            dst.storeBytes(of: a, as: UInt32.self)
            dst.storeBytes(of: z, toByteOffset: n &- 4, as: UInt32.self)
        } else if n >= 2 {
            let a = src.loadUnaligned(as: UInt16.self), z = src.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self)
            dst.storeBytes(of: a, as: UInt16.self)
            dst.storeBytes(of: z, toByteOffset: n &- 2, as: UInt16.self)
        } else if n == 1 {
            to[0] = from[0]
        }
    }

    /// Appends a copy of its own bytes `from ..< from + count`.
    @inline(__always)
    mutating func appendCopy(from: Int, count n: Int) {
        if count &+ n > capacity { grow(to: count + n) }
        Self.copy(base + count, base + from, n)
        count &+= n
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
