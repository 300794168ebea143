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
            db.add(function: StoreFunctions.mergeMarks)
            db.add(function: StoreFunctions.countMarks)
            db.add(function: StoreFunctions.countMarkBefore)
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

/// SQL functions the store's upserts use.
enum StoreFunctions {
    /// `outcomes_merge_marks(old, new)`: a later extract's session replaces the stored one; slots
    /// the new row leaves empty keep their stored mark.
    static let mergeMarks = DatabaseFunction("outcomes_merge_marks", argumentCount: 2, pure: true) { v in
        guard let old = String.fromDatabaseValue(v[0]), let new = String.fromDatabaseValue(v[1]) else { return nil }
        var o = Array(old.utf8)
        let n = Array(new.utf8)
        if o.count < n.count { o += [UInt8](repeating: StoreSchema.noMark, count: n.count - o.count) }
        for i in 0..<n.count where n[i] != StoreSchema.noMark { o[i] = n[i] }
        return String(decoding: o, as: UTF8.self)
    }

    /// `outcomes_count_mark_before(marks, month, mark, cutoff)`: sessions of one register code in a
    /// packed month dated before `cutoff` (ISO), without unpacking the month into sessions.
    static let countMarkBefore = DatabaseFunction("outcomes_count_mark_before", argumentCount: 4, pure: true) { v in
        guard let m = String.fromDatabaseValue(v[0]), let monthText = String.fromDatabaseValue(v[1]),
              let month = Month(text: monthText), let code = String.fromDatabaseValue(v[2]),
              let number = AttendanceMarks.number(of: code), let cutoffText = String.fromDatabaseValue(v[3]),
              let cutoff = Days.parseISO(cutoffText) else { return nil }
        let target = StoreSchema.noMark + number
        let first = month.firstDay
        var n = 0, i = 0
        for b in m.utf8 {
            if b == target && first + Day(i / 2) < cutoff { n += 1 }
            i += 1
        }
        return n
    }

    /// `outcomes_count_marks(marks, class)`: sessions of a mark class (0-4, see MarkClass) in a
    /// packed month; class 5 counts possible sessions.
    static let countMarks = DatabaseFunction("outcomes_count_marks", argumentCount: 2, pure: true) { v in
        guard let m = String.fromDatabaseValue(v[0]), let c = Int.fromDatabaseValue(v[1]) else { return nil }
        var n = 0
        for b in m.utf8 where b != StoreSchema.noMark {
            let cls = AttendanceMarks.cls(ofNumber: b - StoreSchema.noMark)
            if c == 5 ? cls.isPossible : Int(cls.rawValue) == c { n += 1 }
        }
        return n
    }
}
