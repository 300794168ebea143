/// The parallel core of `attendance.csv` and `attendance_trend.csv`: every pupil's sessions
/// attributed to rows, summed per row and window.
enum AttendanceAggregate {
    /// Fixed partition count: the split never depends on `--threads`, so neither does the output.
    static let partitions = 64

    /// Sums per window, indexed by row id; index `rows.rowCount` is the `all_pupils` row.
    ///
    /// A session is attributed to a row when the pupil had an episode of that row open on its
    /// date, "as at" the window end (METRICS.md 2, PRECISE.md 12): episodes allocated after the
    /// window end are left out and a closure after it has not happened, so the episode is open
    /// to the window end. Overlapping episodes of one row are merged, so a session counts once
    /// per row (PRECISE.md 13).
    static func sums(_ data: Dataset, rows: AttendanceRows, windows: [ReportWindow],
                     threads: Int) -> [[AttendanceSums]] {
        let width = rows.rowCount + 1
        let pupils = data.attendance
        let ranges = Parallel.ranges(count: pupils.count, partitions: partitions)
        let nb = rows.breakdowns.count
        let partials = Parallel.map(partitions: ranges.count, threads: threads) { part -> [AttendanceSums] in
            // Shared arrays bound once per partition, not per pupil, to keep reference counting
            // off the hot loop.
            let slots = rows.slots, slotStart = rows.slotStart, rowIDs = rows.rowIDs
            var acc = [AttendanceSums](repeating: AttendanceSums(), count: windows.count * width)
            var open: [(lo: Day, hi: Day, episode: Int)] = []
            var pairs: [(row: Int32, lo: Day, hi: Day)] = []
            for pi in ranges[part] {
                let pupil = pupils[pi]
                let mine = slotStart[pi]..<slotStart[pi + 1]
                for (wi, w) in windows.enumerated() {
                    let base = wi * width
                    let all = pupil.totals(from: w.start, through: w.end)
                    guard all.all > 0 else { continue }
                    let multi = !pupil.schools.isEmpty
                    if multi {
                        acc[base + width - 1].addPupil(all)
                        for s in pupil.schools { acc[base + width - 1].addEnrolment(s.totals(from: w.start, through: w.end)) }
                    } else {
                        acc[base + width - 1].add(all)
                    }
                    open.removeAll(keepingCapacity: true)
                    for si in mine where slots[si].allocation <= w.end {
                        let s = slots[si]
                        let lo = max(s.allocation, w.start)
                        let hi = min(s.closure ?? w.end, w.end)
                        if lo <= hi { open.append((lo, hi, Int(s.episode) * nb)) }
                    }
                    if open.count == 1 {
                        let o = open[0]
                        let t = pupil.totals(from: o.lo, through: o.hi)
                        if multi {
                            let e = pupil.schools.map { $0.totals(from: o.lo, through: o.hi) }
                            for k in 0..<nb {
                                let r = base + Int(rowIDs[o.episode + k])
                                acc[r].addPupil(t)
                                for x in e { acc[r].addEnrolment(x) }
                            }
                        } else {
                            for k in 0..<nb { acc[base + Int(rowIDs[o.episode + k])].add(t) }
                        }
                    } else if open.count > 1 {
                        pairs.removeAll(keepingCapacity: true)
                        for o in open { for k in 0..<nb { pairs.append((rowIDs[o.episode + k], o.lo, o.hi)) } }
                        pairs.sort { $0.row != $1.row ? $0.row < $1.row : $0.lo < $1.lo }
                        addMerged(pairs, pupil: pupil, into: &acc, base: base)
                    }
                }
            }
            return acc
        }
        var total = [AttendanceSums](repeating: AttendanceSums(), count: windows.count * width)
        for p in partials { for i in total.indices { total[i] += p[i] } }
        return windows.indices.map { Array(total[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// Adds one pupil's totals per row from `(row, range)` pairs sorted by row then start,
    /// merging overlapping or adjacent ranges of a row so each day counts once. Each enrolment
    /// (school) of a pupil at two schools is judged on its own sessions over the same days
    /// (PRECISE.md 38).
    @inline(__always)
    private static func addMerged(_ pairs: [(row: Int32, lo: Day, hi: Day)], pupil: PupilAttendance,
                                  into acc: inout [AttendanceSums], base: Int) {
        let multi = !pupil.schools.isEmpty
        var e = [SessionTotals](repeating: SessionTotals(), count: multi ? pupil.enrolmentCount : 0)
        var i = 0
        while i < pairs.count {
            let row = pairs[i].row
            var t = SessionTotals()
            if multi { for j in e.indices { e[j] = SessionTotals() } }
            var lo = pairs[i].lo, hi = pairs[i].hi
            i += 1
            while i < pairs.count && pairs[i].row == row {
                if pairs[i].lo <= hi &+ 1 {
                    hi = max(hi, pairs[i].hi)
                } else {
                    t += pupil.totals(from: lo, through: hi)
                    if multi { pupil.addEnrolmentTotals(from: lo, through: hi, into: &e) }
                    lo = pairs[i].lo; hi = pairs[i].hi
                }
                i += 1
            }
            t += pupil.totals(from: lo, through: hi)
            if multi {
                pupil.addEnrolmentTotals(from: lo, through: hi, into: &e)
                acc[base + Int(row)].addPupil(t)
                for x in e { acc[base + Int(row)].addEnrolment(x) }
            } else {
                acc[base + Int(row)].add(t)
            }
        }
    }
}
