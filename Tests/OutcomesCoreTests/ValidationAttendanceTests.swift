import Testing
@testable import OutcomesCore

func attendanceBatch(_ rows: [[String]], names: [String] = AttendanceColumn.names) throws -> AttendanceBatch {
    let h = try HeaderMap(kind: .attendance, file: "attendance-2026-10.csv", names: names)
    var b = AttendanceBatch(AttendanceValidator(file: "attendance-2026-10.csv", header: h))
    try feed(rows) { try b.add($0) }
    #expect(b.rowsRead == b.loaded + b.rejected)
    return b
}

@Suite struct ValidationAttendanceTests {
    let october = Month(year: 2026, month: 10)

    /// A packed October (31 days): `'0'` everywhere except the given (slot, code) pairs.
    func marks(_ pairs: [(Int, String)], days: Int = 31) -> [UInt8] {
        var m = [UInt8](repeating: 48, count: 2 * days)
        for (slot, code) in pairs { m[slot] = 48 + AttendanceMarks.number(of: code)! }
        return m
    }

    @Test func packsSessionsIntoCalendarMonthsWithAmPmSlots() throws {
        let b = try attendanceBatch([
            ["C1", "100", "2026-10-07", "AM", "/"],     // day 7 AM: slot 12
            ["C1", "100", "7/10/2026", "pm", "N"],      // day 7 PM: slot 13
            ["C1", "100", "2026-10-01T08:30", "Am", "L"], // day 1 AM: slot 0
            ["C1", "100", "2026-10-31", "PM", "#"],     // day 31 PM: last slot, 61
            ["C1", "100", "2026-11-02", "AM", "X"],     // next month
        ])
        #expect(b.rejects.isEmpty)
        #expect(b.months() == [
            AttendanceMonth(childID: "C1", schoolURN: "100", month: october,
                            marks: marks([(12, "/"), (13, "N"), (0, "L"), (61, "#")])),
            AttendanceMonth(childID: "C1", schoolURN: "100", month: october.adding(1),
                            marks: marks([(2, "X")], days: 30)),
        ])
    }

    @Test func twoSchoolsOnTheSameDateAreSeparateSessions() throws {
        let b = try attendanceBatch([
            ["C1", "200", "2026-10-07", "AM", "/"],
            ["C1", "100", "2026-10-07", "AM", "B"],
            ["C1", "", "2026-10-07", "AM", "C"],
        ])
        #expect(b.rejects.isEmpty && b.loaded == 3)
        #expect(b.months().map(\.schoolURN) == ["", "100", "200"])
    }

    @Test func monthsAreSortedByChildSchoolMonth() throws {
        let b = try attendanceBatch([
            ["C2", "100", "2026-11-14", "AM", "/"],
            ["C1", "100", "2026-11-14", "AM", "/"],
            ["C2", "100", "2026-10-07", "AM", "/"],
            ["C10", "100", "2026-10-07", "AM", "/"],
        ])
        #expect(b.months().map { "\($0.childID)@\($0.month.text)" } == ["C1@2026-11", "C10@2026-10", "C2@2026-10", "C2@2026-11"])
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
        #expect(b.months()[0].marks[12] == 48 + AttendanceMarks.number(of: "/")!)
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
        #expect(b.months().first?.schoolURN == "")
    }

    @Test func manyIdsSurviveInternerGrowth() throws {
        var rows: [[String]] = []
        for i in 0..<3000 { rows.append(["C\(i)", "S\(i % 7)", "2026-10-07", "PM", "/"]) }
        rows.append(["C5", "S5", "2026-10-07", "PM", "N"])
        let b = try attendanceBatch(rows)
        #expect(b.loaded == 3000 && b.rejects.count == 1 && b.rejects[0].reason.contains("of line 7"))
        #expect(Set(b.months().map { $0.childID + "/" + $0.schoolURN }).count == 3000)
    }
}
