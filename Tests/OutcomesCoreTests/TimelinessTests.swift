import Testing
@testable import OutcomesCore

private func d(_ s: String) -> Day { Days.parseISO(s)! }
private let cal = WorkingDayCalendar(extraHolidays: [])
private let april = ReportWindow.windows(for: Month(year: 2026, month: 4))  // [Apr 2026, May 2025-Apr 2026]
private typealias M = TimelinessMetric.Measure

private func ep(_ id: String, service: String = "YIT", referral: String? = nil, alloc: String,
                contact: String? = nil, assessment: String? = nil, taf: String? = nil,
                closure: String? = nil) -> Episode {
    Episode(episodeID: id, childID: "c" + id, service: service, level: "EH3",
            referralDate: referral.map(d), allocationDate: d(alloc),
            firstContactDate: contact.map(d), assessmentDate: assessment.map(d),
            firstTafDate: taf.map(d), closureDate: closure.map(d))
}

private func standing(_ e: Episode, _ m: M, _ w: ReportWindow) -> TimelinessMetric.Standing {
    TimelinessMetric.standings(e, window: w, calendar: cal)[m.rawValue]
}
private let yes = TimelinessMetric.Standing(eligible: true, met: true)
private let notMet = TimelinessMetric.Standing(eligible: true, met: false)
private let no = TimelinessMetric.Standing.no

@Suite struct TimelinessTests {
    @Test func monthArithmeticClampsToMonthEnd() {
        #expect(Days.iso(TimelinessMetric.addingMonths(9, to: d("2025-08-31"))) == "2026-05-31")
        #expect(Days.iso(TimelinessMetric.addingMonths(3, to: d("2025-11-30"))) == "2026-02-28")
        #expect(Days.iso(TimelinessMetric.addingMonths(9, to: d("2025-05-31"))) == "2026-02-28")
        #expect(Days.iso(TimelinessMetric.addingMonths(12, to: d("2024-02-29"))) == "2025-02-28")
        #expect(Days.iso(TimelinessMetric.addingMonths(9, to: d("2025-07-15"))) == "2026-04-15")
    }

    @Test func firstContactWithinFiveWorkingDays() {
        let w = april[0]
        // Thursday 2 April 2026: the 5th working day is Monday 13 April (Fri 3, Mon 6 holidays).
        #expect(standing(ep("1", alloc: "2026-04-02", contact: "2026-04-13"), .firstContact5wd, w) == yes)
        #expect(standing(ep("1", alloc: "2026-04-02", contact: "2026-04-14"), .firstContact5wd, w) == notMet)
        // Deadline 13 April passed by 30 April, no contact: eligible, not met.
        #expect(standing(ep("1", alloc: "2026-04-02"), .firstContact5wd, w) == notMet)
        // Contact before allocation is still on or before the deadline.
        #expect(standing(ep("1", alloc: "2026-04-02", contact: "2026-04-01"), .firstContact5wd, w) == yes)
        // Monday 27 April: 28 (1), 29 (2), 30 (3), Fri 1 May (4), [Mon 4 May holiday] Tue 5 May (5).
        // The deadline is after 30 April, so with no contact by then the episode is not eligible;
        // a contact dated 1 May (after the window end) has not happened yet.
        #expect(standing(ep("1", alloc: "2026-04-27"), .firstContact5wd, w) == no)
        #expect(standing(ep("1", alloc: "2026-04-27", contact: "2026-05-01"), .firstContact5wd, w) == no)
        #expect(standing(ep("1", alloc: "2026-04-27", contact: "2026-04-29"), .firstContact5wd, w) == yes)
        // As at the end of May, the 1 May contact has happened and is within 5 May.
        let may = ReportWindow.windows(for: Month(year: 2026, month: 5))[1]
        #expect(standing(ep("1", alloc: "2026-04-27", contact: "2026-05-01"), .firstContact5wd, may) == yes)
        // Weekend allocation, Saturday 7 March: Mon 9 is day 1, Fri 13 day 5.
        let march = ReportWindow.windows(for: Month(year: 2026, month: 3))[0]
        #expect(standing(ep("1", alloc: "2026-03-07", contact: "2026-03-13"), .firstContact5wd, march) == yes)
        #expect(standing(ep("1", alloc: "2026-03-07", contact: "2026-03-16"), .firstContact5wd, march) == notMet)
        // A Friday, 6 March: day 5 is also Fri 13.
        #expect(standing(ep("1", alloc: "2026-03-06", contact: "2026-03-13"), .firstContact5wd, march) == yes)
        // Before Christmas: Wed 23 Dec 2026, day 5 is Mon 4 Jan 2027.
        let jan27 = ReportWindow.windows(for: Month(year: 2027, month: 1))[1]
        #expect(standing(ep("1", alloc: "2026-12-23", contact: "2027-01-04"), .firstContact5wd, jan27) == yes)
        #expect(standing(ep("1", alloc: "2026-12-23", contact: "2027-01-05"), .firstContact5wd, jan27) == notMet)
        // Allocated before the window (March, for the April reporting month): not eligible there,
        // but eligible in the rolling window that holds March.
        #expect(standing(ep("1", alloc: "2026-03-30", contact: "2026-04-01"), .firstContact5wd, w) == no)
        #expect(standing(ep("1", alloc: "2026-03-30", contact: "2026-04-01"), .firstContact5wd, april[1]) == yes)
        // Allocated after the window end: left out of everything.
        #expect(TimelinessMetric.standings(ep("1", alloc: "2026-05-01"), window: w, calendar: cal).allSatisfy { $0 == no })
    }

