/// Safe CSV text for outputs (OUTPUTS.md "Output tables"): RFC 4180 quoting, LF line ends, and the
/// formula guard so a spreadsheet never runs extract text as a formula (PRECISE.md 27).
public enum CSVText {
    /// Prefixes `'` when text from an extract begins with `=`, `+`, `-`, `@`, tab or carriage return.
    public static func guarded(_ s: String) -> String {
        guard let f = s.utf8.first else { return s }
        switch f {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 9, 13: return "'" + s
        default: return s
        }
    }

    /// Quotes a field when it holds a comma, quote, CR or LF.
    public static func field(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
        guard needs else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One CSV line (with its LF) from fields.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
