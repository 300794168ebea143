/// Working days for the practice standards (METRICS.md 4): every day but Saturdays, Sundays, the
/// bank holidays of England and Wales and any extra holidays the configuration adds.
///
/// For example, with the 2026 Easter holidays (Friday 3 and Monday 6 April):
///
///     let cal = WorkingDayCalendar(extraHolidays: [])
///     cal.nthWorkingDay(after: Days.from(year: 2026, month: 4, day: 2), n: 5)  // 2026-04-13
public struct WorkingDayCalendar: Sendable {
    /// Bank holidays of the years the tool expects data for, computed once; other years are
    /// computed on demand (slower, but only dates far outside any real extract reach them).
    static let carried: Set<Day> = {
        var s = Set<Day>()
        for y in carriedYears { s.formUnion(BankHolidays.dates(year: y)) }
        return s
    }()
    static let carriedYears = 2000...2060

    /// The configuration's extra non-working days.
    public let extraHolidays: Set<Day>

    public init(extraHolidays: Set<Day>) { self.extraHolidays = extraHolidays }

    /// Whether `d` is a bank holiday of England and Wales (not counting the extra holidays).
    public static func isBankHoliday(_ d: Day) -> Bool {
        let y = Days.civil(d).year
        if carriedYears.contains(y) { return carried.contains(d) }
        return BankHolidays.dates(year: y).contains(d)
    }

    /// Whether `d` is a working day: a weekday that is neither a bank holiday nor an extra holiday.
    public func isWorkingDay(_ d: Day) -> Bool {
        Days.weekday(d) < 5 && !extraHolidays.contains(d) && !Self.isBankHoliday(d)
    }

    /// The `n`-th working day after `d`, counting from the day after `d` (PRECISE.md 25): an
    /// allocation at a weekend makes the next working day day 1. `n <= 0` gives `d` itself.
    public func nthWorkingDay(after d: Day, n: Int) -> Day {
        var day = d
        var left = n
        while left > 0 {
            day += 1
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }
}
