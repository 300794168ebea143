import GRDB
import GRDBSQLite

extension DataQuality {
    /// The SQL function `outcomes_count_char(text, char, limit)`: how many times the one-character
    /// `char` occurs among the first `limit` characters of `text` (all of them when `limit` is
    /// negative); NULL when `text` or `char` is NULL.
    ///
    /// It gives what `length(substr(text, 1, limit)) - length(replace(substr(text, 1, limit), char, ''))`
    /// gives, for the N-marks check over a county's 240,000 packed attendance months, without the
    /// copy `replace` and `substr` make of every row and the two passes of `length`: that check was
    /// the report's costliest data-quality query (issue 16). Characters are counted as SQLite
    /// counts them in UTF-8 text (a byte that does not continue a character starts one).
    static let countCharFunction = "outcomes_count_char"

    /// Registers `outcomes_count_char` on `db` (a connection of the checks' own).
    static func addCountFunction(_ db: Database) throws {
        let rc = sqlite3_create_function_v2(
            db.sqliteConnection, countCharFunction, 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, argc, argv in
                guard let argv, argc == 3, let textArg = argv[0], let charArg = argv[1], let limitArg = argv[2],
                      sqlite3_value_type(textArg) != SQLITE_NULL, sqlite3_value_type(charArg) != SQLITE_NULL else {
                    sqlite3_result_null(context); return
                }
                // Text first, then its byte count (SQLite's documented order for a UTF-8 value).
                let text = sqlite3_value_text(textArg), n = Int(sqlite3_value_bytes(textArg))
                let char = sqlite3_value_text(charArg), charBytes = Int(sqlite3_value_bytes(charArg))
                guard let char, charBytes == 1 else {
                    // The checks only ever ask for one ASCII mark character.
                    sqlite3_result_error(context, "outcomes_count_char: the character must be one ASCII byte", -1)
                    return
                }
                let limit = sqlite3_value_int64(limitArg)
                let target = char[0]
                var count: Int64 = 0, characters: Int64 = 0
                if let text {
                    for i in 0..<n {
                        let b = text[i]
                        if b & 0xC0 != 0x80 {
                            if limit >= 0 && characters == limit { break }
                            characters += 1
                        }
                        if b == target { count += 1 }
                    }
                }
                sqlite3_result_int64(context, count)
            }, nil, nil, nil)
        guard rc == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
