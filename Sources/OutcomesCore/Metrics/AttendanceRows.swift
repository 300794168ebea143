/// The rows of an attendance table and each pupil's episodes, prepared once per table.
///
/// Every (breakdown, cohort key) pair that some episode falls in gets a compact integer row id,
/// so the hot loop over pupils adds into dense arrays instead of hashing string arrays.
/// Row ids are handed out in episode-id order, so they never depend on the thread count.
struct AttendanceRows: Sendable {
    /// One episode of a pupil as the attendance tables see it.
    struct Slot: Sendable {
        let allocation: Day
        let closure: Day?
        /// Index into `Dataset.episodes`; its row ids are `rowIDs[episode * breakdowns.count ..< +count]`.
        let episode: Int32
    }

    /// A row's identity while interning: breakdown index and per-column value codes (0 = `Total`).
    struct Key: Hashable, Sendable {
        var breakdown: Int
        var codes: SIMD8<UInt16>
        static func == (a: Key, b: Key) -> Bool { a.breakdown == b.breakdown && a.codes == b.codes }
        /// Two words instead of nine hasher rounds: the interning loop hashes every episode × breakdown.
        func hash(into h: inout Hasher) {
            let w = unsafeBitCast(codes, to: SIMD2<UInt64>.self)
            h.combine(w[0] ^ UInt64(truncatingIfNeeded: breakdown) &* 0x9E37_79B9_7F4A_7C15)
            h.combine(w[1])
        }
    }

    /// One partition's interning: local column codes (0 = `Total`) and local row ids.
    struct LocalRows: Sendable {
        var columnCodes = [[String: UInt16]](repeating: [:], count: 8)
        var columnValues = [[String]](repeating: ["Total"], count: 8)
        var ids: [Key: Int32] = [:]
        var keys: [Key] = []
        var rowIDs: [Int32] = []

        mutating func code(_ v: String, column c: Int) -> UInt16 {
            if let code = columnCodes[c][v] { return code }
            let code = UInt16(columnValues[c].count)
            columnCodes[c][v] = code; columnValues[c].append(v)
            return code
        }

        mutating func row(_ key: Key) -> Int32 {
            if let id = ids[key] { return id }
            let id = Int32(keys.count)
            ids[key] = id; keys.append(key)
            return id
        }
    }

    let breakdowns: [Breakdown]
    /// Per row id: its breakdown index and six cohort cells.
    private(set) var rowBreakdown: [Int] = []
    private(set) var rowKeys: [[String]] = []
    /// Row ids per episode (index into `Dataset.episodes`) and breakdown, flattened.
    private(set) var rowIDs: [Int32] = []
    /// Pupil index (into `Dataset.attendance`) by child id.
    let pupilIndex: [String: Int]
    /// Per pupil, its episodes in episode-id order: `slots[slotStart[p] ..< slotStart[p + 1]]`.
    private(set) var slots: [Slot] = []
    private(set) var slotStart: [Int] = []

    var rowCount: Int { rowKeys.count }

