import Foundation
import Testing
@testable import OutcomesCore

/// The input profiles' mapping on the parsing thread (docs/PERFORMANCE.md, MappedBlocks.swift):
/// whatever the block and read sizes, profiled files loaded on two threads give exactly the
/// store, rejects, warnings and file results of one thread, and a fault keeps its place.
@Suite struct ParallelMappingTests {
    typealias Rand = ProfileFastPathTests.Rand

    static let profiles = [
        // Rows rebuilt: title rows above the header, a constant, value maps (plain, regex, a
        // non-ASCII key, so every gender value takes the String route), MDY dates, one source
        // column feeding two date columns.
        ("cases", """
            kind: episodes
            files: ["Cases*.csv"]
            header_row: 3
            dates: MDY
            columns: {episode_id: "Case Ref", child_id: Person, allocation_date: Start, referral_date: Start, closure_date: End, gender: Sex, ethnicity: Ethnicity, level: Level}
            constants: {service: FIT}
            values:
              level: {Targeted: EH3, "": EH4, "/^Level (\\\\d)$/": "EH$1"}
              gender: {"1": Male, "2": Female, "É": Female}
              ethnicity: {"/^[a-z]\\\\) *([A-Z]{4})\\\\b.*$/": "$1"}
            """),
        ("registers", """
            kind: attendance
            files: ["Registers*.csv"]
            dates: MDY
            columns: {child_id: "Pupil ID", school_urn: URN, date: "Session Date", session: "AM/PM", mark: Code}
            values:
              session: {Morning: AM, Afternoon: PM}
              mark: {"/^([A-Z]) - .*$/": "$1", present: "/", "": N}
            """),
        // Columns renamed only: rows pass through untouched after the header.
        ("scores", """
            kind: outcomes
            files: ["Scores*.csv"]
            header_row: 2
            columns: {episode_id: Ref, assessment_date: When, stage: Stage, domain: Area, score: Score, rated_by: By}
            """),
    ]

    static func quoted(_ f: String) -> String {
        f.contains(",") || f.contains("\"") || f.contains("\n") ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
    }

    static func line(_ fields: [String]) -> String { fields.map(quoted).joined(separator: ",") + "\n" }

    /// The three files, with rejects of every sort: wrong field counts, month 13, codes no map
    /// knows (one non-ASCII, one multi-line quoted), duplicates, unknown episodes; and quoted
    /// fields holding commas, quotes and line breaks in a column the profile does not use.
    static func writeFolder(_ t: TempDir) throws -> String {
        var rnd = Rand(state: 5)
        var cases = "Case export,,\nRun on 1/2/2025 by \"admin\",,\n"
        cases += line(["Case Ref", "Person", "Start", "End", "Sex", "Ethnicity", "Level", "Notes"])
        let levels = ["Targeted", "targeted", "", "Level 3", "Level 4", "Level 9", "EH2", "Level\n3"]
        let genders = ["1", "2", "3", "É", "é", "m", "", "F"]
        let ethnicities = ["a) WBRI - White British", "b)AIND", "WBRI", "", "Château", "s) NOBT x"]
        let notes = ["", "", "seen, twice", "said \"no\"", "first\nsecond", "a\r\nb, \"c\"\nd"]
        for i in 0..<300 {
            let m = 1 + rnd.next(12), d = 1 + rnd.next(28)
            let start = rnd.next(25) == 0 ? "13/\(d)/2023" : "\(m)/\(d)/2023"
            let end = rnd.next(3) == 0 ? "" : "12/\(d)/2023"
            var row = ["E\(rnd.next(250))", "C\(i)", start, end, rnd.pick(genders), rnd.pick(ethnicities), rnd.pick(levels),
                       rnd.pick(notes)]
            if i % 53 == 7 { row.removeLast() }
            cases += line(row)
        }
        t.write("in/Cases-2025.csv", cases)

        var registers = line(["Pupil ID", "URN", "Session Date", "AM/PM", "Code", "Comment"])
        let sessions = ["Morning", "morning", "Afternoon", "AM", "PM", "Evening"]
        let marks = ["/", "\\", "N - No reason", "L - Late", "present", "", "Présent", "L - Late\nagain", "Q"]
        for i in 0..<1200 {
            let m = 1 + rnd.next(12), d = 1 + rnd.next(28)
            var row = ["C\(rnd.next(300))", "1000\(rnd.next(3))", "\(m)/\(d)/2024", rnd.pick(sessions), rnd.pick(marks),
                       rnd.pick(notes)]
            if i % 97 == 5 { row.append("extra") }
            registers += line(row)
        }
        t.write("in/Registers-autumn.csv", registers)

        var scores = "Outcome scores\n" + line(["Ref", "When", "Area", "Stage", "By", "Score"])
        for i in 0..<400 {
            let row = ["E\(rnd.next(300))", "2024-0\(1 + rnd.next(9))-1\(rnd.next(9))", "financial_stability",
                       rnd.pick(["entry", "review", "exit", "later"]), rnd.pick(["practitioner", ""]), String(1 + rnd.next(11))]
            scores += line(i % 71 == 3 ? Array(row.dropLast()) : row)
        }
        t.write("in/Scores-2024.csv", scores)
        return t.file("in")
    }

