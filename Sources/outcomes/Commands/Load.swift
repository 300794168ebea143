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
        @Option(name: .long, help: "Threads for reading: from 2, one parses while another validates (the store does not depend on it).")
        var threads: Int?

        func validate() throws {
            if let t = threads, t < 1 || t > 256 { throw ValidationError("--threads must be from 1 to 256") }
        }

        func run() throws {
            let console = common.console
            var o = try common.options(console: console)
            o.out = out
            if let t = threads { o.threads = t }
            try finish(Pipeline(options: o, console: console).loadOnly())
        }
    }
}
