/// The bank holidays of England and Wales, computed from the rules rather than typed in, so a
/// year the tool was not shipped with still gets its holidays (METRICS.md 4: "the tool carries
/// the dates; a configuration may add more").
///
/// The rules (Banking and Financial Dealings Act 1971 and the proclamations since):
/// - New Year's Day, moved to the next Monday when it falls at a weekend;
/// - Good Friday and Easter Monday (Gregorian Easter computus);
/// - early May: the first Monday of May (2020: Friday 8 May, for the 75th VE day);
/// - spring: the last Monday of May (2002: Tuesday 4 June; 2012: Monday 4 June;
///   2022: Thursday 2 June);
/// - summer: the last Monday of August;
/// - Christmas Day and Boxing Day, each moved to the next free weekday when at a weekend
///   (Christmas on a Saturday gives Monday 27 and Tuesday 28; on a Sunday, Monday 26 and
///   Tuesday 27; Boxing Day on a Saturday gives Monday 28);
/// - one-offs: 2002-06-03 Golden Jubilee, 2011-04-29 royal wedding, 2012-06-05 Diamond Jubilee,
///   2022-06-03 Platinum Jubilee, 2022-09-19 State Funeral of Queen Elizabeth II,
///   2023-05-08 Coronation of King Charles III.
///
/// Verified against the published lists for 2019-2027 in `CalendarTests`. Proclamations not yet
/// made (a future one-off) cannot be known; the configuration's extra holidays cover them.
public enum BankHolidays {
    /// The bank holidays of `year`, ascending.
    public static func dates(year: Int) -> [Day] {
        var out: [Day] = []
        func day(_ m: Int, _ d: Int) -> Day { Days.from(year: year, month: m, day: d) }

        // New Year's Day, or the Monday after when it falls at a weekend.
        out.append(nextWeekday(day(1, 1)))

        let easter = easterSunday(year: year)
        out.append(easter - 2)
        out.append(easter + 1)

        // Early May bank holiday.
        if year == 2020 {
            out.append(day(5, 8))
        } else {
            out.append(firstMonday(onOrAfter: day(5, 1)))
        }

        // Spring bank holiday.
        switch year {
        case 2002: out.append(day(6, 4))
        case 2012: out.append(day(6, 4))
        case 2022: out.append(day(6, 2))
        default: out.append(lastMonday(onOrBefore: day(5, 31)))
        }

        out.append(lastMonday(onOrBefore: day(8, 31)))

        // Christmas and Boxing Day: each takes the first weekday not already taken.
        let christmas = nextWeekday(day(12, 25))
        out.append(christmas)
        var boxing = nextWeekday(day(12, 26))
        if boxing <= christmas { boxing = nextWeekday(christmas + 1) }
        out.append(boxing)

        out += oneOffs[year, default: []].map { day($0.month, $0.day) }
        return out.sorted()
    }

    /// Holidays proclaimed for one year only.
    static let oneOffs: [Int: [(month: Int, day: Int)]] = [
        2002: [(6, 3)],
        2011: [(4, 29)],
        2012: [(6, 5)],
        2022: [(6, 3), (9, 19)],
        2023: [(5, 8)],
    ]

    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easterSunday(year y: Int) -> Day {
        let a = y % 19
        let b = y / 100, c = y % 100
        let d = b / 4, e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let dd = (h + l - 7 * m + 114) % 31 + 1
        return Days.from(year: y, month: month, day: dd)
    }

    /// `d`, or the Monday after it when `d` is a Saturday or Sunday.
    static func nextWeekday(_ d: Day) -> Day {
        switch Days.weekday(d) {
        case 5: return d + 2
        case 6: return d + 1
        default: return d
        }
    }

    static func firstMonday(onOrAfter d: Day) -> Day { d + Day((7 - Days.weekday(d)) % 7) }
    static func lastMonday(onOrBefore d: Day) -> Day { d - Day(Days.weekday(d)) }
}