    struct Loaded: Equatable {
        var files: [FileLoadResult]
        var rejects: [Reject]
        var warnings: [String]
        var error: String?
        var tables: [String: [[String]]]
    }

    static func load(_ folder: String, _ t: TempDir, threads: Int, bufferSize: Int = 1 << 20,
                     blockSize: Int = 1 << 20) throws -> Loaded {
        let store = try Store(path: t.file("s-\(UUID().uuidString).db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.profiles = try profiles.map { try ProfileSupport.profile($0.1, name: $0.0) }
        loader.threads = threads
        loader.bufferSize = bufferSize
        loader.parseBlockSize = blockSize
        let r = try loader.load(folder: folder)
        return Loaded(files: r.files, rejects: r.rejects, warnings: r.warnings, error: r.contractError.map { "\($0)" },
                      tables: try ParallelLoadTests.dump(store))
    }

    static let sizes = [(1, 1), (3, 5), (7, 64), (200, 300), (4096, 4096), (1 << 20, 7), (1 << 20, 1 << 20)]

    @Test(arguments: sizes)
    func profiledFilesLoadOnTwoThreadsExactlyAsOnOne(sizes: (read: Int, block: Int)) throws {
        let t = TempDir()
        let folder = try Self.writeFolder(t)
        let one = try Self.load(folder, t, threads: 1)
        let two = try Self.load(folder, t, threads: 2, bufferSize: sizes.read, blockSize: sizes.block)
        #expect(one == two)
        // The files hold what the test is about.
        #expect(one.error == nil && one.files.count == 3 && one.files.allSatisfy { $0.rowsLoaded > 50 })
        #expect(one.tables["episodes"]?.isEmpty == false && one.tables["attendance_months"]?.isEmpty == false
                && one.tables["outcomes"]?.isEmpty == false)
        let rejects = one.rejects
        // A value no map knows, shown as the source has it: non-ASCII (the String route) and a
        // multi-line quoted one.
        #expect(rejects.contains { $0.file == "Registers-autumn.csv" && $0.column == "mark" && $0.value == "Présent" })
        #expect(rejects.contains { $0.column == "mark" && $0.value == "L - Late\nagain" })
        #expect(rejects.contains { $0.file == "Cases-2025.csv" && $0.column == "level" && $0.value == "Level\n3" })
        // A mapped value the contract refuses shows the source's value, not the mapped one.
        #expect(rejects.contains { $0.column == "level" && $0.value == "Level 9" })
        #expect(rejects.contains { $0.file == "Cases-2025.csv" && $0.column == "referral_date" && $0.value.hasPrefix("13/") })
        for file in ["Cases-2025.csv", "Registers-autumn.csv", "Scores-2024.csv"] {
            #expect(rejects.contains { $0.file == file && $0.column.isEmpty && $0.reason.contains("as in the header") })
        }
        #expect(one.warnings.contains { $0.hasPrefix("Cases-2025.csv: ") && $0.contains("gender") })
    }

    /// A header fault (found by the mapping step, now on the parsing thread) and a parser fault
    /// after mapped rows reach the caller exactly as on one thread: same message, same rows
    /// before it, nothing after it.
    @Test(arguments: [(1, 4), (7, 64), (1 << 20, 1 << 20)])
    func faultsKeepTheirPlace(sizes: (read: Int, block: Int)) throws {
        let t = TempDir()
        let missing = "Case export,,\nRun on 1/2/2025,,\nCase Ref,Person,Begin,Level\nE1,C1,1/2/2024,Targeted\n"
        let duplicate = "Case export,,\n,,\nCase Ref,Person,Start,Level,person\nE1,C1,1/2/2024,Targeted,C1\n"
        var open = "Pupil ID,URN,Session Date,AM/PM,Code\n"
        for i in 0..<300 { open += "C\(i),10001,9/\(1 + i % 28)/2025,Morning,\(i % 5 == 0 ? "Présent" : "/")\n" }
        open += "C9,10001,\"9/1/2025,Morning,/\nC10,10001,9/2/2025,Afternoon,/\n"
        let expected = [
            "Cases-1.csv": "\(ExtractError.missingMappedColumn(file: "Cases-1.csv", profile: "cases", column: "allocation_date", looked: ["Start"], headers: ["Case Ref", "Person", "Begin", "Level"]))",
            "Cases-2.csv": "\(ExtractError.duplicateColumn(file: "Cases-2.csv", column: "person", first: 2, second: 5, line: 3))",
            "Registers-1.csv": "\(ExtractError.unclosedQuote(file: "Registers-1.csv", line: 302))",
            // The header's fault comes first in the file, so it wins over the parser's at the end.
            "Cases-3.csv": "\(ExtractError.missingMappedColumn(file: "Cases-3.csv", profile: "cases", column: "allocation_date", looked: ["Start"], headers: ["Case Ref", "Person", "Begin", "Level"]))",
        ]
        let both = missing + "E2,C2,\"1/3/2024,Targeted\n"
        for (name, text) in [("Cases-1.csv", missing), ("Cases-2.csv", duplicate), ("Registers-1.csv", open), ("Cases-3.csv", both)] {
            let folder = t.file("in-\(name)")
            t.write("in-\(name)/\(name)", text)
            let one = try Self.load(folder, t, threads: 1)
            let two = try Self.load(folder, t, threads: 2, bufferSize: sizes.read, blockSize: sizes.block)
            #expect(one == two, "\(name)")
            #expect(one.error == expected[name], "\(name)")
        }
    }

    /// The parsing thread's route (`RowMapper.mapInBlock`: rows kept in the block, the few-keys
    /// scan, results written once per block) against the one-thread route (`RowMapper.map`, rows
    /// copied) on values at the scan's edges: empty (a `""` key), a key's prefix, a key with
    /// more after it, case, 16 and 17 bytes, a quoted value (needlessly, and with a comma in
    /// it), non-ASCII; with the columns in contract order (the source's bounds copied whole)
    /// and in another order.
    @Test(arguments: [(1, 4), (7, 64), (1 << 20, 1 << 20)])
    func theFewKeysRouteMapsAsTheCopyingOne(sizes: (read: Int, block: Int)) throws {
        let t = TempDir()
        let yaml = """
            kind: attendance
            files: ["Edges*.csv"]
            dates: MDY
            columns: {child_id: "Pupil ID", school_urn: URN, date: "Session Date", session: "AM/PM", mark: Code}
            values:
              session: {Morning: AM, Afternoon: PM, "": PM}
              mark: {present: "/", sixteen-chars-ab: L, "/^late (.)$/": "$1"}
            """
        let sessions = ["Morning", "MORNING", "mOrNiNg", "\"Morning\"", "Morn", "Morning!", "\"Morn,ing\"", "", "Afternoon",
                        "AM", "pm", "Mörning", "\u{212A}"]
        let marks = ["present", "PRESENT", "presen", "presentx", "\"present\"", "sixteen-chars-ab", "SIXTEEN-CHARS-AB",
                     "sixteen-chars-abc", "sixteen-chars-a", "late L", "Late L", "", "/", "N"]
        var rnd = Rand(state: 9)
        var inOrder = "Pupil ID,URN,Session Date,AM/PM,Code,Note\n"
        var reordered = "Code,AM/PM,Session Date,Pupil ID,Note,URN\n"
        for i in 0..<600 {
            let child = "C\(rnd.next(200))", urn = "1000\(rnd.next(3))", date = "\(1 + rnd.next(12))/\(1 + rnd.next(28))/2024"
            let session = rnd.pick(sessions), mark = rnd.pick(marks), note = rnd.pick(["", "\"a, b\"", "x"])
            inOrder += [child, urn, date, session, mark, note].joined(separator: ",") + "\n"
            reordered += [mark, session, date, child, note, urn].joined(separator: ",") + "\n"
            if i % 113 == 7 { inOrder += "\(child),\(urn),\(date),Morning\n" }  // a wrong field count
        }
        t.write("in/Edges-1.csv", inOrder)
        t.write("in/Edges-2.csv", reordered)
        func load(threads: Int) throws -> Loaded {
            let store = try Store(path: t.file("s-\(UUID().uuidString).db"))
            var loader = Loader(store: store, maxRejectPct: 100)
            loader.profiles = [try ProfileSupport.profile(yaml, name: "edges")]
            loader.threads = threads
            loader.bufferSize = sizes.read
            loader.parseBlockSize = sizes.block
            let r = try loader.load(folder: t.file("in"))
            return Loaded(files: r.files, rejects: r.rejects, warnings: r.warnings, error: r.contractError.map { "\($0)" },
                          tables: try ParallelLoadTests.dump(store))
        }
        let one = try load(threads: 1), two = try load(threads: 2)
        #expect(one == two)
        #expect(one.error == nil && one.files.count == 2 && one.files.allSatisfy { $0.rowsLoaded > 100 })
        // Rejected values show as the source has them (quotes undone), mapped ones too.
        for v in ["Morn", "Morning!", "Morn,ing", "Mörning", "\u{212A}"] {
            #expect(one.rejects.contains { $0.column == "session" && $0.value == v }, "\(v)")
        }
        for v in ["presen", "presentx", "sixteen-chars-abc", "Late L"] {
            #expect(one.rejects.contains { $0.column == "mark" && $0.value == v }, "\(v)")
        }
    }
}
