import Foundation
import Testing
@testable import OutcomesCore

/// Helpers: an episode as the expected CSVs write it, and checking mapped rows like the loader.
enum ReturnsTestSupport {
    static let expectedColumns = ["episode_id", "child_id", "service", "level", "referral_date", "allocation_date",
                                  "assessment_date", "closure_date", "closure_reason", "birth_month", "gender", "ethnicity"]

    static func d(_ day: Day?) -> String { day.map(Days.iso) ?? "" }

    static func row(_ e: Episode) -> [String] {
        [e.episodeID, e.childID, e.service, e.level, d(e.referralDate), d(e.allocationDate), d(e.assessmentDate),
         d(e.closureDate), e.closureReason ?? "", e.birthMonth?.text ?? "", e.gender, e.ethnicity ?? ""]
    }

    static func batch(_ rows: ReturnRows) -> ReturnBatch { ReturnBatch(rows, file: rows.file) }

    static func episode(_ b: ReturnBatch, _ id: String) -> Episode? { b.episodes.first { $0.episodeID == id } }
}

@Suite struct CINCensusTests {
    typealias S = ReturnsTestSupport

    /// Line numbers matter: rejects name the element's line.
    static let census = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Message>
          <Header>
            <CollectionDetails>
              <Collection>CIN</Collection>
              <Year>2024</Year>
            </CollectionDetails>
          </Header>
          <Children>
            <Child>
              <ChildIdentifiers>
                <LAchildID>K1</LAchildID>
                <UPN>A123456789012</UPN>
                <PersonBirthDate>2015-06-20</PersonBirthDate>
                <GenderCurrent>2</GenderCurrent>
              </ChildIdentifiers>
              <ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>
              <CINdetails>
                <CINreferralDate>2023-01-10</CINreferralDate>
                <CINclosureDate>2023-05-01</CINclosureDate>
                <ReasonForClosure>RC1</ReasonForClosure>
                <Assessments><AssessmentAuthorisationDate>2022-12-01</AssessmentAuthorisationDate></Assessments>
                <Assessments><AssessmentAuthorisationDate>2023-02-20</AssessmentAuthorisationDate></Assessments>
                <Assessments><AssessmentAuthorisationDate>2023-01-25</AssessmentAuthorisationDate></Assessments>
                <ChildProtectionPlans>
                  <CPPstartDate>2023-02-01</CPPstartDate>
                  <CPPendDate>2023-04-15</CPPendDate>
                </ChildProtectionPlans>
              </CINdetails>
              <CINdetails>
                <CINreferralDate>2023-09-03</CINreferralDate>
              </CINdetails>
            </Child>
            <Child>
              <ChildIdentifiers>
                <LAchildID>K2</LAchildID>
                <UPNunknown>UN3</UPNunknown>
                <Sex>1</Sex>
              </ChildIdentifiers>
              <CINdetails>
                <ReferralSource>1A</ReferralSource>
                <ChildProtectionPlans><CPPstartDate></CPPstartDate></ChildProtectionPlans>
              </CINdetails>
            </Child>
          </Children>
        </Message>

