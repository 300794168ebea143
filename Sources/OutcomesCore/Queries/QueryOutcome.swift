/// What happened to one query file in `QueryRunner.runAll`: where its rows went, or why it failed.
///
/// `runAll` never stops at a failure (OUTPUTS.md: one failing query does not stop the others),
/// so the caller looks through these at the end, prints the failures and exits non-zero.
public struct QueryOutcome: Sendable, Equatable {
    /// The file name without `.sql`; also the output's name (`<name>.csv`).
    public var name: String
    /// The query file's path.
    public var file: String
    /// The CSV file's path (written only when the query succeeded).
    public var output: String
    /// Data rows written, not counting the header; 0 when the query failed.
    public var rows: Int
    /// Why the query failed, or nil when it succeeded.
    public var error: QueryError?

    public init(name: String, file: String, output: String, rows: Int, error: QueryError?) {
        self.name = name; self.file = file; self.output = output; self.rows = rows; self.error = error
    }

    public var succeeded: Bool { error == nil }
    /// The error's message (naming the file and what to do), or nil.
    public var message: String? { error?.errorDescription }

    /// One line saying which queries failed, e.g. `2 of 5 queries failed: a.sql, b.sql`, or nil
    /// when none did. The run prints it last and exits non-zero.
    public static func failureSummary(_ outcomes: [QueryOutcome]) -> String? {
        let failed = outcomes.filter { !$0.succeeded }
        guard !failed.isEmpty else { return nil }
        let names = failed.map { $0.name + ".sql" }.joined(separator: ", ")
        return "\(failed.count) of \(outcomes.count) queries failed: \(names)"
    }
}
