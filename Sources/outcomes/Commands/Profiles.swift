import ArgumentParser
import Foundation
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes profiles`: list the input profiles and, with --check, what each file would be read as.
    struct Profiles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the input profiles and which files of a folder each would read.",
            discussion: "Example: outcomes profiles --profiles profiles --check data")
        @Option(name: .long, help: "Folder of input profiles (*.yml); may be missing.")
        var profiles: String = "profiles"
        @Option(name: .long, help: "Show which profile (or the contract's file names) would read each file of this folder.")
        var check: String?

        func run() throws {
            do {
                let list = try Profile.load(folder: profiles)
                print(try ProfileListing.text(profiles: list, check: check), terminator: "")
            } catch let e as ProfileError {
                FileHandle.standardError.write(Data(("error: " + (e.errorDescription ?? "\(e)") + "\n").utf8))
                throw ExitCode(ExitStatus.usage.rawValue)
            } catch let e as ExtractError {
                FileHandle.standardError.write(Data(("error: " + (e.errorDescription ?? "\(e)") + "\n").utf8))
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
    }
}
