import ArgumentParser
import Foundation
import OutcomesCore

/// The `outcomes` command: a thin shell over OutcomesCore.
@main
struct OutcomesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Turn children's-services case extracts into outcome reports.",
        discussion: """
        Loads case extracts (CSV, optionally gzip) into an SQLite store and writes official-statistics
        tables for one month: distance travelled, attendance, feedback, timeliness and activity.
        Example: outcomes run --extracts data --period 2026-10
        """,
        version: OutcomesVersion.string,
        subcommands: [Run.self, Load.self, Report.self, Validate.self, Query.self, Sample.self, Reset.self, Profiles.self],
        defaultSubcommand: Run.self)

    static func main() {
        umask(0o077)  // store and outputs describe children: owner-only whatever the caller's umask
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            // Bad arguments: argument-parser's own message, then exit 2 (OUTPUTS.md).
            let code = exitCode(for: error)
            if code == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue == 64 ? 2 : code.rawValue)
        }
    }
}

/// Ends the process with a documented exit status.
func finish(_ s: ExitStatus) throws -> Never {
    Foundation.exit(s.rawValue)
}
