import Dispatch
import Foundation
import GRDB
import GRDBSQLite

/// Runs the analysts' own SQL (`queries/*.sql`, OUTPUTS.md "Folders") against the store, read-only,
/// and writes each result as a CSV table.
///
/// A query file holds exactly one read-only `SELECT` (or `WITH … SELECT`, or `VALUES`); comments
/// are allowed. Three guards keep the store untouched whatever the file says:
/// 1. the store is opened on a second, read-only connection (`SQLITE_OPEN_READONLY`) with
///    `PRAGMA query_only = 1`;
/// 2. the statement must begin with `SELECT`, `WITH` or `VALUES`, checked on the text before
///    compiling (this rejects `ATTACH`, `PRAGMA` and `BEGIN`, which SQLite counts as read-only
///    because they change only the connection, and flag PRAGMAs, which act while compiling);
/// 3. SQLite must report the compiled statement read-only (`sqlite3_stmt_readonly`), which
///    catches `WITH … DELETE`.
///
/// The named parameters `:period_start`, `:period_end` (the reporting month's first and last day)
/// and `:rolling_start` (the first day of the month 11 months earlier, so the rolling 12 months
/// are `:rolling_start` to `:period_end`) are bound as ISO `YYYY-MM-DD` text, only those the query
/// uses. The SQL function `suppress(n)` returns `'c'` for `n` from 1 to the threshold and `n`
/// otherwise; `suppress(n, t)` uses threshold `t`.
///
/// CSV (OUTPUTS.md "Output tables"): a header of the result's column names, then one line per
/// row; NULL is an empty field; integers and reals are written as SQLite renders them (`12`,
/// `12.5`, `50.0`); text gets the formula guard (`CSVText.guarded`) and RFC 4180 quoting; a blob
/// is written as hexadecimal. Rows are streamed from SQLite, never held in memory.
///
/// Limits (docs/OUTPUTS.md "Analysts' queries"): a query is interrupted after `timeoutSeconds`
/// (`query_timeout_s`, SQLite's progress handler checks the clock every few thousand steps of
/// its virtual machine, so even a recursive CTE that never yields a row stops), and stopped when
/// its CSV passes `maxMegabytes` (`query_max_mb`); either fails that query alone.
///
/// For example:
///
/// ```swift
/// let runner = QueryRunner(storePath: "outcomes.db", period: Month(year: 2026, month: 10), threshold: 5)
/// let csv = try runner.run(file: "queries/open_episodes_by_level_locality.sql")
/// let outcomes = runner.runAll(folder: "queries", outFolder: "output/2026-10/queries")
/// if let failed = QueryOutcome.failureSummary(outcomes) { print(failed); exit(1) }
/// ```
public struct QueryRunner: Sendable {
    public let storePath: String
    public let period: Month
    /// Counts from 1 to `threshold` become `c` in `suppress(n)`; 0 turns it off.
    public let threshold: Int
    /// A query running longer is interrupted (`query_timeout_s`).
    public let timeoutSeconds: Double
    /// A query whose CSV passes this size is stopped (`query_max_mb`).
    public let maxMegabytes: Double

    public init(storePath: String, period: Month, threshold: Int, timeoutSeconds: Double = 300, maxMegabytes: Double = 256) {
        self.storePath = storePath; self.period = period; self.threshold = threshold
        self.timeoutSeconds = timeoutSeconds; self.maxMegabytes = maxMegabytes
    }

    /// The size limit in bytes (a megabyte is 2^20 bytes).
    var maxBytes: Int { Int(min(maxMegabytes * 1_048_576, Double(Int.max / 2))) }

    /// The values bound to the named parameters, by name without the colon.
    public var parameters: [String: String] {
        ["period_start": Days.iso(period.firstDay),
         "period_end": Days.iso(period.lastDay),
         "rolling_start": Days.iso(period.adding(-11).firstDay)]
    }

