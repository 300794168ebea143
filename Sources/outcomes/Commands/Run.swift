import ArgumentParser
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes run`: load, then report.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the extracts, then write the month's tables (the scheduled monthly job).",
            discussion: "Example: outcomes run --extracts data --period 2026-10 --out output")
        @OptionGroup var common: CommonOptions
        @OptionGroup var report: ReportOptions

        func run() throws {
            let console = common.console
            var o = try common.options(console: console)
            report.apply(to: &o)
            try finish(Pipeline(options: o, console: console).run())
        }
    }
}
