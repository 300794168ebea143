/// A `ValueMap` compiled once per file for the row loop (PROFILES.md 4): it answers from the
/// cell's bytes, with no `String` and no general-purpose hashing per row.
///
/// It gives exactly `ValueMap.map`'s answer (the reference route, kept for everything else):
/// - An empty value is rewritten only by a `""` key (`empty`; the mapping step never tries the
///   regexes on an empty value).
/// - Plain keys: an ASCII value, lower-cased byte by byte, is looked up among the lower-cased
///   keys. Only when every key is ASCII after lower-casing: then byte equality is `String`
///   equality (a non-ASCII key could be canonically equal to ASCII text, U+037E to `;`).
/// - Anything else (a regex key may match, a non-ASCII value, non-ASCII keys) goes through
///   `ValueMap.map` once per distinct value and is remembered by its exact bytes: a coded column
///   has few distinct values, so the regexes run a handful of times per file, not per row.
///
/// It is plain data (its tables live in memory it allocates), so the row loop reads it without
/// retaining anything; the owner calls `free()` once the file is read.
struct ByteValueMap {
    /// Trimmed result per plain key (when all are ASCII), and the whole map's answer per value seen.
    private var plain = ByteKeyTable()
    private let plainASCII: Bool
    private let hasPatterns: Bool
    private var memo = ByteKeyTable()
    /// At most `memoLimit` distinct values are remembered; later ones are mapped each time they
    /// occur (same answer, slower), so a column of free text cannot grow memory without bound.
    static let memoLimit = 1 << 16
    private let memoLimit: Int
    /// A map of a few short plain keys (the usual coded column: `Morning`/`Afternoon`, `1`/`2`)
    /// is scanned key by key instead of hashed: a key is its length and two words, so a probe is
    /// three compares (`SmallKeys`). Nil when the keys do not all fit.
    private let small: SmallKeys?
    /// What `""` maps to (trimmed), when the map has that key; in memory of its own.
    private let emptyResult: UnsafeMutableBufferPointer<UInt8>?

