import Foundation

/// An extract that breaks the contract as a whole (OUTPUTS.md exit status 3): nothing from the
/// file is loaded, and the run writes no table.
public enum ExtractError: LocalizedError, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadable(file: String, detail: String)
    /// The name ends `.gz` but the content is not gzip.
    case notGzip(file: String)
    /// The gzip stream is damaged or truncated.
    case corruptGzip(file: String, detail: String)
    /// A required column is missing from the header.
    case missingColumn(file: String, column: String)
    /// The file has no header row at all.
    case noHeader(file: String)
    /// A required column that a profile's `columns` entry (or the contract name) finds in no
    /// header (PROFILES.md 2); the message lists the headers the file has.
    case missingMappedColumn(file: String, profile: String, column: String, looked: [String], headers: [String])
    /// An `.xlsx` that cannot be opened: not a zip, damaged, password-protected (PROFILES.md 12).
    case badWorkbook(file: String, detail: String)
    /// The workbook has no sheet of the profile's name (PROFILES.md 12).
    case missingSheet(file: String, sheet: String, sheets: [String])
    /// Bytes that are not text in the file's encoding, or a NUL (PROFILES.md 9-10).
    case invalidText(file: String, line: Int, offset: Int, fault: TextFault.Kind)
    /// One record is longer than the reader's 1 GB limit (almost always an unclosed quote).
    case recordTooLong(file: String, line: Int)
    /// An SSDA903 episodes table with no 903 header table in the same folder (docs/RETURNS.md).
    case missing903Header(file: String)
    /// A quoted field opened on `line` is still open at the end of the file (PRECISE.md 29).
    case unclosedQuote(file: String, line: Int)
    /// Two header columns have the same name after trimming and case-folding (PRECISE.md 30);
    /// positions count from 1.
    case duplicateColumn(file: String, column: String, first: Int, second: Int, line: Int = 1)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(f, d):
            return "\(f): cannot be read (\(d)). Check the file exists and is readable, then run again."
        case let .notGzip(f):
            return "\(f): the name ends .gz but the file is not gzip-compressed. Compress it with gzip or drop the .gz from its name."
        case let .corruptGzip(f, d):
            return "\(f): the gzip data is damaged or cut short (\(d)). Export the extract again."
        case let .missingColumn(f, c):
            return "\(f): required column '\(c)' is missing from the header (line 1). Nothing from this file was loaded; add the column and export again."
        case let .noHeader(f):
            return "\(f): the file is empty (no header row). Export the extract again."
        case let .missingMappedColumn(f, p, c, looked, headers):
            let tried = looked.map { "'\($0)'" }.joined(separator: " or ")
            return "\(f): required column '\(c)' not found: profile \(p) looks for \(tried), and the file's headers are "
                + headers.map { "'\($0)'" }.joined(separator: ", ")
                + ". Nothing from this file was loaded; correct columns.\(c) in the profile or the export (check header_row too)."
        case let .badWorkbook(f, d):
            return "\(f): the workbook cannot be read: \(d). Nothing from this file was loaded."
        case let .missingSheet(f, sh, sheets):
            return "\(f): the workbook has no sheet '\(sh)'; its sheets are "
                + (sheets.isEmpty ? "none" : sheets.map { "'\($0)'" }.joined(separator: ", "))
                + ". Nothing from this file was loaded; correct `sheet` in the profile."
        case let .invalidText(f, line, offset, fault):
            let what: String
            switch fault {
            case .invalidUTF8: what = "bytes that are not valid UTF-8"
            case .nul: what = "a NUL byte"
            case .undefinedWindows1252(let b): what = "byte 0x\(String(b, radix: 16, uppercase: true)), which Windows-1252 does not define"
            case .invalidUTF16: what = "a broken UTF-16 surrogate pair or an odd trailing byte"
            }
            return "\(f): line \(line), byte offset \(offset): \(what). Nothing from this file was loaded; "
                + "export it as UTF-8 (CSV UTF-8 in Excel), or declare `encoding: windows-1252` in a profile for it (docs/PROFILES.md)."
        case let .recordTooLong(f, line):
            return "\(f): the record starting at line \(line) is longer than 1 GB, the most one record may hold; this is almost always a quote (\") that is never closed. Fix the quoting at that line and export again."
        case let .missing903Header(f):
            return "\(f): an SSDA903 episodes table, but the folder holds no 903 header table (a CSV with CHILD, SEX, DOB, ETHNIC), which gives each child's gender, birth month and ethnicity. Nothing from this file was loaded; put the header table of the same return beside it."
        case let .unclosedQuote(f, l):
            return "\(f): line \(l): a quoted field opened here is never closed, so the rest of the file would be read as one value. Nothing from this file was loaded; find the stray \" on line \(l) (a value that starts with a quote), remove it or close it, and export again."
        case let .duplicateColumn(f, c, a, b, l):
            return "\(f): line \(l): the header names column '\(c)' twice (columns \(a) and \(b)). Nothing from this file was loaded; rename or remove one of them and export again."
        }
    }
}

/// One rejected row: where it is, which column failed, the value and a reason a person can act on.
public struct Reject: Sendable, Equatable, Hashable {
    /// The extract's file name (no folder).
    public var file: String
    /// Physical line where the record starts (header = 1).
    public var line: Int
    /// The contract column at fault; empty for a whole-row fault such as a wrong field count.
    public var column: String
    public var value: String
    public var reason: String
    /// The workbook sheet the row is on (nil for text files); the report then shows `sheet!line`
    /// (PROFILES.md 6).
    public var sheet: String? = nil

    /// `line`, or `sheet!line` for a workbook row, as the rejects report prints it.
    public var location: String { sheet.map { "\($0)!\(line)" } ?? String(line) }

    public init(file: String, line: Int, column: String, value: String, reason: String) {
        self.file = file; self.line = line; self.column = column; self.value = value; self.reason = reason
    }
}
