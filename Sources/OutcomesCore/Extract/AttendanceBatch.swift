/// One attendance file packed straight into weeks, with the within-file duplicate rule applied.
///
/// A county year is about 8 million sessions, so rows never become objects: each accepted
/// session sets one of the 14 slots of its (child, school, Monday) week (`AttendanceWeek`).
/// A slot already set by this file makes the row a duplicate naming the slot's first line.
/// Two schools on the same date are different weeks, hence different sessions (PRECISE.md 21).
/// Invariant: `rowsRead == loaded + rejected`, where `loaded` counts sessions, not weeks.
public struct AttendanceBatch {
    public let validator: AttendanceValidator
    public private(set) var rejects: [Reject] = []
    public private(set) var rowsRead = 0
    /// Accepted sessions.
    public private(set) var loaded = 0
    public var rejected: Int { rejects.count }

    private var children = ByteInterner()
    private var schools = ByteInterner()
    private var weekIndex: [WeekKey: Int32] = [:]
    private var keys: [WeekKey] = []
    /// 14 mark numbers per week, in week order (0 = no mark).
    private var marks: [UInt8] = []
    /// 14 first lines per week, for the duplicate reason.
    private var lines: [Int32] = []
    /// Per child id: the index of the week it touched last (-1 none). Exports come ordered by
    /// pupil or by date, so a pupil's next session is nearly always in that same week.
    private var lastWeekOfChild: [Int32] = []

    struct WeekKey: Hashable {
        var child: Int32, school: Int32, week: Day
    }

    public init(_ validator: AttendanceValidator) {
        self.validator = validator
    }

    /// Number of distinct (child, school, week) rows so far.
    public var weekCount: Int { keys.count }

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
        let key = WeekKey(child: children.id(of: s.childID), school: schools.id(of: s.schoolURN),
                          week: Days.weekStart(s.date))
        let w = week(for: key)
        let slot = w * 14 + AttendanceWeek.slot(day: s.date, pm: s.pm)
        if marks[slot] != 0 {
            rejects.append(duplicate(s, line: line, firstLine: Int(lines[slot])))
            return
        }
        marks[slot] = s.mark
        lines[slot] = Int32(truncatingIfNeeded: line)
        loaded += 1
    }

    /// The week's index, adding an empty week when new; the child's last week is checked before
    /// the dictionary.
    @inline(__always)
    private mutating func week(for key: WeekKey) -> Int {
        let c = Int(key.child)
        if c < lastWeekOfChild.count {
            let last = Int(lastWeekOfChild[c])
            if last >= 0 && keys[last] == key { return last }
        } else {
            lastWeekOfChild.append(contentsOf: repeatElement(-1, count: c + 1 - lastWeekOfChild.count))
        }
        let w: Int
        if let found = weekIndex[key] {
            w = Int(found)
        } else {
            w = keys.count
            weekIndex[key] = Int32(w)
            keys.append(key)
            marks.append(contentsOf: repeatElement(0, count: 14))
            lines.append(contentsOf: repeatElement(0, count: 14))
        }
        lastWeekOfChild[c] = Int32(w)
        return w
    }

    private func duplicate(_ s: AttendanceSession, line: Int, firstLine: Int) -> Reject {
        let child = String(decoding: s.childID, as: UTF8.self)
        let school = String(decoding: s.schoolURN, as: UTF8.self)
        let key = "child_id \(child), school_urn \(school), date \(Days.iso(s.date)), session \(s.pm ? "PM" : "AM")"
        return Reject(file: validator.file, line: line, column: "child_id", value: child,
                      reason: Reasons.duplicate(key, firstLine: firstLine))
    }

    /// The packed weeks sorted by (childID, schoolURN, weekStart), the store's key order.
    public func weeks() -> [AttendanceWeek] {
        let childRank = Self.ranks(children.strings), schoolRank = Self.ranks(schools.strings)
        let order = keys.indices.sorted { a, b in
            let x = keys[a], y = keys[b]
            let cx = childRank[Int(x.child)], cy = childRank[Int(y.child)]
            if cx != cy { return cx < cy }
            let sx = schoolRank[Int(x.school)], sy = schoolRank[Int(y.school)]
            if sx != sy { return sx < sy }
            return x.week < y.week
        }
        return order.map { i in
            let k = keys[i]
            return AttendanceWeek(childID: children.strings[Int(k.child)], schoolURN: schools.strings[Int(k.school)],
                                  weekStart: k.week, marks: Array(marks[i * 14 ..< i * 14 + 14]))
        }
    }

    /// Each string's position in sorted order, so the week sort compares integers.
    static func ranks(_ strings: [String]) -> [Int] {
        var rank = [Int](repeating: 0, count: strings.count)
        for (r, i) in strings.indices.sorted(by: { strings[$0] < strings[$1] }).enumerated() { rank[i] = r }
        return rank
    }
}
