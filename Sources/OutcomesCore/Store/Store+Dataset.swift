import Foundation
import GRDB

extension Store {
    /// Reads everything the metrics need into memory, in parallel on read-only connections.
    ///
    /// Attendance is read from `attendanceFrom` on only: the report needs the rolling year and the
    /// impact's "before" periods, so memory does not grow with years of stored history.
    public func dataset(threads: Int = 2, attendanceFrom: (([Episode]) -> Month?)? = nil) throws -> Dataset {
        let episodes = try queue.read(Self.episodes)
        let from = attendanceFrom?(episodes)
        let bounds = try queue.read { db in try Self.childBounds(db, from: from, parts: max(1, threads) * 4) }
        // Jobs: outcomes, feedback, then one per range of children.
        enum Part: Sendable { case outcomes([OutcomeScore]), feedback([FeedbackAnswer]), pupils([PupilAttendance]) }
        let path = self.path
        let parts = try Parallel.map(partitions: 2 + bounds.count, threads: threads) { i -> Result<Part, Error> in
            Result {
                var config = Configuration()
                config.readonly = true
                let q = try DatabaseQueue(path: path, configuration: config)
                return try q.read { db -> Part in
                    switch i {
                    case 0: return .outcomes(try Self.outcomes(db))
                    case 1: return .feedback(try Self.feedback(db))
                    default: return .pupils(try Self.pupils(db, range: bounds[i - 2], from: from))
                    }
                }
            }
        }.map { try $0.get() }
        var outcomes: [OutcomeScore] = [], feedback: [FeedbackAnswer] = [], pupils: [PupilAttendance] = []
        for p in parts {
            switch p {
            case .outcomes(let o): outcomes = o
            case .feedback(let f): feedback = f
            case .pupils(let a): pupils += a
            }
        }
        return Dataset(episodes: episodes, outcomes: outcomes, feedback: feedback, attendance: pupils)
    }

    static func episodes(_ db: Database) throws -> [Episode] {
        var episodes: [Episode] = []
        let ec = try Row.fetchCursor(db, sql: """
            SELECT episode_id, child_id, family_id, service, locality, level, referral_date, allocation_date,
                   first_contact_date, assessment_date, first_taf_date, closure_date, closure_reason,
                   birth_month, gender, ethnicity, send, school_urn FROM episodes ORDER BY episode_id
            """)
        while let r = try ec.next() {
            episodes.append(Episode(
                episodeID: r[0], childID: r[1], familyID: r[2], service: r[3], locality: r[4], level: r[5],
                referralDate: Self.day(r[6]), allocationDate: Self.day(r[7]) ?? 0,
                firstContactDate: Self.day(r[8]), assessmentDate: Self.day(r[9]), firstTafDate: Self.day(r[10]),
                closureDate: Self.day(r[11]), closureReason: r[12],
                birthMonth: (r[13] as String?).flatMap { Month(text: $0) }, gender: r[14], ethnicity: r[15],
                send: (r[16] as Int?).map { $0 != 0 }, schoolURN: r[17]))
        }
        return episodes
    }

    static func outcomes(_ db: Database) throws -> [OutcomeScore] {
        var outcomes: [OutcomeScore] = []
        let oc = try Row.fetchCursor(db, sql: "SELECT episode_id, assessment_date, stage, domain, rated_by, score FROM outcomes ORDER BY episode_id, assessment_date, stage, domain, rated_by")
        while let r = try oc.next() {
            outcomes.append(OutcomeScore(episodeID: r[0], assessmentDate: Self.day(r[1]) ?? 0,
                                         stage: Stage(code: r[2]) ?? .review, domain: r[3], score: r[5],
                                         ratedBy: Rater(rawValue: r[4]) ?? .practitioner))
        }
        return outcomes
    }

    static func feedback(_ db: Database) throws -> [FeedbackAnswer] {
        var feedback: [FeedbackAnswer] = []
        let fc = try Row.fetchCursor(db, sql: "SELECT response_id, question, episode_id, service, received_date, respondent, instrument, answer, answer_class FROM feedback ORDER BY response_id, question")
        while let r = try fc.next() {
            feedback.append(FeedbackAnswer(responseID: r[0], episodeID: r[2], service: r[3],
                                           receivedDate: Self.day(r[4]) ?? 0, respondent: r[5], instrument: r[6],
                                           question: r[1], answer: r[7],
                                           answerClass: (r[8] as Int?).flatMap(AnswerClass.init(rawValue:))))
        }
        return feedback
    }

