import Foundation
import Testing
@testable import OutcomesCore

/// The analysts' queries (OUTPUTS.md "Folders" → `queries/`): the shipped files on a fixture store
/// whose answers were worked out by hand, and the guards that keep the store untouched.
/// Every test builds its own store in its own temporary folder.
struct QueryRunnerTests {
    static let period = Month(year: 2026, month: 10)
    /// period_start 2026-10-01, period_end 2026-10-31, rolling_start 2025-11-01;
    /// 12 weeks before the period end: 2026-08-08.

    // MARK: - Fixture

    /// A temporary folder removed when the test ends.
    final class Scratch {
        let path: String
        init() throws {
            path = (NSTemporaryDirectory() as NSString).appendingPathComponent("queries-\(UUID().uuidString)")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        @discardableResult
        func write(_ name: String, _ text: String) throws -> String {
            let p = file(name)
            try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: p, atomically: true, encoding: .utf8)
            return p
        }
    }

    static func d(_ s: String) -> Day { Days.parseISO(s)! }

    static func episode(_ id: String, _ child: String, _ service: String, _ level: String, _ locality: String,
                        _ alloc: String, closed: String? = nil, reason: String? = nil) -> Episode {
        Episode(episodeID: id, childID: child, service: service, locality: locality, level: level,
                allocationDate: d(alloc), closureDate: closed.map(d), closureReason: reason)
    }

    /// The fixture; the comment on each row says what it is there to test.
    static let episodes: [Episode] = [
        episode("E1", "C1", "FIT", "EH3", "North", "2025-06-01", closed: "2025-12-15", reason: "Goals achieved"),
        episode("E2", "C1", "FIT", "EH3", "North", "2026-03-01"),                 // re-referral after E1; assessed recently
        episode("E3", "C2", "FIT", "EH4", "South", "2024-01-10", closed: "2024-06-01", reason: "Disengaged"),
        episode("E4", "C2", "FIT", "EH4", "South", "2026-10-05"),                 // > 12 months after E3: not a re-referral; not yet due
        episode("E5", "C3", "YIT", "CIN", "North", "2026-01-01", closed: "2026-10-20", reason: "Goals achieved"),
        episode("E6", "C3", "FIT", "CIN", "North", "2026-10-25"),                 // other service than E5: not a re-referral
        episode("E7", "C4", "YIT", "CP", "East", "2025-12-01", closed: "2026-02-01", reason: "Stepped up to social care"),
        episode("E8", "C4", "YIT", "CP", "East", "2026-02-01"),                   // starts the day E7 closed: re-referral; last assessed exactly 12 weeks ago: overdue
        episode("E9", "C5", "YIT", "CIN", "Exeter", "2025-03-01"),                // never assessed: overdue
        episode("E10", "C5", "BRIDGES", "CIN", "Exeter", "2025-05-01", closed: "2026-11-03", reason: "Goals achieved"), // open at the period end; assessed 83 days ago
        episode("E11", "C6", "BRIDGES", "EH3", "South", "2026-06-01", closed: "2026-10-31"), // closes on the last day, no reason: still open at the period end (PRECISE 12), never assessed: overdue (152 days)
        episode("E12", "C7", "FIT", "EH3", "North", "2025-09-01", closed: "2025-10-01", reason: "Goals achieved"),
        episode("E13", "C7", "FIT", "EH3", "North", "2026-10-02"),                // 12 months and 1 day after E12: not a re-referral
        episode("E14", "C8", "FIT", "EH3", "North", "2025-08-01", closed: "2025-10-10", reason: "Goals achieved"),
        episode("E15", "C8", "FIT", "EH3", "North", "2026-10-10"),                // exactly 12 months after E14: re-referral
        episode("E16", "C9", "FIT", "EH4", "South", "2025-01-01", closed: "2026-03-01", reason: "Disengaged"),
        episode("E17", "C10", "FIT", "EH4", "South", "2025-02-01", closed: "2026-04-01", reason: "Disengaged"),
        episode("E18", "C11", "FIT", "EH3", "North", "2026-11-02"),               // after the period: in nothing
        episode("E19", "C12", "YIT", "CIC", "West", "2025-01-01"),                // last assessed 2026-05-01 (a later one is after the period): overdue
    ]

