/// One attendance file packed straight into calendar months, the store's shape, with the
/// within-file duplicate rule applied.
///
/// A county year is about 8 million sessions, so rows never become objects: each accepted
/// session sets one of the 62 slots (`2 × (day − 1) + (PM ? 1 : 0)`) of its (child, school,
/// month) entry. A slot already set by this file makes the row a duplicate naming the slot's
/// first line. Two schools on the same date are different entries, hence different sessions
/// (PRECISE.md 21). Invariant: `rowsRead == loaded + rejected`, where `loaded` counts sessions.
///
/// Memory is bounded when the batch has a `sink` (the store, inside the file's transaction): at
/// most `capacity` entries stay in memory. When a new entry finds no room, the least recently
/// touched half is written to the store (merged like any later row) and each entry's first lines
/// are staged, so a key that comes back later in the file is reloaded and duplicates are still
/// named exactly. Exports come ordered by pupil or by date, so a spilled entry rarely returns.
/// Without a sink the batch holds everything (`months()`, for validation and tests).
public struct AttendanceBatch {
    public let validator: AttendanceValidator
    /// Rejected rows in file order, with bounded memory.
    public let spool: RejectSpool
    /// Every reject read back from the spool (small files and tests).
    public var rejects: [Reject] { (try? spool.all()) ?? [] }
    public private(set) var rowsRead = 0
    /// Physical lines read and rejected: the reject limit weighs each record by the lines it
    /// spans (PRECISE.md 29).
    public private(set) var linesRead = 0
    public private(set) var linesRejected = 0
    /// Accepted sessions.
    public private(set) var loaded = 0
    public var rejected: Int { spool.count }
    /// Most month entries held in memory (with a sink).
    public let capacity: Int
    /// Month entries written out before the end of the file.
    public private(set) var spilled = 0

    /// Enough for a county year (about 240,000 entries) to stay in memory and never spill, so it
    /// loads as fast as before; about 350 bytes an entry, so about 90 MB at most.
    public static let defaultCapacity = 1 << 18

    /// Where spills go: the store directly, or through the caller's thread when this batch is
    /// filled ahead of its file's turn on another thread (`CallerRelay`, docs/PERFORMANCE.md).
    private let sink: AttendanceSink?
    private let relay: CallerRelay<AttendanceSink>?
    private var bounded: Bool { sink != nil || relay != nil }
    private var children = ByteInterner()
    private var schools = ByteInterner()
    private var monthIndex = MonthIndex()
    /// The key held in each entry slot (`child == -1`: free).
    private var keys: [MonthKey] = []
    /// 62 mark numbers per month entry, in entry order (0 = no mark, `stored` = set by this file
    /// and already written to the store).
    private var marks: [UInt8] = []
    /// 62 first lines per entry, for the duplicate reason.
    private var lines: [Int32] = []
    /// The record number that last touched each entry slot (the eviction order).
    private var touched: [Int] = []
    private var freeSlots: [Int32] = []
    /// Per child id: the index of the month it touched last (-1 none). Exports come ordered by
    /// pupil or by date, so a pupil's next session is nearly always in that same month.
    private var lastMonthOfChild: [Int32] = []
    /// Per child id: a 64-bit filter of its (school, month) entries spilled so far; a miss on a
    /// clear bit needs no staging lookup.
    private var spilledBits: [UInt64] = []

    /// `month` holds the month index (`year × 12 + month − 1`).
    struct MonthKey: Hashable {
        var child: Int32, school: Int32, month: Int32
    }
    static let slots = 62
    static let stored: UInt8 = 0xFF
    static let freeKey = MonthKey(child: -1, school: -1, month: -1)

    public init(_ validator: AttendanceValidator, capacity: Int = defaultCapacity, sink: AttendanceSink? = nil,
                spool: RejectSpool? = nil) {
        self.validator = validator
        self.spool = spool ?? RejectSpool(file: validator.file)
        self.sink = sink
        relay = nil
        self.capacity = sink == nil ? Int.max : max(1, capacity)
        if let p = validator.pseudonymiser { children.rename = { p.pseudonym($0) } }
    }

    /// A batch filled on a worker thread ahead of its file's turn: it holds at most `capacity`
    /// entries like one with a sink, and what it writes to the store before `finish` (a spill, a
    /// staged lookup) runs on the caller's thread through `relay`, once the caller serves it
    /// inside the file's transaction. `finish` then uses the sink the caller served with.
    init(_ validator: AttendanceValidator, capacity: Int = defaultCapacity, relay: CallerRelay<AttendanceSink>,
         spool: RejectSpool) {
        self.validator = validator
        self.spool = spool
        sink = nil
        self.relay = relay
        self.capacity = max(1, capacity)
        if let p = validator.pseudonymiser { children.rename = { p.pseudonym($0) } }
    }

