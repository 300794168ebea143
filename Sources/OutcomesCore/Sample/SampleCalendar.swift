/// An English school year for the sample: weekdays outside August and the usual holidays.
///
/// Term dates vary by council and year; these rules give the familiar shape (about 190 days a
/// year): summer holiday from 23 July to 2 September, half-terms in late October, mid-February and
/// late May, Christmas from 20 December to 3 January, two weeks round Easter, and the early May
/// bank holiday.
enum SampleCalendar {
    static func isSchoolDay(_ d: Day) -> Bool {
        guard Days.weekday(d) < 5 else { return false }
        let c = Days.civil(d)
        switch c.month {
        case 8: return false
        case 7: if c.day > 22 { return false }
        case 9: if c.day < 3 { return false }
        case 12: if c.day >= 20 { return false }
        case 1: if c.day <= 3 { return false }
        default: break
        }
        if c.month == 10 { let m = lastMonday(c.year, 10); if d >= m && d <= m + 4 { return false } }
        if c.month == 2 { let m = nthMonday(c.year, 2, 3); if d >= m && d <= m + 4 { return false } }
        if c.month == 5 {
            if d == nthMonday(c.year, 5, 1) { return false }
            let m = lastMonday(c.year, 5); if d >= m && d <= m + 4 { return false }
        }
        if c.month == 3 || c.month == 4 {
            let e = easterSunday(c.year)
            if d >= e - 6 && d <= e + 5 { return false }
        }
        return true
    }

    /// School days from `first` through `last`, in order.
    static func schoolDays(from first: Day, through last: Day) -> [Day] {
        var out: [Day] = []
        var d = first
        while d <= last { if isSchoolDay(d) { out.append(d) }; d += 1 }
        return out
    }

    static func nthMonday(_ year: Int, _ month: Int, _ n: Int) -> Day {
        let first = Days.from(year: year, month: month, day: 1)
        return first + Day((7 - Days.weekday(first)) % 7) + Day(7 * (n - 1))
    }

    static func lastMonday(_ year: Int, _ month: Int) -> Day {
        let last = Days.from(year: year, month: month, day: Days.daysInMonth(year: year, month: month))
        return last - Day(Days.weekday(last))
    }

    /// Easter Sunday (anonymous Gregorian algorithm).
    static func easterSunday(_ y: Int) -> Day {
        let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return Days.from(year: y, month: month, day: day)
    }

    /// Working days (Monday to Friday) after `d`: the `n`-th one.
    static func addWeekdays(_ d: Day, _ n: Int) -> Day {
        var x = d, left = n
        while left > 0 { x += 1; if Days.weekday(x) < 5 { left -= 1 } }
        return x
    }
}

/// Date text in the forms the extracts carry (EXTRACTS.md "Common format rules").
enum SampleDate {
    enum Style { case iso, uk, ukShort, isoT, isoSpace, ukTime }

    static func text(_ d: Day, _ style: Style, minute: Int = 0) -> String {
        let c = Days.civil(d)
        let y = Days.pad(c.year, 4), m = Days.pad(c.month, 2), dd = Days.pad(c.day, 2)
        let hm = Days.pad(8 + minute / 60 % 10, 2) + ":" + Days.pad(minute % 60, 2)
        switch style {
        case .iso: return y + "-" + m + "-" + dd
        case .uk: return dd + "/" + m + "/" + y
        case .ukShort: return String(c.day) + "/" + String(c.month) + "/" + y
        case .isoT: return y + "-" + m + "-" + dd + "T" + hm + ":00"
        case .isoSpace: return y + "-" + m + "-" + dd + " " + hm
        case .ukTime: return dd + "/" + m + "/" + y + " " + hm
        }
    }

    /// Mostly ISO; a share of UK dates and dates with a time part, as exports mix them.
    static func mixed(_ d: Day, _ rng: inout SampleRNG, ukShare: Double = 0.06, timeShare: Double = 0.03) -> String {
        let u = rng.unit()
        if u < ukShare { return text(d, rng.chance(0.8) ? .uk : .ukShort) }
        if u < ukShare + timeShare {
            let style: Style = [.isoT, .isoSpace, .ukTime][rng.below(3)]
            return text(d, style, minute: rng.below(600))
        }
        return text(d, .iso)
    }

    /// A date that does not exist (30 February of the year `d` falls in, or 31 April).
    static func invalid(near d: Day, _ rng: inout SampleRNG) -> String {
        let y = Days.civil(d).year
        return rng.chance(0.7) ? Days.pad(y, 4) + "-02-30" : "31/04/" + Days.pad(y, 4)
    }
}
