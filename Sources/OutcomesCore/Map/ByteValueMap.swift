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

    init(_ map: ValueMap, memoLimit: Int = Self.memoLimit) {
        self.memoLimit = memoLimit
        hasPatterns = !map.patterns.isEmpty
        plainASCII = map.plain.keys.allSatisfy { k in k.utf8.allSatisfy { $0 < 0x80 } }
        if plainASCII {
            // Keys are already lower-cased (`ValueMap.add`), so folding leaves them as they are.
            for (k, v) in map.plain {
                Array(k.utf8).withUnsafeBufferPointer { plain.insert(key: $0, fold: true, result: Array(MappedRecords.trim(v).utf8)) }
            }
        }
    }

    func free() { plain.free(); memo.free() }

    /// What `""` maps to (nil: empty values pass unchanged).
    static func empty(_ map: ValueMap) -> [UInt8]? { map.plain[""].map { Array(MappedRecords.trim($0).utf8) } }

    enum Answer { case mapped, unchanged, unknown }

    /// The answer for `b` (a trimmed non-empty cell) from the tables alone, appending the mapped
    /// bytes to `out` when `.mapped`. `.unknown`: call `learn`.
    @inline(__always)
    func lookup(_ b: UnsafeBufferPointer<UInt8>, into out: inout RowBuffer) -> Answer {
        let key = ByteKeyTable.Key(b)
        if plainASCII, key.isASCII(b) {
            if plain.find(b, key.folded, fold: true, into: &out) == .hit { return .mapped }
            if !hasPatterns { return .unchanged }
        }
        switch memo.find(b, key, fold: false, into: &out) {
        case .hit: return .mapped
        case .noResult: return .unchanged
        case .absent: return .unknown
        }
    }

    /// Maps `b` by the reference route (`reference`, the map this was compiled from), remembers
    /// the answer, and appends the mapped bytes to `out`; false (nothing appended) when no key
    /// matches.
    mutating func learn(_ b: UnsafeBufferPointer<UInt8>, reference: ValueMap, into out: inout RowBuffer) -> Bool {
        let result = reference.map(String(decoding: b, as: UTF8.self)).map { Array(MappedRecords.trim($0).utf8) }
        if memo.count < memoLimit { memo.insert(key: b, fold: false, result: result) }
        guard let result else { return false }
        result.withUnsafeBufferPointer { out.append($0) }
        return true
    }

    /// `lookup` on the map at `m`, read in place (the row loop holds the maps as a buffer).
    @inline(__always)
    static func lookup(_ m: UnsafePointer<ByteValueMap>, _ b: UnsafeBufferPointer<UInt8>, into out: inout RowBuffer) -> Answer {
        m.pointee.lookup(b, into: &out)
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

    enum Found { case hit, noResult, absent }

    /// Appends the result for `b` (whose key is `k`, folded when `fold`) to `out` (`.hit`); or
    /// says that `b` is there without a result (`.noResult`), or not there.
    @inline(__always)
    func find(_ b: UnsafeBufferPointer<UInt8>, _ k: Key, fold: Bool, into out: inout RowBuffer) -> Found {
        var i = Int(truncatingIfNeeded: Self.hash(b, k, fold: fold)) & mask
        while true {
            let s = Int(slots[i])
            if s < 0 { return .absent }
            let e = entries[s]
            if e.w0 == k.w0 && e.w1 == k.w1 && Int(e.count) == k.count && (k.count <= 16 || middleEqual(b, e.keyStart, fold: fold)) {
                guard e.hasResult else { return .noResult }
                out.append(UnsafeBufferPointer(start: arena + Int(e.resultStart), count: Int(e.end - e.resultStart)))
                return .hit
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