    @Test func assessmentWithin45Days() {
        let march = ReportWindow.windows(for: Month(year: 2026, month: 3))[0]
        // 1 March + 45 days = 15 April (Mar 1 + 30 = Mar 31, + 15 = Apr 15): after 31 March.
        #expect(standing(ep("1", alloc: "2026-03-01"), .assessment45d, march) == no)
        #expect(standing(ep("1", alloc: "2026-03-01", assessment: "2026-03-20"), .assessment45d, march) == yes)
        #expect(standing(ep("1", alloc: "2026-03-01", assessment: "2026-04-10"), .assessment45d, march) == no)
        // As at 30 April (rolling window), the 15 April deadline has passed.
        #expect(standing(ep("1", alloc: "2026-03-01"), .assessment45d, april[1]) == notMet)
        #expect(standing(ep("1", alloc: "2026-03-01", assessment: "2026-04-15"), .assessment45d, april[1]) == yes)
        #expect(standing(ep("1", alloc: "2026-03-01", assessment: "2026-04-16"), .assessment45d, april[1]) == notMet)
        // Deadline on the window end itself has passed: 16 March + 45 = 30 April.
        #expect(standing(ep("1", alloc: "2026-03-16"), .assessment45d, april[1]) == notMet)
        #expect(standing(ep("1", alloc: "2026-03-17"), .assessment45d, april[1]) == no)
    }

    @Test func tafWithin28DaysOfFirstContact() {
        let w = april[0]
        // Contact 2 April + 28 = 30 April, on the window end: eligible; no TAF: not met.
        #expect(standing(ep("1", alloc: "2026-04-01", contact: "2026-04-02"), .taf28d, w) == notMet)
        // Contact 3 April: due 1 May, after the end; no TAF yet: not eligible.
        #expect(standing(ep("1", alloc: "2026-04-01", contact: "2026-04-03"), .taf28d, w) == no)
        #expect(standing(ep("1", alloc: "2026-04-01", contact: "2026-04-03", taf: "2026-04-20"), .taf28d, w) == yes)
        #expect(standing(ep("1", alloc: "2026-04-01", contact: "2026-04-03", taf: "2026-05-01"), .taf28d, w) == no)
        // No contact (or a contact after the window end): never eligible, even with a TAF.
        #expect(standing(ep("1", alloc: "2026-04-01", taf: "2026-04-20"), .taf28d, w) == no)
        #expect(standing(ep("1", alloc: "2026-04-01", contact: "2026-05-02", taf: "2026-04-20"), .taf28d, w) == no)
        // Allocated before the window: not eligible, even with the contact inside it.
        #expect(standing(ep("1", alloc: "2026-03-15", contact: "2026-04-01", taf: "2026-04-02"), .taf28d, w) == no)
        // Late TAF: contact 1 March + 28 = 29 March; TAF 30 March misses it (rolling window).
        #expect(standing(ep("1", alloc: "2026-03-01", contact: "2026-03-01", taf: "2026-03-30"), .taf28d, april[1]) == notMet)
        #expect(standing(ep("1", alloc: "2026-03-01", contact: "2026-03-01", taf: "2026-03-29"), .taf28d, april[1]) == yes)
    }

