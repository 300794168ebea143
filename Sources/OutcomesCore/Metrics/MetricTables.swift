/// Every metric table of METRICS.md, as independent jobs the report runs side by side.
public enum MetricTables {
    /// The metric jobs in output order; each returns its tables in their own order.
    public static let jobs: [@Sendable (Dataset, ReportContext) -> [OutputTable]] = [
        { DistanceTravelledMetric.tables($0, $1) },
        { AttendanceMetric.tables($0, $1) },
        { FeedbackMetric.tables($0, $1) },
        { [TimelinessMetric.table($0, $1)] },
        { [ActivityMetric.table($0, $1)] },
    ]

    /// Job indices by decreasing measured cost on the county sample (distance travelled, feedback,
    /// timeliness, attendance, activity), the order workers take them in.
    public static let longestFirst = [0, 2, 3, 1, 4]

}