    /// `smallKeys: false` leaves the few-keys scan out (tests compare the two routes).
    init(_ map: ValueMap, memoLimit: Int = Self.memoLimit, smallKeys: Bool = true) {
        self.memoLimit = memoLimit
        hasPatterns = !map.patterns.isEmpty
        plainASCII = map.plain.keys.allSatisfy { k in k.utf8.allSatisfy { $0 < 0x80 } }
        var small: SmallKeys?, plain = ByteKeyTable()
        if plainASCII {
            // Keys are already lower-cased (`ValueMap.add`), so folding leaves them as they are.
            for (k, v) in map.plain {
                Array(k.utf8).withUnsafeBufferPointer { plain.insert(key: $0, fold: true, result: Array(MappedRecords.trim(v).utf8)) }
            }
            if smallKeys { small = SmallKeys(map.plain) }
        }
        self.plain = plain
        self.small = small
        emptyResult = Self.empty(map).map { e in
            let b = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, e.count))
            _ = b.initialize(from: e)
            return UnsafeMutableBufferPointer(rebasing: b[0..<e.count])
        }
    }

    func free() {
        plain.free(); memo.free(); small?.free()
        if let e = emptyResult { UnsafeMutablePointer(e.baseAddress!).deallocate() }
    }

    /// What `""` maps to (nil: empty values pass unchanged).
    static func empty(_ map: ValueMap) -> [UInt8]? { map.plain[""].map { Array(MappedRecords.trim($0).utf8) } }

    /// `empty(_:)` of the map this was compiled from, as bytes held here.
    @inline(__always)
    var emptyBytes: UnsafeBufferPointer<UInt8>? { emptyResult.map { UnsafeBufferPointer($0) } }

    enum Answer {
        /// The mapped value's bytes, held by the map: valid until the map next learns.
        case mapped(UnsafePointer<UInt8>, Int)
        case unchanged
        /// The tables do not know the value yet: call `learn`.
        case unknown
    }

    /// The answer for `b` (a trimmed non-empty cell) from the tables alone.
    @inline(__always)
    func lookup(_ b: UnsafeBufferPointer<UInt8>) -> Answer {
        var copy = self
        return withUnsafeMutablePointer(to: &copy) { Self.lookup($0, b) }
    }

    /// `lookup` on the map at `m`, read in place: the row loop holds its maps in plain memory, and
    /// calling a method on a copy would copy the whole map (nearly 200 bytes) per cell.
    /// (The tables are reached by `withUnsafeMutablePointer(to: &m.pointee.…)`, which gives
    /// their address without a copy; nothing is written.)
    static func lookup(_ m: UnsafeMutablePointer<ByteValueMap>, _ b: UnsafeBufferPointer<UInt8>) -> Answer {
        let key = ByteKeyTable.Key(b)
        if m.pointee.plainASCII, key.isASCII(b) {
            if let small = m.pointee.small {
                if key.count <= SmallKeys.longest, let (p, n) = small.find(key.folded) { return .mapped(p, n) }
            } else if case .hit(let p, let n) = withUnsafeMutablePointer(to: &m.pointee.plain, {
                ByteKeyTable.find($0, b, key.folded, fold: true)
            }) {
                return .mapped(p, n)
            }
            if !m.pointee.hasPatterns { return .unchanged }
        }
        switch withUnsafeMutablePointer(to: &m.pointee.memo, { ByteKeyTable.find($0, b, key, fold: false) }) {
        case .hit(let p, let n): return .mapped(p, n)
        case .noResult: return .unchanged
        case .absent: return .unknown
        }
    }

    /// What the row loop reads for every cell of the column, in a few words (`RowMapper.MapStep`):
    /// a map of few plain keys answers an ASCII value from these alone.
    struct Hot {
        let small: SmallKeys?
        let hasPatterns: Bool
        let empty: UnsafeBufferPointer<UInt8>?
    }

    var hot: Hot { Hot(small: small, hasPatterns: hasPatterns, empty: emptyBytes) }

    /// `lookup` for the row loop: the few-keys scan inline, anything else through the map at `m`.
    /// The same answers as `lookup(m, b)`, whose first step this repeats.
    @inline(__always)
    static func lookup(_ hot: Hot, _ m: UnsafeMutablePointer<ByteValueMap>, _ b: UnsafeBufferPointer<UInt8>) -> Answer {
        if let small = hot.small {  // only when every plain key is ASCII
            let key = ByteKeyTable.Key(b)
            if key.count <= SmallKeys.longest && key.isASCII(b) {
                if let (p, n) = small.find(key.folded) { return .mapped(p, n) }
                if !hot.hasPatterns { return .unchanged }
            }
        }
        return slowLookup(m, b)
    }

    @inline(never)
    static func slowLookup(_ m: UnsafeMutablePointer<ByteValueMap>, _ b: UnsafeBufferPointer<UInt8>) -> Answer {
        lookup(m, b)
    }

    /// `lookup` appending the mapped bytes to `out` (`.mapped`; nothing appended otherwise).
    @inline(__always)
    func lookup(_ b: UnsafeBufferPointer<UInt8>, into out: inout RowBuffer) -> Answer {
        let a = lookup(b)
        if case .mapped(let p, let n) = a { out.append(p, count: n) }
        return a
    }

    /// Maps `b` by the reference route (`reference`, the map this was compiled from), remembers
    /// the answer, and appends the mapped bytes to `out`; false (nothing appended) when no key
    /// matches.
    mutating func learn(_ b: UnsafeBufferPointer<UInt8>, reference: ValueMap, into out: inout RowBuffer) -> Bool {
        guard let result = learn(b, reference: reference) else { return false }
        result.withUnsafeBufferPointer { out.append($0) }
        return true
    }

    /// The reference route's answer for `b` (trimmed; nil when no key matches), remembered.
    mutating func learn(_ b: UnsafeBufferPointer<UInt8>, reference: ValueMap) -> [UInt8]? {
        let result = reference.map(String(decoding: b, as: UTF8.self)).map { Array(MappedRecords.trim($0).utf8) }
        if memo.count < memoLimit { memo.insert(key: b, fold: false, result: result) }
        return result
    }

    /// Both steps: true when mapped (bytes appended), false when the value passes unchanged.
    mutating func map(_ b: UnsafeBufferPointer<UInt8>, reference: ValueMap, into out: inout RowBuffer) -> Bool {
        switch lookup(b, into: &out) {
        case .mapped: return true
        case .unchanged: return false
        case .unknown: return learn(b, reference: reference, into: &out)
        }
    }
}

