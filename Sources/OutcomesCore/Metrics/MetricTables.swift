/// Every metric table of METRICS.md, in the order they are written.
public enum MetricTables {
    public static func all(_ data: Dataset, _ ctx: ReportContext, onTable: (String) -> Void = { _ in }) -> [OutputTable] {
        var out: [OutputTable] = []
        func add(_ ts: [OutputTable]) { for t in ts { onTable(t.name); out.append(t) } }
        add(DistanceTravelledMetric.tables(data, ctx))
        add(AttendanceMetric.tables(data, ctx))
        add(FeedbackMetric.tables(data, ctx))
        add([TimelinessMetric.table(data, ctx)])
        add([ActivityMetric.table(data, ctx)])
        return out
    }
}
