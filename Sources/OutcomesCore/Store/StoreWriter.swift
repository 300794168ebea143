import Foundation
import GRDB
import GRDBSQLite

/// Writes one extract file's rows inside the store's open transaction.
///
/// Uses SQLite prepared statements directly (bind, step, reset): GRDB's argument arrays cost more
/// than the insert itself at a quarter of a million rows.
public struct StoreWriter {
    let db: Database

    /// Records a loaded file in the load log; returns its `load_log.id`.
    ///
    /// - Parameter identity: the file's size, modification time and inode, so the next load can
    ///   skip it unread while they match (nil leaves them NULL: it will be hashed next time).
    @discardableResult
    public func logFile(name: String, kind: ExtractKind, sha256: String, read: Int, loaded: Int, rejected: Int,
                        loadedAt: String = StoreWriter.now(), identity: FileIdentity? = nil) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO load_log (file_name, kind, sha256, rows_read, rows_loaded, rows_rejected, loaded_at,
                                  file_size, file_mtime_ns, file_inode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [name, kind.rawValue, sha256, read, loaded, rejected, loadedAt,
                             identity?.size, identity?.mtimeNs, identity.map { Int64(bitPattern: $0.inode) }])
        return db.lastInsertedRowID
    }

    /// The time a load is logged at, ISO 8601 in UTC.
    public static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    /// Stores every reject of one loaded file (OUTPUTS.md: the store keeps every rejected row of
    /// every load), read back from its spool in file order.
    public func insert(rejects spool: RejectSpool, loadID: Int64, sha256: String, loadedAt: String) throws {
        let st = try Prepared(db, """
            INSERT INTO rejects (load_id, file_name, sha256, line, column_name, value, reason, loaded_at)
            VALUES (?,?,?,?,?,?,?,?)
            """)
        try spool.forEach { r in
            st.int(1, Int(loadID)); st.text(2, r.file); st.text(3, sha256)
            // A workbook row keeps its sheet: `List 6!17` is stored as text in the line column.
            if r.sheet != nil { st.text(4, r.location) } else { st.int(4, r.line) }
            st.text(5, r.column); st.text(6, r.value); st.text(7, r.reason); st.text(8, loadedAt)
            try st.step()
        }
    }

    /// Inserts or replaces episodes (a later extract's row replaces the stored one).
    public func upsert(episodes: [Episode], file: String) throws {
        let st = try Prepared(db, """
            INSERT OR REPLACE INTO episodes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            """)
        // The same for every row: bound once (a reset keeps bindings).
        st.text(19, file)
        for e in episodes {
            st.text(1, e.episodeID); st.text(2, e.childID); st.text(3, e.familyID); st.text(4, e.service)
            st.text(5, e.locality); st.text(6, e.level); st.day(7, e.referralDate); st.day(8, e.allocationDate)
            st.day(9, e.firstContactDate); st.day(10, e.assessmentDate); st.day(11, e.firstTafDate)
            st.day(12, e.closureDate); st.text(13, e.closureReason); st.text(14, e.birthMonth?.text)
            st.text(15, e.gender); st.text(16, e.ethnicity)
            if let s = e.send { st.int(17, s ? 1 : 0) } else { st.null(17) }
            st.text(18, e.schoolURN)
            try st.step()
        }
    }

    /// Inserts or replaces outcome scores by their key.
    public func upsert(outcomes: [OutcomeScore], file: String) throws {
        let st = try Prepared(db, "INSERT OR REPLACE INTO outcomes VALUES (?,?,?,?,?,?,?)")
        st.text(7, file)
        for o in outcomes {
            st.text(1, o.episodeID); st.day(2, o.assessmentDate); st.text(3, o.stage.code); st.text(4, o.domain)
            st.text(5, o.ratedBy.rawValue); st.int(6, o.score)
            try st.step()
        }
    }

    /// Inserts or replaces feedback answers by their key.
    public func upsert(feedback: [FeedbackAnswer], file: String) throws {
        let st = try Prepared(db, "INSERT OR REPLACE INTO feedback VALUES (?,?,?,?,?,?,?,?,?,?)")
        st.text(10, file)
        for f in feedback {
            st.text(1, f.responseID); st.text(2, f.question); st.text(3, f.episodeID); st.text(4, f.service)
            st.day(5, f.receivedDate); st.text(6, f.respondent); st.text(7, f.instrument); st.text(8, f.answer)
            if let c = f.answerClass { st.int(9, c.rawValue) } else { st.null(9) }
            try st.step()
        }
    }

    /// Merges packed attendance months: a session already stored is replaced by the new file's mark.
    public func merge(attendance months: [AttendanceMonth]) throws {
        let up = try AttendanceUpsert(db)
        for m in months {
            try m.marks.withUnsafeBufferPointer { try up.write(child: m.childID, school: m.schoolURN, month: m.month, marks: $0) }
        }
    }
}

