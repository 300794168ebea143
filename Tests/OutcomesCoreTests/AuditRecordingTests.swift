import Foundation
import Testing
@testable import OutcomesCore

/// The audit's recorded families (`AuditRecording`) and remembered bounds (`AuditNodeIndex`)
/// against building every node and relation from the tables again, round after round while cells
/// are hidden, on every table of the fixture run.
@Suite struct AuditRecordingTests {
    /// Everything a round's model hands to the propagation and the hiding, each node named by
    /// its count (table, row, column) or its value with its starting bounds, so that two models
    /// numbering their nodes differently compare equal exactly when they say the same.
    static func description(_ m: AuditModel) -> [[Int]] {
        func named(_ n: Int) -> [Int] {
            let r = m.refOf[n], iv = m.intervals
            return (r.t < 0 ? [-1, iv.lo[n]] : [r.t, r.r, r.column]) + [iv.lo[n], iv.hi[n], iv.fixed[n] ? 1 : 0]
        }
        let rs = m.intervals.relations
        return [m.hiddenNodes.flatMap(named)] + rs.indices.map { i in
            var w = [rs.kind(i)]
            for k in rs.range(i) { w += named(rs.nodes[k]) + [rs.coefficients[k]] }
            return w + [rs.constants[i]]
        }
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

    @Test func keptFamiliesBuildWhatTheTablesBuild() throws {
        let (tables, ctx) = try Self.fixtureTables()
        for includePrevious in [false, true] {
            let work = SuppressionWork(tables: tables, threshold: 5, breakdowns: ctx.breakdowns,
                                       declarations: TableDeclaration.standard)
            work.applyRowRules()
            work.applyTableRules(previous: [:])
            var g = AuditPartsTests.Random(state: includePrevious ? 7 : 3)
            // Phase 2 goes on from phase 1's model: it starts without the previous window and
            // takes it in at round 4, building again only the families that asked for it.
            var kept = AuditModel(work: work, includePrevious: false)
            var replayed = 0
            for round in 0..<12 {
                let previousNow = includePrevious && round >= 4
                if previousNow && !kept.includePrevious { kept.addPreviousWindow() }
                kept.build()
                if includePrevious && round == 4 {
                    #expect(kept.recordings.built > 0 && kept.recordings.built < kept.recordings.kept.count / 2)
                }
                var fresh = AuditModel(work: work, includePrevious: previousNow)
                fresh.build()
                let a = Self.description(kept), b = Self.description(fresh)
                let first = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? b.count
                let same = a == b
                #expect(same, "round \(round): first difference in part \(first) of \(b.count)")
                // After the first round only the families whose reads the hiding changed are built.
                if round == 0 { #expect(kept.recordings.built == kept.recordings.kept.count) }
                if round > 0, kept.recordings.built < kept.recordings.kept.count / 2 { replayed += 1 }
                // Hide a few shown counts anywhere, as the audit would: the recordings whose reads
                // they change must be built again, the others kept.
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
            #expect(kept.recordings.kept.count > 100, "families recorded: \(kept.recordings.kept.count)")
        }
    }

    /// Suppressing the groups of `SuppressionStage.linkedGroups` apart is sound only if no audit
    /// relation joins two of them: every relation of a full model (both phases' relations) over
    /// every table of the fixture run stays inside one group, while some join two tables.
    @Test func noRelationJoinsTwoGroups() throws {
        let (tables, ctx) = try Self.fixtureTables()
        let groups = SuppressionStage.linkedGroups(tables.map(\.name))
        var groupOf = [Int](repeating: -1, count: tables.count)
        for (g, ts) in groups.enumerated() { for t in ts { groupOf[t] = g } }
        #expect(groups.count > 3 && !groupOf.contains(-1))
        let work = SuppressionWork(tables: tables, threshold: 5, breakdowns: ctx.breakdowns,
                                   declarations: TableDeclaration.standard)
        work.applyRowRules()
        work.applyTableRules(previous: [:])
        var model = AuditModel(work: work, includePrevious: true)
        model.build()
        let rs = model.intervals.relations
        var acrossTables = 0
        for i in rs.indices {
            let ts = Set(rs.range(i).map { model.refOf[rs.nodes[$0]].t }.filter { $0 >= 0 })
            #expect(Set(ts.map { groupOf[$0] }).count <= 1, "relation \(i) joins \(ts.map { tables[$0].name })")
            if ts.count > 1 { acrossTables += 1 }
        }
        #expect(acrossTables > 0)
    }

    /// Apart and together give the same cells and the same manifest counts, at several thresholds.
    @Test func groupsApartEqualTogether() throws {
        let (tables, ctx) = try Self.fixtureTables()
        var audited = 0
        for threshold in [3, 5, 10] {
            let apart = SuppressionStage.apply(tables, threshold: threshold, breakdowns: ctx.breakdowns, threads: 2)
            let together = SuppressionStage.apply(tables, threshold: threshold, breakdowns: ctx.breakdowns, threads: 2, apart: false)
            #expect(apart.tables.map(\.rows) == together.tables.map(\.rows), "T = \(threshold)")
            #expect(apart.hiddenBy == together.hiddenBy, "T = \(threshold)")
            audited += apart.hiddenBy["audit", default: 0]
        }
        #expect(audited > 0)
    }
}