        """

    func read(_ xml: String, settings: ReturnsSettings = ReturnsSettings()) throws -> ReturnRows {
        let t = TempDir()
        let p = t.write("cin.xml", xml)
        return try CINCensusReader.read(path: p, file: "cin.xml", settings: settings)
    }

    @Test func twoCINDetailsAndAPlanGiveThreeEpisodes() throws {
        let b = S.batch(try read(Self.census))
        // Hand-counted: K1 has two CINdetails and one plan; K2's two blocks have no start date.
        #expect(b.recordsRead == 5)
        #expect(b.episodes.map(\.episodeID) == ["CIN-K1-2023-01-10", "CP-K1-2023-02-01", "CIN-K1-2023-09-03"])
        #expect(S.row(b.episodes[0]) == ["CIN-K1-2023-01-10", "K1", "CSC", "CIN", "2023-01-10", "2023-01-10",
                                         "2023-01-25", "2023-05-01", "RC1", "2015-06", "Female", "WBRI"])
        #expect(S.row(b.episodes[1]) == ["CP-K1-2023-02-01", "K1", "CSC", "CP", "", "2023-02-01", "",
                                         "2023-04-15", "", "2015-06", "Female", "WBRI"])
        #expect(S.row(b.episodes[2]) == ["CIN-K1-2023-09-03", "K1", "CSC", "CIN", "2023-09-03", "2023-09-03", "",
                                         "", "", "2015-06", "Female", "WBRI"])
        #expect(b.episodes.allSatisfy { $0.schoolURN == nil && $0.familyID == nil && $0.locality == "Unknown" })
    }

    @Test func blocksWithNoStartDateAreRejectedOnTheirElementsLine() throws {
        let b = S.batch(try read(Self.census))
        #expect(b.rejects.map(\.line) == [40, 42])
        #expect(b.rejects.allSatisfy { $0.reason.hasPrefix("no start date") && $0.reason.contains("K2") && $0.file == "cin.xml" })
        #expect(b.rejects.map(\.column) == ["allocation_date", "allocation_date"])
        #expect(b.rejects[0].reason.contains("CINreferralDate") && b.rejects[1].reason.contains("CPPstartDate"))
    }

    @Test func upnModeKeysByUPNAndRejectsChildrenWithoutOne() throws {
        let b = S.batch(try read(Self.census, settings: ReturnsSettings(childID: .upn, service: "sw")))
        #expect(b.episodes.map(\.episodeID) == ["CIN-A123456789012-2023-01-10", "CP-A123456789012-2023-02-01",
                                                "CIN-A123456789012-2023-09-03"])
        #expect(Set(b.episodes.map(\.childID)) == ["A123456789012"])
        #expect(Set(b.episodes.map(\.service)) == ["SW"])
        // K2 has only UN3: each of its blocks is rejected for the UPN before anything else.
        #expect(b.rejects.map(\.line) == [40, 42])
        #expect(b.rejects.allSatisfy { $0.reason.hasPrefix("no UPN") && $0.column == "child_id" })
    }

    @Test func sexIsReadAndAGenderCodeMapsAsSpecified() throws {
        let xml = Self.census.replacingOccurrences(of: "<GenderCurrent>2</GenderCurrent>", with: "<Sex>9</Sex>")
        #expect(S.batch(try read(xml)).episodes.allSatisfy { $0.gender == "Other" })
        let zero = Self.census.replacingOccurrences(of: "<GenderCurrent>2</GenderCurrent>", with: "<GenderCurrent>0</GenderCurrent>")
        #expect(S.batch(try read(zero)).episodes.allSatisfy { $0.gender == "Unknown" })
        let one = Self.census.replacingOccurrences(of: "<GenderCurrent>2</GenderCurrent>", with: "<Sex>1</Sex><GenderCurrent>2</GenderCurrent>")
        #expect(S.batch(try read(one)).episodes.allSatisfy { $0.gender == "Male" })  // Sex wins over the older element
    }

    @Test func namespacedElementsAreRead() throws {
        let xml = Self.census.replacingOccurrences(of: "<Message>", with: "<cin:Message xmlns:cin=\"urn:x\">")
            .replacingOccurrences(of: "</Message>", with: "</cin:Message>")
            .replacingOccurrences(of: "<CINreferralDate>", with: "<cin:CINreferralDate>")
            .replacingOccurrences(of: "</CINreferralDate>", with: "</cin:CINreferralDate>")
        #expect(S.batch(try read(xml)).episodes.count == 3)
    }

    @Test func recognisedByRootAndCollectionOnly() throws {
        let t = TempDir()
        #expect(CINCensusReader.isCensus(path: t.write("a.xml", Self.census)))
        let school = Self.census.replacingOccurrences(of: "<Collection>CIN</Collection>", with: "<Collection>SCHOOL CENSUS</Collection>")
        #expect(!CINCensusReader.isCensus(path: t.write("b.xml", school)))
        #expect(!CINCensusReader.isCensus(path: t.write("c.xml", "<Other><Header/></Other>")))
        #expect(!CINCensusReader.isCensus(path: t.write("d.xml", "not xml at all")))
        #expect(ReturnRecognition.recognise(path: t.file("a.xml")) == .cinCensus)
        #expect(ReturnRecognition.recognise(path: t.file("b.xml")) == nil)
        #expect(throws: ExtractError.self) { try CINCensusReader.read(path: t.file("b.xml"), file: "b.xml", settings: ReturnsSettings()) }
    }

    @Test func malformedXMLIsAContractErrorNamingTheLine() throws {
        let broken = Self.census.replacingOccurrences(of: "</CINdetails>\n      <CINdetails>", with: "</CINdetail>\n      <CINdetails>")
        do {
            _ = try read(broken)
            Issue.record("a broken census must not load")
        } catch let e as ExtractError {
            #expect(e.localizedDescription.contains("cin.xml") && e.localizedDescription.contains("line"))
        }
    }

    @Test func duplicateReferralDatesAreDuplicatesNamingTheFirstLine() throws {
        let xml = Self.census.replacingOccurrences(of: "<CINreferralDate>2023-09-03</CINreferralDate>",
                                                   with: "<CINreferralDate>2023-01-10</CINreferralDate>")
        let b = S.batch(try read(xml))
        #expect(b.episodes.count == 2)
        let dup = b.rejects.first { $0.line == 30 }
        #expect(dup?.reason.contains("duplicate") == true && dup?.reason.contains("line 18") == true)
    }

    @Test func closureBeforeReferralIsRejectedByTheContract() throws {
        let xml = Self.census.replacingOccurrences(of: "<CINclosureDate>2023-05-01</CINclosureDate>",
                                                   with: "<CINclosureDate>2022-05-01</CINclosureDate>")
        let b = S.batch(try read(xml))
        let r = b.rejects.first { $0.line == 18 }
        #expect(r?.column == "closure_date")
        #expect(b.episodes.count == 2)
    }
}

@Suite struct SSDA903Tests {
    typealias S = ReturnsTestSupport

    static let header = """
        CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
        101,1,15/03/2010,WBRI,A1,,
        102,2,01/02/2012,BAFR,UN1,,

