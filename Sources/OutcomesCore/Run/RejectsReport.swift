import GRDB

/// `rejects.csv` (OUTPUTS.md, in `restricted/`): `file`, `line`, `column`, `value`, `reason`,
/// `loaded_at`, one row per rejected row; streamed, so millions of rejects need no memory.
public enum RejectsReport {
    public static let header = ["file", "line", "column", "value", "reason", "loaded_at"]

    /// The rejects of every file in the store's load log, in load order (OUTPUTS.md: a run on
    /// unchanged files still lists them). Returns the row count and how many sealed rejects could
    /// not be opened.
    ///
    /// - Parameter seal: the pseudonymisation key's seal, to show sealed values and reasons as
    ///   written (`RejectSeal`). Without it, or with another key than the one they were sealed
    ///   with, such a reject's value and reason say so instead: nothing sealed is shown garbled.
    @discardableResult
    public static func write(store: Store, to out: StreamingFile, seal: RejectSeal? = nil) throws -> (rows: Int, unopened: Int) {
        try out.line(header)
        var n = 0, unopened = 0
        try store.read { db in
            // A store not yet upgraded (read-only) has no `sealed` column: nothing in it is sealed.
            let hasSealed = try db.columns(in: "rejects").contains { $0.name == "sealed" }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT file_name, line, column_name, value, reason, loaded_at, sha256, \(hasSealed ? "sealed" : "0")
                FROM rejects ORDER BY id
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
                var value: String = r[3], reason: String = r[4]
                if (r[7] as Int) != 0 {
                    let column: String = r[2], sha: String = r[6]
                    let at = { RejectSeal.place(sha256: sha, line: lineText, column: column, field: $0) }
                    if let seal, let v = seal.open(value, at: at("value")), let w = seal.open(reason, at: at("reason")) {
                        value = v; reason = w
                    } else {
                        unopened += 1
                        value = "(sealed)"
                        reason = seal == nil
                            ? "sealed in the pseudonymised store: set pseudonymise.key_file to its key to see the value and reason"
                            : "sealed with another key than pseudonymise.key_file: use the key this file was loaded with"
                    }
                }
                try out.line(fields(file: r[0], line: lineText, column: r[2], value: value, reason: reason, loadedAt: r[5]))
                n += 1
            }
        }
        return (n, unopened)
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