    @Test func openOverNMonths() {
        let w = april[0]  // ends 30 April 2026
        // 31 July 2025 + 9 months = 30 April 2026 (clamped): the end is not strictly after it.
        #expect(standing(ep("1", alloc: "2025-07-31"), .openOver9Months, w) == notMet)
        #expect(standing(ep("1", alloc: "2025-07-29"), .openOver9Months, w) == yes)
        // 31 August 2025 + 9 months = 31 May 2026: not met at 31 May, met at 30 June.
        let may = ReportWindow.windows(for: Month(year: 2026, month: 5))[0]
        let june = ReportWindow.windows(for: Month(year: 2026, month: 6))[0]
        #expect(standing(ep("1", alloc: "2025-08-31"), .openOver9Months, may) == notMet)
        #expect(standing(ep("1", alloc: "2025-08-31"), .openOver9Months, june) == yes)
        // 12 months: 30 April 2025 + 12 = 30 April 2026, not met; 29 April 2025 met.
        #expect(standing(ep("1", alloc: "2025-04-30"), .openOver12Months, w) == notMet)
        #expect(standing(ep("1", alloc: "2025-04-29"), .openOver12Months, w) == yes)
        // Closed on the window end: still open; closed the day before: not eligible;
        // closed after the end: the closure has not happened yet.
        #expect(standing(ep("1", alloc: "2025-01-01", closure: "2026-04-30"), .openOver12Months, w) == yes)
        #expect(standing(ep("1", alloc: "2025-01-01", closure: "2026-04-29"), .openOver12Months, w) == no)
        #expect(standing(ep("1", alloc: "2025-01-01", closure: "2026-05-01"), .openOver12Months, w) == yes)
        // Any allocation date: one in the window is eligible too (and not met).
        #expect(standing(ep("1", alloc: "2026-04-30"), .openOver9Months, w) == notMet)
    }

    /// Seven episodes; worked cells are in the comments below.
    static let data = Dataset(episodes: (1...6).map {
        // YIT: allocated Wed 1 April, contact 2 April (5th working day 10 April: met).
        // TAF due 2 + 28 = 30 April (passed); only episode 1 held one. Assessment due 16 May: not yet.
        ep("Y\($0)", alloc: "2026-04-01", contact: "2026-04-02", taf: $0 == 1 ? "2026-04-10" : nil)
    } + [
        // FIT: allocated Sun 15 June 2025, nothing done. + 9 months = 15 March 2026 (met in April);
        // + 12 = 15 June 2026 (not met). In the rolling window its contact and assessment deadlines
        // have passed: eligible, not met; no contact so no taf_28d.
        ep("F1", service: "FIT", alloc: "2025-06-15"),
    ])

    static func ctx(_ t: Int, threads: Int = 2) -> ReportContext {
        ReportContext(period: Month(year: 2026, month: 4), threshold: t,
                      breakdowns: [.total, Breakdown([.service])], threads: threads)
    }

