import Testing
@testable import OutcomesCore

private func d(_ s: String) -> Day { Days.parseISO(s)! }

@Suite struct CalendarTests {
    /// The published gov.uk lists for England and Wales, written out by hand.
    static let published: [Int: [String]] = [
        2010: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
        2011: ["01-03", "04-22", "04-25", "04-29", "05-02", "05-30", "08-29", "12-26", "12-27"],
        2012: ["01-02", "04-06", "04-09", "05-07", "06-04", "06-05", "08-27", "12-25", "12-26"],
        2019: ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"],
        2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
        2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
        2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
        2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
        2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
        2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
        2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
        2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    ]

    @Test(arguments: published.keys.sorted())
    func matchesPublishedList(year: Int) {
        let expected = Self.published[year]!.map { d("\(year)-\($0)") }
        #expect(BankHolidays.dates(year: year).map(Days.iso) == expected.map(Days.iso))
    }

    @Test func everyYearHasWeekdayHolidaysOnly() {
        for y in 2010...2035 {
            let hs = BankHolidays.dates(year: y)
            let extra = [2011: 1, 2012: 1, 2022: 2, 2023: 1][y, default: 0]
            #expect(hs.count == 8 + extra, "\(y)")
            #expect(Set(hs).count == hs.count, "\(y)")
            #expect(hs.allSatisfy { Days.weekday($0) < 5 }, "\(y)")
            #expect(hs.allSatisfy { Days.civil($0).year == y }, "\(y)")
        }
    }

    @Test func easterComputus() {
        // Easter Sundays: 2019-04-21, 2024-03-31, 2026-04-05, 2035-03-25, 2038-04-25 (latest possible).
        #expect(Days.iso(BankHolidays.easterSunday(year: 2019)) == "2019-04-21")
        #expect(Days.iso(BankHolidays.easterSunday(year: 2024)) == "2024-03-31")
        #expect(Days.iso(BankHolidays.easterSunday(year: 2026)) == "2026-04-05")
        #expect(Days.iso(BankHolidays.easterSunday(year: 2035)) == "2035-03-25")
        #expect(Days.iso(BankHolidays.easterSunday(year: 2038)) == "2038-04-25")
    }

    @Test func workingDays() {
        let cal = WorkingDayCalendar(extraHolidays: [])
        #expect(cal.isWorkingDay(d("2026-04-02")))   // Thursday
        #expect(!cal.isWorkingDay(d("2026-04-03")))  // Good Friday
        #expect(!cal.isWorkingDay(d("2026-04-04")))  // Saturday
        #expect(!cal.isWorkingDay(d("2026-04-05")))  // Sunday
        #expect(!cal.isWorkingDay(d("2026-04-06")))  // Easter Monday
        #expect(cal.isWorkingDay(d("2026-04-07")))
        // A year outside the carried range still gets its holidays (1 Jan 2070 is a Wednesday).
        #expect(!cal.isWorkingDay(d("2070-01-01")))
        #expect(cal.isWorkingDay(d("2070-01-02")))
    }

    @Test func nthWorkingDayCountsFromTheDayAfter() {
        let cal = WorkingDayCalendar(extraHolidays: [])
        // Thursday before Easter: Tue 7 (1), Wed 8 (2), Thu 9 (3), Fri 10 (4), Mon 13 (5);
        // Fri 3 and Mon 6 are bank holidays.
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-04-02"), n: 5)) == "2026-04-13")
        // Wednesday before Christmas 2026: Thu 24 (1), [Fri 25, Mon 28 holidays] Tue 29 (2),
        // Wed 30 (3), Thu 31 (4), [Fri 1 Jan holiday] Mon 4 Jan (5).
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-12-23"), n: 5)) == "2027-01-04")
        // A Friday: Mon 9 (1) … Fri 13 (5).
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-03-06"), n: 5)) == "2026-03-13")
        // Saturday and Sunday allocations: the next Monday is day 1, so day 5 is the same Friday.
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-03-07"), n: 5)) == "2026-03-13")
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-03-08"), n: 5)) == "2026-03-13")
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-03-08"), n: 1)) == "2026-03-09")
        #expect(cal.nthWorkingDay(after: d("2026-03-08"), n: 0) == d("2026-03-08"))
    }

    @Test func extraHolidaysAreNotWorkingDays() {
        let cal = WorkingDayCalendar(extraHolidays: [d("2026-03-10")])
        #expect(!cal.isWorkingDay(d("2026-03-10")))
        // Saturday 7: Mon 9 (1), [Tue 10 extra], Wed 11 (2), Thu 12 (3), Fri 13 (4), Mon 16 (5).
        #expect(Days.iso(cal.nthWorkingDay(after: d("2026-03-07"), n: 5)) == "2026-03-16")
    }
}
