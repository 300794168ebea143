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
    private struct Key: Hashable {
        var breakdown: Int
        var codes: SIMD8<UInt16>
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
        // Cohort attributes come from the newest stored row (PRECISE.md 12): the dataset holds only that row.
        let ranges = Parallel.ranges(count: episodes.count, partitions: AttendanceAggregate.partitions)
        let attrs = Parallel.map(partitions: ranges.count, threads: threads) { part in
            ranges[part].map { CohortAttributes(episode: episodes[$0], chineseGroup: chineseGroup).values }
        }
        var columnCodes = [[String: UInt16]](repeating: [:], count: CohortColumn.allCases.count)
        var columnValues = [[String]](repeating: ["Total"], count: CohortColumn.allCases.count)
        var ids: [Key: Int32] = [:]
        rowIDs.reserveCapacity(episodes.count * breakdowns.count)
        for part in attrs {
            for values in part {
                var codes = SIMD8<UInt16>(repeating: 0)
                for c in 0..<values.count {
                    if let code = columnCodes[c][values[c]] {
                        codes[c] = code
                    } else {
                        let code = UInt16(columnValues[c].count)
                        columnCodes[c][values[c]] = code; columnValues[c].append(values[c]); codes[c] = code
                    }
                }
                for (b, breakdown) in breakdowns.enumerated() {
                    var key = Key(breakdown: b, codes: SIMD8(repeating: 0))
                    for c in breakdown.columns { key.codes[c.rawValue] = codes[c.rawValue] }
                    if let id = ids[key] {
                        rowIDs.append(id)
                    } else {
                        let id = Int32(rowKeys.count)
                        ids[key] = id
                        rowBreakdown.append(b)
                        rowKeys.append((0..<values.count).map { columnValues[$0][Int(key.codes[$0])] })
                        rowIDs.append(id)
                    }
                }
            }
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
    /// Attributed sessions of any mark, not-possible ones included: the row exists when > 0 (PRECISE.md 10).
    var sessions = 0

    /// Adds one pupil's sessions in this row; persistence is judged on exactly these sessions.
    @inline(__always)
    mutating func add(_ t: SessionTotals) {
        guard t.all > 0 else { return }
        sessions += t.all
        guard t.possible > 0 else { return }
        pupils += 1
        possible += t.possible; attended += t.attended
        authorised += t.authorised; unauthorised += t.unauthorised
        if t.isPersistentlyAbsent { persistent += 1 }
        if t.isSeverelyAbsent { severe += 1 }
    }

    static func += (a: inout AttendanceSums, b: AttendanceSums) {
        a.pupils += b.pupils; a.possible += b.possible; a.attended += b.attended
        a.authorised += b.authorised; a.unauthorised += b.unauthorised
        a.persistent += b.persistent; a.severe += b.severe; a.sessions += b.sessions
    }
}