    /// Splits the pupils into about `parts` contiguous child-id ranges `[lower, upper)` (nil: open).
    static func childBounds(_ db: Database, from: Month?, parts: Int) throws -> [ChildRange] {
        let ids = try String.fetchAll(db, sql: "SELECT DISTINCT child_id FROM attendance_months WHERE month >= ? ORDER BY child_id",
                                      arguments: [from?.text ?? ""])
        guard !ids.isEmpty else { return [] }
        let r = Parallel.ranges(count: ids.count, partitions: parts)
        return r.enumerated().map { i, range in
            ChildRange(lower: ids[range.lowerBound], upper: i + 1 < r.count ? ids[r[i + 1].lowerBound] : nil)
        }
    }

    struct ChildRange: Sendable { var lower: String; var upper: String? }

    /// Unpacks attendance months into per-pupil daily counts (sessions at two schools on one day add up).
    static func pupils(_ db: Database, range: ChildRange, from: Month?) throws -> [PupilAttendance] {
        var out: [PupilAttendance] = []
        var child: String?
        var month: Month?
        var acc = [SIMD4<Int32>](repeating: .zero, count: 31)
        var days: [Day] = []
        var counts: [SIMD4<Int32>] = []
        func flushMonth() {
            guard let m = month else { return }
            let first = m.firstDay
            for i in 0..<31 where acc[i] != .zero {
                days.append(first + Day(i)); counts.append(acc[i]); acc[i] = .zero
            }
            month = nil
        }
        func flushChild() {
            flushMonth()
            guard let c = child else { return }
            out.append(PupilAttendance(childID: c, days: days, counts: counts))
            days.removeAll(keepingCapacity: true); counts.removeAll(keepingCapacity: true)
        }
        let cur = try Row.fetchCursor(db, sql: """
            SELECT child_id, month, marks FROM attendance_months
            WHERE child_id >= ? AND (? IS NULL OR child_id < ?) AND month >= ?
            ORDER BY child_id, month
            """, arguments: [range.lower, range.upper, range.upper, from?.text ?? ""])
        let classes = AttendanceMarks.classByNumber.map { Int($0.rawValue) }
        // class → counter column: attended, authorised, unauthorised, not possible
        let column = [3, 0, 0, 1, 2]
        while let r = try cur.next() {
            let c: String = r[0]
            if c != child { flushChild(); child = c }
            guard let m = Month(text: r[1]) else { continue }
            if m != month { flushMonth(); month = m }
            let marks: String = r[2]
            var i = 0
            for b in marks.utf8 {
                if b != StoreSchema.noMark { acc[i >> 1][column[classes[Int(b - StoreSchema.noMark)]]] += 1 }
                i += 1
            }
        }
        flushChild()
        return out
    }

    static func day(_ s: String?) -> Day? { s.flatMap(Days.parseISO) }

    /// The default reporting month (PRECISE.md 26): the newest month with data in the store (any
    /// date column) that has already ended on `today`; nil for an empty store.
    public func defaultPeriod(today: Day) throws -> Month? {
        let cur = Month(containing: today).firstDay
        let iso = Days.iso(cur)
        let dateColumns = [("episodes", ["referral_date", "allocation_date", "first_contact_date", "assessment_date",
                                         "first_taf_date", "closure_date"]),
                           ("outcomes", ["assessment_date"]), ("feedback", ["received_date"])]
        return try queue.read { db in
            var best: String?
            for (t, cols) in dateColumns {
                for c in cols {
                    if let v = try String.fetchOne(db, sql: "SELECT max(\(c)) FROM \(t) WHERE \(c) < ?", arguments: [iso]),
                       best == nil || v > best! { best = v }
                }
            }
            let curMonth = Month(containing: today).text
            if let v = try String.fetchOne(db, sql: "SELECT max(month) FROM attendance_months WHERE month < ?", arguments: [curMonth]),
               best == nil || v + "-01" > best! { best = v + "-01" }
            return best.flatMap { Days.parseISO(String($0.prefix(10))) }.map { Month(containing: $0) }
        }
    }
}
