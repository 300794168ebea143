import Foundation
import GRDB
import GRDBSQLite

/// The embedded SQLite store: one table per extract kind plus the load log (`docs/STORE.md`).
///
/// Writes go through raw prepared statements inside one transaction per extract file, so a file
/// loads all or nothing and a county year loads in seconds.
public final class Store {
    public let path: String
    let queue: DatabaseQueue

    /// Opens the store at `path`, creating it (readable by its owner only) when it is missing.
    ///
    /// The tool never changes the mode of a store it did not create (docs/OUTPUTS.md): one its
    /// owner made read-only is not written, and opening it for writing throws
    /// `FileSafetyError.readOnlyStore`.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        if !readOnly {
            if !FileManager.default.fileExists(atPath: path) {
                let dir = SafeFiles.folder(of: path)
                if dir != "." { try SafeFiles.makeDirectories(dir, option: "--db") }
                let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
                if fd >= 0 {
                    fchmod(fd, 0o600)  // created here: exactly owner-only whatever the umask
                    close(fd)
                }
            } else if SafeFiles.isReadOnly(path) {
                throw FileSafetyError.readOnlyStore(path)
            }
        }
        var config = Configuration()
        config.readonly = readOnly
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        if !readOnly { try StoreMigrations.migrate(queue, path: path) }
    }

    /// Whether a file with this content was loaded before (idempotence by SHA-256).
    public func wasLoaded(sha256: String) throws -> Bool {
        try queue.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM load_log WHERE sha256 = ?)", arguments: [sha256]) ?? false
        }
    }

    /// Every stored episode id (outcome and feedback rows must refer to one).
    public func episodeIDs() throws -> Set<String> {
        try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT episode_id FROM episodes")) }
    }

    /// Row counts per table, for reports and tests.
    public func rowCounts() throws -> [String: Int] {
        try queue.read { db in
            var d: [String: Int] = [:]
            for t in ["episodes", "outcomes", "feedback", "attendance_months", "load_log"] {
                d[t] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? 0
            }
            return d
        }
    }

    /// Runs `body` in one write transaction: everything it writes lands together or not at all.
    public func transaction(_ body: (StoreWriter) throws -> Void) throws {
        try queue.inTransaction { db in
            try body(StoreWriter(db: db))
            return .commit
        }
    }

    /// Runs `body` in one write transaction, committed only when it returns true (rolled back
    /// when it returns false or throws).
    public func transactionCommitting(if body: (StoreWriter) throws -> Bool) throws {
        try queue.inTransaction { db in
            try body(StoreWriter(db: db)) ? .commit : .rollback
        }
    }

    /// Read access for report code and analysts' queries.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}
