/// The mapping step on two threads (docs/PERFORMANCE.md "The load on two cores"): the parsing
/// thread, which has time to spare, also maps each block's rows to contract records
/// (`BlockMapping.transform`, run by `RecordBlockPipe.deliver`), so the caller's thread, which
/// validates, packs and writes, receives them finished. The rows, their order, the rejects and
/// every error are those of the one-thread route (`MappedRecords.forEach`): the same
/// `readHeader` and `RowMapper` run, only on the other thread; a header fault reaches the caller
/// after the rows before it, exactly where a single-threaded read throws (issue 10's speed target).

/// What the mapping step made of one block, row by row: kept with the block (`RecordBlock.annex`),
/// its buffers reused from one use of the block to the next.
final class MappedBlock {
    enum Kind: UInt8 {
        case skip  // above the profile's `header_row`
        case header
        case fieldCount  // rejected: not as many fields as the header
        case mapped  // in contract order: the source row's bytes, its bounds the next in `bounds`
    }

    /// One word a row, so the caller's thread reads 8 bytes a row of it: the rewritten bits
    /// (at most 62 columns, `RowMapper`) and the kind in the top two bits. Mapped rows' bounds
    /// follow one another in `bounds`, `2 * columns` each, in row order.
    struct Row {
        private let bits: UInt64
        init(kind: Kind, rewritten: UInt64 = 0) { bits = rewritten | UInt64(kind.rawValue) &<< 62 }
        var kind: Kind { Kind(rawValue: UInt8(truncatingIfNeeded: bits &>> 62))! }
        var rewritten: UInt64 { bits & (1 &<< 62 &- 1) }
    }

    /// One per record of the block, up to where the rest pass through untouched: a file whose
    /// mapping only finds columns (`FileMapping.copy` false) has no rows after its header. Plain
    /// memory, written through a pointer (no uniqueness check per row).
    private(set) var rows: UnsafeMutablePointer<Row>
    var rowCount = 0
    private var rowsCap = 64
    /// The mapped records' field bounds, `2 * columns` per record, relative to the source
    /// record's start in the block's buffer (their bytes are there: the source row's own, or
    /// after the parser's bytes, `BlockTail`).
    private(set) var bounds: UnsafeMutablePointer<Int32>
    private var boundsCap = 64
    /// Set on the block that holds the header row.
    var mapping: MappedRecords.FileMapping?

    init() {
        bounds = .allocate(capacity: boundsCap)
        rows = .allocate(capacity: rowsCap)
    }

    deinit {
        bounds.deallocate()
        rows.deallocate()
    }

    /// Empties the block and makes room for `count` rows.
    func reset(rows count: Int) {
        rowCount = 0
        mapping = nil
        guard rowsCap < count else { return }
        rows.deallocate()
        while rowsCap < count { rowsCap *= 2 }
        rows = .allocate(capacity: rowsCap)
    }

    /// Room for `count` bounds (contents not kept: called before a block's first mapped row).
    func reserveBounds(_ count: Int) {
        guard boundsCap < count else { return }
        bounds.deallocate()
        while boundsCap < count { boundsCap *= 2 }
        bounds = .allocate(capacity: boundsCap)
    }
}

/// The parsing thread's side of the mapping step for one file; touched by that thread only.
final class BlockMapping {
    private let owner: MappedRecords
    private let headerRow: Int
    private let columns: Int
    private var mapping: MappedRecords.FileMapping?
    private var mapper: RowMapper?

    init(_ owner: MappedRecords) {
        self.owner = owner
        headerRow = owner.profile?.headerRow ?? 1
        columns = owner.names.count
    }

    /// Frees the mapper's buffers, once the parsing thread has ended.
    func free() { mapper?.free() }