    /// Runs `body` with the store's sink: here, or on the caller's thread for a relayed batch
    /// (this thread waiting, so the batch has one user at a time).
    private mutating func withSink(_ body: (inout AttendanceBatch, AttendanceSink) throws -> Void) throws {
        if let sink {
            try body(&self, sink)
        } else if let relay {
            try relay.run { sink in try body(&self, sink) }
        }
    }

    /// Validates one data record and packs its session, or files its reject.
    public mutating func add(_ rec: CSVRecord) throws {
        rowsRead += 1
        linesRead += rec.lineSpan
        switch validator.validate(rec) {
        case .failure(let r):
            linesRejected += rec.lineSpan
            spool.append(Reasons.spanning(r, lines: rec.lineSpan))
        case .success(let s):
            if try !pack(s, line: rec.line) { linesRejected += rec.lineSpan }
        }
    }

    /// Files a row the mapping step rejected before validation (a wrong field count) that spans
    /// `lines` physical lines.
    public mutating func add(rejected r: Reject, lines: Int = 1) {
        rowsRead += 1
        linesRead += lines
        linesRejected += lines
        spool.append(Reasons.spanning(r, lines: lines))
    }

    /// Packs an accepted session; false when it is a duplicate (then rejected).
    @inline(__always)
    private mutating func pack(_ s: AttendanceSession, line: Int) throws -> Bool {
        let c = (year: s.year, month: s.month, day: s.day)  // as parsed: no day-number round trip
        let key = MonthKey(child: children.id(of: s.childID), school: schools.id(of: s.schoolURN),
                          month: Int32(c.year * 12 + c.month - 1))
        let w = try entry(for: key)
        touched[w] = rowsRead
        let slot = w * Self.slots + 2 * (c.day - 1) + (s.pm ? 1 : 0)
        if marks[slot] != 0 {
            spool.append(duplicate(s, line: line, firstLine: Int(lines[slot])))
            return false
        }
        marks[slot] = s.mark
        lines[slot] = Int32(truncatingIfNeeded: line)
        loaded += 1
        return true
    }

    /// The month entry's index, adding an empty month entry when new (or reloading it when it
    /// was spilled); the child's last month entry is checked before the dictionary.
    @inline(__always)
    private mutating func entry(for key: MonthKey) throws -> Int {
        let c = Int(key.child)
        if c < lastMonthOfChild.count {
            let last = Int(lastMonthOfChild[c])
            if last >= 0 && keys[last] == key { return last }
        } else {
            lastMonthOfChild.append(contentsOf: repeatElement(-1, count: c + 1 - lastMonthOfChild.count))
        }
        let w: Int
        if let found = monthIndex.find(key, keys: keys) {
            w = Int(found)
        } else {
            w = try newEntry(key)
        }
        lastMonthOfChild[c] = Int32(w)
        return w
    }

    private mutating func newEntry(_ key: MonthKey) throws -> Int {
        if freeSlots.isEmpty && keys.count >= capacity { try spill() }
        let w: Int
        if let f = freeSlots.popLast() {
            w = Int(f)
            keys[w] = key
        } else {
            w = keys.count
            keys.append(key)
            touched.append(0)
            marks.append(contentsOf: repeatElement(0, count: Self.slots))
            lines.append(contentsOf: repeatElement(0, count: Self.slots))
        }
        monthIndex.insert(Int32(w), keys: keys)
        let c = Int(key.child)
        if bounded, c < spilledBits.count, spilledBits[c] & Self.bit(key) != 0 {
            var staged: [UInt8]?
            try withSink { _, sink in
                staged = try sink.staged(child: key.child, school: key.school, month: key.month)
            }
            if let blob = staged {
                Self.decodeLines(blob) { slot, line in
                    marks[w * Self.slots + slot] = Self.stored
                    lines[w * Self.slots + slot] = line
                }
            }
        }
        return w
    }

    @inline(__always)
    static func bit(_ k: MonthKey) -> UInt64 {
        1 << UInt64((Int(k.month) &+ Int(k.school) &* 31) & 63)
    }

    /// Writes the least recently touched half of the entries to the sink and frees their slots.
    /// A relayed batch hands the spill to the caller's thread and packs on while it is written
    /// (docs/PERFORMANCE.md "Spills written while the file reads on"): the spill owns a copy of
    /// its months and staged lines, and the next spill or staged lookup waits for it to end.
    private mutating func spill() throws {
        let out = takeSpill()
        if let sink {
            try out.write(to: sink)
        } else if let relay {
            try relay.post { sink in try out.write(to: sink) }
        }
    }

