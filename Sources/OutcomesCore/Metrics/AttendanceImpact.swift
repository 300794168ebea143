/// `attendance_impact.csv`: did attendance improve while we worked with the child? (METRICS.md 2)
///
/// For each episode closed in the window (`closure_date` in the window, PRECISE.md 21), the
/// child's sessions at any school are compared in two ranges:
/// - before: `allocation − impactDaysBefore` to `allocation − 1` — the child's history, so it may
///   reach back before the window start;
/// - during: `allocation` to `closure`; the closure lies in the window, so no session after the
///   window end can fall in it.
/// The episode counts when both ranges hold at least `impactMinSessions` possible sessions.
enum AttendanceImpact {
    static let indicators: [ColumnSpec] = [
        ColumnSpec("n_episodes", "Closed episodes with enough sessions before and during", hint: "Episodes"),
        ColumnSpec("mean_before_pct", "Mean attendance rate before allocation", unit: "%", hint: "Rates"),
        ColumnSpec("mean_during_pct", "Mean attendance rate during the episode", unit: "%", hint: "Rates"),
        ColumnSpec("mean_change_pp", "Mean change in attendance rate", unit: "pp", hint: "Rates"),
        ColumnSpec("n_improved", "Episodes whose attendance rate improved", hint: "Episodes"),
        ColumnSpec("pct_improved", "Share of episodes whose attendance rate improved", unit: "%", hint: "Episodes"),
    ]

    /// One qualifying episode in one window.
    struct Observation: Sendable {
        let window: Int
        let episode: Int
        let before: Double
        let during: Double
        /// `during > before`, decided on exact integer cross-products.
        let improved: Bool
    }

    static func table(_ data: Dataset, _ ctx: ReportContext, _ rows: AttendanceRows) -> OutputTable {
        let windows = ctx.windows
        let pupilIndex = rows.pupilIndex
        let daysBefore = Day(ctx.impactDaysBefore), minimum = ctx.impactMinSessions
        let episodes = data.episodes
        let ranges = Parallel.ranges(count: episodes.count, partitions: AttendanceAggregate.partitions)
        // Observations come back in partition order, that is in episode-id order, so the means
        // below are summed in one fixed order whatever the thread count.
        let parts = Parallel.map(partitions: ranges.count, threads: ctx.threads) { part -> [Observation] in
            var out: [Observation] = []
            for ei in ranges[part] {
                let e = episodes[ei]
                guard let closure = e.closureDate, let pi = pupilIndex[e.childID] else { continue }
                let pupil = data.attendance[pi]
                for (wi, w) in windows.enumerated() where w.contains(closure) {
                    let before = pupil.totals(from: e.allocationDate - daysBefore, through: e.allocationDate - 1)
                    let during = pupil.totals(from: e.allocationDate, through: closure)
                    guard before.possible >= minimum, during.possible >= minimum,
                          before.possible > 0, during.possible > 0 else { continue }
                    out.append(Observation(
                        window: wi, episode: ei,
                        before: Double(before.attended) / Double(before.possible) * 100,
                        during: Double(during.attended) / Double(during.possible) * 100,
                        improved: during.attended * before.possible > before.attended * during.possible))
                }
            }
            return out
        }
        let nb = rows.breakdowns.count
        var perRow = [[[Observation]]](repeating: Array(repeating: [], count: rows.rowCount), count: windows.count)
        for part in parts {
            for o in part {
                for k in 0..<nb { perRow[o.window][Int(rows.rowIDs[o.episode * nb + k])].append(o) }
            }
        }
        var table = OutputTable(name: "attendance_impact", indicators: indicators, breakdowns: rows.breakdowns)
        for (wi, w) in windows.enumerated() {
            for b in rows.breakdowns.indices {
                for r in rows.orderedRows(ofBreakdown: b) where !perRow[wi][r].isEmpty {
                    table.rows.append(OutputRow(window: w.name, breakdown: rows.breakdowns[b].name,
                                                cohort: rows.rowKeys[r], cells: cells(perRow[wi][r], ctx.suppression)))
                }
            }
        }
        return table
    }

    /// Cells of one row: plain means over episodes; rule 1 on `n_episodes`, rule 2 on `n_improved`
    /// (hiding `pct_improved`).
    static func cells(_ obs: [Observation], _ sup: Suppression) -> [Cell] {
        let n = obs.count
        var before = 0.0, during = 0.0, change = 0.0, improved = 0
        for o in obs {
            before += o.before; during += o.during; change += o.during - o.before
            if o.improved { improved += 1 }
        }
        let d = Double(n)
        var c: [Cell] = [.int(n), .num(before / d), .num(during / d), .num(change / d), .int(improved),
                         AttendanceMetric.pct(improved, n)]
        if sup.applyRule1(base: n, cells: &c) { return c }
        sup.applyRule2(count: improved, countIndex: 4, dependents: [5], cells: &c)
        return c
    }
}
