import ArgumentParser
import Foundation
import OutcomesCore

extension OutcomesCommand {
    /// `outcomes reset`: delete the store, for starting again (OUTPUTS.md).
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the store (and its -wal and -shm files) to start again from the extracts.",
            discussion: """
            Asks first on a terminal; a scheduled job must pass --yes. Outputs already written are kept.
            Example: outcomes reset --db outcomes.db --yes
            """)
        @Option(name: .long, help: "The store to delete.")
        var db: String = "outcomes.db"
        @Flag(name: .long, help: "Delete without asking.")
        var yes = false

        func run() throws {
            let console = Console(verbosity: .normal)
            let files = [db, db + "-wal", db + "-shm", db + "-journal"]
            let present = files.filter { p in var st = stat(); return lstat(p, &st) == 0 }
            guard present.contains(db) else {
                console.error("no store at \(db): nothing to delete (pass --db to name another).")
                try finish(.usage)
            }
            // Never delete a store a run is using: take the same lock a run takes (exit 2 naming
            // the process that holds it), and keep it until the files are gone.
            let lock: RunLock
            do { lock = try RunLock.forStore(db) } catch {
                console.error(error.localizedDescription)
                try finish(.usage)
            }
            defer { withExtendedLifetime(lock) {} }
            if !yes {
                // Never guess a yes: without a terminal to ask on, refuse.
                guard isatty(STDIN_FILENO) == 1 else {
                    console.error("outcomes reset deletes \(db) and everything loaded into it; not on a terminal, so pass --yes to confirm.")
                    try finish(.usage)
                }
                FileHandle.standardError.write(Data("Delete the store \(db) and everything loaded into it? Type yes to confirm: ".utf8))
                guard let answer = readLine(), ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased()) else {
                    console.error("not deleted.")
                    try finish(.usage)
                }
            }
            for p in present where unlink(p) != 0 {
                console.error("cannot delete \(p): \(String(cString: strerror(errno))).")
                try finish(.failure)
            }
            console.step("deleted \(present.joined(separator: ", ")); the next load starts from an empty store")
        }
    }
}
