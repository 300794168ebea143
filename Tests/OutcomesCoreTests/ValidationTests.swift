import Testing
@testable import OutcomesCore

/// Field parsers and normalisation tables (EXTRACTS.md, METRICS.md 3, PRECISE.md 4-9).
@Suite struct ValidationParserTests {
    static func date(_ s: String) -> Day? { Array(s.utf8).withUnsafeBufferPointer { FieldParsers.date($0) } }
    static func month(_ s: String) -> Month? { Array(s.utf8).withUnsafeBufferPointer { FieldParsers.birthMonth($0) } }
    static func int(_ s: String) -> Int? { Array(s.utf8).withUnsafeBufferPointer { FieldParsers.integer($0) } }

    @Test(arguments: [
        "2026-10-03", "3/10/2026", "03/10/2026", "03/10/2026 14:22", "2026-10-03T14:22:00",
        "2026-10-03 14:22", "3/10/2026T09:00", "2026-10-03Tanything", "03/10/2026 whatever",
    ])
    func validDatesMeanThirdOctober(_ s: String) {
        #expect(Self.date(s) == Days.from(year: 2026, month: 10, day: 3))
    }

    @Test func dayAndMonthMayHaveOneOrTwoDigits() {
        #expect(Self.date("3/1/2026") == Days.from(year: 2026, month: 1, day: 3))
        #expect(Self.date("31/12/2025") == Days.from(year: 2025, month: 12, day: 31))
        #expect(Self.date("29/2/2024") == Days.from(year: 2024, month: 2, day: 29))
    }

    @Test(arguments: [
        "", "2026-02-30", "2026-2-3", "3/10/26", "03/10/26", "2026-13-01", "2026-00-10", "0/10/2026",
        "32/1/2026", "29/2/2025", "2026/10/03", "2026-10-03x", "03-10-2026", "3/10/20266", "123/1/2026",
        "3/100/2026", "abcd-ef-gh", "2026-10-3", "0000-01-01", "2026-10-03t10:00",
    ])
    func invalidDates(_ s: String) {
        #expect(Self.date(s) == nil)
    }

    @Test func birthMonthTakesYearMonthOrAFullDate() {
        #expect(Self.month("2015-04") == Month(year: 2015, month: 4))
        #expect(Self.month("2015-04-17") == Month(year: 2015, month: 4))
        #expect(Self.month("17/4/2015") == Month(year: 2015, month: 4))
        #expect(Self.month("2015-13") == nil)
        #expect(Self.month("2015-4") == nil)
        #expect(Self.month("April 2015") == nil)
    }

    @Test func integers() {
        #expect(Self.int("7") == 7)
        #expect(Self.int("07") == 7)
        #expect(Self.int("+10") == 10)
        #expect(Self.int("-2") == -2)
        #expect(Self.int("7.0") == nil)
        #expect(Self.int("") == nil)
        #expect(Self.int("-") == nil)
        #expect(Self.int("seven") == nil)
        #expect(Self.int("99999999999999999999") == nil)
    }

    @Test func markBytesAgreeWithAttendanceMarks() {
        for (code, _) in AttendanceMarks.codes {
            let n = Array(code.utf8).withUnsafeBufferPointer { FieldParsers.mark($0) }
            #expect(n == AttendanceMarks.number(of: code))
        }
        for bad in ["l", "c1", "y1", "", "ZZ", "C3", "//"] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { FieldParsers.mark($0) } == nil)
        }
    }

    @Test func sessions() {
        func s(_ v: String) -> Bool? { Array(v.utf8).withUnsafeBufferPointer { FieldParsers.session($0) } }
        #expect(s("AM") == false)
        #expect(s("am") == false)
        #expect(s("Pm") == true)
        #expect(s("PM") == true)
        #expect(s("A.M.") == nil)
        #expect(s("") == nil)
    }
}

@Suite struct ValidationNormaliseTests {
    @Test(arguments: [
        ("F", "Female"), ("female", "Female"), ("GIRL", "Female"), ("m", "Male"), ("Male", "Male"),
        ("boy", "Male"), ("", "Unknown"), ("u", "Unknown"), ("UNKNOWN", "Unknown"), ("Not known", "Unknown"),
        ("not STATED", "Unknown"), ("Non-binary", "Other"), ("X", "Other"), ("notknown", "Other"),
    ])
    func gender(_ given: String, _ expected: String) {
        #expect(Normalise.gender(given) == expected)
    }

    @Test func levels() {
        for (given, expected) in [("eh3", "EH3"), ("Eh4", "EH4"), ("cin", "CIN"), ("cp", "CP"), ("Cic", "CIC"), ("cl", "CL")] {
            #expect(Normalise.level(given) == expected)
        }
        #expect(Normalise.level("EH2") == nil)
        #expect(Normalise.level("") == nil)
    }

    @Test(arguments: [
        ("WBRI", "White"), ("wiri", "White"), ("WIRT", "White"), ("WOTH", "White"), ("WROM", "White"),
        ("MWBC", "Mixed / Multiple ethnic groups"), ("MWBA", "Mixed / Multiple ethnic groups"),
        ("MWAS", "Mixed / Multiple ethnic groups"), ("MOTH", "Mixed / Multiple ethnic groups"),
        ("AIND", "Asian / Asian British"), ("APKN", "Asian / Asian British"), ("ABAN", "Asian / Asian British"),
        ("AOTH", "Asian / Asian British"), ("CHNE", "Asian / Asian British"),
        ("BCRB", "Black / African / Caribbean / Black British"), ("bafr", "Black / African / Caribbean / Black British"),
        ("BOTH", "Black / African / Caribbean / Black British"), ("OOTH", "Other ethnic group"),
        ("REFU", "Unknown"), ("NOBT", "Unknown"), ("", "Unknown"), ("XXXX", "Unknown"),
    ])
    func ethnicityGroups(_ code: String, _ group: String) {
        #expect(Ethnicity.majorGroup(code: code) == group)
    }

