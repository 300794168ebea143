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
        case mapped  // rebuilt in contract order at `start` in `out`
    }

    struct Row {
        var rewritten: UInt64 = 0
        var start = 0
        var boundsAt = 0
        var kind: Kind
    }

    /// One per record of the block, up to where the rest pass through untouched: a file whose
    /// mapping only finds columns (`FileMapping.copy` false) has no rows after its header.
    var rows = ContiguousArray<Row>()
    /// The mapped records' bytes, back to back, and their field bounds (relative to each
    /// record's `start`), `2 * columns` per record.
    var out = RowBuffer(capacity: 1 << 12)
    private(set) var bounds: UnsafeMutablePointer<Int32>
    private var boundsCap = 64
    /// Set on the block that holds the header row.
    var mapping: MappedRecords.FileMapping?

    init() { bounds = .allocate(capacity: boundsCap) }

    deinit {
        out.free()
        bounds.deallocate()
    }

    func reset() {
        rows.removeAll(keepingCapacity: true)
        out.clear()
        mapping = nil
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
        data.reset()
        if let m = mapping, !m.copy { return }  // every row passes through untouched
        // The row loop works on locals, written back at the end: each use of a class's property
        // would cost a run-time exclusivity check. The mapper is moved out, not copied, so its
        // buffers keep one owner (no copy on write when a value map learns).
        var rows = data.rows, out = data.out, mapping = self.mapping, mapper = self.mapper
        data.rows = []
        self.mapper = nil
        defer {
            data.rows = rows; data.out = out
            self.mapping = mapping; self.mapper = mapper
        }
        var fault: (at: Int, error: Error)?
        b.withRecords { recs in
            let n = recs.count
            var i = 0
            if mapping == nil {
                while i < n {
                    let rec = recs[i]
                    i += 1
                    if rec.line < headerRow { rows.append(MappedBlock.Row(kind: .skip)); continue }
                    do {
                        mapping = try owner.readHeader(rec)
                    } catch {
                        fault = (i - 1, error)
                        return
                    }
                    data.mapping = mapping
                    rows.append(MappedBlock.Row(kind: .header))
                    if mapping!.copy { mapper = RowMapper(mapping!.plans) }
                    break
                }
            }
            guard let m = mapping, m.copy, i < n else { return }
            data.reserveBounds((n - i) * 2 * columns)
            let bounds = data.bounds, columns = self.columns
            var boundsAt = 0
            while i < n {
                let rec = recs[i]
                i += 1
                if m.rejects(rec) { rows.append(MappedBlock.Row(kind: .fieldCount)); continue }
                let start = out.count
                let rewritten = mapper!.map(rec, appendingTo: &out, fieldBounds: bounds + boundsAt)
                rows.append(MappedBlock.Row(rewritten: rewritten, start: start, boundsAt: boundsAt, kind: .mapped))
                boundsAt += 2 * columns
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
                    if let d = b.annex as? MappedBlock { d.reset() } else { b.annex = MappedBlock() }
                    throw error
                }
            }
            try stage.transform(b)
        }) { b in
            // `transform` ran on every block sent, so each has its rows.
            let data = b.annex as! MappedBlock
            let out = data.out.base, bounds = data.bounds
            // Hoisted: one reference held per block, none per row.
            var mf = mapping?.file
            try b.withRecords { recs in
                let n = recs.count
                var i = 0
                try data.rows.withUnsafeBufferPointer { rows in
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
                            try header(mf!.header)
                        case .fieldCount:
                            try reject(fieldCountReject(rec, mapping!), rec.lineSpan)
                        case .mapped:
                            let mapped = CSVRecord(line: rec.line, fieldCount: columns, base: out + row.start,
                                                   bounds: bounds + row.boundsAt, lineSpan: rec.lineSpan)
                            try record(MappedRecord(record: mapped, sourceRecord: rec, rewritten: row.rewritten, file: mf!))
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
