import Foundation
import Testing
@testable import OutcomesCore

/// PRECISE.md 30: two header columns with the same name (after trimming and case-folding) reject
/// the file, naming both positions.
@Suite struct DuplicateHeaderTests {
    @Test func sameNameAfterTrimmingAndCaseRejectsNamingBothPositions() {
        #expect(throws: ExtractError.duplicateColumn(file: "a.csv", column: "Child_ID", first: 1, second: 4)) {
            try HeaderMap(kind: .attendance, file: "a.csv", names: ["child_id", "date", "session", " Child_ID\t", "mark"])
        }
        // A column the contract does not know counts too: which `notes` would a later profile mean?
        #expect(throws: ExtractError.duplicateColumn(file: "a.csv", column: "NOTES", first: 2, second: 7)) {
            try HeaderMap(kind: .attendance, file: "a.csv",
                          names: ["child_id", "notes", "date", "session", "mark", "x", "NOTES"])
        }
        // The duplicate is reported even when a required column is also missing (it is the first fault read).
        #expect(throws: ExtractError.duplicateColumn(file: "a.csv", column: "date", first: 1, second: 2)) {
            try HeaderMap(kind: .attendance, file: "a.csv", names: ["date", "date"])
        }
    }

    @Test func namelessColumnsMayRepeat() throws {
        let h = try HeaderMap(kind: .attendance, file: "a.csv", names: ["child_id", "date", "session", "mark", "", " "])
        #expect(h.fieldCount == 6 && h.extraColumns.isEmpty)
    }

    @Test func loaderStopsAtTheFileAndLoadsNothingFromIt() throws {
        let t = TempDir()
        t.write("in/attendance.csv", "child_id,school_urn,date,session,mark,School_URN\nC1,1,2025-09-01,AM,/,2\n")
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store).load(folder: t.file("in"))
        #expect(r.contractError == .duplicateColumn(file: "attendance.csv", column: "School_URN", first: 2, second: 6))
        #expect(try store.rowCounts()["attendance_months"] == 0)
        let message = try #require(r.contractError?.localizedDescription)
        #expect(message.contains("columns 2 and 6") && message.contains("attendance.csv"))
    }
}