/// The attendance UPSERT: a session already stored is replaced by the new row's mark; slots the
/// new row leaves `'0'` keep their stored mark.
///
/// A new key (every row of a first load) is one plain insert. Only a key already stored (a later
/// file, or a month a spilled batch meets again) reads the stored marks, merges them here and
/// updates the row with the merged marks and their counts, rather than an `ON CONFLICT DO UPDATE`
/// calling SQL functions that merged the two months once per column.
final class AttendanceUpsert {
    let db: Database
    let insert: Prepared
    let lookup: Prepared
    let update: Prepared

    init(_ db: Database) throws {
        self.db = db
        insert = try Prepared(db, "INSERT INTO attendance_months VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")
        lookup = try Prepared(db, "SELECT marks FROM attendance_months WHERE child_id = ?1 AND school_urn = ?2 AND month = ?3")
        update = try Prepared(db, """
            UPDATE attendance_months SET marks = ?4, sessions_possible = ?5, sessions_attended = ?6,
              sessions_authorised = ?7, sessions_unauthorised = ?8, sessions_not_possible = ?9
            WHERE child_id = ?1 AND school_urn = ?2 AND month = ?3
            """)
    }

    func write(child: String, school: String, month: Month, marks: UnsafeBufferPointer<UInt8>) throws {
        try Self.bind(insert, child: child, school: school, month: month, marks: marks)
        try insert.step()
        guard sqlite3_changes(db.sqliteConnection) == 0 else { return }
        // The key is stored: merge slot by slot, a set slot of the new row winning.
        try Self.bindKey(lookup, child: child, school: school, month: month)
        var merged: [UInt8] = []
        if try lookup.next() {
            merged = Array(lookup.bytes(0))
            while try lookup.next() {}
        }
        if merged.count < marks.count {
            merged += repeatElement(StoreSchema.noMark, count: marks.count - merged.count)
        }
        for i in 0..<marks.count where marks[i] != StoreSchema.noMark { merged[i] = marks[i] }
        try merged.withUnsafeBufferPointer {
            try Self.bind(update, child: child, school: school, month: month, marks: $0)
        }
        try update.step()
    }

    private static func bindKey(_ st: Prepared, child: String, school: String, month: Month) throws {
        st.text(1, child); st.text(2, school); st.month(3, month)
    }

    /// Binds the key, the marks and their counts (parameters 1-9 in column order).
    private static func bind(_ st: Prepared, child: String, school: String, month: Month,
                             marks: UnsafeBufferPointer<UInt8>) throws {
        try bindKey(st, child: child, school: school, month: month)
        st.ascii(4, marks)
        var t = SessionTotals()
        for b in marks where b != StoreSchema.noMark {
            switch AttendanceMarks.cls(ofNumber: b - StoreSchema.noMark) {
            case .present, .approvedActivity: t.attended += 1
            case .authorised: t.authorised += 1
            case .unauthorised: t.unauthorised += 1
            case .notPossible: t.notPossible += 1
            }
        }
        st.int(5, t.possible); st.int(6, t.attended); st.int(7, t.authorised); st.int(8, t.unauthorised)
        st.int(9, t.notPossible)
    }
}

