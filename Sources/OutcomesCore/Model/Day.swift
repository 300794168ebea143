/// A calendar date as days since 1970-01-01 (proleptic Gregorian).
///
/// Every date in the tool is a `Day`: extracts are parsed straight to it, the store keeps ISO text
/// for analysts, and metrics compare plain integers. Time of day is never kept (EXTRACTS.md).
public typealias Day = Int32

/// Conversions between `Day`, civil dates and ISO text (Howard Hinnant's days-from-civil algorithm).
public enum Days {
    /// The day number of a civil date; the caller must pass a valid date (see `isValid`).
    @inlinable
    public static func from(year: Int, month: Int, day: Int) -> Day {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Day(era * 146097 + doe - 719468)
    }

    /// The civil date of a day number.
    @inlinable
    public static func civil(_ d: Day) -> (year: Int, month: Int, day: Int) {
        let z = Int(d) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let dd = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, dd)
    }

    @inlinable
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inlinable
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1
            && day <= daysInMonth(year: year, month: month)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    @inlinable
    public static func weekday(_ d: Day) -> Int { Int(((Int64(d) + 3) % 7 + 7) % 7) }

    /// ISO `YYYY-MM-DD`.
    public static func iso(_ d: Day) -> String {
        let c = civil(d)
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// Parses ISO `YYYY-MM-DD` exactly (used for text read back from the store).
    public static func parseISO(_ s: String) -> Day? {
        let u = Array(s.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { let c = Int(u[i]) - 48; guard c >= 0 && c <= 9 else { return nil }; v = v * 10 + c }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let dd = num(8..<10), isValid(year: y, month: m, day: dd)
        else { return nil }
        return from(year: y, month: m, day: dd)
    }

    static func pad(_ v: Int, _ w: Int) -> String {
        let s = String(v)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
}

/// A calendar month, as `year * 12 + (month - 1)`, so months subtract and compare as integers.
public struct Month: Hashable, Comparable, Sendable {
    public var index: Int
    public init(index: Int) { self.index = index }
    public init(year: Int, month: Int) { index = year * 12 + month - 1 }
    public init(containing d: Day) { let c = Days.civil(d); index = c.year * 12 + c.month - 1 }

    public var year: Int { index / 12 }
    public var month: Int { index % 12 + 1 }
    public var firstDay: Day { Days.from(year: year, month: month, day: 1) }
    public var lastDay: Day { Days.from(year: year, month: month, day: Days.daysInMonth(year: year, month: month)) }
    public func adding(_ months: Int) -> Month { Month(index: index + months) }
    /// `YYYY-MM`.
    public var text: String { Days.pad(year, 4) + "-" + Days.pad(month, 2) }
    /// English month name, as `time_identifier` wants it.
    public var name: String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September",
         "October", "November", "December"][month - 1]
    }
    /// Parses `YYYY-MM`.
    public init?(text: String) {
        let p = text.split(separator: "-")
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]),
              (1...12).contains(m) else { return nil }
        self.init(year: y, month: m)
    }
    public static func < (a: Month, b: Month) -> Bool { a.index < b.index }
}
