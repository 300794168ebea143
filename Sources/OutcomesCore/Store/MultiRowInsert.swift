import Foundation
import GRDB
import GRDBSQLite

/// An `INSERT` that writes `rowsPerStatement` rows per step (`VALUES (…), (…), …`), for the
/// load's bulk writes (docs/PERFORMANCE.md "The store's writes").
///
/// One statement per row paid, for every row, the statement's start and end (opening the table's
/// cursor, halting and resetting the program) and a search of the key's B-tree from its root.
/// A statement of many rows keeps one cursor: SQLite then starts each search from the leaf page
/// it is on when the key sorts after that page's first entry, which is every row when the rows
/// come in key order (attendance months) or nearly so (outcomes, sorted by episode in the
/// exports). The rows are written one after another within the statement, so the table's
/// contents are those of one statement per row: with `OR REPLACE`, a later row of a key still
/// replaces an earlier one.
///
/// The rows that do not fill a last statement go through the one-row statement.
final class MultiRowInsert {
    /// Parameters of one row.
    let columns: Int
    let rowsPerStatement: Int
    let many: Prepared
    let one: Prepared
    static let defaultRows = 64

    /// - Parameters:
    ///   - head: the statement up to `VALUES`, e.g. `INSERT OR REPLACE INTO outcomes`.
    ///   - columns: parameters per row, bound at `offset + 1 ... offset + columns`.
    ///   - shared: a last value the same in every row (`source_file`), bound once by `share`.
    init(_ db: Database, _ head: String, columns: Int, shared: Bool = false, rowsPerStatement: Int = defaultRows) throws {
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        // Parameters numbered: row r's values are ?(r × columns + 1) …, the shared one is the
        // last number, named in every row.
        func values(rows: Int) -> String {
            let last = rows * columns + 1
            return (0..<rows).map { r in
                var ps = (1...columns).map { "?\(r * columns + $0)" }
                if shared { ps.append("?\(last)") }
                return "(" + ps.joined(separator: ",") + ")"
            }.joined(separator: ",")
        }
        many = try Prepared(db, "\(head) VALUES \(values(rows: rowsPerStatement))")
        one = try Prepared(db, "\(head) VALUES \(values(rows: 1))")
    }

    /// Binds the shared value of every row (kept by every reset).
    func share(_ text: String) {
        many.text(Int32(rowsPerStatement * columns + 1), text)
        one.text(Int32(columns + 1), text)
    }

    /// Writes every row of `rows` in order; `bind` binds one row's values at parameter
    /// `offset + 1 …` of the statement it is given.
    func insert<C: Collection>(_ rows: C, bind: (Prepared, Int32, C.Element) -> Void) throws {
        let full = rows.count / rowsPerStatement * rowsPerStatement
        var k = 0
        for row in rows {
            if k < full {
                let r = k % rowsPerStatement
                bind(many, Int32(r * columns), row)
                if r == rowsPerStatement - 1 { try many.step() }
            } else {
                bind(one, 0, row)
                try one.step()
            }
            k += 1
        }
    }

    /// Steps the full statement: SQLite's result code (`SQLITE_DONE` when written) and the rows
    /// it wrote (`sqlite3_changes`), the statement reset either way. A plain `INSERT` that fails
    /// wrote none of its rows; an `INSERT OR FAIL` keeps the rows before the one that failed.
    func stepMany() -> (rc: Int32, written: Int) {
        let rc = sqlite3_step(many.stmt)
        let written = Int(sqlite3_changes64(many.db.sqliteConnection))
        sqlite3_reset(many.stmt)
        return (rc, written)
    }
}
