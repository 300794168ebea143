/// Settings from the configuration that change what a row may hold.
public struct ExtractRules: Sendable, Equatable {
    /// Outcome domains accepted beside the ten standard ones (OUTPUTS.md "Configuration").
    public var extraDomains: Set<String>
    /// How the national returns are read (`returns_child_id`, `returns_service`).
    public var returns: ReturnsSettings
    /// Set by `pseudonymise: {key_file: …}`: identifiers are stored as keyed hashes (docs/DISCLOSURE.md).
    public var pseudonymiser: Pseudonymiser?
    /// How a pseudonymised store keeps its rejects (`RejectSeal`); nil without a key.
    public var rejectSeal: RejectSeal? { pseudonymiser.map(RejectSeal.init) }

    public init(extraDomains: Set<String> = [], returns: ReturnsSettings = ReturnsSettings(),
                pseudonymiser: Pseudonymiser? = nil) {
        self.extraDomains = extraDomains
        self.returns = returns
        self.pseudonymiser = pseudonymiser
    }
}

/// A rejected row travels as the failure of `Result` and as a typed error inside the validators.
extension Reject: Error {}

/// The reasons shared by every kind, so the rejects report words the same fault the same way.
enum Reasons {
    static let requiredEmpty = "required value is empty; fill it in or remove the row"
    static let invalidDate =
        "invalid date; use YYYY-MM-DD or DD/MM/YYYY with a date that exists (a time after it is ignored)"

    static func fieldCount(expected: Int, found: Int) -> String {
        "wrong number of fields: expected \(expected) as in the header, found \(found); "
            + "check for an unquoted comma or a missing value and export again"
    }

    static func unknownCode(_ column: String, allowed: String) -> String {
        "unknown \(column); use one of \(allowed) (any case)"
    }

    static func duplicate(_ key: String, firstLine: Int) -> String {
        "duplicate key (\(key)) of line \(firstLine); keep one of the two rows and export again"
    }

    /// The reject of a record that spans several physical lines says so (PRECISE.md 29): its line
    /// is the first, and a stray quote is the usual cause.
    static func spanning(_ r: Reject, lines n: Int) -> Reject {
        guard n > 1 else { return r }
        var r = r
        r.reason += "; this record spans \(n) lines (\(r.line) to \(r.line + n - 1)), so a stray quote may have joined them: check the quotes from line \(r.line)"
        return r
    }

    static let unknownEpisode =
        "unknown episode_id: no stored or same-run episode has this id; "
            + "load the episodes extract that holds it or correct the id"
}

/// One record seen through a file's header: fields by contract column, and rejects that carry
/// file, line, column and the value as given.
///
/// The checks throw the row's reject, so a validator reads its columns top to bottom in
/// contract order and the first fault wins (PRECISE.md 6).
struct RowFields {
    let rec: CSVRecord
    let file: String
    let header: HeaderMap
    let names: [String]

    /// Rejects a record whose field count differs from the header's (column "").
    static func fieldCountReject(_ rec: CSVRecord, file: String, header: HeaderMap) -> Reject? {
        guard rec.fieldCount != header.fieldCount else { return nil }
        return Reject(file: file, line: rec.line, column: "", value: "",
                      reason: Reasons.fieldCount(expected: header.fieldCount, found: rec.fieldCount))
    }

    /// Field bytes of contract column `c`; empty when the file lacks the (optional) column.
    @inline(__always)
    func bytes(_ c: Int) -> UnsafeBufferPointer<UInt8> { rec.bytes(header.fieldIndex[c]) }

    /// Field text of contract column `c`, "" when empty or absent.
    func text(_ c: Int) -> String { rec.string(header.fieldIndex[c]) }

    func reject(_ c: Int, _ reason: String) -> Reject {
        Reject(file: file, line: rec.line, column: names[c], value: text(c), reason: reason)
    }

    func required(_ c: Int) throws(Reject) -> String {
        let s = text(c)
        if s.isEmpty { throw reject(c, Reasons.requiredEmpty) }
        return s
    }

    func optional(_ c: Int) -> String? {
        let s = text(c)
        return s.isEmpty ? nil : s
    }

    func requiredDate(_ c: Int) throws(Reject) -> Day {
        let b = bytes(c)
        if b.isEmpty { throw reject(c, Reasons.requiredEmpty) }
        guard let d = FieldParsers.date(b) else { throw reject(c, Reasons.invalidDate) }
        return d
    }

    func optionalDate(_ c: Int) throws(Reject) -> Day? {
        let b = bytes(c)
        if b.isEmpty { return nil }
        guard let d = FieldParsers.date(b) else { throw reject(c, Reasons.invalidDate) }
        return d
    }

    /// `requiredCode` with a byte-level shortcut (`CodeBytes`): a listed ASCII code is matched
    /// on the bytes without a `String`; anything else is read by `parse` exactly as before.
    @inline(__always)
    func requiredCode<T>(_ c: Int, _ table: [(key: [UInt8], value: T)], allowed: @autoclosure () -> String,
                         _ parse: (String) -> T?) throws(Reject) -> T {
        if let v = CodeBytes.match(bytes(c), table) { return v }
        return try requiredCode(c, allowed: allowed(), parse)
    }

    /// A required code read by `parse`; unknown values are rejected naming `allowed`.
    /// `allowed` is only built for a reject, never on the accepting path.
    func requiredCode<T>(_ c: Int, allowed: @autoclosure () -> String, _ parse: (String) -> T?) throws(Reject) -> T {
        let s = try required(c)
        guard let v = parse(s) else { throw reject(c, Reasons.unknownCode(names[c], allowed: allowed())) }
        return v
    }
}
