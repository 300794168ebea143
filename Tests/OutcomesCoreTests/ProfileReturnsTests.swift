import Foundation
import Testing
@testable import OutcomesCore

/// The national returns inside the profile machinery: recognised by content before any profile
/// glob or name prefix, and listed by `outcomes profiles --check` as their built-in profile.
@Suite struct ProfileReturnsTests {
    /// The sample returns, a contract file and a user's file in `data/`, and a profile whose glob
    /// also matches the 903 episodes table (`episodes.csv`).
    func folder(_ t: TempDir) throws {
        try FileManager.default.createDirectory(atPath: t.file("data"), withIntermediateDirectories: true)
        for f in ReturnsLoadTests.returnFiles {
            try FileManager.default.copyItem(atPath: (ReturnsLoadTests.fixtures as NSString).appendingPathComponent(f),
                                             toPath: t.file("data/\(f)"))
        }
        t.write("profiles/eh.yml", "kind: episodes\nfiles: [\"episodes*.csv\", \"EH_*.csv\"]\ncolumns: {episode_id: Case}\n")
        t.write("data/EH_2026.csv", "Case,child_id,service,level,allocation_date\nE1,C1,YIT,EH3,2026-01-05\n")
        t.write("data/outcomes_2026.csv", "episode_id,assessment_date,stage,domain,score\n")
    }

    @Test func aReturnIsRecognisedBeforeAProfileGlobThatMatchesItsName() throws {
        let t = TempDir()
        try folder(t)
        let profiles = try Profile.load(folder: t.file("profiles"))
        let plan = try Loader.plan(folder: t.file("data"), profiles: profiles)
        let byName = Dictionary(uniqueKeysWithValues: plan.items.map { ($0.name, $0) })
        #expect(byName["episodes.csv"]?.source == .ssda903(.episodes))
        #expect(byName["episodes.csv"]?.profile == nil)
        #expect(byName["EH_2026.csv"]?.profile?.name == "eh")
        #expect(byName["annex-a.xlsx"]?.source == .annexA)
        #expect(plan.ssda903Headers == ["903_header.csv"])

        // Loaded: the 903 table gives CIC episodes, the profile's file its one EH3 episode.
        let (r, store) = try ProfileSupport.load(t, folder: t.file("data"), profiles: profiles)
        #expect(r.contractError == nil)
        #expect(r.files.first { $0.file == "episodes.csv" }?.returnSource == .ssda903(.episodes))
        #expect(try ProfileSupport.episodes(store, ["episode_id", "source_file"]).contains("E1|EH_2026.csv"))
        let services = try store.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT service FROM episodes WHERE source_file = 'episodes.csv'")
        }
        #expect(services == ["CSC"])
    }

    @Test func theProfilesCommandShowsWhichReturnEachFileWasRecognisedAs() throws {
        let t = TempDir()
        try folder(t)
        let r = try CLI.run(["profiles", "--check", "data"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        for builtIn in ["  cin-census: Children in Need census, read as episodes",
                        "  ssda903: SSDA903 children looked after, read as episodes",
                        "  annex-a: Ofsted Annex A, read as episodes",
                        "  eh: kind episodes; files episodes*.csv, EH_*.csv (from profiles/eh.yml)"] {
            #expect(lines.contains(builtIn), "\(r.stdout)")
        }
        // Load order: episodes kind first (names in byte order, the 903 header table just before
        // its episodes table), then outcomes.
        let files = lines.drop { !$0.hasPrefix("data: ") }.dropFirst().filter { $0.hasPrefix("  ") && $0.contains(", by ") }
        #expect(files == [
            "  EH_2026.csv: episodes, by profile eh",
            "  annex-a.xlsx: episodes, by its content: built-in profile " + RecognisedReturn.annexA.description,
            "  cin-census.xml: episodes, by its content: built-in profile " + RecognisedReturn.cinCensus.description,
            "  903_header.csv: episodes, by its content: built-in profile " + RecognisedReturn.ssda903(.header).description,
            "  episodes.csv: episodes, by its content: built-in profile " + RecognisedReturn.ssda903(.episodes).description,
            "  outcomes_2026.csv: outcomes, by its name (contract file)",
        ], "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("  903_uasc.csv: a table of the SSDA903 return") })
        #expect(r.stdout.contains("data: 6 files would be read"))
    }
}
