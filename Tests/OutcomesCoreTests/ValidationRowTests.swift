import Testing
@testable import OutcomesCore

/// Feeds rows (line 2 onwards) to `add`, as the reader would after the header.
func feed(_ rows: [[String]], firstLine: Int = 2, _ add: (CSVRecord) throws -> Void) rethrows {
    for (i, r) in rows.enumerated() { try CSVRecord.with(fields: r, line: firstLine + i) { try add($0) } }
}

let episodeHeader = EpisodeColumn.names
let outcomeHeader = OutcomeColumn.names
let feedbackHeader = FeedbackColumn.names

/// An episodes row with the given columns overridden by name.
func episodeRow(_ overrides: [String: String] = [:]) -> [String] {
    var base: [String: String] = [
        "episode_id": "E1", "child_id": "C1", "service": "yit", "level": "eh3", "allocation_date": "2026-09-10",
    ]
    base.merge(overrides) { $1 }
    return episodeHeader.map { base[$0] ?? "" }
}

func episodeBatch(_ rows: [[String]]) throws -> EpisodeBatch {
    let h = try HeaderMap(kind: .episodes, file: "episodes.csv", names: episodeHeader)
    var b = FileBatch(EpisodeValidator(file: "episodes.csv", header: h))
    feed(rows) { b.add($0) }
    #expect(b.rowsRead == b.loaded + b.rejected)
    return b
}

@Suite struct ValidationEpisodeTests {
    @Test func normalisesAFullRow() throws {
        let b = try episodeBatch([episodeRow([
            "family_id": "F9", "locality": "", "referral_date": "1/9/2026", "first_contact_date": "2026-09-10T10:00",
            "closure_date": "31/12/2026", "birth_month": "2015-04-17", "gender": "girl", "ethnicity": "wbri",
            "send": "Yes", "school_urn": "123456",
        ])])
        let e = try #require(b.rows.first)
        #expect(e.service == "YIT" && e.level == "EH3" && e.locality == "Unknown" && e.familyID == "F9")
        #expect(e.referralDate == Days.from(year: 2026, month: 9, day: 1))
        #expect(e.firstContactDate == e.allocationDate)
        #expect(e.closureDate == Days.from(year: 2026, month: 12, day: 31))
        #expect(e.birthMonth == Month(year: 2015, month: 4))
        #expect(e.gender == "Female" && e.ethnicity == "WBRI" && e.send == true && e.schoolURN == "123456")
        #expect(e.closureReason == nil && e.assessmentDate == nil)
    }

    @Test(arguments: [
        (["episode_id": ""], "episode_id", "required value is empty"),
        (["service": ""], "service", "required value is empty"),
        (["level": "EH5"], "level", "unknown level"),
        (["allocation_date": "2026-02-30"], "allocation_date", "invalid date"),
        (["referral_date": "10/9/26"], "referral_date", "invalid date"),
        (["first_contact_date": "2026-09-09"], "first_contact_date", "before allocation_date 2026-09-10"),
        (["assessment_date": "1/9/2026"], "assessment_date", "before allocation_date 2026-09-10"),
        (["first_taf_date": "2026-09-01"], "first_taf_date", "before allocation_date"),
        (["closure_date": "2026-09-09 23:59"], "closure_date", "before allocation_date"),
        (["birth_month": "2015-13"], "birth_month", "invalid birth_month"),
        (["send": "maybe"], "send", "unknown send"),
    ])
    func rejects(_ o: [String: String], _ column: String, _ reason: String) throws {
        let b = try episodeBatch([episodeRow(), episodeRow(o.merging(["episode_id": o["episode_id"] ?? "E2"]) { a, _ in a })])
        let r = try #require(b.rejects.first)
        #expect(b.rejects.count == 1 && b.loaded == 1)
        #expect(r.line == 3 && r.column == column && r.file == "episodes.csv")
        #expect(r.value == (o[column] ?? ""))
        #expect(r.reason.contains(reason))
    }

    @Test func firstFaultyColumnInContractOrderWins() throws {
        // level (6th) and allocation_date (8th) are both bad; service (4th) is fine.
        let b = try episodeBatch([episodeRow(["send": "x", "allocation_date": "bad", "level": "zz"])])
        #expect(b.rejects.map(\.column) == ["level"])
    }

