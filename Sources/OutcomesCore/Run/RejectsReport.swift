import GRDB

/// `rejects.csv` (OUTPUTS.md, in `restricted/`): `file`, `line`, `column`, `value`, `reason`,
/// `loaded_at`, one row per rejected row; streamed, so millions of rejects need no memory.
public enum RejectsReport {
    public static let header = ["file", "line", "column", "value", "reason", "loaded_at"]

    /// The rejects of every file in the store's load log, in load order (OUTPUTS.md: a run on
    /// unchanged files still lists them). Returns the row count.
    @discardableResult
    public static func write(store: Store, to out: StreamingFile) throws -> Int {
        try out.line(header)
        var n = 0
        try store.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT file_name, line, column_name, value, reason, loaded_at FROM rejects ORDER BY id
                """)
            while let r = try rows.next() {
                // A workbook row's line is stored as text, `List 6!17` (PROFILES.md 6).
                let line: DatabaseValue = r[1]
                let lineText: String
                switch line.storage {
                case .int64(let i): lineText = String(i)
                case .string(let t): lineText = t
                default: lineText = line.description
                }
                try out.line(fields(file: r[0], line: lineText, column: r[2], value: r[3], reason: r[4], loadedAt: r[5]))
                n += 1
            }
        }
        return n
    }

    /// The rejects of the files read by one load (a failed run or `validate`): a file that was
    /// not loaded has an empty `loaded_at`. Returns the row count.
    @discardableResult
    public static func write(spools: [RejectSpool], to out: StreamingFile) throws -> Int {
        try out.line(header)
        var n = 0
        for s in spools {
            try s.forEach { r in
                try out.line(fields(file: r.file, line: r.location, column: r.column, value: r.value, reason: r.reason,
                                    loadedAt: s.loadedAt ?? ""))
                n += 1
            }
        }
        return n
    }

    /// Extract text keeps the formula guard (PRECISE.md 27): the file name and the value.
    static func fields(file: String, line: String, column: String, value: String, reason: String, loadedAt: String) -> [String] {
        [CSVText.guarded(file), line, column, CSVText.guarded(value), reason, loadedAt]
    }
}
