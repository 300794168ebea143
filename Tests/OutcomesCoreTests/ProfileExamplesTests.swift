import Foundation
import Testing
@testable import OutcomesCore

/// The shipped worked examples in `profiles/examples/` load their tiny synthetic exports, and
/// PROFILES.md 14's unrecognised-code warnings and data-quality checks.
@Suite struct ProfileExamplesTests {
    func example(_ name: String) throws -> Profile {
        let path = ProfileSupport.examples + "/\(name).yml"
        return try Profile.parse(try String(contentsOfFile: path, encoding: .utf8), name: name, origin: path)
    }

    func folder(_ t: TempDir, with fixture: String) throws -> String {
        let dir = t.file("in")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ProfileSupport.fixtures + "/" + fixture, toPath: dir + "/" + fixture)
        return dir
    }

    static let columns = ["episode_id", "child_id", "family_id", "service", "locality", "level", "referral_date",
                          "allocation_date", "first_contact_date", "assessment_date", "closure_date", "closure_reason",
                          "birth_month", "gender", "ethnicity", "send"]

    @Test func eclipseWindows1252Export() throws {
        let t = TempDir()
        let (r, store) = try ProfileSupport.load(t, folder: try folder(t, with: "EH_Episodes_2026-10.csv"), profiles: [try example("eclipse-early-help")])
        #expect(r.contractError == nil)
        #expect(try ProfileSupport.episodes(store, Self.columns) == [
            "EC1|P1|F1|YIT|Exeter|EH3|2026-09-01|2026-09-03|2026-09-04|2026-09-20|||2012-02|Female|WBRI|0",
            "EC2|P2|F1|FIT|Château Nord|EH4||2026-09-05|||2026-10-30|Family’s goals achieved – closed|2010-02|Male|AIND|1",
        ])
        // EC3's first contact (01/09) is before its start (07/09).
        #expect(r.rejects.map { "\($0.file) \($0.line) \($0.column) \($0.value)" } == ["EH_Episodes_2026-10.csv 4 first_contact_date 01/09/2026"])
    }

    @Test func eclipseExportReadAsUTF8IsRejectedNamingTheLine() throws {
        let t = TempDir()
        let text = try String(contentsOfFile: ProfileSupport.examples + "/eclipse-early-help.yml", encoding: .utf8)
        let utf8 = try Profile.parse(text.replacingOccurrences(of: "encoding: windows-1252", with: "encoding: utf-8"), name: "x", origin: "x.yml")
        let (r, _) = try ProfileSupport.load(t, folder: try folder(t, with: "EH_Episodes_2026-10.csv"), profiles: [utf8])
        // 'â' of Château is byte 0xE2 on line 3, followed by 't': not UTF-8.
        guard case .invalidText(let f, 3, _, .invalidUTF8)? = r.contractError else { Issue.record("\(String(describing: r.contractError))"); return }
        #expect(f == "EH_Episodes_2026-10.csv")
    }

    @Test func mosaicWorkbookWithCodedGenderAndListPrefixes() throws {
        let t = TempDir()
        let (r, store) = try ProfileSupport.load(t, folder: try folder(t, with: "Mosaic EH Episodes 2026-10.xlsx"), profiles: [try example("mosaic-early-help")])
        #expect(r.contractError == nil)
        #expect(try ProfileSupport.episodes(store, Self.columns) == [
            "M1|P1||BRIDGES|North|EH3||2026-09-01|||||2011-03|Male|WBRI|",
            "M2|P2||BRIDGES|South|EH4||2026-09-02|||2026-10-15|Goals achieved|2013-07|Female|AIND|",
            "M3|P3||BRIDGES|East|EH3||2026-09-03||||||Unknown|ZZ) NOT A CODE|",
        ])
        #expect(r.rejects.map { "\($0.location) \($0.column) \($0.value)" } == ["Episodes!8 level x) Level 9"])
        // One of three accepted ethnicities was not recognised: over 5%, so a warning names it.
        #expect(r.warnings.contains { $0.hasPrefix("Mosaic EH Episodes 2026-10.xlsx: 33.3% of the non-empty ethnicity values (1 of 3) were not recognised and became Unknown; most common: 'zz) Not a code' (1)") })
    }

    @Test func standardSafeguardingDatasetEarlyHelpEpisodes() throws {
        let t = TempDir()
        let (r, store) = try ProfileSupport.load(t, folder: try folder(t, with: "ssd_early_help_episodes.csv"), profiles: [try example("ssd-early-help")])
        #expect(r.contractError == nil && r.rejects.isEmpty)
        #expect(try ProfileSupport.episodes(store, ["episode_id", "child_id", "service", "level", "allocation_date", "closure_date", "closure_reason", "gender"]) == [
            "1001|PER-7|EARLY HELP NORTH|EH3|2026-08-01|||Unknown",
            "1002|PER-8|EARLY HELP SOUTH|EH3|2026-08-15|2026-10-20|Goals achieved|Unknown",
        ])
    }

    @Test func examplesAreNotLoadedByDefault() throws {
        #expect(try Profile.load(folder: CLI.repo.appendingPathComponent("profiles").path).isEmpty)
        #expect(try Profile.load(folder: ProfileSupport.examples).map(\.name) == ["eclipse-early-help", "mosaic-early-help", "ssd-early-help"])
    }

    @Test func theReadmeProfileIsValidAndReadsAWorkbookSheetAndCSV() throws {
        let readme = try String(contentsOf: CLI.repo.appendingPathComponent("README.md"), encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "# profiles/eclipse-eh.yml\n").last?.components(separatedBy: "```").first)
        let p = try Profile.parse(block, name: "eclipse-eh", origin: "README.md")
        #expect(p.kind == .episodes && p.encoding == .windows1252 && p.sheet == "Episodes" && p.headerRow == 3)
        #expect(p.values["ethnicity"]?.map("a) WBRI - White British") == "WBRI")
        #expect(p.matches(fileName: "EARLY HELP oct.xlsx") && p.matches(fileName: "EH_Episodes_2026-10.csv"))
    }

    // MARK: PROFILES.md 14

    @Test func unrecognisedCodesWarnAboveFivePercentNamingTheThreeMostCommon() {
        var u = UnrecognisedCodes()
        // 40 gender values: 20 recognised (Female/M/U/Not stated), 20 not: 1 ×9, 2 ×6, X ×3, 9 ×2.
        for (v, n) in [("Female", 10), ("M", 5), ("U", 3), ("Not stated", 2), ("1", 9), ("2", 6), ("X", 3), ("9", 2)] {
            for _ in 0..<n { u.note(gender: v, ethnicity: "") }
        }
        // 21 ethnicity values: 20 DfE (REFU, NOBT and CHNE included) and one unlisted: 4.8%, no warning.
        for v in ["WBRI", "refu", "NOBT", "CHNE"] { for _ in 0..<5 { u.note(gender: "", ethnicity: v) } }
        u.note(gender: "", ethnicity: "a) WBRI")
        #expect(u.gender.nonEmpty == 40 && u.gender.unrecognised == 20 && u.ethnicity.nonEmpty == 21 && u.ethnicity.unrecognised == 1)
        #expect(u.warnings(file: "eh.csv") == [
            "eh.csv: 50.0% of the non-empty gender values (20 of 40) were not recognised and became Other; most common: '1' (9), '2' (6), 'X' (3). Map them to contract values with a profile's values (docs/PROFILES.md).",
        ])
        u.note(gender: "", ethnicity: "W")
        #expect(u.warnings(file: "eh.csv").count == 2)  // 2 of 22 = 9.1%
    }

    @Test func dataQualityGainsTheUnrecognisedChecks() throws {
        let t = TempDir()
        t.write("in/episodes.csv", """
            episode_id,child_id,service,level,allocation_date,gender,ethnicity
            E1,C1,YIT,EH3,2026-01-05,1,a) WBRI
            E2,C2,YIT,EH3,2026-01-05,F,WBRI
            E3,C3,YIT,EH3,2026-01-05,Not known,NOBT
            E4,C4,YIT,EH3,2026-01-05,,

            """)
        let (_, store) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [])
        let m = try #require(Month(text: "2026-01"))
        let figures = try store.read { db in try DataQuality.checks.indices.map { try DataQuality.figures(check: $0, db: db, period: m) } }
        let (text, failed) = DataQuality.csv(figures: figures, thresholds: DataQuality.defaultThresholds)
        #expect(text.contains("episodes_unrecognised_gender_pct,Episodes whose gender was not recognised (stored as Other),1,4,25.0,1.0,fail"))
        #expect(text.contains("episodes_unrecognised_ethnicity_pct,Episodes whose ethnicity is not a DfE code (grouped as Unknown),1,4,25.0,1.0,fail"))
        #expect(failed.contains("episodes_unrecognised_gender_pct") && failed.contains("episodes_unrecognised_ethnicity_pct"))
    }
}
