import GRDB

/// The load log's answers for incremental loading (EXTRACTS.md "Loading rules").
extension Store {
    /// The SHA-256 logged for a file of this name whose size, modification time and inode all
    /// match `identity`, newest first; nil when none does (the file must be read).
    public func loggedSHA256(file: String, identity: FileIdentity) throws -> String? {
        try queue.read { db in
            try String.fetchOne(db, sql: """
                SELECT sha256 FROM load_log
                WHERE file_name = ? AND file_size = ? AND file_mtime_ns = ? AND file_inode = ?
                ORDER BY id DESC LIMIT 1
                """, arguments: [file, identity.size, identity.mtimeNs, Int64(bitPattern: identity.inode)])
        }
    }

    /// Records a new identity for the newest log entry of this file and content (a file touched or
    /// copied without changing), so the next load skips it unread.
    public func updateIdentity(file: String, sha256: String, identity: FileIdentity) throws {
        try queue.write { db in
            try db.execute(sql: """
                UPDATE load_log SET file_size = ?, file_mtime_ns = ?, file_inode = ?
                WHERE id = (SELECT max(id) FROM load_log WHERE file_name = ? AND sha256 = ?)
                """, arguments: [identity.size, identity.mtimeNs, Int64(bitPattern: identity.inode), file, sha256])
        }
    }
}

extension StoreWriter {
    /// Whether a file with this content was loaded before, seen from inside a transaction.
    public func wasLoaded(sha256: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM load_log WHERE sha256 = ?)", arguments: [sha256]) ?? false
    }
}
