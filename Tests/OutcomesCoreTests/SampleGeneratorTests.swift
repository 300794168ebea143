import Foundation
import Testing
@testable import OutcomesCore

@Suite("SampleGenerator")
struct SampleGeneratorTests {
    static let month = Month(year: 2026, month: 10)

    /// Writes a small sample into a fresh temporary folder and returns the folder.
    static func make(seed: UInt64, gzip: Bool = false) throws -> String {
        let dir = NSTemporaryDirectory() + "outcomes-sample-test-\(UUID().uuidString)"
        try SampleGenerator(seed: seed, scale: .small, lastMonth: month)
            .write(to: dir, gzipAttendance: gzip, gzipWriter: { try PlainFileSink(path: $0) })
        return dir
    }

    static func data(_ dir: String, _ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
    }

    /// A small RFC 4180 reader (quotes, doubled quotes, CRLF, a leading BOM) for checking the files.
    static func records(_ dir: String, _ name: String) throws -> [[String]] {
        var bytes = [UInt8](try data(dir, name))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var rows: [[String]] = [], row: [String] = [], field: [UInt8] = []
        var quoted = false, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == 34 {
                    if i + 1 < bytes.count && bytes[i + 1] == 34 { field.append(34); i += 1 } else { quoted = false }
                } else { field.append(b) }
            } else if b == 34 { quoted = true
            } else if b == 44 { row.append(String(decoding: field, as: UTF8.self)); field = []
            } else if b == 10 || b == 13 {
                if b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
                row.append(String(decoding: field, as: UTF8.self)); field = []
                rows.append(row); row = []
            } else { field.append(b) }
            i += 1
        }
        if !row.isEmpty || !field.isEmpty { row.append(String(decoding: field, as: UTF8.self)); rows.append(row) }
        return rows
    }

    static func column(_ rows: [[String]], _ name: String) -> Int {
        rows[0].firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == name }!
    }

    @Test func sameSeedGivesTheSameBytes() throws {
        let a = try Self.make(seed: 42), b = try Self.make(seed: 42)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        for name in SampleGenerator.fileNames(gzipAttendance: false) {
            #expect(try Self.data(a, name) == Self.data(b, name), "\(name) differs between two runs")
        }
    }

    @Test func differentSeedGivesDifferentData() throws {
        let a = try Self.make(seed: 1), b = try Self.make(seed: 2)
        defer { try? FileManager.default.removeItem(atPath: a); try? FileManager.default.removeItem(atPath: b) }
        for name in SampleGenerator.fileNames(gzipAttendance: false) {
            #expect(try Self.data(a, name) != Self.data(b, name), "\(name) is the same for seeds 1 and 2")
        }
    }

    @Test func gzipClosureMakesTheAttendanceFile() throws {
        var asked: [String] = []
        let dir = NSTemporaryDirectory() + "outcomes-sample-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let paths = try SampleGenerator(seed: 7, scale: .small, lastMonth: Self.month)
            .write(to: dir, gzipAttendance: true, gzipWriter: { asked.append($0); return try PlainFileSink(path: $0) })
        #expect(asked == [dir + "/attendance.csv.gz"])
        #expect(paths.map { ($0 as NSString).lastPathComponent }
            == ["episodes.csv", "outcomes.csv", "attendance.csv.gz", "feedback.csv"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/attendance.csv"))
    }

    @Test func smallScaleRowCountsAndHeaders() throws {
        let dir = try Self.make(seed: 2026)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let required: [String: [String]] = [
            "episodes.csv": ["episode_id", "child_id", "service", "level", "allocation_date"],
            "outcomes.csv": ["episode_id", "assessment_date", "stage", "domain", "score"],
            "attendance.csv": ["child_id", "date", "session", "mark"],
            "feedback.csv": ["response_id", "service", "received_date", "respondent", "instrument", "question"],
        ]
        let ranges: [String: ClosedRange<Int>] = [
            "episodes.csv": 280...340, "outcomes.csv": 1800...3300,
            "attendance.csv": 120_000...180_000, "feedback.csv": 600...1100,
        ]
        for name in SampleGenerator.fileNames(gzipAttendance: false) {
            let rows = try Self.records(dir, name)
            let header = Set(rows[0].map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            for col in required[name]! { #expect(header.contains(col), "\(name) lacks \(col)") }
            #expect(ranges[name]!.contains(rows.count - 1), "\(name) has \(rows.count - 1) rows")
            // Rows with the wrong number of fields are deliberate rejects, and rare (small episodes
            // carry only two rejects, a closure before allocation and a duplicate key).
            let wrong = rows.dropFirst().filter { $0.count != rows[0].count }.count
            #expect(wrong * 100 < rows.count, "\(name): \(wrong) rows with a wrong field count")
            if name != "episodes.csv" { #expect(wrong >= 1, "\(name) has no row with a wrong field count") }
        }
    }

    @Test func attendanceHasEveryMarkClassAndAFewRejects() throws {
        let dir = try Self.make(seed: 9)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rows = try Self.records(dir, "attendance.csv")
        let markCol = Self.column(rows, "mark")
        var classes = Set<UInt8>(), unknown = 0, pupils = Set<String>()
        var possible = [String: Int](), absent = [String: Int]()
        for r in rows.dropFirst() where r.count == rows[0].count {
            guard let n = AttendanceMarks.number(of: r[markCol]) else { unknown += 1; continue }
            let cls = AttendanceMarks.cls(ofNumber: n)
            classes.insert(cls.rawValue)
            pupils.insert(r[0])
            if cls.isPossible { possible[r[0], default: 0] += 1 }
            if cls == .authorised || cls == .unauthorised { absent[r[0], default: 0] += 1 }
        }
        #expect(classes == Set(MarkClass.allCases.map(\.rawValue)))
        // A deliberate invalid date is a well-formed row whose date does not exist.
        let dateCol = Self.column(rows, "date")
        #expect(rows.contains { $0.count == rows[0].count && ($0[dateCol].hasSuffix("-02-30") || $0[dateCol].hasPrefix("31/04/")) })
        #expect(unknown >= 1 && unknown * 1000 < rows.count)
        #expect((380...420).contains(pupils.count))
        let persistent = possible.filter { Double(absent[$0.key] ?? 0) / Double($0.value) >= 0.1 }.count
        #expect((pupils.count * 8 / 100...pupils.count * 25 / 100).contains(persistent),
                "\(persistent) of \(pupils.count) pupils persistently absent")
    }

    @Test func extractsAgreeAndExerciseQuotingAndTheFormulaGuard() throws {
        let dir = try Self.make(seed: 2026)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let episodes = try Self.records(dir, "episodes.csv")
        let ids = Set(episodes.dropFirst().map { $0[0] })
        let reasonCol = Self.column(episodes, "closure_reason")
        let reasons = episodes.dropFirst().compactMap { $0.count > reasonCol ? $0[reasonCol] : nil }
        #expect(reasons.contains { $0.hasPrefix("=") })
        #expect(reasons.contains { $0.contains(",") && $0.contains("\"") })
        #expect(episodes.dropFirst().contains { $0[Self.column(episodes, "closure_date")].isEmpty })

        let outcomes = try Self.records(dir, "outcomes.csv")
        let unknownOutcomes = outcomes.dropFirst().filter { !ids.contains($0[0]) }.count
        #expect(unknownOutcomes >= 1 && unknownOutcomes <= 3)

        let feedback = try Self.records(dir, "feedback.csv")
        let epCol = Self.column(feedback, "episode_id"), instCol = Self.column(feedback, "instrument")
        #expect(feedback.dropFirst().contains { $0[epCol].isEmpty })
        #expect(feedback.dropFirst().allSatisfy { $0.count <= epCol || $0[epCol].isEmpty || ids.contains($0[epCol]) })
        let instruments = Set(feedback.dropFirst().map { $0[instCol].lowercased() })
        #expect(instruments == ["closure_survey", "follow_up", "feedback_form", "app"])
    }
}
