import Foundation
import GRDB

extension Store {
    /// Reads everything the metrics need into memory, in parallel on read-only connections.
    ///
    /// Attendance is read from `attendanceFrom` on only: the report needs the rolling year and the
    /// impact's "before" periods, so memory does not grow with years of stored history.
    ///
    /// `alongside` jobs (the data-quality checks and the analysts' queries, which read the store
    /// themselves) run first on the same workers, so they overlap the reading.
    public func dataset(threads: Int = 2, attendanceFrom: (([Episode]) -> Month?)? = nil,
                        alongside: [@Sendable () -> Void] = []) throws -> Dataset {
        let workers = max(1, threads)
        // The episodes and the split of the pupils into ranges are read side by side first.
        enum Pre: Sendable { case episodes([Episode]), bounds([ChildRange]) }
        let path = self.path
        let pre = try Parallel.map(partitions: 2, threads: workers) { i -> Result<Pre, Error> in
            Result {
                try Self.readOnly(path) { db in
                    i == 0 ? .episodes(try Self.episodes(db)) : .bounds(try Self.childBounds(db, parts: workers * 4))
                }
            }
        }.map { try $0.get() }
        guard case .episodes(let episodes) = pre[0], case .bounds(let bounds) = pre[1] else { preconditionFailure() }
        let from = attendanceFrom?(episodes)
        // Outcomes split by episode-id ranges (the episodes come sorted by id).
        let outcomeParts = min(workers * 2, max(1, episodes.count / 2000))
        let outcomeBounds: [ChildRange] = Parallel.ranges(count: episodes.count, partitions: outcomeParts)
            .enumerated().map { i, r in
                ChildRange(lower: i == 0 ? "" : episodes[r.lowerBound].episodeID,
                           upper: i + 1 < outcomeParts ? episodes[r.upperBound].episodeID : nil)
            }
        enum Part: Sendable { case none, outcomes([OutcomeScore]), feedback([FeedbackAnswer]), pupils([PupilAttendance]) }
        let extra = alongside.count, nOutcomes = outcomeBounds.count
        let parts = try Parallel.map(partitions: extra + nOutcomes + 1 + bounds.count, threads: workers) { i -> Result<Part, Error> in
            if i < extra { alongside[i](); return .success(.none) }
            return Result {
                try Self.readOnly(path) { db -> Part in
                    let j = i - extra
                    if j < nOutcomes { return .outcomes(try Self.outcomes(db, range: outcomeBounds[j])) }
                    if j == nOutcomes { return .feedback(try Self.feedback(db)) }
                    return .pupils(try Self.pupils(db, range: bounds[j - nOutcomes - 1], from: from))
                }
            }
        }.map { try $0.get() }
        var outcomes: [OutcomeScore] = [], feedback: [FeedbackAnswer] = [], pupils: [PupilAttendance] = []
        for p in parts {
            switch p {
            case .none: break
            case .outcomes(let o): outcomes += o
            case .feedback(let f): feedback = f
            case .pupils(let a): pupils += a
            }
        }
        return Dataset(episodes: episodes, outcomes: outcomes, feedback: feedback, attendance: pupils)
    }