    @Test func tableRowsValuesAndOrderWithoutSuppression() {
        let t = TimelinessMetric.table(Self.data, Self.ctx(0))
        #expect(t.name == "timeliness")
        #expect(t.filters.map(\.name) == ["measure"])
        #expect(t.indicators.map(\.name) == ["n_eligible", "n_met", "pct_met"])
        let got = t.rows.map { [$0.window, $0.breakdown, $0.cohort[0], $0.filters[0]] }
        let rm = "Reporting month", r12 = "Rolling 12 months"
        #expect(got == [
            [rm, "Total", "Total", "first_contact_5wd"], [rm, "Total", "Total", "open_over_12_months"],
            [rm, "Total", "Total", "open_over_9_months"], [rm, "Total", "Total", "taf_28d"],
            [rm, "service", "FIT", "open_over_12_months"], [rm, "service", "FIT", "open_over_9_months"],
            [rm, "service", "YIT", "first_contact_5wd"], [rm, "service", "YIT", "open_over_12_months"],
            [rm, "service", "YIT", "open_over_9_months"], [rm, "service", "YIT", "taf_28d"],
            [r12, "Total", "Total", "assessment_45d"], [r12, "Total", "Total", "first_contact_5wd"],
            [r12, "Total", "Total", "open_over_12_months"], [r12, "Total", "Total", "open_over_9_months"],
            [r12, "Total", "Total", "taf_28d"],
            [r12, "service", "FIT", "assessment_45d"], [r12, "service", "FIT", "first_contact_5wd"],
            [r12, "service", "FIT", "open_over_12_months"], [r12, "service", "FIT", "open_over_9_months"],
            [r12, "service", "YIT", "first_contact_5wd"], [r12, "service", "YIT", "open_over_12_months"],
            [r12, "service", "YIT", "open_over_9_months"], [r12, "service", "YIT", "taf_28d"],
        ])
        #expect(t.rows.allSatisfy { Array($0.cohort[1...]) == Array(repeating: "Total", count: 5) })
        let cells = t.rows.map(\.cells)
        #expect(cells[0] == [.int(6), .int(6), .num(100)])
        #expect(cells[1] == [.int(7), .int(0), .num(0)])
        #expect(cells[2] == [.int(7), .int(1), .num(100.0 / 7)])      // 14.285…
        #expect(cells[3] == [.int(6), .int(1), .num(100.0 / 6)])      // 16.666…
        #expect(cells[4] == [.int(1), .int(0), .num(0)])
        #expect(cells[5] == [.int(1), .int(1), .num(100)])
        #expect(cells[10] == [.int(1), .int(0), .num(0)])             // assessment: F1 only
        #expect(cells[11] == [.int(7), .int(6), .num(600.0 / 7)])     // 85.714…
    }

    @Test func suppressionRules() {
        let t = TimelinessMetric.table(Self.data, Self.ctx(5))
        let cells = t.rows.map(\.cells)
        #expect(cells[0] == [.int(6), .int(6), .num(100)])            // 6 > 5: shown
        #expect(cells[1] == [.int(7), .int(0), .num(0)])              // a true zero shows 0
        #expect(cells[2] == [.int(7), .c, .c])                        // rule 2: n_met 1 hides pct_met
        #expect(cells[3] == [.int(6), .c, .c])
        #expect(cells[4] == [.c, .c, .c])                             // rule 1: base 1
        #expect(cells[5] == [.c, .c, .c])
        // Threshold 6 makes the six-episode base small too.
        let t6 = TimelinessMetric.table(Self.data, Self.ctx(6))
        #expect(t6.rows[0].cells == [.c, .c, .c])
        #expect(t6.rows[1].cells == [.int(7), .int(0), .num(0)])
    }

    @Test func ageBandsInAgeOrder() {
        // Allocated 1 April 2026: born 2016-01 is 10 (band "10 to 15"), born 2020-01 is 6 ("5 to 9").
        var a = ep("A", alloc: "2026-04-01"); a.birthMonth = Month(year: 2016, month: 1)
        var b = ep("B", alloc: "2026-04-01"); b.birthMonth = Month(year: 2020, month: 1)
        let c = ep("C", alloc: "2026-04-01")
        let ctx = ReportContext(period: Month(year: 2026, month: 4), threshold: 0, breakdowns: [Breakdown([.ageBand])])
        let t = TimelinessMetric.table(Dataset(episodes: [a, b, c]), ctx)
        let bands = t.rows.filter { $0.window == "Reporting month" && $0.filters == ["open_over_9_months"] }
            .map { $0.cohort[CohortColumn.ageBand.rawValue] }
        #expect(bands == ["5 to 9", "10 to 15", "Unknown"])
    }

    @Test func threadsDoNotChangeTheTable() {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let base = d("2024-06-01")
        let eps = (0..<700).map { i -> Episode in
            let alloc = base + Day(next(700))
            func later(_ p: Int, _ span: Int) -> Day? { next(100) < p ? alloc + Day(next(span)) : nil }
            var e = Episode(episodeID: "E\(i)", childID: "C\(next(300))", service: ["YIT", "FIT", "EHS"][next(3)],
                            locality: ["North", "South"][next(2)], level: ["EH3", "EH4", "CIN"][next(3)],
                            allocationDate: alloc, firstContactDate: later(80, 15), assessmentDate: later(60, 80),
                            firstTafDate: later(40, 60), closureDate: later(50, 500),
                            gender: ["Female", "Male", "Unknown"][next(3)])
            e.birthMonth = next(10) == 0 ? nil : Month(year: 2008 + next(17), month: 1 + next(12))
            return e
        }
        let data = Dataset(episodes: eps)
        let one = TimelinessMetric.table(data, ReportContext(period: Month(year: 2026, month: 4), threads: 1))
        let eight = TimelinessMetric.table(data, ReportContext(period: Month(year: 2026, month: 4), threads: 8))
        #expect(one.rows.count > 100)
        #expect(one.rows == eight.rows)
    }
}