    static let outcomes: [OutcomeScore] = [
        OutcomeScore(episodeID: "E2", assessmentDate: d("2026-09-20"), stage: .review, domain: "health", score: 6),
        OutcomeScore(episodeID: "E8", assessmentDate: d("2026-03-01"), stage: .entry, domain: "health", score: 3),
        OutcomeScore(episodeID: "E8", assessmentDate: d("2026-08-08"), stage: .review, domain: "health", score: 5),
        OutcomeScore(episodeID: "E10", assessmentDate: d("2026-08-09"), stage: .review, domain: "housing", score: 4, ratedBy: .family),
        OutcomeScore(episodeID: "E10", assessmentDate: d("2026-11-01"), stage: .exit, domain: "housing", score: 8),
        OutcomeScore(episodeID: "E19", assessmentDate: d("2026-05-01"), stage: .entry, domain: "crime", score: 2),
        OutcomeScore(episodeID: "E19", assessmentDate: d("2026-11-15"), stage: .review, domain: "crime", score: 3),
    ]

    static func answer(_ response: String, _ date: String, _ question: String, _ cls: AnswerClass?) -> FeedbackAnswer {
        FeedbackAnswer(responseID: response, service: "FIT", receivedDate: d(date), respondent: "parent",
                       instrument: "closure_survey", question: question, answer: cls == nil ? nil : "x", answerClass: cls)
    }

    static let feedback: [FeedbackAnswer] = [
        answer("R1", "2026-10-03", "kept_informed", .positive),
        answer("R1", "2026-10-03", "made_difference", .positive),
        answer("R2", "2026-10-12", "kept_informed", .positive),
        answer("R2", "2026-10-12", "made_difference", nil),      // blank: not counted
        answer("R3", "2026-10-31", "kept_informed", .negative),
        answer("R4", "2026-10-01", "kept_informed", .neutral),
        answer("R5", "2026-01-15", "kept_informed", .negative),  // rolling only
        answer("R6", "2025-10-31", "kept_informed", .positive),  // before the rolling window
        answer("R7", "2026-11-02", "kept_informed", .positive),  // after the period
    ]

    /// A store holding the fixture, in `scratch`.
    static func fixtureStore(_ scratch: Scratch, episodes: [Episode] = episodes) throws -> Store {
        let store = try Store(path: scratch.file("store.sqlite"))
        try store.transaction { w in
            try w.upsert(episodes: episodes, file: "episodes.csv")
            try w.upsert(outcomes: outcomes, file: "outcomes.csv")
            try w.upsert(feedback: feedback, file: "feedback.csv")
            try w.merge(attendance: [AttendanceMonth(childID: "C1", schoolURN: "100001", month: period,
                                                     marks: [UInt8](repeating: 49, count: 62))])
            try w.logFile(name: "episodes.csv", kind: .episodes, sha256: "abc", read: 19, loaded: 19, rejected: 0)
        }
        return store
    }