        """
    /// Rows out of DECOM order; 103 is not in the header table.
    static let episodes = """
        CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
        101,05/06/2020,P,C2,N1,U4,PR1,01/09/2020,X1,CARPL,,,SC111111
        101,01/04/2020,S,C2,N1,U1,PR1,05/06/2020,X1,,,,SC222222
        101,01/09/2020,L,C2,N1,U4,PR1,31/01/2021,E11,,,,SC111111
        101,01/06/2022,S,V2,N2,U1,PR1,,,,,,SC333333
        102,10/10/2021,S,C2,N1,K2,PR1,12/12/2021,E13,,,,
        103,10/10/2021,S,C2,N1,K2,PR1,,,,,,
        103,11/11/2021,P,C2,N1,K2,PR1,,,,,,

        """

    func read(settings: ReturnsSettings = ReturnsSettings(), episodes: String = Self.episodes) throws -> ReturnBatch {
        let t = TempDir()
        let h = try SSDA903Reader.readHeader(path: t.write("h.csv", Self.header), file: "h.csv")
        return S.batch(try SSDA903Reader.readEpisodes(path: t.write("episodes.csv", episodes), file: "episodes.csv",
                                                      header: h.children, settings: settings))
    }

    func row(_ child: String, _ decom: String, _ rne: String, _ dec: String, _ rec: String, _ line: Int) -> SSDA903Row {
        SSDA903Row(child: child, decom: decom, rne: rne, dec: dec, rec: rec, line: line)
    }

    @Test func chainSThenX1ThenE11IsOneClosedPeriod() {
        let p = SSDA903Reader.periods([
            row("1", "01/04/2020", "S", "05/06/2020", "X1", 2),
            row("1", "05/06/2020", "P", "01/09/2020", "E11", 3),
        ])
        #expect(p == [SSDA903Period(child: "1", start: "01/04/2020", line: 2, end: "01/09/2020", reason: "E11")])
    }

    @Test func periodsSplitAtEachEndAndAnOpenLastRowStaysOpen() {
        let p = SSDA903Reader.periods([
            row("1", "2021-01-01", "S", "", "", 5),             // open, after the first period
            row("1", "2020-01-01", "S", "2020-02-01", "X1", 2),
            row("1", "2020-02-01", "T", "2020-03-01", "E4A", 3),
        ])
        #expect(p.map(\.start) == ["2020-01-01", "2021-01-01"])
        #expect(p.map(\.end) == ["2020-03-01", ""])
        #expect(p.map(\.reason) == ["E4A", ""])
        #expect(p.map(\.line) == [2, 5])
        // A chain whose every row says X1 has not ended.
        let x = SSDA903Reader.periods([row("1", "2020-01-01", "S", "2020-02-01", "X1", 2)])
        #expect(x.map(\.end) == [""] && x.map(\.reason) == [""])
    }

    @Test func episodesTableGivesOneCICEpisodePerPeriodOfCare() throws {
        let b = try read()
        #expect(b.recordsRead == 7)
        #expect(b.episodes.map(\.episodeID) == ["CLA-101-2020-04-01", "CLA-101-2022-06-01", "CLA-102-2021-10-10"])
        #expect(S.row(b.episodes[0]) == ["CLA-101-2020-04-01", "101", "CSC", "CIC", "", "2020-04-01", "",
                                         "2021-01-31", "E11", "2010-03", "Male", "WBRI"])
        #expect(S.row(b.episodes[1]) == ["CLA-101-2022-06-01", "101", "CSC", "CIC", "", "2022-06-01", "",
                                         "", "", "2010-03", "Male", "WBRI"])
        #expect(S.row(b.episodes[2]) == ["CLA-102-2021-10-10", "102", "CSC", "CIC", "", "2021-10-10", "",
                                         "2021-12-12", "E13", "2012-02", "Female", "BAFR"])
        // The URN is the placement's: never a school.
        #expect(b.episodes.allSatisfy { $0.schoolURN == nil })
    }

    @Test func aChildMissingFromTheHeaderTableHasEveryRowRejected() throws {
        let b = try read()
        #expect(b.rejects.map(\.line) == [7, 8])
        #expect(b.rejects.allSatisfy { $0.reason.hasPrefix("child not in the 903 header table") && $0.value == "103" })
    }

    @Test func upnModeRejectsEachRowOfAChildWithoutAUPN() throws {
        let b = try read(settings: ReturnsSettings(childID: .upn))
        #expect(b.episodes.map(\.episodeID) == ["CLA-A1-2020-04-01", "CLA-A1-2022-06-01"])
        #expect(b.rejects.map(\.line) == [6, 7, 8])
        #expect(b.rejects[0].reason.hasPrefix("no UPN") && b.rejects[0].value == "UN1")
    }

    @Test func aRowWhoseDECOMIsNotADateIsRejectedAndTheRestStillForm() throws {
        let bad = Self.episodes.replacingOccurrences(of: "102,10/10/2021", with: "102,31/02/2021")
        let b = try read(episodes: bad)
        #expect(b.rejects.first?.line == 6 && b.rejects.first?.column == "allocation_date")
        #expect(b.episodes.count == 2)
    }

    @Test func tablesAreToldApartByHeader() {
        #expect(SSDA903Reader.table(headerNames: ["child", " sex ", "DOB", "ethnic", "UPN"]) == .header)
        #expect(SSDA903Reader.table(headerNames: Self.episodes.split(separator: "\n")[0].split(separator: ",").map(String.init)) == .episodes)
        #expect(SSDA903Reader.table(headerNames: ["CHILD", "DUC"]) == .other)
        #expect(SSDA903Reader.table(headerNames: ["episode_id", "child_id"]) == nil)
    }
}

@Suite struct AnnexAMappingTests {
    typealias S = ReturnsTestSupport
    typealias R = SheetRows.Row

    static let sheets = [
        SheetRows(name: "List 1", rows: [R(number: 1, cells: ["Child Unique ID", "Gender"]), R(number: 2, cells: ["Z9", "a) Male"])]),
        SheetRows(name: "List 2", rows: [
            R(number: 1, cells: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Assessment start date", "Assessment completion date"]),
            R(number: 2, cells: ["E1", "d) Neither", "s) NOBT", "2019-01-01", "4", "2023-02-01", "2023-02-10"]),
        ]),
        SheetRows(name: "List 6", rows: [
            R(number: 1, cells: ["Annex A: List 6 children in need"]),
            R(number: 3, cells: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "CIN Start Date",
                                 "CIN Closure Date", "Reason for Closure"]),
            R(number: 4, cells: ["X1", "a) Male", "a) WBRI", "2012-03-04", "11", "44927", "#N/A", "RC1"]),
            R(number: 5, cells: ["X2", "b) Female", "c) WOTH - White Other", "#N/A", "", "01/02/2023", "2023-03-01", "RC2"]),
            R(number: 6, cells: ["X3", "c) Not stated/recorded", "", "", "", "", "", ""]),
            R(number: 7, cells: ["#N/A", "#N/A", "#REF!"]),
        ]),
        SheetRows(name: "list 7 ", rows: [
            R(number: 1, cells: ["child unique id", "Child Protection Plan Start Date", "Child Protection Plan End Date", "Gender"]),
            R(number: 2, cells: ["X1", "2023-01-05", "", "1"]),
        ]),
        SheetRows(name: "List 8", rows: [
            R(number: 1, cells: ["Child Unique ID", "Date Started to be Looked After", "Date Ceased to be Looked After",
                                 "Reason Ceased to be Looked After"]),
            R(number: 2, cells: ["Y1", "2022-11-30", "2023-02-02", "E11"]),
        ]),
    ]

    @Test func listsTwoSixSevenEightGiveEpisodes() throws {
        let rows = try AnnexAMapping.map(sheets: Self.sheets, file: "annex.xlsx", settings: ReturnsSettings(service: "SC"))
        let b = S.batch(rows)
        #expect(b.recordsRead == 6)  // List 1 ignored; List 6 row 7 holds only error values
        #expect(b.episodes.map { S.row($0) } == [
            ["EH-E1-2023-02-01", "E1", "EH", "EH3", "", "2023-02-01", "2023-02-10", "", "", "2019-01", "Other", "NOBT"],
            ["CIN-X1-2023-01-01", "X1", "SC", "CIN", "", "2023-01-01", "", "", "RC1", "2012-03", "Male", "WBRI"],
            ["CIN-X2-2023-02-01", "X2", "SC", "CIN", "", "2023-02-01", "", "2023-03-01", "RC2", "", "Female", "WOTH"],
            ["CP-X1-2023-01-05", "X1", "SC", "CP", "", "2023-01-05", "", "", "", "", "Male", ""],
            ["CLA-Y1-2022-11-30", "Y1", "SC", "CIC", "", "2022-11-30", "", "2023-02-02", "E11", "", "Unknown", ""],
        ])
    }

    @Test func aRowWithNoStartDateIsRejectedNamingSheetAndRow() throws {
        let b = S.batch(try AnnexAMapping.map(sheets: Self.sheets, file: "annex.xlsx", settings: ReturnsSettings()))
        #expect(b.rejects.count == 1)
        let r = b.rejects[0]
        #expect(r.file == "annex.xlsx" && r.sheet == "List 6" && r.line == 6 && r.location == "List 6!6")
        #expect(r.column == "allocation_date" && r.reason.hasPrefix("required value is empty"))
    }

    @Test func aListWithoutItsStartColumnRejectsTheFile() {
        let s = [SheetRows(name: "List 6", rows: [R(number: 1, cells: ["Child Unique ID", "Start"]), R(number: 2, cells: ["A", "2023-01-01"])])]
        #expect(throws: ExtractError.self) { try AnnexAMapping.map(sheets: s, file: "a.xlsx", settings: ReturnsSettings()) }
    }

    @Test func recognisedBySheetNames() {
        #expect(AnnexAMapping.isAnnexA(sheetNames: (1...11).map { "List \($0)" }))
        #expect(AnnexAMapping.isAnnexA(sheetNames: ["List 6", " list 7", "LIST 8"]))
        #expect(!AnnexAMapping.isAnnexA(sheetNames: ["List 6", "List 7", "Sheet1"]))
    }

    @Test func codesAndSerialDates() {
        #expect(ReturnCodes.gender("a) Male") == "Male" && ReturnCodes.gender("b) Female") == "Female")
        #expect(ReturnCodes.gender("c) Not stated/recorded") == "Unknown" && ReturnCodes.gender("d) Neither") == "Other")
        #expect(ReturnCodes.gender("F") == "F")  // left for the contract's own rule
        #expect(ReturnCodes.ethnicity("a) WBRI") == "WBRI" && ReturnCodes.ethnicity("ab) MWBC") == "MWBC")
        #expect(ReturnCodes.ethnicity("WBRI") == "WBRI" && ReturnCodes.ethnicity("White British") == "White British")
        #expect(AnnexAMapping.serialDate("44927") == "2023-01-01" && AnnexAMapping.serialDate("45000.75") == "2023-03-15")
        #expect(AnnexAMapping.serialDate("1") == "1900-01-01" && AnnexAMapping.serialDate("2023-01-01") == "2023-01-01")
        #expect(ReturnCodes.upn("UN4") == nil && ReturnCodes.upn(" ") == nil && ReturnCodes.upn("A1") == "A1")
    }
}

@Suite struct AnnexASheetsTests {
    @Test func cellsReadAsText() throws {
        let t = TempDir()
        var b = XLSXBuilder()
        let h = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "CIN Start Date", "CIN Closure Date", "Reason for Closure"]
        var head: [String?] = []
        for x in h { head.append(b.s(x)) }
        let male = b.s("a) Male")
        b.sheets = [
            (name: "List 1", rows: []),
            (name: "List 6", rows: [
                (1, head),
                (2, [XLSXBuilder.inline("X1"), male, XLSXBuilder.formula("VLOOKUP(C1,Codes!A:B,2,0)", cached: "b) WIRI"),
                     XLSXBuilder.date(40000), XLSXBuilder.num("17.0"), XLSXBuilder.date(44927), XLSXBuilder.err("#N/A"), XLSXBuilder.bool(true)]),
                (3, [nil, nil, nil, nil, nil, nil, nil, nil]),
                (17, [XLSXBuilder.num("12345"), nil, nil, "s=\"2\"><v>45000.75</v>", XLSXBuilder.num("3.5")]),
            ]),
            (name: "List 7", rows: []), (name: "List 8", rows: []),
        ]
        let p = t.file("annex.xlsx")
        try b.write(to: p)
        #expect(try AnnexASheets.sheetNames(path: p) == ["List 1", "List 6", "List 7", "List 8"])
        #expect(ReturnRecognition.recognise(path: p) == .annexA)
        let sheets = try AnnexASheets.read(path: p, file: "annex.xlsx", sheets: ["List 6", "List 2"])
        #expect(sheets.map(\.name) == ["List 6"])
        let rows = sheets[0].rows
        #expect(rows.map(\.number) == [1, 2, 17])
        #expect(rows[0].cells == h)
        // 40000 is 2009-07-06; the error cell is empty; the boolean reads TRUE.
        #expect(rows[1].cells == ["X1", "a) Male", "b) WIRI", "2009-07-06", "17", "2023-01-01", "", "TRUE"])
        #expect(rows[2].cells == ["12345", "", "", "2023-03-15", "3.5"])
        let mapped = ReturnBatch(try AnnexAMapping.map(sheets: sheets, file: "annex.xlsx", settings: ReturnsSettings()), file: "annex.xlsx")
        #expect(mapped.episodes.map(\.episodeID) == ["CIN-X1-2023-01-01"])
        #expect(mapped.episodes.first?.ethnicity == "WIRI" && mapped.episodes.first?.birthMonth?.text == "2009-07")
        #expect(mapped.rejects.map(\.location) == ["List 6!17"])  // no start date on row 17
    }

    @Test func aFileThatIsNotAWorkbookIsUnreadable() {
        let t = TempDir()
        let p = t.write("annex.xlsx", "plain text")
        #expect(ReturnRecognition.recognise(path: p) == nil)
        #expect(throws: ExtractError.self) { try AnnexASheets.read(path: p, file: "annex.xlsx", sheets: ["List 6"]) }
    }
}
