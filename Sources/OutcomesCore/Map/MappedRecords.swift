import Foundation

/// One row after mapping: the record the validators read through `header`, where it came from,
/// and what the source said in the columns the mapping rewrote.
///
/// Like its record's bytes, a mapped record is valid only during the call that hands it out. It
/// holds no counted reference (the file's facts are behind `unowned(unsafe)`), so handing one
/// on per row costs no retain and release (issue 10's speed target).
public struct MappedRecord {
    /// Fields laid out as the file's `HeaderMap` says (contract order when the mapping rewrote
    /// values; the source's own order when it only renamed columns).
    public let record: CSVRecord
    /// The source row, and per contract column (bit c) whether the mapping changed its value
    /// (value maps, `MDY` dates); rejects show the source's value, as the person's file has it.
    let sourceRecord: CSVRecord?
    let rewritten: UInt64
    /// Kept alive by `MappedRecords.forEach` for the whole file.
    unowned(unsafe) let file: MappedFile

    public var header: HeaderMap { file.header }
    public var location: SourceLocation { SourceLocation(line: record.line, sheet: file.sheet) }
    var sourceIndex: [Int] { file.sourceIndex }

    /// The mapped value of a contract column ("" when empty or absent).
    public func value(_ column: String) -> String {
        guard let c = ExtractSchema.names(for: header.kind).firstIndex(of: column), header.fieldIndex[c] >= 0 else { return "" }
        return record.string(header.fieldIndex[c])
    }

    /// The value as the source file holds it, for a contract column the mapping rewrote.
    public func original(_ column: String) -> String? {
        guard let src = sourceRecord else { return nil }
        return Self.original(column, source: src, rewritten: rewritten, file: file)
    }

    static func original(_ column: String, source: CSVRecord, rewritten: UInt64, file: MappedFile) -> String? {
        guard let c = ExtractSchema.names(for: file.header.kind).firstIndex(of: column), rewritten & (1 << UInt64(c)) != 0
        else { return nil }
        return source.string(file.sourceIndex[c])
    }
}

/// The mapped row the caller's thread is handing on without a `MappedRecord` (the block route,
/// `MappedRecords.forEachBlock` with a `plain` receiver), for the rejects hook of `fill`: the
/// block's rows are noted once per block, the row's index once per row, in plain memory (no
/// run-time exclusivity check, no reference counted per row).
struct MappedCursor {
    var rows: UnsafePointer<MappedBlock.Row>?
    var records: RecordBlock.Records?
    unowned(unsafe) var file: MappedFile?
    /// The row being added; -1 outside `plain`.
    var index = -1

    /// The source's value of `column` when the row being added had it rewritten.
    func original(_ column: String) -> String? {
        guard index >= 0, let rows, let records, let file else { return nil }
        return MappedRecord.original(column, source: records[index], rewritten: rows[index].rewritten, file: file)
    }
}

/// What every mapped row of one file shares.
final class MappedFile {
    let header: HeaderMap
    let sheet: String?
    /// Per contract column, its field in the source row (-1 absent).
    let sourceIndex: [Int]

    init(header: HeaderMap, sheet: String?, sourceIndex: [Int]) {
        self.header = header; self.sheet = sheet; self.sourceIndex = sourceIndex
    }
}

/// The mapping step (PROFILES.md 2-6, 15): a `TableSource`'s rows in, records of contract
/// columns out, ready for the kind's validator. Without a profile the contract's own column
/// names are used; with one, its `columns`, `constants`, `values` and `dates` apply. The step
/// is generic: a built-in return (CIN census, SSDA903, Annex A) is a reader plus a profile.
///
/// When the mapping only finds columns (no constant, value map or `MDY` date, and rows are not
/// ragged) records pass through untouched with a `HeaderMap` that points at the source fields,
/// so a renamed-header export costs what a contract file costs. Otherwise each row is rebuilt
/// in contract order in a reused buffer.
///
/// For example:
///
///     let source = try TableSources.open(path: path, profile: profile)
///     try MappedRecords(source: source, kind: .episodes, profile: profile).forEach(
///         header: { h in batch = FileBatch(EpisodeValidator(file: source.file, header: h)) },
///         record: { m in batch!.add(m.record) },
///         reject: { r, lines in batch!.add(rejected: r, lines: lines) })
public final class MappedRecords {
    public let source: TableSource
    public let kind: ExtractKind
    public let profile: Profile?
    /// The contract's column names of `kind`, in contract order.
    let names: [String]
    /// See `MappedCursor`; only this object's reading thread touches it.
    let cursor: UnsafeMutablePointer<MappedCursor>
    /// Runs on the parsing thread before each block (two-thread reads only); throwing stops the
    /// read after the blocks before it, like a parser fault. A file read ahead of its turn stops
    /// this way when the load ends before the turn comes (docs/PERFORMANCE.md).
    var blockCheck: (() throws -> Void)?

