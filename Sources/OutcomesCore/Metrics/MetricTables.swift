/// One metric job of the report: a family of tables of docs/METRICS.md, computed on its own.
public struct MetricJob: Sendable {
    /// The family's name, for logs and tests.
    public let name: String
    /// How long the job takes relative to the others, measured on the county sample (higher runs
    /// sooner, so the workers finish together). A guess for a new job is fine: it only orders work.
    public let cost: Int
    /// The job's tables, in output order.
    public let compute: @Sendable (Dataset, ReportContext) -> [OutputTable]

    public init(name: String, cost: Int, compute: @escaping @Sendable (Dataset, ReportContext) -> [OutputTable]) {
        self.name = name; self.cost = cost; self.compute = compute
    }
}

/// Every metric table of docs/METRICS.md, as independent jobs the report runs side by side.
///
/// One list holds each job with its own cost, and the schedule is derived from it, so adding a
/// job cannot leave the schedule a job short (or pointing past the end).
public enum MetricTables {
    /// The metric jobs in output order.
    public static let jobs: [MetricJob] = [
        MetricJob(name: "distance_travelled", cost: 5) { DistanceTravelledMetric.tables($0, $1) },
        MetricJob(name: "attendance", cost: 2) { AttendanceMetric.tables($0, $1) },
        MetricJob(name: "feedback", cost: 4) { FeedbackMetric.tables($0, $1) },
        MetricJob(name: "timeliness", cost: 3) { [TimelinessMetric.table($0, $1)] },
        MetricJob(name: "activity", cost: 1) { [ActivityMetric.table($0, $1)] },
    ]

    /// Indices of `jobs`, costliest first (equal costs in output order): the order workers take them.
    public static let schedule = order(jobs)

    /// The schedule of any list of jobs: a permutation of its indices, costliest first.
    public static func order(_ jobs: [MetricJob]) -> [Int] {
        jobs.indices.sorted { jobs[$0].cost != jobs[$1].cost ? jobs[$0].cost > jobs[$1].cost : $0 < $1 }
    }
}
