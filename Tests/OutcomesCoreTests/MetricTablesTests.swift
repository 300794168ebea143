import Testing
@testable import OutcomesCore

/// The metric jobs and the order the report's workers take them in come from one list, so a job
/// added to it is scheduled, once, without a second list to keep in step.
@Suite struct MetricTablesTests {
    @Test func theScheduleRunsEveryJobOnceCostliestFirst() {
        let jobs = MetricTables.jobs
        let schedule = MetricTables.schedule
        #expect(schedule.sorted() == Array(jobs.indices))
        for (a, b) in zip(schedule, schedule.dropFirst()) {
            #expect(jobs[a].cost > jobs[b].cost || (jobs[a].cost == jobs[b].cost && a < b), "\(jobs[a].name) before \(jobs[b].name)")
        }
        // The measured order on the county sample (distance travelled is the longest job).
        #expect(schedule.map { jobs[$0].name } == ["distance_travelled", "feedback", "timeliness", "attendance", "activity"])
        #expect(Set(jobs.map(\.name)).count == jobs.count)
    }

    @Test func aJobAddedToTheListIsScheduled() {
        let extra = MetricJob(name: "extra", cost: 3) { _, _ in [] }
        let jobs = MetricTables.jobs + [extra]
        let schedule = MetricTables.order(jobs)
        #expect(schedule.count == jobs.count && schedule.sorted() == Array(jobs.indices))
        // Equal costs keep output order: timeliness (3) before the new job (3).
        let names = schedule.map { jobs[$0].name }
        #expect(names.firstIndex(of: "timeliness")! + 1 == names.firstIndex(of: "extra")!)
    }
}