/// At most `limit` plain ASCII keys of at most 16 bytes each (lower-cased, the `""` key left out:
/// an empty cell never reaches a lookup), each held as `ByteKeyTable.Key` (its length and two
/// words, which for up to 16 bytes say every byte) beside its trimmed result. Finding a folded
/// value is a scan of a few entries, each rejected on its first differing compare: cheaper
/// than hashing when the keys are few, as a coded column's are.
struct SmallKeys {
    static let limit = 8
    static let longest = 16

    private struct Entry {
        var w0: UInt64, w1: UInt64
        var count: Int
        var result: UnsafePointer<UInt8>
        var resultCount: Int
    }
    private let entries: UnsafeMutableBufferPointer<Entry>
    /// The results' bytes, back to back.
    private let results: UnsafeMutablePointer<UInt8>

    /// Nil when there are more than `limit` keys or one is longer than `longest` bytes.
    /// `plain`: lower-cased ASCII keys to results (`ValueMap.plain`).
    init?(_ plain: [String: String]) {
        // Sorted, so the layout (and any tie-break) does not depend on the dictionary's order.
        let keys = plain.filter { !$0.key.isEmpty }.map { (Array($0.key.utf8), Array(MappedRecords.trim($0.value).utf8)) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        guard keys.count <= Self.limit, keys.allSatisfy({ $0.0.count <= Self.longest }) else { return nil }
        let total = keys.reduce(0) { $0 + $1.1.count }
        results = .allocate(capacity: max(1, total))
        entries = .allocate(capacity: keys.count)
        var at = 0
        for (i, (k, r)) in keys.enumerated() {
            r.withUnsafeBufferPointer { if let p = $0.baseAddress { (results + at).initialize(from: p, count: r.count) } }
            let key = k.withUnsafeBufferPointer { ByteKeyTable.Key($0) }
            (entries.baseAddress! + i).initialize(to: Entry(w0: key.w0, w1: key.w1, count: k.count, result: UnsafePointer(results + at),
                                                            resultCount: r.count))
            at += r.count
        }
    }

    func free() {
        entries.deallocate()
        results.deallocate()
    }

    var count: Int { entries.count }

    /// The result of the key equal to `k` (a folded key of at most `longest` bytes), or nil.
    @inline(__always)
    func find(_ k: ByteKeyTable.Key) -> (UnsafePointer<UInt8>, Int)? {
        index(k).map { result($0) }
    }

    /// Which key equals `k` (a folded key of at most `longest` bytes), or nil.
    @inline(__always)
    func index(_ k: ByteKeyTable.Key) -> Int? {
        var i = 0
        while i < entries.count {
            let e = entries[i]
            if e.count == k.count && e.w0 == k.w0 && e.w1 == k.w1 { return i }
            i &+= 1
        }
        return nil
    }

    /// Key `i`'s result.
    @inline(__always)
    func result(_ i: Int) -> (UnsafePointer<UInt8>, Int) { (entries[i].result, entries[i].resultCount) }
}

/// Byte strings to results (or to "no result") in an open-addressing table, for `ByteValueMap`.
///
/// A cell is compared as its length and two words, its first and last 8 bytes (overlapping
/// below 16 bytes, packed below 8): for up to 16 bytes these say every byte, so a probe is a
/// hash of two words and three compares; longer cells also compare (and hash) the bytes between.
/// With `fold`, ASCII letters are lower-cased eight at a time, so a table of lower-case keys
/// answers case-insensitively without building a lower-cased copy (callers fold only ASCII).
struct ByteKeyTable {
    /// A cell's length and words, raw (`folded` for a folding table).
    struct Key {
        var w0: UInt64, w1: UInt64
        let count: Int

