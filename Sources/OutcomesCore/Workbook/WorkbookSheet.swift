import Foundation

/// One sheet of `outcomes.xlsx`: a published table, cell for cell as its CSV file holds it.
///
/// The sheet is read back from the CSV and meta text the run writes (not rebuilt from the table
/// model), so the workbook can never differ from the files beside it, whichever table wrote them.
/// A cell is a number where the CSV holds a number in a numeric column (`time_period` and every
/// column the meta file calls an `Indicator`), and text otherwise: the symbols `c`, `z` and `x`,
/// codes such as `old_la_code` `878`, and the filter values.
public struct WorkbookSheet: Sendable, Equatable {
    /// One cell as written.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    /// The table's name, which is also the sheet's name (at most 31 characters, as Excel allows).
    public var name: String
    public var header: [String]
    public var rows: [[Value]]
    /// Decimal places per column for numbers (the meta file's `indicator_dp`; 0 for `time_period`),
    /// nil for text columns.
    public var decimals: [Int?]

    public init(name: String, header: [String], rows: [[Value]], decimals: [Int?]) {
        self.name = name; self.header = header; self.rows = rows; self.decimals = decimals
    }

    /// Builds the sheet from a table's CSV text and its `.meta.csv` text.
    ///
    /// - Throws: `WorkbookError.malformedTable` naming the file and line when a row has a different
    ///   number of fields from the header or the meta file lacks its columns (neither happens with
    ///   the tool's own writer; the check keeps a damaged file out of the workbook).
    public init(name: String, csv: String, meta: String) throws {
        let lines = Self.parse(csv)
        guard let header = lines.first else { throw WorkbookError.malformedTable(file: name + ".csv", line: 1, reason: "the file is empty") }
        let metaLines = Self.parse(meta)
        guard let mh = metaLines.first, let nameCol = mh.firstIndex(of: "col_name"),
              let typeCol = mh.firstIndex(of: "col_type"), let dpCol = mh.firstIndex(of: "indicator_dp") else {
            throw WorkbookError.malformedTable(file: name + ".meta.csv", line: 1,
                                               reason: "the header lacks col_name, col_type or indicator_dp")
        }
        var dpByColumn: [String: Int] = ["time_period": 0]
        for m in metaLines.dropFirst() where m.count > max(nameCol, typeCol, dpCol) && m[typeCol] == "Indicator" {
            dpByColumn[m[nameCol]] = Int(m[dpCol]) ?? 0
        }
        let decimals = header.map { dpByColumn[$0] }
        var rows: [[Value]] = []
        rows.reserveCapacity(lines.count - 1)
        for (i, fields) in lines.enumerated().dropFirst() {
            guard fields.count == header.count else {
                throw WorkbookError.malformedTable(file: name + ".csv", line: i + 1,
                                                   reason: "\(fields.count) fields where the header has \(header.count)")
            }
            rows.append(zip(fields, decimals).map { f, dp in
                if dp != nil, let v = Self.number(f) { return .number(v) }
                return .text(f)
            })
        }
        self.init(name: name, header: header, rows: rows, decimals: decimals)
    }

    /// A CSV figure as a number: digits with an optional sign and decimal point only (never `c`,
    /// `z`, `x`, `inf` or `1e5`, which `Double(_:)` would also take).
    static func number(_ s: String) -> Double? {
        var digits = 0, dots = 0
        for (i, b) in s.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): dots += 1
            case UInt8(ascii: "-") where i == 0: break
            default: return nil
            }
        }
        guard digits > 0, dots <= 1 else { return nil }
        return Double(s)
    }

    /// Splits CSV text (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks) into
    /// lines of fields. The tool's tables end every line with LF.
    static func parse(_ text: String) -> [[String]] {
        var lines: [[String]] = [], fields: [String] = [], field: [UInt8] = []
        var quoted = false, wasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); wasQuoted = false }
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == 34 && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if b == 44 {
                endField()
            } else if b == 10 {
                endField(); lines.append(fields); fields.removeAll()
            } else if b != 13 {
                field.append(b)
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty { endField(); lines.append(fields) }
        return lines
    }
}
