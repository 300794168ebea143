/// One CSV record as the streaming reader hands it out: field bytes already unescaped (`""` → `"`)
/// and trimmed of surrounding spaces and tabs (PRECISE.md 4).
///
/// The bytes live in the reader's buffer and are valid only during the visiting closure;
/// copy what must outlive it (`string(_:)`).
public struct CSVRecord {
    /// Physical line on which the record starts; the header is line 1 (PRECISE.md 3).
    public let line: Int
    /// Number of fields in this record.
    public let fieldCount: Int
    /// Physical lines the record spans (more than 1 when a quoted field holds line breaks). A
    /// rejected record counts this many rows against the reject limit (PRECISE.md 29).
    public let lineSpan: Int
    @usableFromInline let base: UnsafePointer<UInt8>
    /// `2 * fieldCount` offsets into `base`: start and end (exclusive) of each field.
    @usableFromInline let bounds: UnsafePointer<Int32>

    public init(line: Int, fieldCount: Int, base: UnsafePointer<UInt8>, bounds: UnsafePointer<Int32>, lineSpan: Int = 1) {
        self.line = line; self.fieldCount = fieldCount; self.base = base; self.bounds = bounds
        self.lineSpan = lineSpan
    }

    /// The bytes of field `i` (empty when `i` is out of range).
    @inlinable
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        guard i >= 0 && i < fieldCount else { return UnsafeBufferPointer(start: base, count: 0) }
        let s = Int(bounds[2 * i]), e = Int(bounds[2 * i + 1])
        return UnsafeBufferPointer(start: base + s, count: e - s)
    }

    /// Field `i` as a String ("" when empty or out of range).
    @inlinable
    public func string(_ i: Int) -> String {
        let b = bytes(i)
        return b.isEmpty ? "" : String(decoding: b, as: UTF8.self)
    }

    @inlinable
    public func isEmpty(_ i: Int) -> Bool { bytes(i).isEmpty }

    /// Builds a record from ready-made field strings, for tests and small callers.
    /// The values are used as given (no trimming or unescaping).
    public static func with<R>(fields: [String], line: Int = 2, lineSpan: Int = 1, _ body: (CSVRecord) throws -> R) rethrows -> R {
        var bytes: [UInt8] = []
        var offsets: [Int32] = []
        for f in fields {
            offsets.append(Int32(bytes.count)); bytes.append(contentsOf: f.utf8); offsets.append(Int32(bytes.count))
        }
        if bytes.isEmpty { bytes.append(0) }
        if offsets.isEmpty { offsets.append(0) }
        return try bytes.withUnsafeBufferPointer { b in
            try offsets.withUnsafeBufferPointer { o in
                try body(CSVRecord(line: line, fieldCount: fields.count, base: b.baseAddress!, bounds: o.baseAddress!, lineSpan: lineSpan))
            }
        }
    }
}
