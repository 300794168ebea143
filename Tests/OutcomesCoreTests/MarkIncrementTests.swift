import Testing
@testable import OutcomesCore

/// The report reads packed sessions through a 256-entry table (one lookup per session, no
/// subtraction to trap): every known mark adds one to its class's counter, and nothing else adds.
@Suite struct MarkIncrementTests {
    @Test func everyMarkCountsInItsClassAndOtherBytesCountNothing() throws {
        let table = Store.markIncrements
        #expect(table.count == 256)
        // Counters: attended, authorised, unauthorised, not possible (docs/ATTENDANCE_CODES.md).
        let expected: [String: SIMD4<Int32>] = [
            "/": [1, 0, 0, 0], "L": [1, 0, 0, 0], "K": [1, 0, 0, 0], "J": [1, 0, 0, 0],
            "C": [0, 1, 0, 0], "I": [0, 1, 0, 0], "H": [0, 1, 0, 0], "F": [0, 1, 0, 0],
            "N": [0, 0, 1, 0], "O": [0, 0, 1, 0], "G": [0, 0, 1, 0], "U": [0, 0, 1, 0],
            "X": [0, 0, 0, 1], "#": [0, 0, 0, 1], "Y": [0, 0, 0, 1], "Z": [0, 0, 0, 1],
        ]
        for (code, v) in expected {
            let n = try #require(AttendanceMarks.number(of: code))
            #expect(table[Int(StoreSchema.noMark) + Int(n)] == v, "\(code)")
        }
        for (i, m) in AttendanceMarks.codes.enumerated() {
            let v = table[Int(StoreSchema.noMark) + i + 1]
            #expect(v[0] + v[1] + v[2] + v[3] == 1, "\(m.code) adds \(v)")
        }
        #expect(table[Int(StoreSchema.noMark)] == .zero)
        let known = Int(StoreSchema.noMark)...(Int(StoreSchema.noMark) + AttendanceMarks.codes.count)
        for b in 0..<256 where !known.contains(b) { #expect(table[b] == .zero, "byte \(b)") }
    }
}
