import ArgumentParser
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes report`: report from the store.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the month's tables from the store, without loading.",
            discussion: "Example: outcomes report --period 2026-10")
        @OptionGroup var common: CommonOptions
        @OptionGroup var report: ReportOptions

        func run() throws {
            let console = common.console
            var o = try common.options(console: console)
            report.apply(to: &o)
            try finish(Pipeline(options: o, console: console).reportOnly())
        }
    }
}