    /// Takes the least recently touched half of the entries out of the batch, in the store's key
    /// order, with their marks packed as stored and their first lines encoded for staging.
    private mutating func takeSpill() -> Spill {
        let live = keys.indices.filter { keys[$0].child >= 0 }
        let n = max(1, live.count / 2)
        var order = Array(live.sorted { touched[$0] < touched[$1] }.prefix(n))
        sortByKey(&order)
        var out = Spill()
        out.reserve(order.count)
        var days: [Int] = []
        days.reserveCapacity(order.count)
        for w in order {
            let k = keys[w]
            out.children.append(children.strings[Int(k.child)])
            out.schools.append(schools.strings[Int(k.school)])
            out.childIDs.append(k.child)
            out.schoolIDs.append(k.school)
            out.months.append(k.month)
            let m = Month(index: Int(k.month))
            days.append(Days.daysInMonth(year: m.year, month: m.month))
            let c = Int(k.child)
            if c >= spilledBits.count {
                spilledBits.append(contentsOf: repeatElement(0, count: c + 1 - spilledBits.count))
            }
            spilledBits[c] |= Self.bit(k)
            keys[w] = Self.freeKey
            freeSlots.append(Int32(w))
        }
        // The marks packed and the first lines encoded straight from the slots, which are then
        // cleared: on the reading thread, so done on raw buffers, one copy per entry (element by
        // element appends were most of a spill's time there; docs/PERFORMANCE.md).
        marks.withUnsafeMutableBufferPointer { m in
            lines.withUnsafeMutableBufferPointer { l in
                for (i, w) in order.enumerated() {
                    let base = w * Self.slots
                    Self.takeEntry(marks: m.baseAddress! + base, lines: l.baseAddress! + base, sessions: 2 * days[i],
                                   into: &out)
                }
            }
        }
        spilled += order.count
        monthIndex.rebuild(keys: keys)
        // Lowest slot first off the free list, so the layout does not depend on the sort.
        freeSlots.sort(by: >)
        return out
    }

