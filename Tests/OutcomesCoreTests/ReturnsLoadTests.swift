import Foundation
import Testing
@testable import OutcomesCore

/// The national returns through the loader: recognised by content, loaded, replaced and rejected
/// like any episodes file, and compared with what the fixture generator's own model expects.
@Suite struct ReturnsLoadTests {
    typealias S = ReturnsTestSupport
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/returns").path
    static let returnFiles = ["903_header.csv", "903_uasc.csv", "annex-a.xlsx", "cin-census.xml", "episodes.csv"]

    /// A copy of the sample returns (without the expected results) in a fresh folder.
    func sampleFolder(_ t: TempDir) throws -> String {
        let dir = t.file("in")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in Self.returnFiles {
            try FileManager.default.copyItem(atPath: (Self.fixtures as NSString).appendingPathComponent(f),
                                             toPath: (dir as NSString).appendingPathComponent(f))
        }
        return dir
    }

    static func expectedCSV(_ name: String) throws -> [[String]] {
        let text = try String(contentsOfFile: "\(fixtures)/expected/\(name)", encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func sampleReturnsLoadAsTheGeneratorsModelSays() throws {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: try sampleFolder(t))
        #expect(r.contractError == nil)
        // episodes.csv is a 903 episodes table, read as 903 whatever its name says; the header table
        // is read for it, just before it.
        #expect(r.files.map(\.file) == ["annex-a.xlsx", "cin-census.xml", "903_header.csv", "episodes.csv"])
        #expect(r.files.map(\.returnSource) == [.annexA, .cinCensus, .ssda903(.header), .ssda903(.episodes)])
        #expect(r.warnings.contains { $0.hasPrefix("903_uasc.csv") && $0.contains("SSDA903") })
        let stored = try store.read { try Store.episodes($0) }.map(S.row)
        #expect(stored == (try Self.expectedCSV("episodes.csv")))
        let expectedRejects = try Self.expectedCSV("rejects.csv")
        #expect(r.rejects.count == expectedRejects.count)
        for e in expectedRejects {
            #expect(r.rejects.contains { $0.file == e[0] && $0.location == e[1] && $0.reason.hasPrefix(e[2]) }, "missing reject \(e)")
        }
    }

    /// Memory limit 0: every reject goes through the spool's temporary file, which keeps the sheet.
    @Test(arguments: [RejectSpool.defaultMemoryLimit, 0])
    func theStoreKeepsAWorkbookRejectsSheetAndRow(rejectMemoryLimit: Int) throws {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.rejectMemoryLimit = rejectMemoryLimit
        _ = try loader.load(folder: try sampleFolder(t))
        let lines = try store.read { try String.fetchAll($0, sql: "SELECT CAST(line AS TEXT) FROM rejects WHERE file_name = 'annex-a.xlsx'") }
        #expect(lines == ["List 6!6"])
    }

    @Test func loadingTheSameReturnsAgainChangesNothing() throws {
        let t = TempDir()
        let dir = try sampleFolder(t)
        let store = try Store(path: t.file("s.db"))
        _ = try Loader(store: store, maxRejectPct: 100).load(folder: dir)
        let before = try store.rowCounts()
        let again = try Loader(store: store, maxRejectPct: 100).load(folder: dir)
        #expect(again.files.allSatisfy { $0.unchanged })
        #expect(try store.rowCounts() == before)
        // A changed header table loads the 903 episodes again (their gender comes from it).
        let h = (dir as NSString).appendingPathComponent("903_header.csv")
        let text = try String(contentsOfFile: h, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        var first = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        first[1] = first[1] == "1" ? "2" : "1"
        let changed = ([lines[0], first.joined(separator: ",")] + lines.dropFirst(2)).joined(separator: "\r\n")
        try changed.write(toFile: h, atomically: true, encoding: .utf8)
        let third = try Loader(store: store, maxRejectPct: 100).load(folder: dir)
        #expect(third.files.first { $0.file == "episodes.csv" }?.unchanged == false)
        #expect(third.files.first { $0.file == "cin-census.xml" }?.unchanged == true)
        let child = first[0]
        let genders = Set(try store.read { try Store.episodes($0) }.filter { $0.level == "CIC" && $0.childID == child }.map(\.gender))
        #expect(genders == [first[1] == "1" ? "Male" : "Female"])
    }

    @Test func anEpisodesTableWithoutAHeaderTableRejectsTheFile() throws {
        let t = TempDir()
        t.write("in/episodes.csv", SSDA903Tests.episodes)
        let r = try Loader(store: nil, write: false).load(folder: t.file("in"))
        #expect(r.contractError == .missing903Header(file: "episodes.csv"))
    }

    @Test func nextYearsReturnUpdatesTheSameEpisodes() throws {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        let open = CINCensusTests.census
        t.write("y1/cin-2023.xml", open)
        _ = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("y1"))
        // A year on the open CIN episode has closed.
        let closed = open.replacingOccurrences(of: "<CINreferralDate>2023-09-03</CINreferralDate>",
                                               with: "<CINreferralDate>2023-09-03</CINreferralDate><CINclosureDate>2024-02-01</CINclosureDate>")
        t.write("y2/cin-2024.xml", closed)
        _ = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("y2"))
        let eps = try store.read { try Store.episodes($0) }
        #expect(eps.count == 3)
        #expect(eps.first { $0.episodeID == "CIN-K1-2023-09-03" }?.closureDate == Days.parseISO("2024-02-01"))
    }

    @Test func recognitionIsReportedPerFile() throws {
        let t = TempDir()
        let dir = try sampleFolder(t)
        t.write("in/episodes-eh.csv", "episode_id,child_id,service,level,allocation_date\nE1,C1,YIT,EH3,2026-01-01\n")
        let found = try ReturnRecognition.check(folder: dir)
        #expect(found.map(\.file) == ["903_header.csv", "903_uasc.csv", "annex-a.xlsx", "cin-census.xml", "episodes.csv"])
        #expect(found.map(\.recognised) == [.ssda903(.header), .ssda903(.other), .annexA, .cinCensus, .ssda903(.episodes)])
        #expect(found[4].recognised.description.hasPrefix("ssda903 episodes table"))
    }

    @Test func configurationKeys() throws {
        let c = try OutcomesConfig.parse("returns_child_id: upn\nreturns_service: sw\n")
        #expect(c.returns == ReturnsSettings(childID: .upn, service: "sw"))
        #expect(try OutcomesConfig.parse("").returns == ReturnsSettings())
        #expect(throws: ConfigError.badValue("returns_child_id", "one of: la_child_id, upn")) {
            try OutcomesConfig.parse("returns_child_id: pupil\n")
        }
        #expect(throws: ConfigError.badValue("returns_service", "a service code such as CSC")) {
            try OutcomesConfig.parse("returns_service: \"\"\n")
        }
    }

    @Test func commandLineLoadsReturnsAndExitsThreeWithoutAHeaderTable() throws {
        let t = TempDir()
        let dir = try sampleFolder(t)
        let ok = try CLI.run(["load", "--extracts", dir, "--db", t.file("s.db"), "--max-reject-pct", "100"], cwd: t.path)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("cin-census.xml (Children in Need census)") || ok.stdout.contains("cin-census.xml (Children in Need census)"))
        try FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent("903_header.csv"))
        let bad = try CLI.run(["load", "--extracts", dir, "--db", t.file("s2.db"), "--max-reject-pct", "100"], cwd: t.path)
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("episodes.csv") && bad.stderr.contains("903 header table"))
    }
}
