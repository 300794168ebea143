import ArgumentParser
import Foundation
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes query FILE.sql`: one analyst's query, to standard output or a file.
    struct Query: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one read-only SQL query against the store and print its rows as CSV.",
            discussion: """
            :period_start, :period_end and :rolling_start are bound as ISO dates; suppress(n) hides 1 to the threshold.
            Reads outcomes.yml like the other commands (suppress_max, query_timeout_s, query_max_mb).
            Example: outcomes query queries/closure_reasons_by_service.sql --period 2026-10 --out reasons.csv
            """)
        @Argument(help: "The .sql file (one SELECT).")
        var file: String
        @Option(name: .long, help: "The store.")
        var db: String = "outcomes.db"
        @Option(name: .long, help: "Reporting month YYYY-MM. Default: the newest month with data that has ended.")
        var period: String?
        @Option(name: .long, help: "Write the CSV here instead of standard output.")
        var out: String?
        @Option(name: .long, help: "Configuration file (YAML). Default: ./outcomes.yml when present.")
        var config: String?
        @Option(name: .long, help: "Threshold for suppress(). Default: suppress_max of the configuration (5).")
        var suppressMax: Int?

        func validate() throws {
            if let p = period, Month(text: p) == nil { throw ValidationError("--period must be YYYY-MM (got '\(p)')") }
            if let s = suppressMax, s < 0 { throw ValidationError("--suppress-max must be 0 or more") }
        }

        func run() throws {
            let console = Console(verbosity: .normal)
            // The same configuration as every other command (docs/OUTPUTS.md "Configuration").
            var settings = OutcomesConfig()
            do {
                if let c = config {
                    settings = try OutcomesConfig.load(path: c)
                } else if FileManager.default.fileExists(atPath: OutcomesConfig.defaultFileName) {
                    settings = try OutcomesConfig.load(path: OutcomesConfig.defaultFileName)
                }
            } catch {
                console.error(error.localizedDescription); try finish(.usage)
            }
            do {
                guard FileManager.default.fileExists(atPath: db) else { throw RunError.noStore(db) }
                let store = try Store(path: db, readOnly: true)
                guard let month = try period.flatMap(Month.init(text:)) ?? store.defaultPeriod(today: Days.today()) else {
                    throw RunError.noData
                }
                let runner = QueryRunner(storePath: db, period: month, threshold: suppressMax ?? settings.suppressMax,
                                         timeoutSeconds: settings.queryTimeoutSeconds,
                                         maxMegabytes: settings.queryMaxMegabytes)
                if let out {
                    try runner.run(file: file, to: out)
                } else {
                    // Streamed in 64 KB writes, so a large result is never held whole.
                    var buffer = Data()
                    try runner.run(file: file) { line in
                        buffer.append(contentsOf: line.utf8)
                        if buffer.count >= 1 << 16 { FileHandle.standardOutput.write(buffer); buffer.removeAll(keepingCapacity: true) }
                    }
                    FileHandle.standardOutput.write(buffer)
                }
            } catch let e as RunError {
                console.error(e.localizedDescription); try finish(e.status)
            } catch {
                console.error(error.localizedDescription); try finish(.failure)
            }
        }
    }
}