        init(w0: UInt64, w1: UInt64, count: Int) { self.w0 = w0; self.w1 = w1; self.count = count }

        @inline(__always)
        init(_ b: UnsafeBufferPointer<UInt8>) {
            count = b.count
            guard let base = b.baseAddress, count > 0 else { w0 = 0; w1 = 0; return }
            let p = UnsafeRawPointer(base)
            if count >= 8 {
                w0 = p.loadUnaligned(as: UInt64.self)
                w1 = p.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            } else if count >= 4 {
                w0 = UInt64(p.loadUnaligned(as: UInt32.self)) | UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
                w1 = 0
            } else {
                w0 = UInt64(base[0]) | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1]) << 16
                w1 = 0
            }
        }

        /// Whether every byte is ASCII (the words hold every byte up to 16).
        @inline(__always)
        func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
            if count <= 16 { return (w0 | w1) & 0x8080_8080_8080_8080 == 0 }
            var any: UInt8 = 0
            for c in b { any |= c }
            return any < 0x80
        }

        /// ASCII letters lower-cased in both words (every byte must be below 0x80: no carries).
        @inline(__always)
        var folded: Key {
            var k = self
            k.w0 = Self.fold(w0); k.w1 = Self.fold(w1)
            return k
        }

        @inline(__always)
        static func fold(_ w: UInt64) -> UInt64 {
            let atLeastA = w &+ 0x3F3F_3F3F_3F3F_3F3F  // high bit set where byte >= 0x41
            let aboveZ = w &+ 0x2525_2525_2525_2525    // high bit set where byte >= 0x5B
            let upper = atLeastA & ~aboveZ & 0x8080_8080_8080_8080
            return w | (upper >> 2)
        }
    }

    /// One key and its result, back to back in `arena`: key `keyStart..<resultStart`, result
    /// `resultStart..<end`.
    private struct Entry {
        var w0: UInt64, w1: UInt64
        var count: Int32, keyStart: Int32, resultStart: Int32, end: Int32
        /// False for a remembered "no key matches".
        var hasResult: Bool
    }
    // Plain memory, so that the table is plain data (see `ByteValueMap`); `free()` releases it.
    private var arena = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
    private var arenaCount = 0, arenaCapacity = 64
    private var entries = UnsafeMutablePointer<Entry>.allocate(capacity: 8)
    private(set) var count = 0
    private var entryCapacity = 8
    /// Entry per slot (-1 empty); a power of two, at most half full.
    private var slots: UnsafeMutablePointer<Int32>
    private var mask = 15

    init() {
        slots = .allocate(capacity: 16)
        slots.initialize(repeating: -1, count: 16)
    }

    func free() {
        arena.deallocate(); entries.deallocate(); slots.deallocate()
    }

    enum Found {
        /// The result's bytes, in the table's memory: valid until the next `insert`.
        case hit(UnsafePointer<UInt8>, Int)
        case noResult, absent
    }

    /// The result for `b` (whose key is `k`, folded when `fold`) (`.hit`); or that `b` is there
    /// without a result (`.noResult`), or not there.
    @inline(__always)
    func find(_ b: UnsafeBufferPointer<UInt8>, _ k: Key, fold: Bool) -> Found {
        var copy = self
        return withUnsafeMutablePointer(to: &copy) { Self.find($0, b, k, fold: fold) }
    }

    /// `find` on the table at `t`, read in place (a table is eight words: not copied per probe).
    @inline(__always)
    static func find(_ t: UnsafeMutablePointer<ByteKeyTable>, _ b: UnsafeBufferPointer<UInt8>, _ k: Key, fold: Bool) -> Found {
        let mask = t.pointee.mask, slots = t.pointee.slots, entries = t.pointee.entries
        var i = Int(truncatingIfNeeded: Self.hash(b, k, fold: fold)) & mask
        while true {
            let s = Int(slots[i])
            if s < 0 { return .absent }
            let e = entries[s]
            if e.w0 == k.w0 && e.w1 == k.w1 && Int(e.count) == k.count
                && (k.count <= 16 || t.pointee.middleEqual(b, e.keyStart, fold: fold)) {
                guard e.hasResult else { return .noResult }
                return .hit(UnsafePointer(t.pointee.arena + Int(e.resultStart)), Int(e.end - e.resultStart))
            }
            i = (i + 1) & mask
        }
    }

    /// Bytes 8 ..< count - 8 of `b` against the key at `keyStart` (the words hold the rest).
    private func middleEqual(_ b: UnsafeBufferPointer<UInt8>, _ keyStart: Int32, fold: Bool) -> Bool {
        let key = arena + Int(keyStart)
        for j in 8..<(b.count - 8) where (fold ? Self.lower(b[j]) : b[j]) != key[j] { return false }
        return true
    }

    /// Adds `key` (absent; lower case when `fold`) with its result (nil: "no key matches").
    mutating func insert(key: UnsafeBufferPointer<UInt8>, fold: Bool, result: [UInt8]?) {
        var k = Key(key)
        if fold { k = k.folded }
        let keyStart = Int32(arenaCount)
        append(key)
        let resultStart = Int32(arenaCount)
        if let result { result.withUnsafeBufferPointer { append($0) } }
        if count == entryCapacity {
            let bigger = UnsafeMutablePointer<Entry>.allocate(capacity: entryCapacity * 2)
            bigger.moveInitialize(from: entries, count: count)
            entries.deallocate()
            entries = bigger
            entryCapacity *= 2
        }
        (entries + count).initialize(to: Entry(w0: k.w0, w1: k.w1, count: Int32(key.count), keyStart: keyStart,
                                               resultStart: resultStart, end: Int32(arenaCount), hasResult: result != nil))
        count += 1
        if count * 2 > mask + 1 {
            slots.deallocate()
            let n = (mask + 1) * 2
            slots = .allocate(capacity: n)
            slots.initialize(repeating: -1, count: n)
            mask = n - 1
            for e in 0..<count { place(Int32(e)) }
        } else {
            place(Int32(count - 1))
        }
    }

    private mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
        if arenaCount + b.count > arenaCapacity {
            var cap = arenaCapacity * 2
            while cap < arenaCount + b.count { cap *= 2 }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
            bigger.update(from: arena, count: arenaCount)
            arena.deallocate()
            arena = bigger
            arenaCapacity = cap
        }
        if let p = b.baseAddress { (arena + arenaCount).update(from: p, count: b.count) }
        arenaCount += b.count
    }

    /// Files entry `e` in its slot; its key's bytes are in the arena, already folded when the
    /// table folds, so hashing them without folding gives the probe's hash.
    private func place(_ e: Int32) {
        let en = entries[Int(e)]
        let key = UnsafeBufferPointer(start: arena + Int(en.keyStart), count: Int(en.count))
        let k = Key(w0: en.w0, w1: en.w1, count: Int(en.count))
        var i = Int(truncatingIfNeeded: Self.hash(key, k, fold: false)) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = e
    }

    @inline(__always)
    static func lower(_ c: UInt8) -> UInt8 { c &- 0x41 < 26 ? c | 0x20 : c }

    /// Mixes the words and length; longer cells add their middle bytes (folded when `fold`).
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>, _ k: Key, fold: Bool) -> UInt64 {
        var h = (k.w0 &* 0x9E37_79B9_7F4A_7C15) ^ ((k.w1 &+ UInt64(k.count)) &* 0xC2B2_AE3D_27D4_EB4F)
        if k.count > 16 {
            for j in 8..<(k.count - 8) { h = (h ^ UInt64(fold ? lower(b[j]) : b[j])) &* 0x0000_0100_0000_01b3 }
        }
        h ^= h >> 29
        h &*= 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }
}
