/// The rows of an attendance table and each child's episodes, prepared once per table.
///
/// Every (breakdown, cohort key) pair that some episode falls in gets a compact integer row id,
/// so the hot loop over pupils adds into dense arrays instead of hashing string arrays.
/// Row ids are handed out in episode-id order, so they never depend on thread count.
struct AttendanceRows: Sendable {
    /// One episode as the attendance tables see it.
    struct Slot: Sendable {
        let allocation: Day
        let closure: Day?
        /// Row id per breakdown, in breakdown order.
        let rows: [Int32]
        /// Index into `Dataset.episodes` (impact keeps episode order for its sums).
        let episodeIndex: Int
    }

    let breakdowns: [Breakdown]
    /// Per row id: its breakdown index and six cohort cells.
    private(set) var rowBreakdown: [Int] = []
    private(set) var rowKeys: [[String]] = []
    /// Per child with at least one episode: its episodes in episode-id order.
    private(set) var slotsByChild: [String: [Slot]] = [:]
    /// Per episode (index into `Dataset.episodes`): its row ids per breakdown.
    private(set) var rowsByEpisode: [[Int32]] = []

    var rowCount: Int { rowKeys.count }

    init(episodes: [Episode], breakdowns: [Breakdown], chineseGroup: String) {
        self.breakdowns = breakdowns
        var ids: [Int: [[String]: Int32]] = [:]
        rowsByEpisode.reserveCapacity(episodes.count)
        for (i, e) in episodes.enumerated() {
            // Cohort attributes come from the newest stored row (PRECISE.md 12): the dataset holds only that row.
            let attrs = CohortAttributes(episode: e, chineseGroup: chineseGroup)
            var rows: [Int32] = []
            rows.reserveCapacity(breakdowns.count)
            for (b, breakdown) in breakdowns.enumerated() {
                let key = breakdown.key(for: attrs)
                if let id = ids[b]?[key] {
                    rows.append(id)
                } else {
                    let id = Int32(rowKeys.count)
                    ids[b, default: [:]][key] = id
                    rowBreakdown.append(b); rowKeys.append(key)
                    rows.append(id)
                }
            }
            rowsByEpisode.append(rows)
            slotsByChild[e.childID, default: []].append(
                Slot(allocation: e.allocationDate, closure: e.closureDate, rows: rows, episodeIndex: i))
        }
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
