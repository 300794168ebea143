import ArgumentParser
import Foundation
import OutcomesCore

extension SampleGenerator.Scale: ExpressibleByArgument {}

extension OutcomesCommand {
    /// `outcomes sample`: deterministic synthetic extracts for demos, tests and benchmarks.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic synthetic set of extracts (no real person's data).",
            discussion: "Example: outcomes sample --scale county --seed 7 --out bench-data/county")
        @Option(name: .long, help: "Random seed; the same seed gives the same bytes.")
        var seed: UInt64 = 1
        @Option(name: .long, help: "small (a few hundred episodes) or county (about 25,000 episodes, 8 million sessions).")
        var scale: SampleGenerator.Scale = .small
        @Option(name: .long, help: "Folder to write.")
        var out: String = "data"
        @Option(name: .long, help: "Last month the data covers, YYYY-MM.")
        var lastMonth: String = "2026-10"
        @Flag(name: .long, inversion: .prefixedNo, help: "Gzip the attendance extract.")
        var gzip = true

        func validate() throws {
            if Month(text: lastMonth) == nil { throw ValidationError("--last-month must be YYYY-MM (got '\(lastMonth)')") }
        }

        func run() throws {
            try OutputFolder.makeDirectory(out)
            let files = try SampleGenerator(seed: seed, scale: scale, lastMonth: Month(text: lastMonth)!)
                .write(to: out, gzipAttendance: gzip, gzipWriter: { try GzipFileWriter(path: $0) })
            for f in files { print(f) }
        }
    }
}