    @Test func wrongFieldCountIsAWholeRowFault() throws {
        let b = try episodeBatch([Array(episodeRow().dropLast()), episodeRow() + ["extra"]])
        #expect(b.rejects.map(\.column) == ["", ""])
        #expect(b.rejects.map(\.line) == [2, 3])
        #expect(b.rejects[0].reason.contains("expected 18") && b.rejects[0].reason.contains("found 17"))
    }

    @Test func duplicateNamesTheFirstLine() throws {
        let b = try episodeBatch([episodeRow(), episodeRow(["child_id": "C2"]), episodeRow(["episode_id": "E2"])])
        #expect(b.rows.map(\.childID) == ["C1", "C1"])
        let r = try #require(b.rejects.first)
        #expect(r.line == 3 && r.column == "episode_id" && r.value == "E1")
        #expect(r.reason.contains("duplicate key (episode_id E1) of line 2"))
    }

    @Test func rejectedRowIsNeverTheFirstOfADuplicate() throws {
        let b = try episodeBatch([episodeRow(["level": "bad"]), episodeRow(), episodeRow(["child_id": "C3"])])
        #expect(b.rejects.map(\.line) == [2, 4])
        #expect(b.rejects[1].reason.contains("of line 3"))
        #expect(b.rowsRead == 3 && b.loaded == 1)
    }
}

func outcomeBatch(_ rows: [[String]], known: Set<String> = ["E1", "E2"], rules: ExtractRules = ExtractRules()) throws
    -> OutcomeBatch {
    let h = try HeaderMap(kind: .outcomes, file: "outcomes.csv", names: outcomeHeader)
    var b = FileBatch(OutcomeValidator(file: "outcomes.csv", header: h, rules: rules),
                      isKnownEpisode: { known.contains($0) })
    feed(rows) { b.add($0) }
    #expect(b.rowsRead == b.loaded + b.rejected)
    return b
}

@Suite struct ValidationOutcomeTests {
    @Test func normalises() throws {
        let b = try outcomeBatch([["E1", "3/10/2026", "ENTRY", "Family_Relationships", "07", "Family"],
                                  ["E1", "2026-10-03", "exit", "wellbeing", "10", ""]], rules: ExtractRules(extraDomains: ["WellBeing"]))
        #expect(b.rows == [
            OutcomeScore(episodeID: "E1", assessmentDate: Days.from(year: 2026, month: 10, day: 3), stage: .entry,
                         domain: "family_relationships", score: 7, ratedBy: .family),
            OutcomeScore(episodeID: "E1", assessmentDate: Days.from(year: 2026, month: 10, day: 3), stage: .exit,
                         domain: "wellbeing", score: 10, ratedBy: .practitioner),
        ])
    }

    @Test(arguments: [
        (["E1", "", "entry", "health", "5", ""], "assessment_date", "required value is empty"),
        (["E1", "2026-02-30", "entry", "health", "5", ""], "assessment_date", "invalid date"),
        (["E1", "2026-10-03", "start", "health", "5", ""], "stage", "unknown stage"),
        (["E1", "2026-10-03", "entry", "wellbeing", "5", ""], "domain", "unknown domain"),
        (["E1", "2026-10-03", "entry", "health", "0", ""], "score", "1 to 10"),
        (["E1", "2026-10-03", "entry", "health", "11", ""], "score", "1 to 10"),
        (["E1", "2026-10-03", "entry", "health", "5.5", ""], "score", "1 to 10"),
        (["E1", "2026-10-03", "entry", "health", "", ""], "score", "required value is empty"),
        (["E1", "2026-10-03", "entry", "health", "5", "child"], "rated_by", "unknown rated_by"),
        (["E9", "2026-10-03", "entry", "health", "5", ""], "episode_id", "unknown episode_id"),
        (["E9", "2026-10-03", "entry", "health", "x", ""], "score", "1 to 10"),
    ])
    func rejects(_ row: [String], _ column: String, _ reason: String) throws {
        let b = try outcomeBatch([row])
        let r = try #require(b.rejects.first)
        #expect(r.line == 2 && r.column == column && r.reason.contains(reason))
    }

    @Test func keysCompareAfterNormalisation() throws {
        let b = try outcomeBatch([["E1", "2026-10-03", "entry", "health", "5", ""],
                                  ["E1", "3/10/2026 09:00", "ENTRY", "HEALTH", "6", "practitioner"],
                                  ["E1", "2026-10-03", "entry", "health", "6", "family"]])
        #expect(b.loaded == 2)
        #expect(b.rejects.map(\.line) == [3])
        #expect(b.rejects[0].reason.contains("of line 2"))
        #expect(b.rejects[0].reason.contains("rated_by practitioner"))
    }

    @Test func unknownEpisodeIsCheckedLast() throws {
        // Unknown episode and a duplicate: the duplicate is reported; a bad field beats both.
        let b = try outcomeBatch([["E9", "2026-10-03", "entry", "health", "5", ""],
                                  ["E1", "2026-10-03", "entry", "health", "5", ""],
                                  ["E1", "2026-10-03", "entry", "health", "5", ""]], known: ["E1"])
        #expect(b.rejects.map { String($0.reason.prefix(9)) } == ["unknown e", "duplicate"])
        let c = try outcomeBatch([["E9", "2026-10-03", "entry", "health", "5", ""],
                                  ["E9", "2026-10-03", "entry", "health", "5", ""]], known: [])
        #expect(c.rejects.allSatisfy { $0.reason.hasPrefix("unknown episode_id") })
    }
}

