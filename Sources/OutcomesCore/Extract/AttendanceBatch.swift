/// One attendance file packed straight into calendar months, the store's shape, with the
/// within-file duplicate rule applied.
///
/// A county year is about 8 million sessions, so rows never become objects: each accepted
/// session sets one of the 62 slots (`2 × (day − 1) + (PM ? 1 : 0)`) of its (child, school,
/// month) entry. A slot already set by this file makes the row a duplicate naming the slot's
/// first line. Two schools on the same date are different entries, hence different sessions
/// (PRECISE.md 21). Invariant: `rowsRead == loaded + rejected`, where `loaded` counts sessions.
public struct AttendanceBatch {
    public let validator: AttendanceValidator
    public private(set) var rejects: [Reject] = []
    public private(set) var rowsRead = 0
    /// Accepted sessions.
    public private(set) var loaded = 0
    public var rejected: Int { rejects.count }

    private var children = ByteInterner()
    private var schools = ByteInterner()
    private var monthIndex: [MonthKey: Int32] = [:]  // keyed by month
    private var keys: [MonthKey] = []
    /// 62 mark numbers per month entry, in entry order (0 = no mark).
    private var marks: [UInt8] = []
    /// 62 first lines per entry, for the duplicate reason.
    private var lines: [Int32] = []
    /// Per child id: the index of the month it touched last (-1 none). Exports come ordered by
    /// pupil or by date, so a pupil's next session is nearly always in that same month.
    private var lastMonthOfChild: [Int32] = []

    /// `month` holds the month index (`year × 12 + month − 1`).
    struct MonthKey: Hashable {
        var child: Int32, school: Int32, month: Int32
    }
    static let slots = 62

    public init(_ validator: AttendanceValidator) {
        self.validator = validator
    }

    /// Number of distinct (child, school, month) entries so far.
    public var monthCount: Int { keys.count }

    /// Validates one data record and packs its session, or files its reject.
    public mutating func add(_ rec: CSVRecord) {
        rowsRead += 1
        switch validator.validate(rec) {
        case .failure(let r): rejects.append(r)
        case .success(let s): pack(s, line: rec.line)
        }
    }

    @inline(__always)
    private mutating func pack(_ s: AttendanceSession, line: Int) {
        let c = Days.civil(s.date)
        let key = MonthKey(child: children.id(of: s.childID), school: schools.id(of: s.schoolURN),
                          month: Int32(c.year * 12 + c.month - 1))
        let w = entry(for: key)
        let slot = w * Self.slots + 2 * (c.day - 1) + (s.pm ? 1 : 0)
        if marks[slot] != 0 {
            rejects.append(duplicate(s, line: line, firstLine: Int(lines[slot])))
            return
        }
        marks[slot] = s.mark
        lines[slot] = Int32(truncatingIfNeeded: line)
        loaded += 1
    }

    /// The month entry's index, adding an empty month entry when new; the child's last month entry is checked before
    /// the dictionary.
    @inline(__always)
    private mutating func entry(for key: MonthKey) -> Int {
        let c = Int(key.child)
        if c < lastMonthOfChild.count {
            let last = Int(lastMonthOfChild[c])
            if last >= 0 && keys[last] == key { return last }
        } else {
            lastMonthOfChild.append(contentsOf: repeatElement(-1, count: c + 1 - lastMonthOfChild.count))
        }
        let w: Int
        if let found = monthIndex[key] {
            w = Int(found)
        } else {
            w = keys.count
            monthIndex[key] = Int32(w)
            keys.append(key)
            marks.append(contentsOf: repeatElement(0, count: Self.slots))
            lines.append(contentsOf: repeatElement(0, count: Self.slots))
        }
        lastMonthOfChild[c] = Int32(w)
        return w
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
    public func months() -> [AttendanceMonth] {
        let childRank = Self.ranks(children.strings), schoolRank = Self.ranks(schools.strings)
        let order = keys.indices.sorted { a, b in
            let x = keys[a], y = keys[b]
            let cx = childRank[Int(x.child)], cy = childRank[Int(y.child)]
            if cx != cy { return cx < cy }
            let sx = schoolRank[Int(x.school)], sy = schoolRank[Int(y.school)]
            if sx != sy { return sx < sy }
            return x.month < y.month
        }
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

    /// Each string's position in sorted order, so the sort compares integers.
    static func ranks(_ strings: [String]) -> [Int] {
        var rank = [Int](repeating: 0, count: strings.count)
        for (r, i) in strings.indices.sorted(by: { strings[$0] < strings[$1] }).enumerated() { rank[i] = r }
        return rank
    }
}