    /// Maps the block's rows into its `MappedBlock`. A header fault cuts the block's records to
    /// those before the header row (all skipped), as `RecordBlockPipe.deliver` requires.
    func transform(_ b: RecordBlock) throws {
        let data: MappedBlock
        if let d = b.annex as? MappedBlock { data = d } else { data = MappedBlock(); b.annex = data }
        data.reset(rows: b.records.count)
        if let m = mapping, !m.copy { return }  // every row passes through untouched
        // The row loop works on locals, written back at the end: each use of a class's property
        // would cost a run-time exclusivity check. The mapper's tables are plain memory that it
        // owns (they learn in place), so copying the mapper shares them.
        var mapping = self.mapping
        let rows = data.rows
        var count = 0
        defer {
            data.rowCount = count
            self.mapping = mapping
        }
        var fault: (at: Int, error: Error)?
        var i = 0
        let n = b.records.count
        if mapping == nil {
            b.withRecords { recs in
                while i < n {
                    let rec = recs[i]
                    i += 1
                    if rec.line < headerRow { rows[count] = MappedBlock.Row(kind: .skip); count += 1; continue }
                    do {
                        mapping = try owner.readHeader(rec)
                    } catch {
                        fault = (i - 1, error)
                        return
                    }
                    data.mapping = mapping
                    rows[count] = MappedBlock.Row(kind: .header); count += 1
                    if mapping!.copy { mapper = RowMapper(mapping!.plans) }
                    break
                }
            }
        }
        if fault == nil, let m = mapping, m.copy, i < n, let mapper {
            data.reserveBounds((n - i) * 2 * columns)
            let bounds = data.bounds, columns = self.columns
            let headerCount = Int32(truncatingIfNeeded: m.headerCount)
            precondition(!m.ragged, "CSV rows are never ragged")
            // What mapped rows hold beyond their source bytes goes after the parser's bytes, in
            // the block's own buffer (`BlockTail`), so a mapped record keeps its source row's
            // bytes: nothing of the row is copied. The buffer may move as the tail grows, so
            // records are read by offset, not through `withRecords`.
            var tail = BlockTail(b)
            mapper.startBlock(&tail)
            let srcBounds = UnsafePointer(b.bounds)
            var boundsAt = 0
            b.records.withUnsafeBufferPointer { entries in
                while i < n {
                    let e = entries[i]
                    i += 1
                    // A wrong field count is rejected before any mapping (PRECISE.md 29).
                    if e.fieldCount != headerCount {
                        rows[count] = MappedBlock.Row(kind: .fieldCount); count += 1
                        continue
                    }
                    let rewritten = mapper.mapInBlock(start: Int(e.start), bounds: srcBounds + Int(e.boundsAt), into: &tail,
                                                      fieldBounds: bounds + boundsAt)
                    rows[count] = MappedBlock.Row(kind: .mapped, rewritten: rewritten)
                    count += 1
                    boundsAt += 2 * columns
                }
            }
        }
        if let fault {
            b.records.removeSubrange(fault.at...)
            throw fault.error
        }
    }
}

extension MappedRecords {
    /// `forEach` when `reader` parses on a thread of its own: the rows arrive mapped.
    func forEachBlock(_ reader: CSVReader, header: (HeaderMap) throws -> Void, record: (MappedRecord) throws -> Void,
                      reject: (Reject, Int) throws -> Void, plain: (CSVRecord) throws -> Void, usePlain: Bool) throws {
        let stage = BlockMapping(self)
        // After `forEachBlock` the parsing thread has ended (`HandOff.stop`).
        defer { stage.free() }
        var mapping: FileMapping?
        let columns = names.count
        let check = blockCheck
        try reader.forEachBlock(transform: { b in
            if let check {
                do { try check() } catch {
                    // Sent empty: no records, and no rows left from the block's last use.
                    b.records.removeAll()
                    if let d = b.annex as? MappedBlock { d.reset(rows: 0) } else { b.annex = MappedBlock() }
                    throw error
                }
            }
            try stage.transform(b)
        }) { b in
            // `transform` ran on every block sent, so each has its rows.
            let data = b.annex as! MappedBlock
            let bounds = data.bounds
            // Hoisted: one reference held per block, none per row.
            var mf = mapping?.file
            try b.withRecords { recs in
                let n = recs.count
                var i = 0
                do {
                    let rows = UnsafeBufferPointer(start: data.rows, count: data.rowCount)
                    var boundsAt = 0
                    let cursor = self.cursor
                    cursor.pointee.rows = UnsafePointer(data.rows)
                    cursor.pointee.records = recs
                    cursor.pointee.file = mf
                    cursor.pointee.index = -1
                    defer { cursor.pointee = MappedCursor() }
                    while i < rows.count {
                        let row = rows[i]
                        let rec = recs[i]
                        i += 1
                        switch row.kind {
                        case .skip:
                            continue
                        case .header:
                            mapping = data.mapping
                            mf = mapping!.file
                            cursor.pointee.file = mf
                            try header(mf!.header)
                        case .fieldCount:
                            try reject(fieldCountReject(rec, mapping!), rec.lineSpan)
                        case .mapped:
                            let mapped = CSVRecord(line: rec.line, fieldCount: columns, base: rec.base,
                                                   bounds: bounds + boundsAt, lineSpan: rec.lineSpan)
                            boundsAt &+= 2 &* columns
                            if usePlain {
                                // No `MappedRecord`: the rejects hook finds the source row by the cursor.
                                cursor.pointee.index = i - 1
                                try plain(mapped)
                                cursor.pointee.index = -1
                            } else {
                                try record(MappedRecord(record: mapped, sourceRecord: rec, rewritten: row.rewritten, file: mf!))
                            }
                        }
                    }
                }
                guard i < n else { return }
                // The rest pass through untouched: the mapping only found columns.
                let file = mf!
                if usePlain {
                    while i < n { try plain(recs[i]); i += 1 }
                } else {
                    while i < n { try record(MappedRecord(record: recs[i], sourceRecord: nil, rewritten: 0, file: file)); i += 1 }
                }
            }
        }
        if mapping == nil { throw ExtractError.noHeader(file: source.file) }
    }
}
