/// Byte-level parsers for extract fields (EXTRACTS.md "Common format rules", PRECISE.md 4-5).
///
/// Fields arrive trimmed from the reader's buffer. The date parser runs once per attendance row
/// (millions a year), so nothing here builds a `String` on the way to a value.
public enum FieldParsers {
    @usableFromInline static let hyphen = UInt8(ascii: "-")
    @usableFromInline static let slash = UInt8(ascii: "/")
    @usableFromInline static let space = UInt8(ascii: " ")
    @usableFromInline static let upperT = UInt8(ascii: "T")

    /// The value of an ASCII digit, or nil.
    @inlinable @inline(__always)
    static func digit(_ c: UInt8) -> Int? {
        let d = c &- 48
        return d < 10 ? Int(d) : nil
    }

    /// Digits `b[from..<to]` as a number, or nil when any byte is not a digit.
    @inlinable @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        var v = 0
        var i = from
        while i < to {
            guard let d = digit(b[i]) else { return nil }
            v = v * 10 + d
            i += 1
        }
        return v
    }

    /// True when the date part ends at `end`: either the field ends there or a time part starts
    /// there (`T` or a space), whatever follows it (PRECISE.md 5).
    @inlinable @inline(__always)
    static func endsDate(_ b: UnsafeBufferPointer<UInt8>, at end: Int) -> Bool {
        end == b.count || b[end] == upperT || b[end] == space
    }

    /// A date as `Day`: `YYYY-MM-DD`, or `D/M/YYYY` with a one- or two-digit day and month and a
    /// four-digit year; a time part after `T` or a space is ignored. Nil for anything else,
    /// including dates that do not exist (`2026-02-30`) and `2026-2-3`.
    ///
    /// For example: `2026-10-03`, `3/10/2026`, `03/10/2026 14:22`, `2026-10-03T14:22:00`.
    @inlinable
    public static func date(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        civilDate(b).map { Days.from(year: $0.year, month: $0.month, day: $0.day) }
    }

    /// The same dates as `date`, as year, month and day (checked to exist), for a caller that
    /// wants the calendar parts: the attendance packer files a session by month and day, so it
    /// skips the round trip through a day number (issue 16).
    @inlinable
    public static func civilDate(_ b: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard b.count >= 8 else { return nil }
        if b[4] == hyphen { return isoDate(b) }
        return ukDate(b)
    }

    @inlinable
    static func isoDate(_ b: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard b.count >= 10, b[7] == hyphen, endsDate(b, at: 10),
              let y = number(b, 0, 4), let m = number(b, 5, 7), let d = number(b, 8, 10)
        else { return nil }
        return civilParts(y, m, d)
    }

    @inlinable
    static func ukDate(_ b: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        guard let s1 = separator(b, from: 1), let s2 = separator(b, from: s1 + 2) else { return nil }
        let yEnd = s2 + 5
        guard yEnd <= b.count, endsDate(b, at: yEnd),
              let d = number(b, 0, s1), let m = number(b, s1 + 1, s2), let y = number(b, s2 + 1, yEnd)
        else { return nil }
        return civilParts(y, m, d)
    }

    /// Where a `/` follows one or two digits starting at `from - 1`: index `from` or `from + 1`.
    @inlinable @inline(__always)
    static func separator(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        if from < b.count && b[from] == slash { return from }
        if from + 1 < b.count && b[from + 1] == slash { return from + 1 }
        return nil
    }

    @inlinable @inline(__always)
    static func civilParts(_ y: Int, _ m: Int, _ d: Int) -> (year: Int, month: Int, day: Int)? {
        Days.isValid(year: y, month: m, day: d) ? (y, m, d) : nil
    }

    /// A `birth_month`: `YYYY-MM`, or any full date this parser accepts, keeping its month.
    public static func birthMonth(_ b: UnsafeBufferPointer<UInt8>) -> Month? {
        if b.count == 7 && b[4] == hyphen {
            guard let y = number(b, 0, 4), let m = number(b, 5, 7), y >= 1, (1...12).contains(m)
            else { return nil }
            return Month(year: y, month: m)
        }
        return date(b).map { Month(containing: $0) }
    }

    /// A decimal integer with an optional sign (`7`, `+7`, `-2`, `07`); nil for anything else,
    /// including `7.0`, and for more than 18 digits (no overflow).
    public static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var start = 0
        var negative = false
        if let first = b.first, first == UInt8(ascii: "+") || first == hyphen {
            negative = first == hyphen
            start = 1
        }
        let digits = b.count - start
        guard digits >= 1 && digits <= 18, let v = number(b, start, b.count) else { return nil }
        return negative ? -v : v
    }

    /// ASCII lower-case of one byte (other bytes unchanged).
    @inlinable @inline(__always)
    public static func lower(_ c: UInt8) -> UInt8 {
        c &- 65 < 26 ? c | 0x20 : c
    }

    /// The register session: true for `PM`, false for `AM` (any case), nil otherwise.
    @inlinable
    public static func session(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard b.count == 2, b[1] | 0x20 == UInt8(ascii: "m") else { return nil }
        switch b[0] | 0x20 {
        case UInt8(ascii: "a"): return false
        case UInt8(ascii: "p"): return true
        default: return nil
        }
    }

    /// The mark number of a register code, exactly as `AttendanceMarks.number(of:)` gives it
    /// (case-sensitive), looked up from the bytes without building a String.
    @inlinable
    public static func mark(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        let n: UInt8
        switch b.count {
        case 1: n = markTable[Int(b[0])]
        case 2: n = markTable[256 + (Int(b[0]) << 8 | Int(b[1]))]
        default: return nil
        }
        return n == 0 ? nil : n
    }

    /// Slots 0-255: one-byte codes; 256 + (b0 << 8 | b1): two-byte codes; 0 = not a code.
    /// Built from `AttendanceMarks.codes` so the numbers can never drift from the store's.
    @usableFromInline static let markTable: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256 + 65536)
        for code in AttendanceMarks.codes.map(\.code) {
            let u = Array(code.utf8)
            let n = AttendanceMarks.number(of: code)!
            if u.count == 1 { t[Int(u[0])] = n } else { t[256 + (Int(u[0]) << 8 | Int(u[1]))] = n }
        }
        return t
    }()
}