    public init(source: TableSource, kind: ExtractKind, profile: Profile?) {
        self.source = source; self.kind = kind; self.profile = profile
        names = ExtractSchema.names(for: kind)
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: MappedCursor())
    }

    deinit {
        cursor.deinitialize(count: 1)
        cursor.deallocate()
    }

    /// Reads the source: `header` once with the file's map, then `record` per data row, or
    /// `reject` for a row whose field count differs from the header's, with the physical lines it
    /// spans (the reject limit weighs records by lines, PRECISE.md 29). Rows above the profile's
    /// `header_row` are skipped.
    /// - Throws: `ExtractError.noHeader`, `.missingColumn`/`.missingMappedColumn` (exit 3), and
    ///   whatever the reader or the closures throw.
    ///
    /// `plain`, when given, receives the records that pass through untouched (the mapping only
    /// found columns) instead of `record`: the same record, without building a `MappedRecord`
    /// per row (8 million for a county's attendance). On two threads it receives the rebuilt
    /// records too, the source row then noted in `cursor` during the call.
    public func forEach(header: (HeaderMap) throws -> Void, record: (MappedRecord) throws -> Void,
                        reject: (Reject, Int) throws -> Void, plain: ((CSVRecord) throws -> Void)? = nil) throws {
        try forEach(header: header, record: record, reject: reject, plain: { try plain?($0) }, usePlain: plain != nil)
    }

    /// `forEach` with `plain` not optional (`usePlain` says whether to use it): an optional closure
    /// escapes, and a variable it captures (the batch, in `fill`) then costs a run-time
    /// exclusivity check at every use, several a row.
    func forEach(header: (HeaderMap) throws -> Void, record: (MappedRecord) throws -> Void,
                 reject: (Reject, Int) throws -> Void, plain: (CSVRecord) throws -> Void, usePlain: Bool) throws {
        // Two threads: the parsing thread maps too, and this one takes finished records
        // (MappedBlocks.swift, docs/PERFORMANCE.md).
        if let table = source as? CSVTable, table.reader.parsesOnThread {
            try forEachBlock(table.reader, header: header, record: record, reject: reject, plain: plain, usePlain: usePlain)
            return
        }
        let headerRow = profile?.headerRow ?? 1
        var mapper = RowMapper([])
        defer { mapper.free() }
        var mapping: FileMapping?
        // The mapping's parts the row loop reads, held apart so that a row copies no references.
        var mf: MappedFile?, copy = false, rule = (headerCount: 0, ragged: false)
        var passThrough = false  // header read, no copy, and a `plain` receiver
        try source.forEachRow { rec in
            if passThrough {
                try plain(rec)
                return
            }
            guard let file = mf else {
                if rec.line < headerRow { return }
                let m = try readHeader(rec)
                mapping = m
                mf = m.file; copy = m.copy; rule = (m.headerCount, m.ragged)
                if m.copy { mapper.free(); mapper = RowMapper(m.plans) }
                passThrough = !m.copy && usePlain
                try header(m.file.header)
                return
            }
            guard copy else {
                try record(MappedRecord(record: rec, sourceRecord: nil, rewritten: 0, file: file))
                return
            }
            if FileMapping.rejects(rec, headerCount: rule.headerCount, ragged: rule.ragged) {
                try reject(fieldCountReject(rec, mapping!), rec.lineSpan)
                return
            }
            try mapper.map(rec) { mapped, rewritten in
                try record(MappedRecord(record: mapped, sourceRecord: rec, rewritten: rewritten, file: file))
            }
        }
        if mapping == nil { throw ExtractError.noHeader(file: source.file) }
    }

    /// What the header row decides for the whole file.
    struct FileMapping {
        let file: MappedFile
        let plans: [ColumnPlan]
        /// Rows are rebuilt in contract order (`RowMapper`); else they pass through untouched.
        let copy: Bool
        let headerCount: Int
        let ragged: Bool

        /// A row is rejected for its field count before any mapping (PRECISE.md 29; a workbook's
        /// rows may be shorter than its header, `TableSource.ragged`).
        @inline(__always)
        func rejects(_ rec: CSVRecord) -> Bool {
            copy && Self.rejects(rec, headerCount: headerCount, ragged: ragged)
        }

        @inline(__always)
        static func rejects(_ rec: CSVRecord, headerCount: Int, ragged: Bool) -> Bool {
            rec.fieldCount > headerCount || (!ragged && rec.fieldCount != headerCount)
        }
    }

    func fieldCountReject(_ rec: CSVRecord, _ fm: FileMapping) -> Reject {
        var r = Reject(file: source.file, line: rec.line, column: "", value: "",
                       reason: Reasons.fieldCount(expected: fm.headerCount, found: rec.fieldCount))
        r.sheet = source.sheet
        return r
    }

    /// Reads the header row: the columns' plans and the file's header map.
    /// - Throws: `ExtractError.duplicateColumn`, `.missingColumn`, `.missingMappedColumn`.
    func readHeader(_ rec: CSVRecord) throws -> FileMapping {
        let headers = (0..<rec.fieldCount).map { HeaderMap.clean(rec.string($0), first: $0 == 0) }
        // Two columns of one name make "which one?" a silent guess (PRECISE.md 30); nameless
        // columns (a trailing comma) may repeat.
        var seen: [String: Int] = [:]
        for (i, h) in headers.enumerated() where !h.isEmpty {
            let lower = h.lowercased()
            if let first = seen[lower] {
                throw ExtractError.duplicateColumn(file: source.file, column: h, first: first + 1, second: i + 1, line: rec.line)
            }
            seen[lower] = i
        }
        let dateColumns = Self.dateColumns(kind)
        var plans = try resolve(headers: headers)
        let copy = source.ragged || plans.contains { $0.constant != nil || $0.values != nil }
            || (profile?.monthFirst == true && plans.indices.contains { dateColumns.contains($0) && plans[$0].source >= 0 })
        for c in plans.indices where profile?.monthFirst == true && dateColumns.contains(c) { plans[c].monthFirst = true }
        let used = Set(plans.map(\.source))
        let extra = headers.indices.filter { !used.contains($0) && !headers[$0].isEmpty }.map { headers[$0] }
        let hm = copy
            ? HeaderMap(kind: kind, fieldCount: names.count, fieldIndex: Array(names.indices), extraColumns: extra)
            : HeaderMap(kind: kind, fieldCount: rec.fieldCount, fieldIndex: plans.map(\.source), extraColumns: extra)
        return FileMapping(file: MappedFile(header: hm, sheet: source.sheet, sourceIndex: plans.map(\.source)), plans: plans,
                           copy: copy, headerCount: rec.fieldCount, ragged: source.ragged)
    }

    /// Finds each contract column's source header (PROFILES.md 2, 15) and its constant and values.
    private func resolve(headers: [String]) throws -> [ColumnPlan] {
        var plans = [ColumnPlan](repeating: ColumnPlan(), count: names.count)
        let required = ExtractSchema.columns(for: kind).map(\.required)
        for (c, name) in names.enumerated() {
            if let k = profile?.constants[name] {
                plans[c].constant = Array(Self.trim(k).utf8)
                continue
            }
            plans[c].values = profile?.values[name]
            if let alternatives = profile?.columns[name] {
                for alt in alternatives {
                    if let i = headers.firstIndex(where: { alt.matches($0) }) { plans[c].source = i; break }
                }
            } else {
                plans[c].source = headers.firstIndex { $0.lowercased() == name } ?? -1
                // The national data dictionary calls gender `sex` (PROFILES.md 15).
                if plans[c].source < 0 && name == "gender" { plans[c].source = headers.firstIndex { $0.lowercased() == "sex" } ?? -1 }
            }
            if plans[c].source < 0 && required[c] {
                guard let profile else { throw ExtractError.missingColumn(file: source.file, column: name) }
                let looked = profile.columns[name]?.map(\.text) ?? [name]
                throw ExtractError.missingMappedColumn(file: source.file, profile: profile.name, column: name,
                                                       looked: looked, headers: headers.filter { !$0.isEmpty })
            }
        }
        return plans
    }

    /// Contract columns (by index) holding dates, for `dates: MDY`.
    static func dateColumns(_ kind: ExtractKind) -> Set<Int> {
        let dated: Set<String> = ["referral_date", "allocation_date", "first_contact_date", "assessment_date",
                                  "first_taf_date", "closure_date", "birth_month", "received_date", "date"]
        return Set(ExtractSchema.names(for: kind).indices.filter { dated.contains(ExtractSchema.names(for: kind)[$0]) })
    }

    /// The lengths of the month and the day when the `count` bytes at `p` start with one or two
    /// digits, a slash, one or two digits and a slash (`M/D/…`); nil otherwise.
    @inline(__always)
    static func monthFirstLengths(_ p: UnsafePointer<UInt8>, count: Int) -> (month: Int, day: Int)? {
        @inline(__always) func digit(_ i: Int) -> Bool { i < count && p[i] &- 0x30 < 10 }
        @inline(__always) func slash(_ i: Int) -> Bool { i < count && p[i] == 0x2F }
        guard digit(0) else { return nil }
        let m: Int
        if slash(1) { m = 1 } else if digit(1) && slash(2) { m = 2 } else { return nil }
        guard digit(m + 1) else { return nil }
        let d: Int
        if slash(m + 2) { d = 1 } else if digit(m + 2) && slash(m + 3) { d = 2 } else { return nil }
        return (m, d)
    }

    /// Rewrites `M/D/YYYY…` in the `count` bytes at `p` as `D/M/YYYY…` so the contract's
    /// day-first reading gives the month-first date (PROFILES.md 5); ISO dates and other text are
    /// left alone. Returns true when it swapped.
    @inline(__always)
    static func swapMonthFirst(_ p: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        guard let (m, d) = monthFirstLengths(p, count: count) else { return false }
        // In place, without allocating: day digits, slash, month digits (same length overall).
        let m0 = p[0], m1 = p[m - 1]
        let d0 = p[m + 1], d1 = p[m + d]
        var i = 0
        p[i] = d0; i += 1
        if d == 2 { p[i] = d1; i += 1 }
        p[i] = 0x2F; i += 1
        p[i] = m0; i += 1
        if m == 2 { p[i] = m1 }
        return true
    }

    /// `swapMonthFirst` from the `count` bytes at `src` into the `count` bytes at `dst` (which
    /// do not overlap them), in one pass; false, and `dst` unspecified, when there is nothing
    /// to swap.
    @inline(__always)
    static func swapMonthFirst(_ src: UnsafePointer<UInt8>, count: Int, to dst: UnsafeMutablePointer<UInt8>) -> Bool {
        guard let (m, d) = monthFirstLengths(src, count: count) else { return false }
        var i = 0
        dst[i] = src[m + 1]; i += 1
        if d == 2 { dst[i] = src[m + 2]; i += 1 }
        dst[i] = 0x2F; i += 1
        dst[i] = src[0]; i += 1
        if m == 2 { dst[i] = src[1]; i += 1 }
        // The rest (the slash before the year, the year, anything after) as it is.
        RowBuffer.copy(dst + i, src + i, count &- i)
        return true
    }

    static func trim(_ s: String) -> String { s.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
}

