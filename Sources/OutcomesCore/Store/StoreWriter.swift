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
    /// - Parameter seal: set when the store is pseudonymised: the value and the reason, which can
    ///   name an identifier as written, are stored sealed (`RejectSeal`) and `sealed` is 1.
    public func insert(rejects spool: RejectSpool, loadID: Int64, sha256: String, loadedAt: String,
                       seal: RejectSeal? = nil) throws {
        let st = try Prepared(db, """
            INSERT INTO rejects (load_id, file_name, sha256, line, column_name, value, reason, loaded_at, sealed)
            VALUES (?,?,?,?,?,?,?,?,?)
            """)
        try spool.forEach { r in
            st.int(1, Int(loadID)); st.text(2, r.file); st.text(3, sha256)
            // A workbook row keeps its sheet: `List 6!17` is stored as text in the line column.
            if r.sheet != nil { st.text(4, r.location) } else { st.int(4, r.line) }
            st.text(5, r.column)
            if let seal {
                let at = { RejectSeal.place(sha256: sha256, line: r.location, column: r.column, field: $0) }
                st.text(6, seal.seal(r.value, at: at("value"))); st.text(7, seal.seal(r.reason, at: at("reason")))
            } else {
                st.text(6, r.value); st.text(7, r.reason)
            }
            st.text(8, loadedAt); st.int(9, seal == nil ? 0 : 1)
            try st.step()
        }
    }

    /// Inserts or replaces episodes (a later extract's row replaces the stored one).
    public func upsert(episodes: [Episode], file: String) throws {
        let st = try MultiRowInsert(db, "INSERT OR REPLACE INTO episodes", columns: 18, shared: true)
        // The same for every row: bound once (a reset keeps bindings).
        st.share(file)
        try st.insert(episodes) { st, o, e in
            st.text(o + 1, e.episodeID); st.text(o + 2, e.childID); st.text(o + 3, e.familyID); st.text(o + 4, e.service)
            st.text(o + 5, e.locality); st.text(o + 6, e.level); st.day(o + 7, e.referralDate)
            st.day(o + 8, e.allocationDate); st.day(o + 9, e.firstContactDate); st.day(o + 10, e.assessmentDate)
            st.day(o + 11, e.firstTafDate); st.day(o + 12, e.closureDate); st.text(o + 13, e.closureReason)
            st.text(o + 14, e.birthMonth?.text); st.text(o + 15, e.gender); st.text(o + 16, e.ethnicity)
            if let s = e.send { st.int(o + 17, s ? 1 : 0) } else { st.null(o + 17) }
            st.text(o + 18, e.schoolURN)
        }
    }

    /// Inserts or replaces outcome scores by their key.
    public func upsert(outcomes: [OutcomeScore], file: String) throws {
        let st = try MultiRowInsert(db, "INSERT OR REPLACE INTO outcomes", columns: 6, shared: true)
        st.share(file)
        try st.insert(outcomes) { st, o, r in
            st.text(o + 1, r.episodeID); st.day(o + 2, r.assessmentDate); st.text(o + 3, r.stage.code)
            st.text(o + 4, r.domain); st.text(o + 5, r.ratedBy.rawValue); st.int(o + 6, r.score)
        }
    }

    /// Inserts or replaces feedback answers by their key.
    public func upsert(feedback: [FeedbackAnswer], file: String) throws {
        let st = try MultiRowInsert(db, "INSERT OR REPLACE INTO feedback", columns: 9, shared: true)
        st.share(file)
        try st.insert(feedback) { st, o, f in
            st.text(o + 1, f.responseID); st.text(o + 2, f.question); st.text(o + 3, f.episodeID)
            st.text(o + 4, f.service); st.day(o + 5, f.receivedDate); st.text(o + 6, f.respondent)
            st.text(o + 7, f.instrument); st.text(o + 8, f.answer)
            if let c = f.answerClass { st.int(o + 9, c.rawValue) } else { st.null(o + 9) }
        }
    }

    /// Merges packed attendance months: a session already stored is replaced by the new file's mark.
    public func merge(attendance months: [AttendanceMonth]) throws {
        let up = try AttendanceUpsert(db)
        for m in months {
            try m.marks.withUnsafeBufferPointer { try up.write(child: m.childID, school: m.schoolURN, month: m.month, marks: $0) }
        }
        try up.flush()
    }
}