    /// Runs one query file and returns its result as CSV text.
    ///
    /// - throws: `QueryError`, naming the file.
    public func run(file: String) throws -> String {
        var out = ""
        try run(file: file) { out += $0 }
        return out
    }

    /// Runs one query file, handing each CSV line (with its LF, header first) to `lines` as
    /// SQLite produces it, so a large result can go to standard output without being held.
    ///
    /// - returns: the number of data rows.
    /// - throws: `QueryError`, naming the file; whatever `lines` throws.
    @discardableResult
    public func run(file: String, lines: (String) throws -> Void) throws -> Int {
        let sql = try Self.readQuery(file)
        let queue = try openStore()
        return try execute(sql: sql, file: file, queue: queue, emit: lines)
    }

    /// Runs one query file into the CSV file `output` (mode 0600). The file is replaced only when
    /// the query succeeds; on failure an existing file is left as it was.
    ///
    /// - returns: the number of data rows.
    /// - throws: `QueryError`, naming the file.
    @discardableResult
    public func run(file: String, to output: String) throws -> Int {
        let sql = try Self.readQuery(file)
        let queue = try openStore()
        return try write(sql: sql, file: file, queue: queue, to: output)
    }

    /// Runs every `*.sql` file of `folder` in file-name order, writing `<outFolder>/<name>.csv`
    /// (the folder is created mode 0700, files mode 0600).
    ///
    /// A failing query does not stop the others: its outcome carries the error and no CSV is
    /// written for it. A missing `folder` means no queries (an empty result).
    public func runAll(folder: String, outFolder: String) -> [QueryOutcome] {
        Self.queryFiles(folder: folder).map { runOne(fileName: $0, folder: folder, outFolder: outFolder) }
    }

