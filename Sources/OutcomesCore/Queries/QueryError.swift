import Foundation

/// Why an analyst's query (`queries/*.sql`, OUTPUTS.md "Folders") could not be run.
///
/// Every message names the query file (or the store) and says what to do, because the person who
/// reads it is the analyst who wrote the SQL, usually looking at a scheduled run's log. In every
/// case the store is left as it was: queries run on a read-only connection.
public enum QueryError: LocalizedError, Equatable, Sendable {
    /// The query file could not be read (missing, unreadable, not UTF-8).
    case unreadable(file: String, reason: String)
    /// The file holds no SQL statement, only blanks or comments.
    case empty(file: String)
    /// The file holds more than one statement; a query file is exactly one `SELECT`.
    case multipleStatements(file: String)
    /// The statement would change the store or the connection (INSERT, UPDATE, DELETE, DROP,
    /// CREATE, ATTACH, PRAGMA, BEGIN, …). `keyword` is the statement's first word, upper-cased.
    case notReadOnly(file: String, keyword: String)
    /// SQLite could not compile the statement: a syntax error, an unknown table, column or
    /// function. `message` is SQLite's; `line` is the 1-based line of the file where SQLite
    /// stopped, when it says.
    case syntax(file: String, line: Int?, message: String)
    /// The statement uses a named parameter the tool does not bind (a typo such as
    /// `:period_begin`, or a parameter of another tool).
    case unknownParameter(file: String, name: String)
    /// The statement uses an anonymous `?` or numbered `?NNN` parameter, which nothing can bind.
    case positionalParameter(file: String)
    /// SQLite failed while running the statement (for example `suppress()` given a bad threshold).
    case failed(file: String, message: String)
    /// The store cannot be opened read-only (missing, locked, not a database).
    case storeUnavailable(path: String, message: String)
    /// The result could not be written.
    case cannotWrite(path: String, reason: String)
    /// The query ran longer than `query_timeout_s` and was stopped.
    case timedOut(file: String, seconds: Double)
    /// The query's CSV grew past `query_max_mb` and was stopped.
    case tooLarge(file: String, megabytes: Double)

    /// The parameters the tool binds, in the order documented in `docs/STORE.md`.
    public static let parameterNames = ["period_start", "period_end", "rolling_start"]

    public var errorDescription: String? {
        let known = QueryError.parameterNames.map { ":" + $0 }.joined(separator: ", ")
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the query file (\(reason)); check the path and that it is UTF-8 text."
        case let .empty(file):
            return "\(file): no SQL statement found; a query file holds one SELECT (comments are allowed)."
        case let .multipleStatements(file):
            return "\(file): more than one SQL statement; a query file holds exactly one SELECT (or WITH … SELECT). Split it into several files."
        case let .notReadOnly(file, keyword):
            return "\(file): the query would change the store (\(keyword) statement); queries are read-only, so a file may hold only one SELECT (or WITH … SELECT). Nothing was run and the store is unchanged."
        case let .syntax(file, line, message):
            let at = line.map { ", line \($0)" } ?? ""
            return "\(file)\(at): SQLite cannot compile the query: \(message). Fix the SQL (docs/STORE.md lists the tables and columns)."
        case let .unknownParameter(file, name):
            return "\(file): unknown parameter :\(name); the tool binds only \(known). Fix the name or compute the date in SQL, e.g. date(:period_end, '-84 days')."
        case let .positionalParameter(file):
            return "\(file): the query uses a `?` parameter, which nothing binds; use one of \(known)."
        case let .failed(file, message):
            return "\(file): the query failed while running: \(message). Fix the SQL; the store is unchanged."
        case let .storeUnavailable(path, message):
            return "\(path): cannot open the store read-only (\(message)); run `outcomes load` first or pass the right --db."
        case let .cannotWrite(path, reason):
            return "\(path): cannot write the query result: \(reason)"
        case let .timedOut(file, seconds):
            return "\(file): the query was stopped after \(Self.number(seconds)) s (query_timeout_s); nothing was written for it. Make it faster (a recursive CTE needs a stopping condition), or raise query_timeout_s in outcomes.yml."
        case let .tooLarge(file, megabytes):
            return "\(file): the query returned more than \(Self.number(megabytes)) MB (query_max_mb) and was stopped; nothing was written for it. Aggregate or filter the rows, or raise query_max_mb in outcomes.yml."
        }
    }

    /// The query file the error is about, or nil when it is about the store or an output file.
    public var file: String? {
        switch self {
        case let .unreadable(f, _), let .empty(f), let .multipleStatements(f), let .notReadOnly(f, _),
             let .syntax(f, _, _), let .unknownParameter(f, _), let .positionalParameter(f), let .failed(f, _),
             let .timedOut(f, _), let .tooLarge(f, _):
            return f
        case .storeUnavailable, .cannotWrite:
            return nil
        }
    }

    /// A limit as written in the configuration: `1`, not `1.0`; `0.5` stays `0.5`.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