extension HeaderMap {
    /// A map built by the mapping step rather than read from a header row.
    init(kind: ExtractKind, fieldCount: Int, fieldIndex: [Int], extraColumns: [String]) {
        self.kind = kind
        self.fieldCount = fieldCount
        self.fieldIndex = fieldIndex
        self.extraColumns = extraColumns
    }
}

/// A per-file batch the mapping step can feed (`FileBatch`, `AttendanceBatch`).
public protocol MappedBatch {
    mutating func add(_ rec: CSVRecord) throws
    mutating func add(rejected r: Reject, lines: Int)
    var rejected: Int { get }
    var spool: RejectSpool { get }
}

extension FileBatch: MappedBatch {}
extension AttendanceBatch: MappedBatch {}

extension MappedRecords {
    /// Reads the whole source into the batch `make` builds from the file's header map. Rejects
    /// name the workbook sheet and show the source's own value where the mapping rewrote it: the
    /// spool's `amend` hook sets both before the reject is kept.
    /// `accepted` sees each row the batch kept (for the unrecognised-codes count).
    public func fill<B: MappedBatch>(_ make: (HeaderMap) throws -> B,
                                     accepted: ((MappedRecord) -> Void)? = nil) throws -> B {
        var batch: B?
        let sheet = source.sheet
        // The row being added, for the hook; nil outside `add`, so later rejects are untouched.
        // Kept as a pointer to the row, in memory of its own rather than a class's property: it
        // is written twice a row, and a class's property costs a run-time exclusivity check at
        // each use. Only this thread touches it; the hook that reads it is removed before it is
        // freed, and the row it points to lives for the whole `add`.
        let current = UnsafeMutablePointer<UnsafePointer<MappedRecord>?>.allocate(capacity: 1)
        current.initialize(to: nil)
        defer {
            batch?.spool.amend = nil
            current.deallocate()
        }
        try forEach(header: { h in
            batch = try make(h)
            let cursor = self.cursor
            batch!.spool.amend = { r in
                if r.sheet == nil { r.sheet = sheet }
                if let m = current.pointee?.pointee {
                    if m.rewritten != 0, let o = m.original(r.column) { r.value = o }
                } else if let o = cursor.pointee.original(r.column) {
                    r.value = o
                }
            }
        }, record: { m in
            try withUnsafePointer(to: m) { row in
                if m.rewritten != 0 { current.pointee = row }
                defer { current.pointee = nil }
                // The reject count is read only for `accepted` (the spool is a class: each read is checked).
                guard let accepted else { return try batch!.add(m.record) }
                let before = batch!.rejected
                try batch!.add(m.record)
                if batch!.rejected == before { accepted(m) }
            }
        }, reject: { batch!.add(rejected: $0, lines: $1) },
           // Untouched rows go straight to the batch: nothing to amend, nobody to tell.
           plain: { rec in try batch!.add(rec) }, usePlain: accepted == nil)
        return batch!
    }
}
