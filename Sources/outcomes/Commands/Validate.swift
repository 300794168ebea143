import ArgumentParser
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes validate`: check extracts, write the rejects report, leave the store alone.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the extracts against the contract and write the rejects report; the store is not changed.",
            discussion: "Example: outcomes validate --extracts data --rejects output/restricted/rejects-validate.csv")
        @OptionGroup var common: CommonOptions
        @Option(name: .long, help: "Where to write the rejects report.")
        var rejects: String = "output/restricted/rejects-validate.csv"

        func run() throws {
            let console = common.console
            let o = try common.options(console: console)
            try finish(Pipeline(options: o, console: console).validate(rejectsPath: rejects))
        }
    }
}