    /// The `*.sql` file names of `folder` in name order (none when the folder is missing).
    public static func queryFiles(folder: String) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter { $0.hasSuffix(".sql") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Runs one file of `folder` into `<outFolder>/<name>.csv` on its own connection, so the run
    /// can spread the queries over its workers; failures are carried in the outcome.
    public func runOne(fileName: String, folder: String, outFolder: String) -> QueryOutcome {
        let name = String(fileName.dropLast(4))
        let file = (folder as NSString).appendingPathComponent(fileName)
        let output = (outFolder as NSString).appendingPathComponent(name + ".csv")
        var outcome = QueryOutcome(name: name, file: file, output: output, rows: 0, error: nil)
        do {
            try SafeFiles.makeDirectories(outFolder)
        } catch {
            outcome.error = .cannotWrite(path: outFolder, reason: Self.reason(error))
            return outcome
        }
        do {
            let queue = try openStore()
            let sql = try Self.readQuery(file)
            outcome.rows = try write(sql: sql, file: file, queue: queue, to: output)
        } catch let e as QueryError {
            outcome.error = e
        } catch {
            outcome.error = .storeUnavailable(path: storePath, message: Self.reason(error))
        }
        return outcome
    }

    // MARK: - Store connection

    /// A second, read-only connection to the store, with `suppress()` registered.
    func openStore() throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        config.label = "queries"
        let threshold = self.threshold
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA query_only = 1")
            db.add(function: QueryFunctions.suppress(threshold: threshold))
            db.add(function: QueryFunctions.suppressWithThreshold)
        }
        do {
            let queue = try DatabaseQueue(path: storePath, configuration: config)
            // Reading the schema now tells "not a database" apart from a query's own mistakes.
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
            return queue
        } catch {
            throw QueryError.storeUnavailable(path: storePath, message: Self.reason(error))
        }
    }

    // MARK: - Running one statement

    static func readQuery(_ file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            let why = FileManager.default.fileExists(atPath: file) ? "permission denied" : "no such file"
            throw QueryError.unreadable(file: file, reason: why)
        }
        guard let sql = String(data: data, encoding: .utf8) else {
            throw QueryError.unreadable(file: file, reason: "not valid UTF-8")
        }
        return sql
    }

    /// Compiles the file's single statement, checks it is read-only, binds the parameters, then
    /// steps it, emitting CSV lines. Returns the number of data rows.
    func execute(sql: String, file: String, queue: DatabaseQueue, emit: (String) throws -> Void) throws -> Int {
        try queue.read { db in
            let compiled = try compile(sql: sql, file: file, db: db)
            let stmt = compiled.stmt
            try bindParameters(stmt, file: file)

            let deadline = QueryDeadline(seconds: timeoutSeconds)
            let connection = db.sqliteConnection
            // A non-zero answer interrupts the statement (SQLITE_INTERRUPT).
            sqlite3_progress_handler(connection, QueryDeadline.steps, { context in
                guard let context else { return 0 }
                return Unmanaged<QueryDeadline>.fromOpaque(context).takeUnretainedValue().passed ? 1 : 0
            }, Unmanaged.passUnretained(deadline).toOpaque())
            defer { sqlite3_progress_handler(connection, 0, nil, nil); withExtendedLifetime(deadline) {} }

            let limit = maxBytes
            var bytes = 0
            func send(_ line: String) throws {
                bytes += line.utf8.count
                if bytes > limit { throw QueryError.tooLarge(file: file, megabytes: maxMegabytes) }
                try emit(line)
            }
            let columns = Int(sqlite3_column_count(stmt))
            try send(CSVText.line((0..<columns).map { String(cString: sqlite3_column_name(stmt, Int32($0))) }))
            var rows = 0
            var fields = [String](repeating: "", count: columns)
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { break }
                guard rc == SQLITE_ROW else {
                    if rc == SQLITE_INTERRUPT || deadline.passed {
                        throw QueryError.timedOut(file: file, seconds: timeoutSeconds)
                    }
                    throw QueryError.failed(file: file, message: String(cString: sqlite3_errmsg(connection)))
                }
                for c in 0..<columns { fields[c] = Self.field(stmt, Int32(c)) }
                try send(CSVText.line(fields))
                rows += 1
                // Rows that come quickly never give the progress handler a long run of steps.
                if rows & 1023 == 0, deadline.passed { throw QueryError.timedOut(file: file, seconds: timeoutSeconds) }
            }
            return rows
        }
    }

    /// Statements a query file may hold, by first word.
    static let allowedKeywords: Set<String> = ["SELECT", "WITH", "VALUES"]

    /// Compiles the file's only statement, after checking its first word and before checking
    /// that SQLite reports it read-only and that nothing but comments follows it.
    ///
    /// The first word is checked before compiling because SQLite runs some PRAGMAs (the flag
    /// ones, such as `query_only`) while compiling them; for the same reason a second statement is
    /// detected from the text after the first, never compiled.
    private func compile(sql: String, file: String, db: Database) throws -> CompiledQuery {
        let keyword = Self.firstKeyword(sql)
        let text = Array(sql.utf8)
        if keyword.isEmpty && Self.skipBlanks(text, from: 0) == text.count { throw QueryError.empty(file: file) }
        if !keyword.isEmpty && !Self.allowedKeywords.contains(keyword) {
            throw QueryError.notReadOnly(file: file, keyword: keyword)
        }
        var stmt: OpaquePointer?
        var tailOffset = 0
        let rc = sql.withCString { start -> Int32 in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(db.sqliteConnection, start, -1, &stmt, &tail)
            if let tail { tailOffset = tail - start }
            return rc
        }
        guard rc == SQLITE_OK else {
            sqlite3_finalize(stmt)
            throw Self.syntaxError(db: db, file: file, sql: text)
        }
        guard let stmt else { throw QueryError.empty(file: file) }
        let compiled = CompiledQuery(stmt)
        guard sqlite3_stmt_readonly(stmt) != 0 else {
            throw QueryError.notReadOnly(file: file, keyword: keyword.isEmpty ? "unknown" : keyword)
        }
        guard Self.skipBlanks(text, from: tailOffset) == text.count else {
            throw QueryError.multipleStatements(file: file)
        }
        return compiled
    }

    /// Binds each parameter the statement uses; anything but the three known names is an error.
    private func bindParameters(_ stmt: OpaquePointer, file: String) throws {
        let values = parameters
        let count = sqlite3_bind_parameter_count(stmt)
        guard count > 0 else { return }
        for i in 1...count {
            guard let cName = sqlite3_bind_parameter_name(stmt, i) else {
                throw QueryError.positionalParameter(file: file)
            }
            let full = String(cString: cName)
            if full.hasPrefix("?") { throw QueryError.positionalParameter(file: file) }
            let name = String(full.dropFirst()) // `:`, `@` or `$`
            guard let value = values[name] else { throw QueryError.unknownParameter(file: file, name: name) }
            _ = sqlite3_bind_text(stmt, i, value, -1, Prepared.transient)
        }
    }

    /// One result value as a CSV field, before quoting (see the type's documentation).
    private static func field(_ stmt: OpaquePointer, _ c: Int32) -> String {
        switch sqlite3_column_type(stmt, c) {
        case SQLITE_NULL:
            return ""
        case SQLITE_INTEGER, SQLITE_FLOAT:
            return String(cString: sqlite3_column_text(stmt, c))
        case SQLITE_BLOB:
            let n = Int(sqlite3_column_bytes(stmt, c))
            guard n > 0, let p = sqlite3_column_blob(stmt, c) else { return "" }
            let bytes = UnsafeRawBufferPointer(start: p, count: n)
            let hex = Array("0123456789abcdef".utf8)
            var out = [UInt8](); out.reserveCapacity(2 * n)
            for b in bytes { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
            return String(decoding: out, as: UTF8.self)
        default: // SQLITE_TEXT
            guard let p = sqlite3_column_text(stmt, c) else { return "" }
            let n = Int(sqlite3_column_bytes(stmt, c))
            return CSVText.guarded(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
    }

    // MARK: - Writing a result file

    /// Streams the result into a new file beside `output`, then renames it into place. A symbolic
    /// link at `output` is an error (its target is never written), and on any failure the partial
    /// file is removed.
    private func write(sql: String, file: String, queue: DatabaseQueue, to output: String) throws -> Int {
        do { try SafeFiles.checkReplaceable(output) } catch {
            throw QueryError.cannotWrite(path: output, reason: Self.reason(error))
        }
        let temp = SafeFiles.temporaryName(for: output)
        let sink: CSVFileSink
        do { sink = try CSVFileSink(path: temp) } catch {
            // Name the file the analyst asked for, not the hidden temporary one.
            throw QueryError.cannotWrite(path: output, reason: Self.reason(error))
        }
        do {
            let rows = try execute(sql: sql, file: file, queue: queue) { try sink.write($0) }
            try sink.close()
            do { try SafeFiles.rename(temp, over: output) } catch {
                throw QueryError.cannotWrite(path: output, reason: Self.reason(error))
            }
            return rows
        } catch {
            try? sink.close()
            unlink(temp)
            throw error
        }
    }

    // MARK: - Helpers

    /// The index of the first byte at or after `i` that is not a blank, a semicolon or inside a
    /// comment (`-- …` to the line's end, `/* … */`).
    static func skipBlanks(_ u: [UInt8], from start: Int) -> Int {
        var i = start
        while i < u.count {
            if u[i] == 32 || u[i] == UInt8(ascii: ";") || (9...13).contains(u[i]) {
                i += 1
            } else if u[i] == UInt8(ascii: "-"), i + 1 < u.count, u[i + 1] == UInt8(ascii: "-") {
                while i < u.count && u[i] != 10 { i += 1 }
            } else if u[i] == UInt8(ascii: "/"), i + 1 < u.count, u[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < u.count && !(u[i] == UInt8(ascii: "*") && u[i + 1] == UInt8(ascii: "/")) { i += 1 }
                i = min(i + 2, u.count)
            } else {
                break
            }
        }
        return i
    }

    /// The statement's first word, upper-cased, after blanks and comments ("" when it starts with
    /// something else).
    static func firstKeyword(_ sql: String) -> String {
        let u = Array(sql.utf8)
        let i = skipBlanks(u, from: 0)
        var j = i
        while j < u.count, (u[j] >= 65 && u[j] <= 90) || (u[j] >= 97 && u[j] <= 122) || u[j] == 95 { j += 1 }
        return String(decoding: u[i..<j], as: UTF8.self).uppercased()
    }

    /// A compile error with SQLite's message and, when SQLite says where, the file's line.
    static func syntaxError(db: Database, file: String, sql: [UInt8]) -> QueryError {
        let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
        let offset = Int(sqlite3_error_offset(db.sqliteConnection))
        var line: Int?
        if offset >= 0 && offset <= sql.count {
            line = sql[..<offset].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
        }
        return .syntax(file: file, line: line, message: message)
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? FileSafetyError, case let .system(path, code, _) = e { return SafeFiles.describe(errno: code, path: path) }
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }
}

/// SQL functions registered on the queries' connection (documented in `docs/STORE.md`).
enum QueryFunctions {
    /// `suppress(n)`: `'c'` when `n` is from 1 to the run's threshold, else `n` unchanged
    /// (NULL stays NULL; text is returned as given).
    static func suppress(threshold: Int) -> DatabaseFunction {
        DatabaseFunction("suppress", argumentCount: 1, pure: true) { v in
            suppressed(v[0], threshold: threshold)
        }
    }

    /// `suppress(n, t)`: the same with threshold `t` (a whole number, 0 or more; 0 shows everything).
    static let suppressWithThreshold = DatabaseFunction("suppress", argumentCount: 2, pure: true) { v in
        guard let t = Int.fromDatabaseValue(v[1]), t >= 0 else {
            throw DatabaseError(message: "suppress(n, t): the threshold t must be a whole number, 0 or more")
        }
        return suppressed(v[0], threshold: t)
    }

    /// Reals count as small when from 1 to `threshold` too, so a count stored as 3.0 is still hidden.
    static func suppressed(_ v: DatabaseValue, threshold: Int) -> DatabaseValue {
        guard threshold > 0 else { return v }
        switch v.storage {
        case .int64(let n): return n >= 1 && n <= Int64(threshold) ? "c".databaseValue : v
        case .double(let d): return d >= 1 && d <= Double(threshold) ? "c".databaseValue : v
        case .null, .string, .blob: return v
        }
    }
}

/// When a query must stop, for SQLite's progress handler (a C callback, so a class passed by
/// pointer; it lives on the stack frame that runs the statement, for as long as the handler is set).
final class QueryDeadline {
    /// Virtual-machine steps between checks: about a millisecond of work.
    static let steps: Int32 = 10_000
    let end: UInt64
    init(seconds: Double) {
        end = DispatchTime.now().uptimeNanoseconds &+ UInt64(min(seconds, 1e9) * 1e9)
    }
    var passed: Bool { DispatchTime.now().uptimeNanoseconds > end }
}

/// A compiled statement, finalised when released.
final class CompiledQuery {
    let stmt: OpaquePointer
    init(_ stmt: OpaquePointer) { self.stmt = stmt }
    deinit { sqlite3_finalize(stmt) }
}

/// A buffered CSV output file, created readable by its owner only (OUTPUTS.md: mode 0600).
final class CSVFileSink {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []

    /// Creates the file, which must not exist yet (never through a symbolic link).
    init(path: String) throws {
        self.path = path
        fd = try SafeFiles.createNew(path)
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer[done...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw QueryError.cannotWrite(path: path, reason: SafeFiles.describe(errno: errno, path: path))
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes; safe to call twice.
    func close() throws {
        guard fd >= 0 else { return }
        defer { Foundation.close(fd); fd = -1 }
        try flush()
    }
}