    /// Appends one entry's marks as stored (`pack`) and its first lines as staged to `out`, and
    /// clears its slots. The staged form (read back by `decodeLines`): a 64-bit little-endian
    /// mask of the slots this file set, then each set slot's line as a LEB128 varint of its
    /// zigzag difference from the previous.
    private static func takeEntry(marks m: UnsafeMutablePointer<UInt8>, lines l: UnsafeMutablePointer<Int32>,
                                  sessions n: Int, into out: inout Spill) {
        // At most 8 bytes of mask and a 5-byte varint (a zigzagged 32-bit difference) a slot.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 8 + 5 * slots) { buf in
            let b = buf.baseAddress!
            for s in 0..<n {
                let v = m[s]
                b[s] = StoreSchema.noMark &+ (v == stored ? 0 : v)
            }
            out.marks.append(contentsOf: UnsafeBufferPointer(start: b, count: n))
            out.markEnds.append(out.marks.count)
            var mask: UInt64 = 0
            var p = 8
            var prev: Int64 = 0
            for s in 0..<slots where m[s] != 0 {
                mask |= 1 << UInt64(s)
                let line = Int64(l[s])
                let d = line - prev
                prev = line
                var z = UInt64(bitPattern: (d << 1) ^ (d >> 63))
                while z >= 0x80 { b[p] = UInt8(z & 0x7F) | 0x80; p += 1; z >>= 7 }
                b[p] = UInt8(z); p += 1
            }
            for i in 0..<8 { b[i] = UInt8(truncatingIfNeeded: mask >> UInt64(8 * i)) }
            out.lines.append(contentsOf: UnsafeBufferPointer(start: b, count: p))
            out.lineEnds.append(out.lines.count)
        }
        m.update(repeating: 0, count: slots)
        l.update(repeating: 0, count: slots)
    }

    /// One spill's month entries, in key order, owning everything it writes: it can be written on
    /// another thread while the batch it came from fills again.
    struct Spill: Sendable {
        var children: [String] = [], schools: [String] = [], months: [Int32] = []
        /// The batch's numbers for each entry's child and school: the staging table's key.
        var childIDs: [Int32] = [], schoolIDs: [Int32] = []
        /// Each entry's marks as stored (`2 × days-in-month` bytes), ending at `markEnds[i]`.
        var marks: [UInt8] = [], markEnds: [Int] = []
        /// Each entry's staged first lines (`takeEntry`), ending at `lineEnds[i]`.
        var lines: [UInt8] = [], lineEnds: [Int] = []

        mutating func reserve(_ n: Int) {
            children.reserveCapacity(n); schools.reserveCapacity(n); months.reserveCapacity(n)
            childIDs.reserveCapacity(n); schoolIDs.reserveCapacity(n)
            markEnds.reserveCapacity(n); lineEnds.reserveCapacity(n)
            marks.reserveCapacity(n * AttendanceBatch.slots)
            lines.reserveCapacity(n * 48)
        }

        /// Each entry's month written (merged) and its first lines staged, in key order, then the
        /// spill's end: the calls, and so the store, of a spill written in place.
        func write(to sink: AttendanceSink) throws {
            try marks.withUnsafeBufferPointer { m in
                try lines.withUnsafeBufferPointer { l in
                    var m0 = 0, l0 = 0
                    for i in months.indices {
                        let m1 = markEnds[i], l1 = lineEnds[i]
                        try sink.write(child: children[i], school: schools[i], month: Month(index: Int(months[i])),
                                       marks: UnsafeBufferPointer(rebasing: m[m0..<m1]))
                        try sink.stage(child: childIDs[i], school: schoolIDs[i], month: months[i],
                                       lines: UnsafeBufferPointer(rebasing: l[l0..<l1]))
                        m0 = m1; l0 = l1
                    }
                }
            }
            try sink.spilled()
        }
    }

    /// Orders entry slots by (child id bytes, school URN bytes, month): the store's key order.
    private func sortByKey(_ a: inout [Int]) {
        let children = self.children, schools = self.schools, keys = self.keys
        a.sort { i, j in
            let x = keys[i], y = keys[j]
            if x.child != y.child { return children.less(x.child, y.child) }
            if x.school != y.school { return schools.less(x.school, y.school) }
            return x.month < y.month
        }
    }

    /// Writes one entry's marks (this file's sessions not yet written) to the store.
    private func write(_ w: Int, to sink: AttendanceSink) throws {
        let k = keys[w]
        let m = Month(index: Int(k.month))
        let n = 2 * Days.daysInMonth(year: m.year, month: m.month)
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { packed in
            pack(w, n, into: packed)
            try sink.write(child: children.strings[Int(k.child)], school: schools.strings[Int(k.school)],
                           month: m, marks: UnsafeBufferPointer(packed))
        }
    }

    /// An entry's marks as the store keeps them (`'0'` for none or for a session written
    /// before, `'0' + mark number`), two per day of its month.
    @inline(__always)
    private func pack(_ w: Int, _ n: Int, into packed: UnsafeMutableBufferPointer<UInt8>) {
        for s in 0..<n {
            let v = marks[w * Self.slots + s]
            packed[s] = StoreSchema.noMark &+ (v == Self.stored ? 0 : v)
        }
    }

    /// Writes every entry still in memory, in key order, and ends the staging. The batch must not
    /// be added to afterwards.
    public func finish() throws {
        guard let sink = sink ?? relay?.context else { return }
        var order = keys.indices.filter { keys[$0].child >= 0 }
        sortByKey(&order)
        for w in order { try write(w, to: sink) }
        try sink.finish()
    }

    static func decodeLines(_ b: [UInt8], _ set: (Int, Int32) -> Void) {
        guard b.count >= 8 else { return }
        var mask: UInt64 = 0
        for i in 0..<8 { mask |= UInt64(b[i]) << UInt64(8 * i) }
        var p = 8
        var prev: Int64 = 0
        for s in 0..<slots where mask & (1 << UInt64(s)) != 0 {
            var z: UInt64 = 0, shift: UInt64 = 0
            while p < b.count {
                let byte = b[p]; p += 1
                z |= UInt64(byte & 0x7F) << shift
                shift += 7
                if byte < 0x80 { break }
            }
            let d = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
            prev += d
            set(s, Int32(truncatingIfNeeded: prev))
        }
    }

    private func duplicate(_ s: AttendanceSession, line: Int, firstLine: Int) -> Reject {
        let child = String(decoding: s.childID, as: UTF8.self)
        let school = String(decoding: s.schoolURN, as: UTF8.self)
        let key = "child_id \(child), school_urn \(school), date \(Days.iso(s.date)), session \(s.pm ? "PM" : "AM")"
        return Reject(file: validator.file, line: line, column: "child_id", value: child,
                      reason: Reasons.duplicate(key, firstLine: firstLine))
    }

    /// The packed months sorted by (childID, schoolURN, month), the store's key order, with marks
    /// as the store keeps them (`'0'` for none, `'0' + mark number`, two per day of the month).
    /// Only for a batch without a sink (nothing spilled).
    public func months() -> [AttendanceMonth] {
        precondition(spilled == 0, "months() of a batch that spilled to the store")
        var order = keys.indices.filter { keys[$0].child >= 0 }
        sortByKey(&order)
        return order.map { i in
            let k = keys[i]
            let m = Month(index: Int(k.month))
            let n = 2 * Days.daysInMonth(year: m.year, month: m.month)
            var packed = [UInt8](repeating: StoreSchema.noMark, count: n)
            for s in 0..<n { packed[s] &+= marks[i * Self.slots + s] }
            return AttendanceMonth(childID: children.strings[Int(k.child)], schoolURN: schools.strings[Int(k.school)],
                                   month: m, marks: packed)
        }
    }
}