    /// Runs `body` on a fresh read-only connection (one per worker: SQLite connections are serial).
    static func readOnly<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var config = Configuration()
        config.readonly = true
        return try DatabaseQueue(path: path, configuration: config).read(body)
    }

    // The readers below use raw statements: GRDB rows cost more than the decoding at 250,000 rows.

    static func episodes(_ db: Database) throws -> [Episode] {
        var episodes: [Episode] = []
        let st = try Prepared(db, """
            SELECT episode_id, child_id, family_id, service, locality, level, referral_date, allocation_date,
                   first_contact_date, assessment_date, first_taf_date, closure_date, closure_reason,
                   birth_month, gender, ethnicity, send, school_urn FROM episodes ORDER BY episode_id
            """)
        while try st.next() {
            episodes.append(Episode(
                episodeID: st.column(0), childID: st.column(1), familyID: st.string(2), service: st.column(3),
                locality: st.column(4), level: st.column(5), referralDate: st.day(6), allocationDate: st.day(7) ?? 0,
                firstContactDate: st.day(8), assessmentDate: st.day(9), firstTafDate: st.day(10),
                closureDate: st.day(11), closureReason: st.string(12),
                birthMonth: st.isNull(13) ? nil : FieldParsers.birthMonth(st.bytes(13)), gender: st.column(14),
                ethnicity: st.string(15), send: st.integer(16).map { $0 != 0 }, schoolURN: st.string(17)))
        }
        return episodes
    }

    static func outcomes(_ db: Database, range: ChildRange) throws -> [OutcomeScore] {
        var outcomes: [OutcomeScore] = []
        let st = try Prepared(db, """
            SELECT episode_id, assessment_date, stage, domain, rated_by, score FROM outcomes
            WHERE episode_id >= ?1 AND (?2 IS NULL OR episode_id < ?2)
            ORDER BY episode_id, assessment_date, stage, domain, rated_by
            """)
        st.text(1, range.lower); st.text(2, range.upper)
        var last = ""
        while try st.next() {
            // Rows come grouped by episode: share one String per episode id.
            let idBytes = st.bytes(0)
            if !last.utf8.elementsEqual(idBytes) { last = String(decoding: idBytes, as: UTF8.self) }
            let stage: Stage = switch st.bytes(2).first { case UInt8(ascii: "e"): st.bytes(2).count == 5 ? .entry : .exit
                                                         default: .review }
            outcomes.append(OutcomeScore(episodeID: last, assessmentDate: st.day(1) ?? 0, stage: stage,
                                         domain: st.column(3), score: st.integer(5) ?? 0,
                                         ratedBy: st.bytes(4).first == UInt8(ascii: "f") ? .family : .practitioner))
        }
        return outcomes
    }

    static func feedback(_ db: Database) throws -> [FeedbackAnswer] {
        var feedback: [FeedbackAnswer] = []
        let st = try Prepared(db, "SELECT response_id, question, episode_id, service, received_date, respondent, instrument, answer, answer_class FROM feedback ORDER BY response_id, question")
        while try st.next() {
            feedback.append(FeedbackAnswer(responseID: st.column(0), episodeID: st.string(2), service: st.column(3),
                                           receivedDate: st.day(4) ?? 0, respondent: st.column(5), instrument: st.column(6),
                                           question: st.column(1), answer: st.string(7),
                                           answerClass: st.integer(8).flatMap(AnswerClass.init(rawValue:))))
        }
        return feedback
    }

    /// Splits the pupils into about `parts` contiguous child-id ranges `[lower, upper)` (nil: open).
    /// Every pupil ever stored counts, so this needs no episode first (ranges for old pupils are
    /// simply read empty).
    static func childBounds(_ db: Database, parts: Int) throws -> [ChildRange] {
        let ids = try String.fetchAll(db, sql: "SELECT DISTINCT child_id FROM attendance_months ORDER BY child_id")
        guard !ids.isEmpty else { return [] }
        let r = Parallel.ranges(count: ids.count, partitions: parts)
        return r.enumerated().map { i, range in
            ChildRange(lower: ids[range.lowerBound], upper: i + 1 < r.count ? ids[r[i + 1].lowerBound] : nil)
        }
    }

    /// A key range `[lower, upper)` (upper nil: open) for splitting a read across workers.
    struct ChildRange: Sendable { var lower: String; var upper: String? }

    /// What one packed session byte adds to its day's counters (attended, authorised, unauthorised,
    /// not possible), for all 256 byte values: zero for an empty slot and for any byte that is not a
    /// known mark, so a damaged row can never index out of range.
    static let markIncrements: [SIMD4<Int32>] = (0..<256).map { b in
        guard b > Int(StoreSchema.noMark), b - Int(StoreSchema.noMark) < AttendanceMarks.classByNumber.count else { return .zero }
        // class → counter column: attended, authorised, unauthorised, not possible
        let column = [3, 0, 0, 1, 2][Int(AttendanceMarks.classByNumber[b - Int(StoreSchema.noMark)].rawValue)]
        var v = SIMD4<Int32>.zero
        v[column] = 1
        return v
    }

    /// Unpacks attendance months into per-pupil daily counts (sessions at two schools on one day
    /// add up, PRECISE.md 21), keeping each school's own counts when a pupil has two or more, for the
    /// enrolment measures (PRECISE.md 38).
    static func pupils(_ db: Database, range: ChildRange, from: Month?) throws -> [PupilAttendance] {
        var out: [PupilAttendance] = []
        var child: String?
        var school: String?
        var month: Month?
        var acc = [SIMD4<Int32>](repeating: .zero, count: 31)
        var days: [Day] = []
        var counts: [SIMD4<Int32>] = []
        // The current child's schools so far, each with its days and counts.
        var schools: [(days: [Day], counts: [SIMD4<Int32>])] = []
        func flushMonth() {
            guard let m = month else { return }
            let first = m.firstDay
            for i in 0..<31 where acc[i] != .zero {
                days.append(first + Day(i)); counts.append(acc[i]); acc[i] = .zero
            }
            month = nil
        }
        func flushSchool() {
            flushMonth()
            guard school != nil else { return }
            schools.append((days, counts))
            days.removeAll(keepingCapacity: true); counts.removeAll(keepingCapacity: true)
            school = nil
        }
        func flushChild() {
            flushSchool()
            guard let c = child else { return }
            if schools.count == 1 {
                out.append(PupilAttendance(childID: c, days: schools[0].days, counts: schools[0].counts))
            } else if schools.count > 1 {
                // The pupil's own days: every school's days merged, counts added up.
                var merged: [Day: SIMD4<Int32>] = [:]
                for s in schools { for (d, n) in zip(s.days, s.counts) { merged[d, default: .zero] &+= n } }
                let allDays = merged.keys.sorted()
                out.append(PupilAttendance(childID: c, days: allDays, counts: allDays.map { merged[$0]! },
                                           schools: schools.map { PupilAttendance(childID: c, days: $0.days, counts: $0.counts) }))
            }
            schools.removeAll()
        }
        let st = try Prepared(db, """
            SELECT child_id, school_urn, month, marks FROM attendance_months
            WHERE child_id >= ?1 AND (?2 IS NULL OR child_id < ?2) AND month >= ?3
            ORDER BY child_id, school_urn, month
            """)
        st.text(1, range.lower); st.text(2, range.upper); st.text(3, from?.text ?? "")
        let increments = Self.markIncrements
        while try st.next() {
            let c = st.bytes(0)
            if child == nil || !child!.utf8.elementsEqual(c) { flushChild(); child = String(decoding: c, as: UTF8.self) }
            let u = st.bytes(1)
            if school == nil || !school!.utf8.elementsEqual(u) { flushSchool(); school = String(decoding: u, as: UTF8.self) }
            let mb = st.bytes(2)
            // Parsed from the column's bytes: no String per row.
            guard mb.count == 7, let y = FieldParsers.number(mb, 0, 4), let mo = FieldParsers.number(mb, 5, 7) else { continue }
            let m = Month(year: y, month: mo)
            if m != month { flushMonth(); month = m }
            let marks = st.bytes(3)
            // One lookup per session (the hot loop of the report's reading): the byte itself indexes
            // the increment, so there is no subtraction to trap and no branch for empty slots.
            increments.withUnsafeBufferPointer { inc in
                for i in 0..<min(marks.count, 62) { acc[i >> 1] &+= inc[Int(marks[i])] }
            }
        }
        flushChild()
        return out
    }

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
