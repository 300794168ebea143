import ArgumentParser
import OutcomesCore

extension OutcomesCommand {
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
}
