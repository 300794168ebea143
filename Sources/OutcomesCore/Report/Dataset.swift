/// Everything the metrics read, loaded from the store once per report.
///
/// Metrics are pure functions of a `Dataset` and a `ReportContext`, so tests build small datasets
/// by hand and the store stays out of the aggregation core.
public struct Dataset: Sendable {
    /// Sorted by `episodeID`.
    public var episodes: [Episode]
    public var outcomes: [OutcomeScore]
    public var feedback: [FeedbackAnswer]
    /// One entry per pupil in the attendance data, sorted by `childID`.
    public var attendance: [PupilAttendance]

    public init(episodes: [Episode], outcomes: [OutcomeScore] = [], feedback: [FeedbackAnswer] = [],
                attendance: [PupilAttendance] = []) {
        self.episodes = episodes.sorted { $0.episodeID.utf8.lexicographicallyPrecedes($1.episodeID.utf8) }
        self.outcomes = outcomes; self.feedback = feedback
        self.attendance = attendance.sorted { $0.childID.utf8.lexicographicallyPrecedes($1.childID.utf8) }
    }
}

/// Session counts over some days (ATTENDANCE_CODES.md measures).
public struct SessionTotals: Sendable, Equatable {
    public var attended = 0
    public var authorised = 0
    public var unauthorised = 0
    public var notPossible = 0
    public init() {}
    public init(attended: Int, authorised: Int, unauthorised: Int, notPossible: Int) {
        self.attended = attended; self.authorised = authorised
        self.unauthorised = unauthorised; self.notPossible = notPossible
    }
    public var possible: Int { attended + authorised + unauthorised }
    public var absent: Int { authorised + unauthorised }
    /// Every session, whatever its mark (a row exists when it has any, PRECISE.md 10).
    public var all: Int { possible + notPossible }
    public var isPersistentlyAbsent: Bool { possible > 0 && 10 * absent >= possible }
    public var isSeverelyAbsent: Bool { possible > 0 && 2 * absent >= possible }

    public static func += (a: inout SessionTotals, b: SessionTotals) {
        a.attended += b.attended; a.authorised += b.authorised
        a.unauthorised += b.unauthorised; a.notPossible += b.notPossible
    }
}

/// One pupil's sessions as per-day counts with prefix sums, so the sessions of any date range
/// (an episode's open days clipped to a window) are two binary searches away.
///
/// Sessions at two schools on the same date and session are two sessions (PRECISE.md 21).
public struct PupilAttendance: Sendable {
    public let childID: String
    /// Days with at least one session, ascending.
    public let days: [Day]
    /// Prefix sums, `days.count + 1` long: element `i` sums days `0..<i`. Columns: attended,
    /// authorised, unauthorised, not possible.
    @usableFromInline let prefix: [SIMD4<Int32>]
    /// The pupil's enrolments (one per school, PRECISE.md 38) when there are two or more, each with
    /// that school's sessions only; empty when every session is at one school, so the pupil is its
    /// own single enrolment and costs nothing extra.
    public let schools: [PupilAttendance]

    /// Builds from sessions in any order, all at one school.
    public init(childID: String, sessions: [(day: Day, cls: MarkClass)]) {
        self.childID = childID
        self.schools = []
        let sorted = sessions.sorted { $0.day < $1.day }
        var days: [Day] = []
        var prefix: [SIMD4<Int32>] = [SIMD4(repeating: 0)]
        for s in sorted {
            if days.last != s.day { days.append(s.day); prefix.append(prefix.last!) }
            let i = prefix.count - 1
            switch s.cls {
            case .present, .approvedActivity: prefix[i][0] += 1
            case .authorised: prefix[i][1] += 1
            case .unauthorised: prefix[i][2] += 1
            case .notPossible: prefix[i][3] += 1
            }
        }
        self.days = days
        self.prefix = prefix
    }

    /// Builds from days already ascending and unique with their per-day counts (the store's path);
    /// `schools` as the property says (empty for one school).
    public init(childID: String, days: [Day], counts: [SIMD4<Int32>], schools: [PupilAttendance] = []) {
        self.childID = childID
        self.days = days
        var p = [SIMD4<Int32>](repeating: .zero, count: days.count + 1)
        for i in 0..<counts.count { p[i + 1] = p[i] &+ counts[i] }
        prefix = p
        self.schools = schools.count > 1 ? schools : []
    }

    /// Builds from sessions at named schools in any order: the pupil's totals add up every school
    /// (the same date and session at two schools are two sessions, PRECISE.md 21) and each school
    /// is an enrolment of its own (PRECISE.md 38; an empty URN is one school).
    public init(childID: String, schoolSessions: [(school: String, day: Day, cls: MarkClass)]) {
        let bySchool = Dictionary(grouping: schoolSessions, by: \.school)
        let all = PupilAttendance(childID: childID, sessions: schoolSessions.map { ($0.day, $0.cls) })
        let schools = bySchool.keys.sorted().map { k in
            PupilAttendance(childID: childID, sessions: bySchool[k]!.map { ($0.day, $0.cls) })
        }
        self.init(childID: childID, days: all.days, counts: all.dailyCounts, schools: schools)
    }

    /// Per-day counts (the differences of the prefix sums), aligned with `days`.
    var dailyCounts: [SIMD4<Int32>] { days.indices.map { prefix[$0 + 1] &- prefix[$0] } }

    /// Adds the totals of each enrolment over `from ... through` to `into` (one slot per
    /// enrolment: `max(1, schools.count)`).
    @inlinable
    public func addEnrolmentTotals(from: Day, through: Day, into acc: inout [SessionTotals]) {
        if schools.isEmpty {
            acc[0] += totals(from: from, through: through)
        } else {
            for i in schools.indices { acc[i] += schools[i].totals(from: from, through: through) }
        }
    }

    /// How many enrolments the pupil has (1 when all sessions are at one school).
    @inlinable public var enrolmentCount: Int { max(1, schools.count) }

    /// Totals of the sessions dated `from ... through` (inclusive); empty when `from > through`.
    @inlinable
    public func totals(from: Day, through: Day) -> SessionTotals {
        guard from <= through else { return SessionTotals() }
        let lo = lowerBound(from), hi = lowerBound(through &+ 1)
        let d = prefix[hi] &- prefix[lo]
        return SessionTotals(attended: Int(d[0]), authorised: Int(d[1]), unauthorised: Int(d[2]),
                             notPossible: Int(d[3]))
    }

    /// First index whose day is ≥ `d`.
    @usableFromInline
    func lowerBound(_ d: Day) -> Int {
        var lo = 0, hi = days.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if days[mid] < d { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