/// The attendance UPSERT: a session already stored is replaced by the new row's mark; slots the
/// new row leaves `'0'` keep their stored mark.
///
/// Rows are written `MultiRowInsert.defaultRows` at a time by one `INSERT OR FAIL`
/// (docs/PERFORMANCE.md "The store's writes"), which writes every row of a first load or of a new
/// month. When one of them is stored already (a later file delivering a month again, or a month a
/// spilled batch meets again), the insert stops at that row, keeping the rows before it, and the
/// rows from that one on go one at a time: a new key is inserted; a stored key's marks are read,
/// merged here and the row is updated with the merged marks and their counts (rather than an `ON
/// CONFLICT DO UPDATE` calling SQL functions that merged the two months once per column). Either
/// way each row is written as if alone, in order, so the rows written between two `flush()`es
/// must have different keys (a batch writes each of its keys once per spill or finish), and
/// `flush()` must come before the table is read.
///
/// `OR FAIL` rather than a plain `INSERT` (which undoes the whole statement when a row fails):
/// a statement that may undo some of its own rows makes SQLite copy every page it changes that
/// existed before it into a statement journal, a temporary file once it passes 64 KiB. Months
/// written in key order into an empty table change few such pages, but a spilled batch's later
/// months land all over the pages written before them (docs/PERFORMANCE.md "The spill's
/// writes"), and at four times a county's attendance that journal was 44,000 page copies.
final class AttendanceUpsert {
    let db: Database
    let insert: Prepared
    let lookup: Prepared
    let update: Prepared
    let rows: MultiRowInsert
    /// The rows not yet written, kept to be written one at a time if their insert fails.
    private var pending: [(child: String, school: String, month: Month, end: Int)] = []
    private var pendingMarks: [UInt8] = []

    init(_ db: Database) throws {
        self.db = db
        insert = try Prepared(db, "INSERT INTO attendance_months VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")
        lookup = try Prepared(db, "SELECT marks FROM attendance_months WHERE child_id = ?1 AND school_urn = ?2 AND month = ?3")
        update = try Prepared(db, """
            UPDATE attendance_months SET marks = ?4, sessions_possible = ?5, sessions_attended = ?6,
              sessions_authorised = ?7, sessions_unauthorised = ?8, sessions_not_possible = ?9
            WHERE child_id = ?1 AND school_urn = ?2 AND month = ?3
            """)
        rows = try MultiRowInsert(db, "INSERT OR FAIL INTO attendance_months", columns: 9)
        pending.reserveCapacity(rows.rowsPerStatement)
    }

    /// Writes one month, or holds it until a statement's worth of rows is ready.
    func write(child: String, school: String, month: Month, marks: UnsafeBufferPointer<UInt8>) throws {
        pendingMarks.append(contentsOf: marks)
        pending.append((child, school, month, pendingMarks.count))
        if pending.count == rows.rowsPerStatement { try flush() }
    }

    /// Writes every row held.
    func flush() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true); pendingMarks.removeAll(keepingCapacity: true) }
        try pendingMarks.withUnsafeBufferPointer { all in
            func marks(_ i: Int) -> UnsafeBufferPointer<UInt8> {
                let start = i == 0 ? 0 : pending[i - 1].end
                return UnsafeBufferPointer(rebasing: all[start..<pending[i].end])
            }
            var from = 0
            if pending.count == rows.rowsPerStatement {
                for (i, p) in pending.enumerated() {
                    Self.bind(rows.many, at: Int32(i * rows.columns), child: p.child, school: p.school, month: p.month,
                              marks: marks(i))
                }
                let (rc, written) = rows.stepMany()
                if rc == SQLITE_DONE { return }
                // Any other failure than a stored key throws (the file's transaction is undone).
                guard rc & 0xFF == SQLITE_CONSTRAINT else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: rc),
                                        message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                // The rows before the stored key are written, as one at a time would have written
                // them; the rest go one at a time from it.
                from = min(max(written, 0), pending.count - 1)
            }
            for i in from..<pending.count {
                let p = pending[i]
                try writeOne(child: p.child, school: p.school, month: p.month, marks: marks(i))
            }
        }
    }

    private func writeOne(child: String, school: String, month: Month, marks: UnsafeBufferPointer<UInt8>) throws {
        Self.bind(insert, at: 0, child: child, school: school, month: month, marks: marks)
        try insert.step()
        guard sqlite3_changes(db.sqliteConnection) == 0 else { return }
        // The key is stored: merge slot by slot, a set slot of the new row winning.
        Self.bindKey(lookup, at: 0, child: child, school: school, month: month)
        var merged: [UInt8] = []
        if try lookup.next() {
            merged = Array(lookup.bytes(0))
            while try lookup.next() {}
        }
        if merged.count < marks.count {
            merged += repeatElement(StoreSchema.noMark, count: marks.count - merged.count)
        }
        for i in 0..<marks.count where marks[i] != StoreSchema.noMark { merged[i] = marks[i] }
        merged.withUnsafeBufferPointer {
            Self.bind(update, at: 0, child: child, school: school, month: month, marks: $0)
        }
        try update.step()
    }

    private static func bindKey(_ st: Prepared, at o: Int32, child: String, school: String, month: Month) {
        st.text(o + 1, child); st.text(o + 2, school); st.month(o + 3, month)
    }

    /// Binds the key, the marks and their counts (parameters `o + 1` to `o + 9` in column order).
    private static func bind(_ st: Prepared, at o: Int32, child: String, school: String, month: Month,
                             marks: UnsafeBufferPointer<UInt8>) {
        bindKey(st, at: o, child: child, school: school, month: month)
        st.ascii(o + 4, marks)
        var t = SessionTotals()
        let classes = AttendanceMarks.classByNumber  // read once a row, not once a mark (a lazy global)
        for b in marks where b != StoreSchema.noMark {
            switch classes[Int(b - StoreSchema.noMark)] {
            case .present, .approvedActivity: t.attended += 1
            case .authorised: t.authorised += 1
            case .unauthorised: t.unauthorised += 1
            case .notPossible: t.notPossible += 1
            }
        }
        st.int(o + 5, t.possible); st.int(o + 6, t.attended); st.int(o + 7, t.authorised)
        st.int(o + 8, t.unauthorised); st.int(o + 9, t.notPossible)
    }
}

