import Foundation

/// The deterministic synthetic extracts behind `outcomes sample --seed N --scale small|county`.
///
/// Four files that agree with each other: `episodes.csv` (24 months of referrals, allocations and
/// closures ending with `lastMonth`), `outcomes.csv`, `attendance.csv` (or `.csv.gz`: every school
/// session of the 12 months ending with `lastMonth`) and `feedback.csv`. The data is dirty the way
/// real exports are (mixed date forms, spaces, codes in several spellings, quoted free text, a
/// formula-like value) and carries a few rows the loader must reject, well under 1% of each file.
///
/// The same seed, scale and month give the same bytes: the only randomness is `SampleRNG`, and no
/// output depends on dictionary or set iteration order.
public struct SampleGenerator: Sendable {
    public enum Scale: String, CaseIterable, Sendable {
        /// About 300 episodes, 2,500 outcome rows, 400 pupils (150,000 sessions), 800 answers.
        case small
        /// About 25,000 episodes, 200,000 outcome rows, 22,000 pupils (8 million sessions), 60,000 answers.
        case county
    }

    /// The generator could not make the sample (for example a month with no school year before it).
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var detail: String
        public var description: String { "cannot make the sample: \(detail)" }
    }

    public let seed: UInt64
    public let scale: Scale
    public let lastMonth: Month

    public init(seed: UInt64, scale: Scale, lastMonth: Month) {
        self.seed = seed
        self.scale = scale
        self.lastMonth = lastMonth
    }

    /// File names in the order `write` makes them.
    public static func fileNames(gzipAttendance: Bool) -> [String] {
        ["episodes.csv", "outcomes.csv", gzipAttendance ? "attendance.csv.gz" : "attendance.csv", "feedback.csv"]
    }

    /// Writes the four extracts into `dir` (created if missing) and returns their paths.
    ///
    /// - Parameter gzipWriter: makes the sink for `attendance.csv.gz`; called only when
    ///   `gzipAttendance` is true. The other files are plain (`PlainFileSink`).
    @discardableResult
    public func write(to dir: String, gzipAttendance: Bool,
                      gzipWriter: (String) throws -> LineSink) throws -> [String] {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let model = SampleModel(seed: seed, sizes: SampleSizes(scale), lastMonth: lastMonth)
        let names = Self.fileNames(gzipAttendance: gzipAttendance)
        let paths = names.map { (dir as NSString).appendingPathComponent($0) }
        _ = try model.writeEpisodes(to: PlainFileSink(path: paths[0]), seed: seed)
        _ = try model.writeOutcomes(to: PlainFileSink(path: paths[1]), seed: seed)
        let attendanceSink: LineSink = gzipAttendance ? try gzipWriter(paths[2]) : try PlainFileSink(path: paths[2])
        _ = try model.writeAttendance(to: attendanceSink, seed: seed)
        _ = try model.writeFeedback(to: PlainFileSink(path: paths[3]), seed: seed)
        return paths
    }
}