/// Where a bounded `AttendanceBatch` puts what it has no room for, inside the file's transaction:
/// spilled months are merged into `attendance_months` at once, and their first lines go to a
/// TEMP staging table (on disk, not in memory) in case the key comes back later in the file.
/// The staging table is created on the first spill and dropped by `finish()`, so a file that fits
/// in memory never touches it; a rollback removes it with everything else.
public final class AttendanceSink {
    let db: Database
    let upsert: AttendanceUpsert
    private var stageInsert: Prepared?
    private var stageLookup: Prepared?
    /// Called after each spill (test hook: throwing simulates a failure part-way through a file).
    let onSpill: (() throws -> Void)?
    static let table = "temp.outcomes_attendance_staging"

    init(_ w: StoreWriter, onSpill: (() throws -> Void)? = nil) throws {
        db = w.db
        upsert = try AttendanceUpsert(w.db)
        self.onSpill = onSpill
    }

    func write(child: String, school: String, month: Month, marks: UnsafeBufferPointer<UInt8>) throws {
        try upsert.write(child: child, school: school, month: month, marks: marks)
    }

    func stage(child: String, school: String, month: Int32, lines: [UInt8]) throws {
        if stageInsert == nil {
            try db.execute(sql: """
                CREATE TABLE \(Self.table) (child_id TEXT NOT NULL, school_urn TEXT NOT NULL, month INTEGER NOT NULL,
                  lines BLOB NOT NULL, PRIMARY KEY (child_id, school_urn, month)) WITHOUT ROWID
                """)
            stageInsert = try Prepared(db, "INSERT OR REPLACE INTO \(Self.table) VALUES (?,?,?,?)")
            stageLookup = try Prepared(db, "SELECT lines FROM \(Self.table) WHERE child_id = ? AND school_urn = ? AND month = ?")
        }
        let st = stageInsert!
        st.text(1, child); st.text(2, school); st.int(3, Int(month))
        lines.withUnsafeBytes { b in _ = sqlite3_bind_blob(st.stmt, 4, b.baseAddress, Int32(b.count), Prepared.transient) }
        try st.step()
    }

    /// The staged first lines of a spilled key, if it was spilled.
    func staged(child: String, school: String, month: Int32) throws -> [UInt8]? {
        guard let st = stageLookup else { return nil }
        st.text(1, child); st.text(2, school); st.int(3, Int(month))
        defer { sqlite3_reset(st.stmt) }
        let rc = sqlite3_step(st.stmt)
        if rc == SQLITE_DONE { return nil }
        guard rc == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let n = Int(sqlite3_column_bytes(st.stmt, 0))
        guard n > 0, let p = sqlite3_column_blob(st.stmt, 0) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    func spilled() throws { try onSpill?() }

    /// Drops the staging table, if a spill created it.
    func finish() throws {
        guard stageInsert != nil else { return }
        stageInsert = nil; stageLookup = nil
        try db.execute(sql: "DROP TABLE \(Self.table)")
    }
}

/// One pupil at one school for one calendar month, packed as the store keeps it: `marks` has
/// `2 × days-in-month` bytes, `'0'` for no mark or `'0' + mark number`.
public struct AttendanceMonth: Sendable, Equatable {
    public var childID: String
    public var schoolURN: String
    public var month: Month
    public var marks: [UInt8]

