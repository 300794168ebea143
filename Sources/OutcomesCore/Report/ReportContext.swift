/// A reporting window (METRICS.md "Reporting period and windows"): data dated on or before `end`.
public struct ReportWindow: Sendable, Equatable {
    /// `Reporting month` or `Rolling 12 months`.
    public var name: String
    public var start: Day
    public var end: Day
    /// The same-length window just before this one (feedback's comparison, PRECISE.md 23).
    public var previousStart: Day
    public var previousEnd: Day

    public init(name: String, start: Day, end: Day, previousStart: Day, previousEnd: Day) {
        self.name = name; self.start = start; self.end = end
        self.previousStart = previousStart; self.previousEnd = previousEnd
    }

    /// The two windows of reporting month `m`, in output order.
    public static func windows(for m: Month) -> [ReportWindow] {
        [ReportWindow(name: "Reporting month", start: m.firstDay, end: m.lastDay,
                      previousStart: m.adding(-1).firstDay, previousEnd: m.adding(-1).lastDay),
         ReportWindow(name: "Rolling 12 months", start: m.adding(-11).firstDay, end: m.lastDay,
                      previousStart: m.adding(-23).firstDay, previousEnd: m.adding(-12).lastDay)]
    }

    /// `Academic year to date` of reporting month `m` (METRICS.md windows, PRECISE.md 37): from 1
    /// September of the academic year holding `m`'s last day (for August, the September before) to
    /// `m`'s last day. Its previous window is the same span a year earlier (no table uses it).
    public static func academicYearToDate(for m: Month) -> ReportWindow {
        let startYear = m.month >= 9 ? m.year : m.year - 1
        let start = Month(year: startYear, month: 9)
        return ReportWindow(name: academicYearName, start: start.firstDay, end: m.lastDay,
                            previousStart: start.adding(-12).firstDay, previousEnd: m.adding(-12).lastDay)
    }

    public static let academicYearName = "Academic year to date"

    /// The academic year holding `m` written as the national statistics write it: `202526` for
    /// September 2025 to August 2026 (PRECISE.md 39).
    public static func academicYearCode(for m: Month) -> String {
        let startYear = m.month >= 9 ? m.year : m.year - 1
        return Days.pad(startYear, 4) + Days.pad((startYear + 1) % 100, 2)
    }

    /// A one-month window (the trend tables use each month as its own window).
    public static func month(_ m: Month) -> ReportWindow {
        ReportWindow(name: m.text, start: m.firstDay, end: m.lastDay,
                     previousStart: m.adding(-1).firstDay, previousEnd: m.adding(-1).lastDay)
    }

    @inlinable
    public func contains(_ d: Day) -> Bool { d >= start && d <= end }
}

/// The geography columns of every table (OUTPUTS.md; default Devon).
public struct Geography: Sendable, Equatable {
    public var countryCode = "E92000001"
    public var countryName = "England"
    public var regionCode = "E12000009"
    public var regionName = "South West"
    public var newLACode = "E10000008"
    public var oldLACode = "878"
    public var laName = "Devon"
    public init() {}
}

/// Everything a metric needs besides the data: period, threshold, breakdowns and settings.
public struct ReportContext: Sendable {
    public var period: Month
    public var suppression: Suppression
    /// Breakdowns in output order (defaults, then configured extras).
    public var breakdowns: [Breakdown]
    public var geography: Geography
    /// Where `CHNE` is grouped.
    public var chineseGroup: String
    /// Attendance impact: days before allocation, and minimum possible sessions in each part.
    public var impactDaysBefore: Int
    public var impactMinSessions: Int
    /// Extra non-working days from the configuration.
    public var extraHolidays: Set<Day>
    /// Worker threads for the aggregation core; the output never depends on it.
    public var threads: Int

    public init(period: Month, threshold: Int = 5, breakdowns: [Breakdown] = Breakdown.defaults,
                geography: Geography = Geography(), chineseGroup: String = "Asian / Asian British",
                impactDaysBefore: Int = 90, impactMinSessions: Int = 20, extraHolidays: Set<Day> = [],
                threads: Int = 2) {
        self.period = period; self.suppression = Suppression(threshold: threshold)
        self.breakdowns = breakdowns; self.geography = geography; self.chineseGroup = chineseGroup
        self.impactDaysBefore = impactDaysBefore; self.impactMinSessions = impactMinSessions
        self.extraHolidays = extraHolidays; self.threads = max(1, threads)
    }

    public var windows: [ReportWindow] { ReportWindow.windows(for: period) }

    /// The same context with suppression off: the metrics compute exact cells and the
    /// suppression stage hides them afterwards (`SuppressionStage`).
    public var unsuppressed: ReportContext {
        var c = self
        c.suppression = Suppression(threshold: 0)
        return c
    }

    /// The same context for another reporting month (rule 7's previous windows).
    public func with(period p: Month) -> ReportContext {
        var c = self
        c.period = p
        return c
    }
}
