import Foundation
import Testing
@testable import OutcomesCore

/// The audit's recorded families (`AuditRecording`) and remembered bounds (`AuditNodeIndex`)
/// against building every node and relation from the tables again, round after round while cells
/// are hidden, on every table of the fixture run.
@Suite struct AuditRecordingTests {
    /// A relation as numbers: kind, nodes, coefficients and constant.
    static func words(_ r: Intervals.Relation) -> [Int] {
        var w = [r.kindCode]
        r.forEachNode { w.append($0) }
        if case let .linear(ts, k) = r { w += ts.map(\.coefficient) + [k] }
        return w
    }

    /// Everything a round's model hands to the propagation and the hiding.
    static func description(_ m: AuditModel) -> [[Int]] {
        [m.intervals.lo, m.intervals.hi, m.intervals.fixed.map { $0 ? 1 : 0 }, m.hiddenNodes,
         m.refOf.flatMap { [$0.t, $0.r, $0.column] }] + m.intervals.relations.indices.map { words(m.intervals.relations[$0]) }
    }

    /// Every metric table of the fixture run, unsuppressed.
    static func fixtureTables() throws -> (tables: [OutputTable], ctx: ReportContext) {
        let t = TempDir()
        let (status, _) = GoldenRunTests.run(t, threads: 1)
        #expect(status == .success)
        let store = try Store(path: t.file("store.db"), readOnly: true)
        let ctx = ReportContext(period: Month(year: 2026, month: 10), threshold: 0, threads: 1)
        let data = try store.dataset(threads: 1, attendanceFrom: { Pipeline.attendanceFrom($0, ctx) })
        return (MetricTables.jobs.flatMap { $0.compute(data, ctx.unsuppressed) }, ctx)
    }

    /// Rule 7's previous windows are audited in phase 1 only: their own-window cells (all rule 7
    /// reads) come out as the whole audit leaves them, and phase 2 only ever hides more of the
    /// previous window's figures.
    @Test func ownWindowOnlyLeavesTheOwnWindowAsTheWholeAudit() throws {
        let (tables, ctx) = try Self.fixtureTables()
        let feedback = try #require(tables.first { $0.name == "feedback" })
        for threshold in [3, 5, 10] {
            let whole = SuppressionStage.apply([feedback], threshold: threshold, breakdowns: ctx.breakdowns).tables[0]
            let own = SuppressionStage.apply([feedback], threshold: threshold, breakdowns: ctx.breakdowns,
                                             ownWindowOnly: true).tables[0]
            var previousHidden = 0
            for (i, column) in feedback.indicators.enumerated() {
                let previous = column.name.hasPrefix("prev_") || column.name == "change_pp"
                for (a, b) in zip(whole.rows, own.rows) {
                    if previous {
                        #expect(b.cells[i] != .c || a.cells[i] == .c, "\(column.name) hidden only without phase 2")
                        if a.cells[i] == .c { previousHidden += 1 }
                    } else {
                        #expect(a.cells[i] == b.cells[i], "\(column.name) at T = \(threshold)")
                    }
                }
            }
            #expect(previousHidden > 0)
        }
    }

    @Test func replayedFamiliesBuildWhatTheTablesBuild() throws {
        let (tables, ctx) = try Self.fixtureTables()
        for includePrevious in [false, true] {
            let work = SuppressionWork(tables: tables, threshold: 5, breakdowns: ctx.breakdowns,
                                       declarations: TableDeclaration.standard)
            work.applyRowRules()
            work.applyTableRules(previous: [:])
            var g = AuditPartsTests.Random(state: includePrevious ? 7 : 3)
            var recordings = AuditRecordings()
            var nodes = AuditNodeIndex(work: work)
            var replayed = 0
            for round in 0..<12 {
                var kept = AuditModel(work: work, nodes: nodes, includePrevious: includePrevious)
                kept.recordings = recordings
                kept.build()
                recordings = kept.recordings
                kept.nodeOf.clear(kept.refOf)
                nodes = kept.nodeOf
                var fresh = AuditModel(work: work, includePrevious: includePrevious)
                fresh.build()
                let a = Self.description(kept), b = Self.description(fresh)
                let first = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? b.count
                let same = a == b
                #expect(same, "round \(round): first difference in part \(first) of \(b.count)")
                if round > 0 { replayed += 1 }
                // Hide a few shown counts anywhere, as the audit would: the recordings whose reads
                // they change must be built again, the others replayed.
                var hidden = 0
                while hidden < 6 {
                    let ti = g.next(tables.count)
                    guard let d = work.decls[ti], !tables[ti].rows.isEmpty else { continue }
                    let names = d.counts.map(\.name) + (d.previousWindow ? ["prev_n_responses"] : [])
                    let name = names[g.next(names.count)], r = g.next(tables[ti].rows.count)
                    if work.hideCount(ti, r, name, .audit) { hidden += 1 }
                }
            }
            #expect(replayed == 11)
            #expect(recordings.kept.count > 100, "families recorded: \(recordings.kept.count)")
        }
    }
}
