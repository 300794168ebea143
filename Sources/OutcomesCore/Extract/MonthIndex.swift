/// The month entries of an `AttendanceBatch` by key: an open-addressing table (linear probing)
/// of entry numbers, the keys themselves in the batch's `keys`.
///
/// It replaces a `Dictionary<MonthKey, Int32>`: a county year makes about 240,000 entries, and
/// hashing each key twice with the standard library's seeded SipHash (once to find it missing,
/// once to insert it) cost more than the rest of a new entry (issue 16). Three small integers
/// need only a multiply-and-mix; the table is never iterated, so nothing depends on its order.
struct MonthIndex {
    /// Entry numbers (-1 empty); the size is a power of two, at most half full.
    private var slots = [Int32](repeating: -1, count: 1 << 12)
    private var count = 0

    @inline(__always)
    private static func hash(_ k: AttendanceBatch.MonthKey) -> Int {
        var h = UInt64(UInt32(bitPattern: k.child)) &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(UInt32(bitPattern: k.school)) &* 0xC2B2_AE3D_27D4_EB4F
        h ^= UInt64(UInt32(bitPattern: k.month)) &* 0x1656_67B1_9E37_79F9
        return Int(truncatingIfNeeded: h ^ (h >> 31))
    }

    /// The entry holding `key`, if any.
    @inline(__always)
    func find(_ key: AttendanceBatch.MonthKey, keys: [AttendanceBatch.MonthKey]) -> Int32? {
        let mask = slots.count - 1
        var i = Self.hash(key) & mask
        while true {
            let w = slots[i]
            if w < 0 { return nil }
            if keys[Int(w)] == key { return w }
            i = (i + 1) & mask
        }
    }

    /// Files entry `w`, whose key (`keys[w]`) is not in the table.
    mutating func insert(_ w: Int32, keys: [AttendanceBatch.MonthKey]) {
        if (count + 1) * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            count = 0
            for (v, k) in keys.enumerated() where k.child >= 0 && v != Int(w) { place(Int32(v), k) }
        }
        place(w, keys[Int(w)])
    }

    private mutating func place(_ w: Int32, _ k: AttendanceBatch.MonthKey) {
        let mask = slots.count - 1
        var i = Self.hash(k) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = w
        count += 1
    }

    /// Files again every live entry of `keys` (`child >= 0`), after a spill freed some: linear
    /// probing cannot simply empty a slot.
    mutating func rebuild(keys: [AttendanceBatch.MonthKey]) {
        for i in slots.indices { slots[i] = -1 }
        count = 0
        for (v, k) in keys.enumerated() where k.child >= 0 { place(Int32(v), k) }
    }
}
