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

    /// `outcomes load`: load only.
    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the extracts into the store (incremental; unchanged files are skipped).",
            discussion: "Example: outcomes load --extracts data --db outcomes.db")
        @OptionGroup var common: CommonOptions
        @Option(name: .long, help: "Folder for the rejects report if the load fails.")
        var out: String = "output"

        func run() throws {
            let console = common.console
            var o = try common.options(console: console)
            o.out = out
            try finish(Pipeline(options: o, console: console).loadOnly())
        }
    }

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

    /// `outcomes validate`: check extracts, write the rejects report, leave the store alone.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the extracts against the contract and write the rejects report; the store is not changed.",
            discussion: "Example: outcomes validate --extracts data --rejects output/rejects-validate.csv")
        @OptionGroup var common: CommonOptions
        @Option(name: .long, help: "Where to write the rejects report.")
        var rejects: String = "output/rejects-validate.csv"

        func run() throws {
            let console = common.console
            let o = try common.options(console: console)
            try finish(Pipeline(options: o, console: console).validate(rejectsPath: rejects))
        }
    }
}