    init(_ data: Dataset, breakdowns: [Breakdown], chineseGroup: String, threads: Int,
         pupilIndex: [String: Int]? = nil) {
        self.breakdowns = breakdowns
        let episodes = data.episodes
        let nb = breakdowns.count
        // Per partition, in parallel: cohort attributes (from the newest stored row, PRECISE.md 12)
        // interned to partition-local column codes and row keys. The serial merge below maps them
        // to global ids in partition order, so ids follow first appearance in episode-id order.
        let ranges = Parallel.ranges(count: episodes.count, partitions: AttendanceAggregate.partitions)
        let locals = Parallel.map(partitions: ranges.count, threads: threads) { part -> LocalRows in
            var local = LocalRows()
            for i in ranges[part] {
                let values = CohortAttributes(episode: episodes[i], chineseGroup: chineseGroup).values
                var codes = SIMD8<UInt16>(repeating: 0)
                for c in 0..<values.count { codes[c] = local.code(values[c], column: c) }
                for (b, breakdown) in breakdowns.enumerated() {
                    var key = Key(breakdown: b, codes: SIMD8(repeating: 0))
                    for c in breakdown.columns { key.codes[c.rawValue] = codes[c.rawValue] }
                    local.rowIDs.append(local.row(key))
                }
            }
            return local
        }
        var columnCodes = [[String: UInt16]](repeating: [:], count: 8)
        var columnValues = [[String]](repeating: ["Total"], count: 8)
        var ids: [Key: Int32] = [:]
        rowIDs.reserveCapacity(episodes.count * nb)
        for local in locals {
            var codeMap = [[UInt16]](repeating: [0], count: 8)
            for c in 0..<local.columnValues.count {
                for v in local.columnValues[c].dropFirst() {
                    if let code = columnCodes[c][v] {
                        codeMap[c].append(code)
                    } else {
                        let code = UInt16(columnValues[c].count)
                        columnCodes[c][v] = code; columnValues[c].append(v); codeMap[c].append(code)
                    }
                }
            }
            var rowMap: [Int32] = []
            rowMap.reserveCapacity(local.keys.count)
            for var key in local.keys {
                for c in 0..<CohortColumn.allCases.count { key.codes[c] = codeMap[c][Int(key.codes[c])] }
                if let id = ids[key] {
                    rowMap.append(id)
                } else {
                    let id = Int32(rowKeys.count)
                    ids[key] = id
                    rowBreakdown.append(key.breakdown)
                    rowKeys.append(CohortColumn.allCases.map { columnValues[$0.rawValue][Int(key.codes[$0.rawValue])] })
                    rowMap.append(id)
                }
            }
            for r in local.rowIDs { rowIDs.append(rowMap[Int(r)]) }
        }
        let index = pupilIndex ?? Dictionary(data.attendance.enumerated().map { ($1.childID, $0) },
                                             uniquingKeysWith: { first, _ in first })
        self.pupilIndex = index
        // Episodes grouped by pupil (counting sort keeps episode-id order inside a pupil).
        let pupilOf = episodes.map { index[$0.childID] ?? -1 }
        var start = [Int](repeating: 0, count: data.attendance.count + 1)
        for p in pupilOf where p >= 0 { start[p + 1] += 1 }
        for i in 0..<data.attendance.count { start[i + 1] += start[i] }
        var fill = start
        var flat = [Slot](repeating: Slot(allocation: 0, closure: nil, episode: 0), count: start.last!)
        for (i, p) in pupilOf.enumerated() where p >= 0 {
            flat[fill[p]] = Slot(allocation: episodes[i].allocationDate, closure: episodes[i].closureDate,
                                 episode: Int32(i))
            fill[p] += 1
        }
        slots = flat; slotStart = start
    }

    /// Row ids of breakdown `b` in output order (PRECISE.md 11: `Total` first, `Unknown` last,
    /// code-point order, `age_band` in age order).
    func orderedRows(ofBreakdown b: Int) -> [Int] {
        let age: Set<Int> = [CohortColumn.ageBand.rawValue]
        return rowKeys.indices.filter { rowBreakdown[$0] == b }
            .sorted { CohortOrder.less(rowKeys[$0], rowKeys[$1], ageColumns: age) }
    }
}

/// Integer sums of one attendance row in one window (METRICS.md 2, ATTENDANCE_CODES.md measures).
struct AttendanceSums: Sendable, Equatable {
    /// Pupils with at least one possible session.
    var pupils = 0
    var possible = 0
    var attended = 0
    var authorised = 0
    var unauthorised = 0
    var persistent = 0
    var severe = 0
    /// Enrolments (pupil and school) with at least one possible session, and those persistently
    /// and severely absent on their own sessions, as the national statistics count (PRECISE.md 38).
    var enrolments = 0
    var enrolmentsPersistent = 0
    var enrolmentsSevere = 0
    /// Attributed sessions of any mark, not-possible ones included: the row exists when > 0 (PRECISE.md 10).
    var sessions = 0

    /// Adds the sessions in this row of a pupil at one school: the pupil and its single enrolment.
    @inline(__always)
    mutating func add(_ t: SessionTotals) {
        addPupil(t)
        addEnrolment(t)
    }

    /// Adds one pupil's sessions in this row (every school); persistence is judged on exactly these.
    @inline(__always)
    mutating func addPupil(_ t: SessionTotals) {
        guard t.all > 0 else { return }
        sessions += t.all
        guard t.possible > 0 else { return }
        pupils += 1
        possible += t.possible; attended += t.attended
        authorised += t.authorised; unauthorised += t.unauthorised
        if t.isPersistentlyAbsent { persistent += 1 }
        if t.isSeverelyAbsent { severe += 1 }
    }

    /// Adds one enrolment's sessions in this row (a pupil at one school, PRECISE.md 38).
    @inline(__always)
    mutating func addEnrolment(_ t: SessionTotals) {
        guard t.possible > 0 else { return }
        enrolments += 1
        if t.isPersistentlyAbsent { enrolmentsPersistent += 1 }
        if t.isSeverelyAbsent { enrolmentsSevere += 1 }
    }

    static func += (a: inout AttendanceSums, b: AttendanceSums) {
        a.pupils += b.pupils; a.possible += b.possible; a.attended += b.attended
        a.authorised += b.authorised; a.unauthorised += b.unauthorised
        a.persistent += b.persistent; a.severe += b.severe; a.sessions += b.sessions
        a.enrolments += b.enrolments; a.enrolmentsPersistent += b.enrolmentsPersistent
        a.enrolmentsSevere += b.enrolmentsSevere
    }
}