func feedbackBatch(_ rows: [[String]], known: Set<String> = ["E1"]) throws -> FeedbackBatch {
    let h = try HeaderMap(kind: .feedback, file: "feedback.csv", names: feedbackHeader)
    var b = FileBatch(FeedbackValidator(file: "feedback.csv", header: h), isKnownEpisode: { known.contains($0) })
    feed(rows) { b.add($0) }
    #expect(b.rowsRead == b.loaded + b.rejected)
    return b
}

@Suite struct ValidationFeedbackTests {
    @Test func normalises() throws {
        let b = try feedbackBatch([["R1", "", "yit", "2026-10-03", "Young Person", "Closure_Survey", "Kept_Informed", "Strongly-Agree"],
                                   ["R1", "E1", "yit", "2026-10-03", "agency", "app", "supported", "N/A"]])
        #expect(b.rejects.isEmpty)
        #expect(b.rows[0] == FeedbackAnswer(responseID: "R1", service: "YIT", receivedDate: Days.from(year: 2026, month: 10, day: 3),
                                            respondent: "child", instrument: "closure_survey", question: "Kept_Informed",
                                            answer: "Strongly-Agree", answerClass: .positive))
        #expect(b.rows[1].episodeID == "E1" && b.rows[1].respondent == "partner" && b.rows[1].answerClass == nil)
    }

    @Test(arguments: [
        (["R1", "", "", "2026-10-03", "child", "app", "q", "yes"], "service", "required value is empty"),
        (["R1", "", "YIT", "03/10/26", "child", "app", "q", "yes"], "received_date", "invalid date"),
        (["R1", "", "YIT", "2026-10-03", "sibling", "app", "q", "yes"], "respondent", "unknown respondent"),
        (["R1", "", "YIT", "2026-10-03", "child", "survey", "q", "yes"], "instrument", "unknown instrument"),
        (["R1", "", "YIT", "2026-10-03", "child", "app", "", "yes"], "question", "required value is empty"),
        (["R1", "", "YIT", "2026-10-03", "child", "app", "q", "perhaps"], "answer", "fits none"),
        (["R1", "E7", "YIT", "2026-10-03", "child", "app", "q", "yes"], "episode_id", "unknown episode_id"),
    ])
    func rejects(_ row: [String], _ column: String, _ reason: String) throws {
        let b = try feedbackBatch([row])
        let r = try #require(b.rejects.first)
        #expect(r.line == 2 && r.column == column && r.reason.contains(reason))
    }

    @Test func questionKeyIsComparedAsGiven() throws {
        let b = try feedbackBatch([["R1", "", "YIT", "2026-10-03", "child", "app", "kept_informed", "yes"],
                                   ["R1", "", "YIT", "2026-10-03", "child", "app", "Kept_Informed", "yes"],
                                   ["R1", "", "YIT", "2026-10-04", "child", "app", "kept_informed", "no"]])
        #expect(b.loaded == 2)
        #expect(b.rejects.map(\.line) == [4])
        #expect(b.rejects[0].reason.contains("duplicate key (response_id R1, question kept_informed) of line 2"))
    }
}
