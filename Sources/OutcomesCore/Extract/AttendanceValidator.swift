/// One accepted register session, still pointing into the reader's buffer.
///
/// The id bytes are valid only while the record is being visited; `AttendanceBatch` interns them,
/// so a row costs no `String` unless its child or school is new to the file.
public struct AttendanceSession {
    public let childID: UnsafeBufferPointer<UInt8>
    /// Empty when the extract left it empty (allowed).
    public let schoolURN: UnsafeBufferPointer<UInt8>
    /// The register date's calendar parts (valid); `date` is its day number.
    public let year: Int, month: Int, day: Int
    public var date: Day { Days.from(year: year, month: month, day: day) }
    public let pm: Bool
    /// `AttendanceMarks` number (never 0).
    public let mark: UInt8
}

/// Checks `attendance` rows (EXTRACTS.md "attendance", ATTENDANCE_CODES.md) from bytes.
///
/// This runs for every register session (about 8 million a year), so the accepting path parses
/// bytes only; Strings are built just for a reject.
public struct AttendanceValidator {
    public let file: String
    public let header: HeaderMap
    // Field index per contract column; -1 reads as empty (school_urn may be absent).
    let child: Int, school: Int, date: Int, session: Int, mark: Int

    /// Replaces child ids of accepted sessions (`pseudonymise`), nil when not configured.
    public let pseudonymiser: Pseudonymiser?

    public init(file: String, header: HeaderMap, rules: ExtractRules = ExtractRules()) {
        self.file = file; self.header = header; pseudonymiser = rules.pseudonymiser
        let ix = header.fieldIndex
        child = ix[AttendanceColumn.childID.rawValue]; school = ix[AttendanceColumn.schoolURN.rawValue]
        date = ix[AttendanceColumn.date.rawValue]; session = ix[AttendanceColumn.session.rawValue]
        mark = ix[AttendanceColumn.mark.rawValue]
    }

    typealias C = AttendanceColumn

    /// The session a record holds, or its reject (first faulty column in contract order).
    @inline(__always)
    public func validate(_ rec: CSVRecord) -> Result<AttendanceSession, Reject> {
        guard rec.fieldCount == header.fieldCount else {
            return .failure(RowFields.fieldCountReject(rec, file: file, header: header)!)
        }
        let c = rec.bytes(child), s = rec.bytes(session), m = rec.bytes(mark)
        guard !c.isEmpty else { return .failure(reject(rec, .childID, Reasons.requiredEmpty)) }
        guard let day = FieldParsers.civilDate(rec.bytes(date)) else { return .failure(dateReject(rec)) }
        guard let pm = FieldParsers.session(s) else {
            return .failure(reject(rec, .session, s.isEmpty ? Reasons.requiredEmpty
                : Reasons.unknownCode("session", allowed: "AM, PM")))
        }
        guard let n = FieldParsers.mark(m) else {
            return .failure(reject(rec, .mark, m.isEmpty ? Reasons.requiredEmpty : Self.unknownMark))
        }
        return .success(AttendanceSession(childID: c, schoolURN: rec.bytes(school), year: day.year, month: day.month,
                                          day: day.day, pm: pm, mark: n))
    }

    static let unknownMark = "unknown attendance mark; use a register code from docs/ATTENDANCE_CODES.md "
        + "exactly, letters in upper case (for example /, \\, L, C, N, X)"

    func dateReject(_ rec: CSVRecord) -> Reject {
        reject(rec, .date, rec.bytes(date).isEmpty ? Reasons.requiredEmpty : Reasons.invalidDate)
    }

    func reject(_ rec: CSVRecord, _ c: C, _ reason: String) -> Reject {
        RowFields(rec: rec, file: file, header: header, names: AttendanceColumn.names).reject(c.rawValue, reason)
    }
}
