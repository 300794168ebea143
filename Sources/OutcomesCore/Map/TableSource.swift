import Foundation

/// Where a source row came from, as the rejects report names it (PROFILES.md 6): the physical
/// line of a CSV record, or a workbook's `sheet!row`.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// CSV line (header = 1) or workbook row number.
    public var line: Int
    /// The workbook sheet, nil for text files.
    public var sheet: String?

    public init(line: Int, sheet: String? = nil) { self.line = line; self.sheet = sheet }

    public var description: String { sheet.map { "\($0)!\(line)" } ?? String(line) }
}

/// One source file seen as a table of text cells, the first stage of the flow
/// read → **map** → validate → store.
///
/// A reader (CSV, `.xlsx` workbook, or any other format such as a national return's XML)
/// adopts this protocol and hands out rows in file order, the header row among them; it knows
/// nothing of the contract. `MappedRecords` then applies a `Profile` (or the contract's own
/// column names) to turn the rows into records of contract columns for the validators.
///
/// Rules a reader keeps:
/// - Cells are valid UTF-8, trimmed of surrounding spaces and tabs (PRECISE.md 4), with no
///   quoting left in them. Rows that are wholly empty are not handed out.
/// - `CSVRecord.line` is the row's number in the source (physical line of a CSV record, row
///   number of a sheet) so that `header_row` and the rejects report refer to what a person
///   sees when they open the file.
/// - A record's bytes may live in the reader's buffer and be valid only during the call.
///
/// For example, a reader of some other format:
///
///     final class MyTable: TableSource {
///         let file = "return.xml"; let sheet: String? = nil; let ragged = true
///         var bytesRead = 0
///         func forEachRow(_ body: (CSVRecord) throws -> Void) throws {
///             var rows = RowAssembler()
///             try rows.emit(["child_id", "gender"], line: 1, body)
///             try rows.emit(["C1", "1"], line: 2, body)
///         }
///     }
///     try MappedRecords(source: MyTable(), kind: .episodes, profile: someProfile)
///         .forEach(header: { _ in }, record: { rec in … }, reject: { r, lines in … })
public protocol TableSource: AnyObject {
    /// The original file name (no folder), as rejects name it.
    var file: String { get }
    /// The sheet read, for workbooks: rejects are located `sheet!row`.
    var sheet: String? { get }
    /// True when a row may have fewer cells than the header (a workbook omits empty trailing
    /// cells): missing cells read as empty instead of a wrong field count.
    var ragged: Bool { get }
    /// Raw bytes consumed so far, for progress.
    var bytesRead: Int { get }
    /// Calls `body` for every row in order, the header row included.
    func forEachRow(_ body: (CSVRecord) throws -> Void) throws
}

/// Builds `CSVRecord`s from cell strings in a reused buffer, for readers whose cells arrive as
/// text (workbooks, XML). Cells are trimmed of spaces and tabs here.
public struct RowAssembler {
    private var bytes: [UInt8] = []
    private var bounds: [Int32] = []

    public init() {}

    /// Hands `cells` to `body` as one record on `line`; a row of only empty cells is skipped.
    public mutating func emit(_ cells: [String], line: Int, _ body: (CSVRecord) throws -> Void) rethrows {
        bytes.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        var any = false
        for c in cells {
            var u = Substring(c).utf8[...]
            while let f = u.first, f == 0x20 || f == 0x09 { u = u.dropFirst() }
            while let l = u.last, l == 0x20 || l == 0x09 { u = u.dropLast() }
            bounds.append(Int32(bytes.count))
            bytes.append(contentsOf: u)
            bounds.append(Int32(bytes.count))
            if !u.isEmpty { any = true }
        }
        guard any else { return }
        if bytes.isEmpty { bytes.append(0) }
        let n = cells.count
        try bytes.withUnsafeBufferPointer { b in
            try bounds.withUnsafeBufferPointer { o in
                try body(CSVRecord(line: line, fieldCount: n, base: b.baseAddress!, bounds: o.baseAddress!))
            }
        }
    }
}

/// A CSV or CSV.gz file as a table source (the contract's own format, PROFILES.md 8-10 for
/// its encodings).
public final class CSVTable: TableSource {
    public let file: String
    public var sheet: String? { nil }
    public var ragged: Bool { false }
    public var bytesRead: Int { reader.bytesRead }
    let reader: CSVReader

    /// - Parameter parseThreadBlockSize: parse on a thread of its own, handing rows over in blocks
    ///   of about this many bytes (`CSVReader`); nil parses on the caller's thread.
    public init(path: String, encoding: TextEncoding = .utf8, bufferSize: Int = 1 << 20,
                rawObserver: ((UnsafeRawBufferPointer) -> Void)? = nil, parseThreadBlockSize: Int? = nil) throws {
        file = (path as NSString).lastPathComponent
        reader = try CSVReader(path: path, bufferSize: bufferSize, rawObserver: rawObserver, encoding: encoding,
                               parseThreadBlockSize: parseThreadBlockSize)
    }

    public func forEachRow(_ body: (CSVRecord) throws -> Void) throws { try reader.forEachRecord(body) }
}

/// Opens the table source that reads a file, by its name: `.xlsx` workbooks, else CSV
/// (`.gz` inflated). A reader for another format adds its case here.
public enum TableSources {
    public static func open(path: String, profile: Profile?, bufferSize: Int = 1 << 20,
                            rawObserver: ((UnsafeRawBufferPointer) -> Void)? = nil,
                            parseThreadBlockSize: Int? = nil) throws -> TableSource {
        if path.lowercased().hasSuffix(".xlsx") {
            return try XLSXTable(path: path, sheet: profile?.sheet)
        }
        return try CSVTable(path: path, encoding: profile?.encoding ?? .utf8, bufferSize: bufferSize, rawObserver: rawObserver,
                            parseThreadBlockSize: parseThreadBlockSize)
    }
}