/// Where a bounded `AttendanceBatch` puts what it has no room for, inside the file's transaction:
/// spilled months are merged into `attendance_months` at once, and their first lines go to a
/// TEMP staging table (on disk, not in memory) in case the key comes back later in the file.
/// The staging table is created on the first spill and dropped by `finish()`, so a file that fits
/// in memory never touches it; a rollback removes it with everything else.
///
/// The staging table holds the keys spilled and not back in memory: a key that comes back is
/// read and deleted (`staged`), and staged again if it spills again. So each staging write is a
/// plain one-row `INSERT` of a new key, which needs no statement journal (an `INSERT OR
/// REPLACE` may delete a row as well as insert one, and SQLite then copies every page it changes
/// into a statement journal first; docs/PERFORMANCE.md "The spill's writes"). It is keyed by the
/// batch's numbers for the child and the school (given in the order the file first names them),
/// not by their text: the table lives only as long as the file's batch, and in an export
/// ordered by pupil each spill's keys then come after the keys staged before them, so the
/// inserts fill the table's last pages instead of every page of it in turn.
public final class AttendanceSink {
    let db: Database
    let upsert: AttendanceUpsert
    private var stageInsert: Prepared?
    private var stageLookup: Prepared?
    private var stageDelete: Prepared?
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

    /// Stages the first lines of the batch's entry (child number, school number, month index).
    func stage(child: Int32, school: Int32, month: Int32, lines: UnsafeBufferPointer<UInt8>) throws {
        if stageInsert == nil {
            try db.execute(sql: """
                CREATE TABLE \(Self.table) (child INTEGER NOT NULL, school INTEGER NOT NULL, month INTEGER NOT NULL,
                  lines BLOB NOT NULL, PRIMARY KEY (child, school, month)) WITHOUT ROWID
                """)
            stageInsert = try Prepared(db, "INSERT INTO \(Self.table) VALUES (?,?,?,?)")
            stageLookup = try Prepared(db, "SELECT lines FROM \(Self.table) WHERE child = ? AND school = ? AND month = ?")
            stageDelete = try Prepared(db, "DELETE FROM \(Self.table) WHERE child = ? AND school = ? AND month = ?")
        }
        let st = stageInsert!
        st.int(1, Int(child)); st.int(2, Int(school)); st.int(3, Int(month))
        _ = sqlite3_bind_blob(st.stmt, 4, lines.baseAddress, Int32(lines.count), Prepared.transient)
        try st.step()
    }

    /// The staged first lines of a spilled key, if it was spilled; the key is then back in the
    /// batch, and its staged row is deleted.
    func staged(child: Int32, school: Int32, month: Int32) throws -> [UInt8]? {
        guard let st = stageLookup, let del = stageDelete else { return nil }
        st.int(1, Int(child)); st.int(2, Int(school)); st.int(3, Int(month))
        // `next()` resets the statement when there is no row (or throws); after a row, here.
        guard try st.next() else { return nil }
        let n = Int(sqlite3_column_bytes(st.stmt, 0))
        let found = n > 0 ? sqlite3_column_blob(st.stmt, 0).map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? [] : []
        sqlite3_reset(st.stmt)
        del.int(1, Int(child)); del.int(2, Int(school)); del.int(3, Int(month))
        try del.step()
        return found
    }

    /// The end of a spill: its months are all written before the hook runs.
    func spilled() throws {
        try upsert.flush()
        try onSpill?()
    }

    /// Writes the months still held and drops the staging table, if a spill created it.
    func finish() throws {
        try upsert.flush()
        guard stageInsert != nil else { return }
        stageInsert = nil; stageLookup = nil; stageDelete = nil
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
