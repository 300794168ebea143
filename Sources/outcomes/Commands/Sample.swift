import ArgumentParser
import Foundation
import OutcomesCore

extension SampleGenerator.Scale: ExpressibleByArgument {}

extension OutcomesCommand {
    /// `outcomes sample`: deterministic synthetic extracts for demos, tests and benchmarks.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a deterministic synthetic set of extracts (no real person's data).",
            discussion: "Writes to sample/ unless --out says otherwise. Example: outcomes sample --scale county --seed 7 --out bench-data/county")
        @Option(name: .long, help: "Random seed; the same seed gives the same bytes.")
        var seed: UInt64 = 1
        @Option(name: .long, help: "small (a few hundred episodes) or county (about 25,000 episodes, 8 million sessions).")
        var scale: SampleGenerator.Scale = .small
        @Option(name: .long, help: "Folder to write (it must be empty or missing unless --force).")
        var out: String = "sample"
        @Flag(name: .long, help: "Write into a folder that already holds files (same-named files are replaced).")
        var force = false
        @Option(name: .long, help: "Last month the data covers, YYYY-MM.")
        var lastMonth: String = "2026-10"
        @Flag(name: .long, inversion: .prefixedNo, help: "Gzip the attendance extract.")
        var gzip = true

        func validate() throws {
            if Month(text: lastMonth) == nil { throw ValidationError("--last-month must be YYYY-MM (got '\(lastMonth)')") }
        }

        func run() throws {
            // Never over a folder of extracts by accident (OUTPUTS.md): replacing data/ once made the
            // next run report the county sample as if it were the shipped one.
            if !force, let held = try? FileManager.default.contentsOfDirectory(atPath: out), !held.isEmpty {
                Console(verbosity: .normal).error("\(out) already holds files (\(held.sorted().prefix(3).joined(separator: ", "))\(held.count > 3 ? ", …" : "")); choose an empty folder with --out, or pass --force to write over them.")
                try finish(.usage)
            }
            try OutputFolder.makeDirectory(out)
            let files = try SampleGenerator(seed: seed, scale: scale, lastMonth: Month(text: lastMonth)!)
                .write(to: out, gzipAttendance: gzip, gzipWriter: { try GzipFileWriter(path: $0) })
            for f in files { print(f) }
        }
    }
}
