import Foundation
import GRDB

/// The store's schema history, applied by GRDB's `DatabaseMigrator` each time the tool opens a
/// store for writing (`docs/STORE.md` "Upgrades").
///
/// Migrations are never edited once released: a change to the schema is a new migration at the
/// end. The first one is the schema of the first release (commit 602aa05), written with
/// `IF NOT EXISTS` throughout, so a store made by that release (which predates the migrator and
/// so has no `grdb_migrations` table) is recognised as already holding it and only the later
/// migrations run on it.
enum StoreMigrations {
    /// Identifiers in order; the last is the schema this build writes.
    static let identifiers = ["1-release-602aa05", "2-rejects", "3-load-log-file-identity", "4-rejects-sealed"]

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration(identifiers[0]) { db in
            for s in StoreSchema.statements { try db.execute(sql: s) }
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance_mark_codes") == 0 {
                for (i, mark) in AttendanceMarks.codes.enumerated() {
                    try db.execute(sql: "INSERT INTO attendance_mark_codes VALUES (?, ?, ?)",
                                   arguments: [i + 1, mark.code, StoreSchema.classLabel(mark.cls)])
                }
                for slot in 0..<62 {
                    try db.execute(sql: "INSERT INTO attendance_slots VALUES (?, ?, ?)",
                                   arguments: [slot, slot / 2 + 1, slot % 2 == 0 ? "AM" : "PM"])
                }
            }
        }
        // Every rejected row of every load, so each run's rejects report can list the rejects of
        // every file in the load log, not only of files loaded in that run (OUTPUTS.md).
        m.registerMigration(identifiers[1]) { db in
            try db.execute(sql: """
                CREATE TABLE rejects (
                  id INTEGER PRIMARY KEY,
                  load_id INTEGER NOT NULL REFERENCES load_log(id),
                  file_name TEXT NOT NULL,
                  sha256 TEXT NOT NULL,
                  line INTEGER NOT NULL,
                  column_name TEXT NOT NULL,
                  value TEXT NOT NULL,
                  reason TEXT NOT NULL,
                  loaded_at TEXT NOT NULL)
                """)
            try db.execute(sql: "CREATE INDEX rejects_load ON rejects(load_id)")
        }
        // Size, modification time and inode of each loaded file, so an unchanged file is skipped
        // without reading it. NULL for files logged before this migration (they are hashed once).
        m.registerMigration(identifiers[2]) { db in
            try db.execute(sql: "ALTER TABLE load_log ADD COLUMN file_size INTEGER")
            try db.execute(sql: "ALTER TABLE load_log ADD COLUMN file_mtime_ns INTEGER")
            try db.execute(sql: "ALTER TABLE load_log ADD COLUMN file_inode INTEGER")
            try db.execute(sql: "CREATE INDEX load_log_name ON load_log(file_name)")
        }
        // Whether a reject's value and reason are sealed (`RejectSeal`): a pseudonymised store
        // holds no identifier as written, not even in its rejects. 0 for rejects stored before.
        m.registerMigration(identifiers[3]) { db in
            try db.execute(sql: "ALTER TABLE rejects ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0")
        }
        return m
    }

    /// Brings the store up to this build's schema; refuses a store a newer build has changed.
    static func migrate(_ queue: DatabaseQueue, path: String) throws {
        let m = migrator
        let superseded = try queue.read { db in
            try m.hasBeenSuperseded(db) ? m.appliedIdentifiers(db).subtracting(identifiers).sorted() : []
        }
        if !superseded.isEmpty { throw StoreError.newerSchema(path: path, unknown: superseded) }
        try m.migrate(queue)
    }
}

/// A store this build cannot use as it is.
public enum StoreError: LocalizedError, Equatable, Sendable {
    /// A newer release changed the store's schema in ways this one does not know.
    case newerSchema(path: String, unknown: [String])

    public var errorDescription: String? {
        switch self {
        case let .newerSchema(p, u):
            return "\(p): the store was upgraded by a newer release of outcomes (schema changes \(u.joined(separator: ", ")) are unknown to this one). Use that release, or start again with `outcomes reset`."
        }
    }
}