    public init(childID: String, schoolURN: String, month: Month, marks: [UInt8]) {
        self.childID = childID; self.schoolURN = schoolURN; self.month = month; self.marks = marks
    }
}

/// A reusable raw prepared statement (finalised when released).
final class Prepared {
    let stmt: OpaquePointer
    let db: Database
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, _ sql: String) throws {
        self.db = db
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &s, nil)
        guard rc == SQLITE_OK, let s else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        stmt = s
    }
    deinit {
        sqlite3_finalize(stmt)
        for s in slots where s.cap > 0 { s.ptr.deallocate() }
    }

    /// One reusable buffer per parameter: a text value is copied there and bound SQLITE_STATIC.
    /// With SQLITE_TRANSIENT SQLite mallocs and frees a copy for every bind (a rebind releases the
    /// last one), which was most of the cost of binding ~2.8 million values in a county load
    /// (issue 16). The buffer stays valid until the parameter is bound again, which is after the
    /// step that reads it, or until the statement is finalised.
    private struct Slot { var ptr = UnsafeMutablePointer<UInt8>(bitPattern: 1)!; var cap = 0 }
    private var slots: [Slot] = []

    private func bindCopy(_ i: Int32, _ src: UnsafeRawPointer?, _ n: Int) {
        let k = Int(i)
        if k >= slots.count { slots.append(contentsOf: repeatElement(Slot(), count: k + 1 - slots.count)) }
        if slots[k].cap < Swift.max(n, 1) {
            // Bound right below, so SQLite never reads the old buffer after it is freed.
            if slots[k].cap > 0 { slots[k].ptr.deallocate() }
            var cap = 16
            while cap < n { cap *= 2 }
            slots[k] = Slot(ptr: .allocate(capacity: cap), cap: cap)
        }
        if n > 0, let src { slots[k].ptr.update(from: src.assumingMemoryBound(to: UInt8.self), count: n) }
        let p = UnsafeRawPointer(slots[k].ptr).assumingMemoryBound(to: CChar.self)
        _ = sqlite3_bind_text(stmt, i, p, Int32(n), nil)  // nil: SQLITE_STATIC
    }

    func text(_ i: Int32, _ v: String?) {
        guard var s = v else { sqlite3_bind_null(stmt, i); return }
        s.withUTF8 { b in bindCopy(i, b.baseAddress.map(UnsafeRawPointer.init), b.count) }
    }
    func ascii(_ i: Int32, _ b: UnsafeBufferPointer<UInt8>) {
        bindCopy(i, b.baseAddress.map(UnsafeRawPointer.init), b.count)
    }
    /// Binds a date as ISO `YYYY-MM-DD` text, formatted on the stack (no String per value).
    func day(_ i: Int32, _ d: Day?) {
        guard let d else { sqlite3_bind_null(stmt, i); return }
        let c = Days.civil(d)
        guard (0...9999).contains(c.year) else { text(i, Days.iso(d)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { b in
            Self.digits(c.year, 4, into: b, at: 0); b[4] = UInt8(ascii: "-")
            Self.digits(c.month, 2, into: b, at: 5); b[7] = UInt8(ascii: "-")
            Self.digits(c.day, 2, into: b, at: 8)
            ascii(i, UnsafeBufferPointer(b))
        }
    }
    /// Binds a month as `YYYY-MM` text, formatted on the stack.
    func month(_ i: Int32, _ m: Month) {
        guard (0...9999).contains(m.year) else { text(i, m.text); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 7) { b in
            Self.digits(m.year, 4, into: b, at: 0); b[4] = UInt8(ascii: "-")
            Self.digits(m.month, 2, into: b, at: 5)
            ascii(i, UnsafeBufferPointer(b))
        }
    }
    /// `v` (0 ≤ v < 10^width) as `width` zero-padded ASCII digits at `b[at...]`.
    @inline(__always)
    static func digits(_ v: Int, _ width: Int, into b: UnsafeMutableBufferPointer<UInt8>, at: Int) {
        var v = v
        for k in stride(from: at + width - 1, through: at, by: -1) { b[k] = UInt8(48 + v % 10); v /= 10 }
    }
    func int(_ i: Int32, _ v: Int) { sqlite3_bind_int64(stmt, i, Int64(v)) }
    func null(_ i: Int32) { sqlite3_bind_null(stmt, i) }

    /// Steps a query: true while it yields a row.
    func next() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return false
    }
    /// Column bytes of the current row (empty for NULL); valid until the next step.
    func bytes(_ c: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(stmt, c) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, c)))
    }
    func isNull(_ c: Int32) -> Bool { sqlite3_column_type(stmt, c) == SQLITE_NULL }
    func string(_ c: Int32) -> String? { isNull(c) ? nil : String(decoding: bytes(c), as: UTF8.self) }
    func column(_ c: Int32) -> String { String(decoding: bytes(c), as: UTF8.self) }
    func integer(_ c: Int32) -> Int? { isNull(c) ? nil : Int(sqlite3_column_int64(stmt, c)) }
    func day(_ c: Int32) -> Day? { isNull(c) ? nil : FieldParsers.date(bytes(c)) }

    func step() throws {
        let rc = sqlite3_step(stmt)
        sqlite3_reset(stmt)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