    @Test func ethnicityStorageAndChineseGrouping() {
        #expect(Normalise.ethnicityCode("wbri") == "WBRI")
        #expect(Normalise.ethnicityCode("") == nil)
        #expect(Ethnicity.majorGroup(code: nil) == "Unknown")
        #expect(Ethnicity.majorGroup(code: "chne", chineseGroup: "Other ethnic group") == "Other ethnic group")
    }

    @Test func send() {
        for v in ["Y", "yes", "TRUE", "1"] { #expect(Normalise.send(v) == true) }
        for v in ["n", "No", "false", "0"] { #expect(Normalise.send(v) == false) }
        for v in ["maybe", "2", "t"] { #expect(Normalise.send(v) == nil) }
    }

    @Test func respondentsInstrumentsDomainsRaters() {
        #expect(Normalise.respondent("Young Person") == "child")
        #expect(Normalise.respondent("CHILD") == "child")
        #expect(Normalise.respondent("Parent") == "parent")
        #expect(Normalise.respondent("carer") == "carer")
        #expect(Normalise.respondent("Professional") == "partner")
        #expect(Normalise.respondent("agency") == "partner")
        #expect(Normalise.respondent("partner") == "partner")
        #expect(Normalise.respondent("young_person") == nil)
        #expect(Normalise.instrument("Closure_Survey") == "closure_survey")
        #expect(Normalise.instrument("APP") == "app")
        #expect(Normalise.instrument("survey") == nil)
        #expect(Normalise.domain("Early_Years") == "early_years")
        #expect(Normalise.domain("wellbeing") == nil)
        #expect(Normalise.domain("WellBeing", extra: ["wellbeing"]) == "wellbeing")
        #expect(Normalise.ratedBy("") == .practitioner)
        #expect(Normalise.ratedBy("FAMILY") == .family)
        #expect(Normalise.ratedBy("child") == nil)
        #expect(Normalise.service("yit") == "YIT")
        #expect(Normalise.locality("") == "Unknown")
        #expect(Normalise.locality("Exeter") == "Exeter")
    }

    @Test(arguments: [
        ("Strongly Agree", Normalise.AnswerReading.answered(.positive)), ("strongly-agree", .answered(.positive)),
        ("STRONGLY__AGREE", .answered(.positive)), ("agree", .answered(.positive)), ("Y", .answered(.positive)),
        ("yes", .answered(.positive)), ("5", .answered(.positive)), ("4", .answered(.positive)),
        ("Neutral", .answered(.neutral)), ("neither", .answered(.neutral)),
        ("Neither-agree_nor  disagree", .answered(.neutral)), ("3", .answered(.neutral)),
        ("not_sure", .answered(.neutral)), ("Disagree", .answered(.negative)),
        ("strongly - disagree", .answered(.negative)), ("No", .answered(.negative)), ("n", .answered(.negative)),
        ("2", .answered(.negative)), ("1", .answered(.negative)), ("", .notAnswered), ("N/A", .notAnswered),
        ("na", .notAnswered), ("Not Answered", .notAnswered), ("prefer-not-to-say", .notAnswered),
        ("-", .notAnswered), ("_agree_", .answered(.positive)), ("maybe", .unrecognised), ("6", .unrecognised),
        ("n-a", .unrecognised), ("agreed", .unrecognised),
    ])
    func feedbackAnswers(_ given: String, _ expected: Normalise.AnswerReading) {
        #expect(Normalise.answer(given) == expected)
    }
}

@Suite struct ValidationHeaderTests {
    @Test func namesMatchCaseInsensitivelyInAnyOrderWithExtrasListed() throws {
        let h = try HeaderMap(kind: .attendance, file: "attendance.csv",
                              names: ["\u{FEFF}Mark", " SESSION ", "Date", "notes", "Child_ID", "school_urn", "remarks"])
        #expect(h.fieldCount == 7)
        #expect(h.fieldIndex == [4, 5, 2, 1, 0])
        #expect(h.extraColumns == ["notes", "remarks"])
    }

    @Test func missingRequiredColumnNamesTheFirstInContractOrder() {
        #expect(throws: ExtractError.missingColumn(file: "outcomes.csv", column: "stage")) {
            try HeaderMap(kind: .outcomes, file: "outcomes.csv", names: ["episode_id", "assessment_date", "score"])
        }
    }

    @Test func missingOptionalColumnReadsAsEmpty() throws {
        let h = try HeaderMap(kind: .outcomes, file: "o.csv",
                              names: ["episode_id", "assessment_date", "stage", "domain", "score"])
        #expect(!h.has(OutcomeColumn.ratedBy.rawValue))
        let v = OutcomeValidator(file: "o.csv", header: h)
        let r = CSVRecord.with(fields: ["E1", "2026-10-03", "entry", "health", "5"]) { v.validate($0) }
        #expect(try r.get().ratedBy == .practitioner)
    }

    @Test func contractOrder() {
        #expect(ExtractSchema.columns(for: .feedback).map(\.name) == [
            "response_id", "episode_id", "service", "received_date", "respondent", "instrument", "question", "answer",
        ])
        #expect(ExtractSchema.columns(for: .episodes).filter(\.required).map(\.name) == [
            "episode_id", "child_id", "service", "level", "allocation_date",
        ])
    }
}