    /// The shipped query files, found from this source file (Tests/OutcomesCoreTests → repo root).
    static let queriesFolder: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("queries").path
    }()

    /// Everything a query could change: row counts, schema and user_version.
    static func fingerprint(_ store: Store) throws -> String {
        let counts = try store.rowCounts().sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let schema = try store.read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name FROM sqlite_schema ORDER BY name")
        }
        let version = try store.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? -1 }
        return (counts + schema + ["user_version=\(version)"]).joined(separator: "\n")
    }

    static func runner(_ store: Store, threshold: Int = 5) -> QueryRunner {
        QueryRunner(storePath: store.path, period: period, threshold: threshold)
    }

    // MARK: - The shipped queries, on answers known by hand

    static let shipped: [(file: String, csv: String)] = [
        ("re_referrals.sql", """
            service,episodes_started,re_referrals,re_referral_pct
            Total,9,3,33.3
            BRIDGES,1,0,0.0
            FIT,5,2,40.0
            YIT,3,1,33.3

            """),
        ("closure_reasons_by_service.sql", """
            window,service,closure_reason,closures,pct_of_service_closures
            Reporting month,BRIDGES,Not recorded,1,100.0
            Reporting month,YIT,Goals achieved,1,100.0
            Rolling 12 months,BRIDGES,Not recorded,1,100.0
            Rolling 12 months,FIT,Disengaged,2,66.7
            Rolling 12 months,FIT,Goals achieved,1,33.3
            Rolling 12 months,YIT,Goals achieved,1,50.0
            Rolling 12 months,YIT,Stepped up to social care,1,50.0

            """),
        ("open_episodes_by_level_locality.sql", """
            level,locality,open_episodes,children
            EH3,North,3,3
            EH3,South,1,1
            EH4,South,1,1
            CIN,Exeter,2,1
            CIN,North,1,1
            CP,East,1,1
            CIC,West,1,1

            """),
        ("overdue_outcome_assessments.sql", """
            episode_id,service,locality,level,allocation_date,last_assessment_date,days_since_last_assessment
            E11,BRIDGES,South,EH3,2026-06-01,,152
            E9,YIT,Exeter,CIN,2025-03-01,,609
            E19,YIT,West,CIC,2025-01-01,2026-05-01,183
            E8,YIT,East,CP,2026-02-01,2026-08-08,84

            """),
        ("feedback_by_question.sql", """
            window,question,answers,pct_positive,pct_negative
            Reporting month,kept_informed,4,50.0,25.0
            Reporting month,made_difference,c,c,c
            Rolling 12 months,kept_informed,5,40.0,40.0
            Rolling 12 months,made_difference,c,c,c

            """),
    ]

    @Test(arguments: shipped.map(\.file))
    func shippedQueryGivesTheHandWorkedAnswer(file: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let expected = Self.shipped.first { $0.file == file }!.csv
        let csv = try Self.runner(store, threshold: 2).run(file: (Self.queriesFolder as NSString).appendingPathComponent(file))
        #expect(csv == expected)
    }

    @Test func everyShippedQueryIsTestedAndStartsWithAComment() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.queriesFolder).filter { $0.hasSuffix(".sql") }
        #expect(Set(files) == Set(Self.shipped.map(\.file)))
        for f in files {
            let text = try String(contentsOfFile: (Self.queriesFolder as NSString).appendingPathComponent(f), encoding: .utf8)
            #expect(text.hasPrefix("-- "), "\(f) should open with a comment saying what it answers")
        }
    }

    @Test func runAllWritesEveryShippedQuery() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let out = scratch.file("output/2026-10/queries")
        let results = Self.runner(store, threshold: 2).runAll(folder: Self.queriesFolder, outFolder: out)
        #expect(results.map(\.name) == Self.shipped.map { String($0.file.dropLast(4)) }.sorted())
        #expect(results.allSatisfy { $0.succeeded }, "\(results.compactMap(\.message))")
        for r in results {
            let expected = Self.shipped.first { $0.file == r.name + ".sql" }!.csv
            #expect(try String(contentsOfFile: r.output, encoding: .utf8) == expected)
            #expect(r.rows == expected.split(separator: "\n").count - 1)
        }
    }

    // MARK: - Parameters

    @Test func parametersAreTheMonthsIsoDates() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("p.sql", "SELECT :period_start AS s, :period_end AS e, :rolling_start AS r")
        #expect(try Self.runner(store).run(file: q) == "s,e,r\n2026-10-01,2026-10-31,2025-11-01\n")
        let leap = QueryRunner(storePath: store.path, period: Month(year: 2024, month: 2), threshold: 5)
        #expect(try leap.run(file: q) == "s,e,r\n2024-02-01,2024-02-29,2023-03-01\n")
        // Only the parameters a query uses are bound; using one twice is fine.
        let one = try scratch.write("one.sql", "SELECT :period_end = :period_end AS same")
        #expect(try Self.runner(store).run(file: one) == "same\n1\n")
    }

    @Test(arguments: ["period_begin", "start", "Period_End_x"])
    func unknownOrMissingParameterIsNamed(name: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let before = try Self.fingerprint(store)
        let q = try scratch.write("typo.sql", "SELECT count(*) FROM episodes WHERE allocation_date >= :\(name) AND allocation_date <= :period_end")
        let error = #expect(throws: QueryError.self) { try Self.runner(store).run(file: q) }
        #expect(error == .unknownParameter(file: q, name: name))
        let message = error?.errorDescription ?? ""
        #expect(message.contains(q) && message.contains(":\(name)") && message.contains(":period_start"))
        #expect(try Self.fingerprint(store) == before)
    }

    @Test(arguments: ["SELECT * FROM episodes WHERE service = ?", "SELECT ?1"])
    func positionalParameterIsAnError(sql: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("pos.sql", sql)
        #expect(throws: QueryError.positionalParameter(file: q)) { try Self.runner(store).run(file: q) }
    }

    // MARK: - The store stays untouched

    static let writes: [(sql: String, keyword: String)] = [
        ("INSERT INTO episodes (episode_id, child_id, service, locality, level, allocation_date, gender, source_file) VALUES ('X', 'C', 'FIT', 'North', 'EH3', '2026-01-01', 'Unknown', 'x')", "INSERT"),
        ("UPDATE episodes SET service = 'X'", "UPDATE"),
        ("-- tidy up\nDELETE FROM outcomes", "DELETE"),
        ("/* gone */ DROP TABLE feedback", "DROP"),
        ("DROP VIEW attendance_sessions", "DROP"),
        ("CREATE TABLE scratch (x)", "CREATE"),
        ("CREATE TEMP TABLE scratch AS SELECT * FROM episodes", "CREATE"),
        ("ATTACH DATABASE 'other.sqlite' AS other", "ATTACH"),
        ("PRAGMA user_version = 7", "PRAGMA"),
        ("PRAGMA query_only = 0", "PRAGMA"),
        ("PRAGMA journal_mode = WAL", "PRAGMA"),
        ("VACUUM", "VACUUM"),
        ("BEGIN IMMEDIATE", "BEGIN"),
        ("WITH gone AS (SELECT episode_id FROM episodes) DELETE FROM outcomes WHERE episode_id IN gone", "WITH"),
        ("REPLACE INTO attendance_slots VALUES (0, 1, 'PM')", "REPLACE"),
    ]

    @Test(arguments: writes.indices)
    func writeAttemptFailsNamingTheFileAndChangesNothing(index: Int) throws {
        let (sql, keyword) = Self.writes[index]
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let before = try Self.fingerprint(store)
        let bytesBefore = FileManager.default.contents(atPath: store.path)
        let q = try scratch.write("naughty.sql", sql)
        let error = #expect(throws: QueryError.self) { try Self.runner(store).run(file: q) }
        #expect(error == .notReadOnly(file: q, keyword: keyword))
        let message = error?.errorDescription ?? ""
        #expect(message.contains(q) && message.contains("read-only") && message.contains("unchanged"))
        #expect(try Self.fingerprint(store) == before)
        #expect(FileManager.default.contents(atPath: store.path) == bytesBefore)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("other.sqlite")))
    }

    @Test(arguments: ["SELECT 1; DELETE FROM episodes", "SELECT 1;\nSELECT 2;", "SELECT 1; nonsense here"])
    func secondStatementIsRefusedAndNeverRun(sql: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let before = try Self.fingerprint(store)
        let q = try scratch.write("two.sql", sql)
        #expect(throws: QueryError.multipleStatements(file: q)) { try Self.runner(store).run(file: q) }
        #expect(try Self.fingerprint(store) == before)
    }

    @Test func commentsAndATrailingSemicolonAreFine() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("c.sql", "-- how many episodes?\n/* all of them */\nSELECT count(*) AS n FROM episodes; -- done\n\n")
        #expect(try Self.runner(store).run(file: q) == "n\n19\n")
        let v = try scratch.write("v.sql", "VALUES (1, 'a')")
        #expect(try Self.runner(store).run(file: v) == "column1,column2\n1,a\n")
    }

    @Test(arguments: ["", "   \n", "-- only a comment\n/* and another */"])
    func emptyFileIsAnError(sql: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("empty.sql", sql)
        #expect(throws: QueryError.empty(file: q)) { try Self.runner(store).run(file: q) }
    }

    // MARK: - Compile errors

    @Test func syntaxErrorNamesTheFileTheLineAndSQLitesMessage() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let before = try Self.fingerprint(store)
        let q = try scratch.write("typo.sql", "-- closures\nSELECT service, count(*)\nFORM episodes\nGROUP BY service")
        let error = #expect(throws: QueryError.self) { try Self.runner(store).run(file: q) }
        guard case let .syntax(file, line, message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == q)
        #expect(line == 3)
        // `count(*) FORM` reads as an alias, so SQLite stops at the next word.
        #expect(message == "near \"episodes\": syntax error")
        let text = error?.errorDescription ?? ""
        #expect(text.hasPrefix("\(q), line 3: ") && text.contains(message))
        #expect(try Self.fingerprint(store) == before)
    }

    @Test(arguments: [("SELECT nope FROM episodes", "no such column: nope"),
                      ("SELECT * FROM episode", "no such table: episode"),
                      ("SELECT frobnicate(1)", "no such function: frobnicate")])
    func unknownNamesAreCompileErrors(sql: String, expected: String) throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("bad.sql", sql)
        let error = #expect(throws: QueryError.self) { try Self.runner(store).run(file: q) }
        guard case let .syntax(file, _, message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == q && message.contains(expected))
    }

    // MARK: - suppress() and CSV rules

    @Test func suppressHidesOneToTheThreshold() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("s.sql", """
            SELECT suppress(0) AS a, suppress(1) AS b, suppress(5) AS c, suppress(6) AS d, suppress(NULL) AS e,
                   suppress(3, 2) AS f, suppress(2, 0) AS g, suppress(2.0) AS h, suppress(-1) AS i
            """)
        #expect(try Self.runner(store, threshold: 5).run(file: q) == "a,b,c,d,e,f,g,h,i\n0,c,c,6,,3,2,c,-1\n")
        // Threshold 0 (suppression off) shows everything.
        #expect(try Self.runner(store, threshold: 0).run(file: q) == "a,b,c,d,e,f,g,h,i\n0,1,5,6,,3,2,2.0,-1\n")
    }

    @Test func suppressWithABadThresholdFailsWhileRunning() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("s.sql", "SELECT suppress(count(*), 'five') FROM episodes")
        let error = #expect(throws: QueryError.self) { try Self.runner(store).run(file: q) }
        guard case let .failed(file, message) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == q && message.contains("threshold"))
    }

    @Test func textGetsTheFormulaGuardAndQuotingNumbersDoNot() throws {
        let scratch = try Scratch()
        let odd = [
            Self.episode("F1", "C1", "FIT", "EH3", "@North", "2026-01-01", closed: "2026-02-01", reason: "=HYPERLINK(\"x\")"),
            Self.episode("F2", "C2", "FIT", "EH3", "South", "2026-01-01", closed: "2026-02-01", reason: "+44, call back"),
            Self.episode("F3", "C3", "FIT", "EH3", "East", "2026-01-01", closed: "2026-02-01", reason: "-"),
            Self.episode("F4", "C4", "FIT", "EH3", "West", "2026-01-01", closed: "2026-02-01", reason: "\tTabbed"),
        ]
        let store = try Self.fixtureStore(scratch, episodes: odd)
        let q = try scratch.write("g.sql", """
            SELECT episode_id, locality, closure_reason, -3 AS n, -2.5 AS r, '-3' AS t, 0.1 + 0.2 AS f, NULL AS z
            FROM episodes ORDER BY episode_id
            """)
        #expect(try Self.runner(store).run(file: q) == """
            episode_id,locality,closure_reason,n,r,t,f,z
            F1,'@North,"'=HYPERLINK(""x"")",-3,-2.5,'-3,0.3,
            F2,South,"'+44, call back",-3,-2.5,'-3,0.3,
            F3,East,'-,-3,-2.5,'-3,0.3,
            F4,West,'\tTabbed,-3,-2.5,'-3,0.3,

            """)
    }

    @Test func attendanceSessionsViewIsQueryable() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("a.sql", """
            SELECT date, session, mark, class FROM attendance_sessions
            WHERE child_id = 'C1' AND date BETWEEN :period_start AND '2026-10-01' ORDER BY date, session
            """)
        #expect(try Self.runner(store).run(file: q) == "date,session,mark,class\n2026-10-01,AM,/,present\n2026-10-01,PM,/,present\n")
    }

    // MARK: - Files, folders and failures

    @Test func runAllContinuesPastFailuresAndSaysWhichFailed() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let before = try Self.fingerprint(store)
        let folder = scratch.file("queries")
        try scratch.write("queries/a_count.sql", "SELECT count(*) AS episodes FROM episodes")
        try scratch.write("queries/b_typo.sql", "SELEC 1")
        try scratch.write("queries/c_delete.sql", "DELETE FROM episodes")
        try scratch.write("queries/d_open.sql", "SELECT count(*) AS open FROM episodes WHERE closure_date IS NULL OR closure_date > :period_end")
        try scratch.write("queries/notes.txt", "not a query")
        let out = scratch.file("out/2026-10/queries")

        let results = Self.runner(store).runAll(folder: folder, outFolder: out)
        #expect(results.map(\.name) == ["a_count", "b_typo", "c_delete", "d_open"])
        #expect(results.map(\.succeeded) == [true, false, false, true])
        #expect(results.map(\.rows) == [1, 0, 0, 1])
        #expect(try String(contentsOfFile: scratch.file("out/2026-10/queries/a_count.csv"), encoding: .utf8) == "episodes\n19\n")
        #expect(try String(contentsOfFile: scratch.file("out/2026-10/queries/d_open.csv"), encoding: .utf8) == "open\n10\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out/2026-10/queries/b_typo.csv")))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out/2026-10/queries/c_delete.csv")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["a_count.csv", "d_open.csv"])
        #expect(results[1].message?.contains(scratch.file("queries/b_typo.sql")) == true)
        #expect(results[2].error == .notReadOnly(file: scratch.file("queries/c_delete.sql"), keyword: "DELETE"))
        #expect(QueryOutcome.failureSummary(results) == "2 of 4 queries failed: b_typo.sql, c_delete.sql")
        #expect(QueryOutcome.failureSummary([results[0]]) == nil)
        #expect(try Self.fingerprint(store) == before)

        let folderMode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: results[0].output)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
    }

    @Test func runAllOnAMissingFolderRunsNothing() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        #expect(Self.runner(store).runAll(folder: scratch.file("nowhere"), outFolder: scratch.file("out")).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("out")))
    }

    @Test func runAllWithoutAStoreFailsEveryQuery() throws {
        let scratch = try Scratch()
        try scratch.write("queries/a.sql", "SELECT 1")
        try scratch.write("queries/b.sql", "SELECT 2")
        let runner = QueryRunner(storePath: scratch.file("missing.sqlite"), period: Self.period, threshold: 5)
        let results = runner.runAll(folder: scratch.file("queries"), outFolder: scratch.file("out"))
        #expect(results.count == 2)
        for r in results {
            guard case .storeUnavailable(let path, _) = r.error else { Issue.record("got \(String(describing: r.error))"); continue }
            #expect(path == scratch.file("missing.sqlite"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.file("missing.sqlite")))
    }

    @Test func runToAFileReplacesItOnlyOnSuccess() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let out = scratch.file("result.csv")
        let good = try scratch.write("good.sql", "SELECT count(*) AS n FROM outcomes")
        #expect(try Self.runner(store).run(file: good, to: out) == 1)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "n\n7\n")
        let bad = try scratch.write("bad.sql", "SELECT suppress(1, -1)")
        #expect(throws: QueryError.self) { try Self.runner(store).run(file: bad, to: out) }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "n\n7\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted() == ["bad.sql", "good.sql", "result.csv", "store.sqlite"])
    }

    @Test func missingQueryFileIsNamed() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = scratch.file("absent.sql")
        #expect(throws: QueryError.unreadable(file: q, reason: "no such file")) { try Self.runner(store).run(file: q) }
    }

    @Test func streamingHandsOverTheHeaderThenEachRow() throws {
        let scratch = try Scratch()
        let store = try Self.fixtureStore(scratch)
        let q = try scratch.write("s.sql", "SELECT episode_id FROM episodes WHERE child_id = 'C1' ORDER BY episode_id")
        var lines: [String] = []
        let rows = try Self.runner(store).run(file: q) { lines.append($0) }
        #expect(rows == 2)
        #expect(lines == ["episode_id\n", "E1\n", "E2\n"])
    }
}
