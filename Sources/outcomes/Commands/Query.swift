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
        @Option(name: .long, help: "Threshold for suppress().")
        var suppressMax: Int = 5

        func validate() throws {
            if let p = period, Month(text: p) == nil { throw ValidationError("--period must be YYYY-MM (got '\(p)')") }
        }

        func run() throws {
            let console = Console(verbosity: .normal)
            do {
                guard FileManager.default.fileExists(atPath: db) else { throw RunError.noStore(db) }
                let store = try Store(path: db, readOnly: true)
                guard let month = try period.flatMap(Month.init(text:)) ?? store.defaultPeriod(today: Days.today()) else {
                    throw RunError.noData
                }
                let csv = try QueryRunner(storePath: db, period: month, threshold: suppressMax).run(file: file)
                if let out {
                    try OutputFolder.writeFile(path: out, data: Data(csv.utf8))
                } else {
                    FileHandle.standardOutput.write(Data(csv.utf8))
                }
            } catch let e as RunError {
                console.error(e.localizedDescription); try finish(e.status)
            } catch {
                console.error(error.localizedDescription); try finish(.failure)
            }
        }
    }
}
