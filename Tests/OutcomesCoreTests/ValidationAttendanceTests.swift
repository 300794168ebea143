import Testing
@testable import OutcomesCore

func attendanceBatch(_ rows: [[String]], names: [String] = AttendanceColumn.names) throws -> AttendanceBatch {
    let h = try HeaderMap(kind: .attendance, file: "attendance-2026-10.csv", names: names)
    var b = AttendanceBatch(AttendanceValidator(file: "attendance-2026-10.csv", header: h))
    feed(rows) { b.add($0) }
    #expect(b.rowsRead == b.loaded + b.rejected)
    return b
}

@Suite struct ValidationAttendanceTests {
    // 2026-10-05 is a Monday; 2026-10-07 a Wednesday.
    let monday = Days.from(year: 2026, month: 10, day: 5)

    func marks(_ pairs: [(Int, String)]) -> [UInt8] {
        var m = [UInt8](repeating: 0, count: 14)
        for (slot, code) in pairs { m[slot] = AttendanceMarks.number(of: code)! }
        return m
    }

    @Test func packsSessionsIntoMondayWeeksWithAmPmSlots() throws {
        let b = try attendanceBatch([
            ["C1", "100", "2026-10-07", "AM", "/"],
            ["C1", "100", "7/10/2026", "pm", "N"],
            ["C1", "100", "2026-10-05T08:30", "Am", "L"],
            ["C1", "100", "2026-10-11", "PM", "#"],  // Sunday: same week, last slot
            ["C1", "100", "2026-10-12", "AM", "X"],  // next Monday: next week
        ])
        #expect(b.rejects.isEmpty)
        #expect(b.weeks() == [
            AttendanceWeek(childID: "C1", schoolURN: "100", weekStart: monday,
                           marks: marks([(4, "/"), (5, "N"), (0, "L"), (13, "#")])),
            AttendanceWeek(childID: "C1", schoolURN: "100", weekStart: monday + 7, marks: marks([(0, "X")])),
        ])
    }

    @Test func twoSchoolsOnTheSameDateAreSeparateSessions() throws {
        let b = try attendanceBatch([
            ["C1", "200", "2026-10-07", "AM", "/"],
            ["C1", "100", "2026-10-07", "AM", "B"],
            ["C1", "", "2026-10-07", "AM", "C"],
        ])
        #expect(b.rejects.isEmpty && b.loaded == 3)
        #expect(b.weeks().map(\.schoolURN) == ["", "100", "200"])
    }

    @Test func weeksAreSortedByChildSchoolWeek() throws {
        let b = try attendanceBatch([
            ["C2", "100", "2026-10-14", "AM", "/"],
            ["C1", "100", "2026-10-14", "AM", "/"],
            ["C2", "100", "2026-10-07", "AM", "/"],
            ["C10", "100", "2026-10-07", "AM", "/"],
        ])
        #expect(b.weeks().map { "\($0.childID)@\($0.weekStart - monday)" } == ["C1@7", "C10@0", "C2@0", "C2@7"])
    }

    @Test func duplicateSessionNamesTheFirstLine() throws {
        let b = try attendanceBatch([
            ["C1", "100", "2026-10-07", "AM", "/"],
            ["C1", "100", "2026-10-07", "AM", "Q"],
            ["C1", "100", "07/10/2026 13:00", "am", "N"],
        ])
        #expect(b.loaded == 1 && b.rejects.map(\.line) == [3, 4])
        let r = b.rejects[0]
        #expect(r.column == "child_id" && r.value == "C1")
        #expect(r.reason.contains("duplicate key (child_id C1, school_urn 100, date 2026-10-07, session AM) of line 2"))
        #expect(b.weeks()[0].marks[4] == AttendanceMarks.number(of: "/"))
    }

    @Test func rejectedSessionIsNeverTheFirstOfADuplicate() throws {
        let b = try attendanceBatch([
            ["C1", "100", "2026-10-07", "AM", "zz"],
            ["C1", "100", "2026-10-07", "AM", "/"],
        ])
        #expect(b.loaded == 1 && b.rejects.map(\.column) == ["mark"])
    }

    @Test(arguments: [
        (["", "100", "2026-10-07", "AM", "/"], "child_id", "required value is empty"),
        (["C1", "100", "", "AM", "/"], "date", "required value is empty"),
        (["C1", "100", "2026-02-30", "AM", "/"], "date", "invalid date"),
        (["C1", "100", "2026-10-07", "", "/"], "session", "required value is empty"),
        (["C1", "100", "2026-10-07", "MORNING", "/"], "session", "unknown session"),
        (["C1", "100", "2026-10-07", "AM", ""], "mark", "required value is empty"),
        (["C1", "100", "2026-10-07", "AM", "l"], "mark", "unknown attendance mark"),
        (["C1", "100", "2026-10-07", "AM", "Y8"], "mark", "unknown attendance mark"),
        (["C1", "100", "2026-13-07", "XX", "zz"], "date", "invalid date"),
    ])
    func rejects(_ row: [String], _ column: String, _ reason: String) throws {
        let b = try attendanceBatch([row])
        let r = try #require(b.rejects.first)
        #expect(r.line == 2 && r.column == column && r.reason.contains(reason))
        #expect(r.value == row[AttendanceColumn.names.firstIndex(of: column)!])
    }

    @Test func wrongFieldCountAndMissingOptionalSchool() throws {
        let b = try attendanceBatch([["C1", "2026-10-07", "AM", "/"], ["C1", "2026-10-07", "AM"]],
                                    names: ["child_id", "date", "session", "mark"])
        #expect(b.loaded == 1 && b.rejects.map(\.column) == [""])
        #expect(b.weeks().first?.schoolURN == "")
    }

    @Test func manyIdsSurviveInternerGrowth() throws {
        var rows: [[String]] = []
        for i in 0..<3000 { rows.append(["C\(i)", "S\(i % 7)", "2026-10-07", "PM", "/"]) }
        rows.append(["C5", "S5", "2026-10-07", "PM", "N"])
        let b = try attendanceBatch(rows)
        #expect(b.loaded == 3000 && b.rejects.count == 1 && b.rejects[0].reason.contains("of line 7"))
        #expect(Set(b.weeks().map { $0.childID + "/" + $0.schoolURN }).count == 3000)
    }
}
