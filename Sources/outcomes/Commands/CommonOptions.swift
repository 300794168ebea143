import ArgumentParser
import Foundation
import OutcomesCore

/// Options every data command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of extract files.")
    var extracts: String = "data"
    @Option(name: .long, help: "The SQLite store.")
    var db: String = "outcomes.db"
    @Option(name: .long, help: "Configuration file (YAML). Default: ./outcomes.yml when present.")
    var config: String?
    @Option(name: .long, help: "Folder of input profiles (*.yml) mapping your system's exports onto the contract; may be missing.")
    var profiles: String = "profiles"
    @Option(name: .long, help: "Percentage of a file's rows that may be rejected before the run fails (exit 4).")
    var maxRejectPct: Double?
    @Flag(name: .long, help: "Hash every extract, even those whose size, modification time and inode match the load log.")
    var verifyUnchanged = false
    @Flag(name: .long, help: "Print errors only.")
    var quiet = false
    @Flag(name: .long, help: "Add timings and details.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
        if let p = maxRejectPct, !(0...100).contains(p) { throw ValidationError("--max-reject-pct takes a percentage from 0 to 100") }
    }

    var console: Console { Console(verbosity: quiet ? .quiet : (verbose ? .verbose : .normal)) }

    /// Reads the configuration (exit 2 on a problem) and applies the command-line overrides.
    func options(console: Console) throws -> RunOptions {
        var o = RunOptions()
        o.extracts = extracts
        o.db = db
        o.commandLine = CommandLine.arguments
        do {
            if let c = config {
                o.config = try OutcomesConfig.load(path: c)
            } else if FileManager.default.fileExists(atPath: OutcomesConfig.defaultFileName) {
                o.config = try OutcomesConfig.load(path: OutcomesConfig.defaultFileName)
            }
        } catch {
            console.error(error.localizedDescription)
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if let p = maxRejectPct { o.config.maxRejectPct = p }
        do { o.profiles = try Profile.load(folder: profiles) } catch {
            console.error(error.localizedDescription)
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        o.verifyUnchanged = verifyUnchanged
        return o
    }
}

/// Options of the commands that write tables.
struct ReportOptions: ParsableArguments {
    @Option(name: .long, help: "Reporting month YYYY-MM. Default: the newest month with data that has ended.")
    var period: String?
    @Option(name: .long, help: "Output folder; each run writes <out>/<YYYY-MM>/.")
    var out: String = "output"
    @Option(name: .long, help: "Folder of analysts' SQL files run after the tables.")
    var queries: String = "queries"
    @Option(name: .long, help: "Folder of published attendance statistics (the DfE's year-to-date CSV) for attendance_benchmarks.csv.")
    var benchmarks: String = "benchmarks"
    @Option(name: .long, help: "Counts from 1 to N are suppressed (shown as c); 0 turns suppression off.")
    var suppressMax: Int?
    @Option(name: .long, help: "Worker threads for the load (parse beside validate from 2) and the aggregation core (output does not depend on it).")
    var threads: Int?
    @Flag(name: .long, help: "Do not write summary.html.")
    var noSummary = false
    @Flag(name: .long, help: "Do not write outcomes.xlsx.")
    var noWorkbook = false

    func validate() throws {
        if let p = period, Month(text: p) == nil { throw ValidationError("--period must be YYYY-MM, e.g. 2026-10 (got '\(p)')") }
        if let s = suppressMax, s < 0 { throw ValidationError("--suppress-max must be 0 or more") }
        if let t = threads, t < 1 || t > 256 { throw ValidationError("--threads must be from 1 to 256") }
    }

    func apply(to o: inout RunOptions) {
        o.period = period.flatMap(Month.init(text:))
        o.out = out
        o.queries = queries
        o.benchmarks = benchmarks
        if let s = suppressMax { o.config.suppressMax = s }
        if let t = threads { o.threads = t }
        o.summary = !noSummary
        o.workbook = !noWorkbook
    }
}
