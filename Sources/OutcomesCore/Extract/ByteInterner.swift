/// Maps identifier bytes (child ids, school URNs) to small integer ids, creating a `String` only
/// the first time an identifier is seen.
///
/// An attendance file repeats the same few thousand ids millions of times; hashing the bytes in
/// an open-addressing table, with a one-entry cache for the common run of rows of one pupil,
/// keeps the per-row cost to a hash and a byte compare.
struct ByteInterner {
    /// The bytes of every id, back to back; id `i` is `arena[starts[i] ..< starts[i + 1]]`.
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// The identifiers as Strings, indexed by id.
    private(set) var strings: [String] = []
    /// Open-addressing table of ids (-1 empty); its size is a power of two, at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)
    private var last: Int32 = -1

    var count: Int { strings.count }
    /// Applied once to each new identifier's String (the pseudonymiser for child ids); the bytes,
    /// and so lookups and `less`, stay as read.
    var rename: ((String) -> String)?

    /// The id of `b`, interning it when new.
    @inline(__always)
    mutating func id(of b: UnsafeBufferPointer<UInt8>) -> Int32 {
        if last >= 0 && matches(last, b) { return last }
        let h = Self.hash(b)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s < 0 { last = insert(b, hash: h, at: i); return last }
            if hashes[Int(s)] == h && matches(s, b) { last = s; return s }
            i = (i + 1) & mask
        }
    }

    /// Whether id `a`'s bytes sort before id `b`'s (SQLite's BINARY order, the store's key order).
    func less(_ a: Int32, _ b: Int32) -> Bool {
        if a == b { return false }
        let sa = starts[Int(a)], ea = starts[Int(a) + 1], sb = starts[Int(b)], eb = starts[Int(b) + 1]
        return arena.withUnsafeBufferPointer { p in
            let n = min(ea - sa, eb - sb)
            var i = 0
            while i < n {
                let x = p[sa + i], y = p[sb + i]
                if x != y { return x < y }
                i += 1
            }
            return ea - sa < eb - sb
        }
    }

    @inline(__always)
    private func matches(_ id: Int32, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[Int(id)], end = starts[Int(id) + 1]
        guard end - start == b.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            b.isEmpty || memcmpEqual(a.baseAddress! + start, b.baseAddress!, b.count)
        }
    }

    private mutating func insert(_ b: UnsafeBufferPointer<UInt8>, hash h: UInt64, at slot: Int) -> Int32 {
        let id = Int32(strings.count)
        arena.append(contentsOf: b)
        starts.append(arena.count)
        hashes.append(h)
        let s = String(decoding: b, as: UTF8.self)
        strings.append(rename.map { $0(s) } ?? s)
        slots[slot] = id
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        var bigger = [Int32](repeating: -1, count: slots.count * 2)
        let mask = bigger.count - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while bigger[i] >= 0 { i = (i + 1) & mask }
            bigger[i] = Int32(id)
        }
        slots = bigger
    }

    /// FNV-1a, 64-bit: ids are short, so a simple byte loop beats a general-purpose hasher.
    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
