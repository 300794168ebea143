import Foundation

/// Streams the records of one extract file (plain CSV or gzip), parsing bytes in a reused buffer
/// so a multi-gigabyte attendance extract loads in constant memory.
///
/// Format (EXTRACTS.md "Common format rules", PRECISE.md 3-4): RFC 4180 with a comma separator,
/// `"` quoting and `""` inside quotes; quoted fields may hold commas and line breaks. Records end
/// at LF, CRLF or a lone CR outside quotes. A UTF-8 byte-order mark at the start is skipped.
/// Bytes reach the parser through `TextDecodingStage`: strict UTF-8, or transcoded from UTF-16
/// or Windows-1252; bytes that are not text stop the file (PROFILES.md 8-10).
/// Zero-length lines are skipped. Every field is trimmed of surrounding spaces and tabs after
/// unquoting. The reader never rejects content: a stray quote inside an unquoted field is kept,
/// text after a closing quote is appended to the field. A quoted field still open at the end of
/// the file is the one exception: it would swallow every line after it, so the whole file is
/// rejected naming the line where the quote opened (PRECISE.md 29). Each record carries the
/// number of physical lines it spans, so a record that a stray quote stretched over many lines
/// counts that many rows against the reject limit.
///
/// For example:
///
///     let reader = try CSVReader(path: "attendance.csv.gz")
///     try reader.forEachRecord { record in
///         print(record.line, record.string(0))
///     }
public final class CSVReader {
    /// Raw bytes read from disk so far (compressed bytes for `.gz`), for progress reporting.
    public private(set) var bytesRead: Int = 0

    private let file: String
    private let fd: Int32
    private let bufferSize: Int
    /// Set when records are parsed on a thread of their own and handed over in blocks of this many
    /// bytes (docs/PERFORMANCE.md); nil parses on the caller's thread.
    private let blockSize: Int?
    private let rawObserver: ((UnsafeRawBufferPointer) -> Void)?
    private let inflater: GzipInflater?
    private var current: GzipInflater.Chunk?
    private var currentOffset = 0
    private var started = false
    /// Validates UTF-8 or transcodes to it between the file and the parser (TextDecoding.swift).
    private var text: TextDecodingStage!

    /// Opens the file and, for a name ending `.gz`, checks the gzip magic up front so a
    /// mislabelled file fails before any record is handed out.
    ///
    /// - Parameters:
    ///   - path: the extract; a name ending `.gz` (any case) is inflated on a background thread.
    ///   - bufferSize: bytes per read from disk (and per inflated chunk); records longer than
    ///     this are still read whole, the buffer grows. Small values exist for tests.
    ///   - rawObserver: sees every byte of the file exactly as read from disk, in order, on the
    ///     thread that calls `forEachRecord`; lets the caller hash the file in the same pass.
    ///   - encoding: the file's declared encoding (PROFILES.md 8-10); a UTF-16 byte-order mark wins.
    ///   - parseThreadBlockSize: when set, reading, hashing (`rawObserver`), decoding and parsing
    ///     run on a thread of their own, which hands records to the caller's thread in blocks of
    ///     about this many bytes, so the caller's work on a record overlaps the parsing of the
    ///     next ones. The records, their order and every error are the same either way; only
    ///     `rawObserver` then runs on the parsing thread (it finishes before `forEachRecord` returns).
    /// - Throws: `ExtractError.unreadable`, `.notGzip`, `.corruptGzip`.
    public init(
        path: String, bufferSize: Int = 1 << 20,
        rawObserver: ((UnsafeRawBufferPointer) -> Void)? = nil, encoding: TextEncoding = .utf8,
        parseThreadBlockSize: Int? = nil
    ) throws {
        precondition(bufferSize > 0, "bufferSize must be positive")
        precondition((parseThreadBlockSize ?? 1) > 0, "parseThreadBlockSize must be positive")
        blockSize = parseThreadBlockSize.map { Swift.max($0, 4) }  // room for a byte-order mark
        let file = (path as NSString).lastPathComponent
        self.file = file
        self.bufferSize = bufferSize
        self.rawObserver = rawObserver
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ExtractError.unreadable(file: file, detail: String(cString: strerror(errno)))
        }
        var st = stat()
        if fstat(fd, &st) != 0 || (st.st_mode & S_IFMT) == S_IFDIR {
            let detail = (st.st_mode & S_IFMT) == S_IFDIR ? "it is a folder" : String(cString: strerror(errno))
            close(fd)
            throw ExtractError.unreadable(file: file, detail: detail)
        }
        self.fd = fd
        if path.lowercased().hasSuffix(".gz") {
            // pread leaves the offset at 0, so the observer still sees these bytes later.
            var magic: (UInt8, UInt8, UInt8) = (0, 0, 0)
            let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 3, 0) }
            guard n == 3, magic.0 == 0x1F, magic.1 == 0x8B else {
                close(fd)
                throw ExtractError.notGzip(file: file)
            }
            guard magic.2 == 8 else {
                close(fd)
                throw ExtractError.corruptGzip(file: file, detail: "unknown compression method \(magic.2)")
            }
            inflater = GzipInflater(fd: fd, file: file, chunkSize: bufferSize)
        } else {
            inflater = nil
        }
        text = TextDecodingStage(encoding: encoding, chunkSize: bufferSize) { [unowned self] in
            try self.readSome(into: $0, max: $1)
        }
    }

    /// Valid UTF-8 from the decoding stage; a text fault becomes the file's contract error,
    /// naming `line` (the parser's line at this point, where the bad byte sits).
    private func readText(into dst: UnsafeMutablePointer<UInt8>, max: Int, line: Int) throws -> Int {
        do { return try text.read(into: dst, max: max) } catch let f as TextFault {
            throw ExtractError.invalidText(file: file, line: line, offset: f.offset, fault: f.kind)
        }
    }

    deinit {
        inflater?.stop()
        if let current { inflater?.recycle(current) }
        close(fd)
    }

    /// Fills `dst` with up to `max` content bytes (inflated for gzip); 0 means end of file.
    private func readSome(into dst: UnsafeMutablePointer<UInt8>, max: Int) throws -> Int {
        guard let inflater else {
            while true {
                let n = read(fd, dst, max)
                if n > 0 {
                    bytesRead += n
                    rawObserver?(UnsafeRawBufferPointer(start: dst, count: n))
                    return n
                }
                if n == 0 { return 0 }
                if errno == EINTR { continue }
                throw ExtractError.unreadable(file: file, detail: String(cString: strerror(errno)))
            }
        }
        while true {
            if let chunk = current {
                if currentOffset < chunk.count {
                    let n = min(max, chunk.count - currentOffset)
                    dst.update(from: chunk.ptr + currentOffset, count: n)
                    currentOffset += n
                    return n
                }
                inflater.recycle(chunk)
                current = nil
            }
            guard let chunk = try inflater.next() else { return 0 }
            if chunk.isRaw {
                bytesRead += chunk.count
                rawObserver?(UnsafeRawBufferPointer(start: chunk.ptr, count: chunk.count))
                inflater.recycle(chunk)
            } else {
                current = chunk
                currentOffset = 0
            }
        }
    }

    private enum State {
        case recordStart  // between records: blank lines are skipped here
        case afterCR  // a CR ended the line; swallow one LF that may follow (even in the next read)
        case fieldStart  // skipping leading spaces and tabs; a `"` here opens a quoted field
        case unquoted
        case quoted
        case quoteInQuoted  // saw `"` inside quotes: `""` is a quote, anything else closes
    }

    /// Calls `body` for every record in file order, the header included (it is simply the first).
    ///
    /// The record's bytes live in the reader's buffer and are valid only during the call. A
    /// reader can be iterated once. An error thrown by `body` stops reading and is rethrown.
    ///
    /// - Throws: `ExtractError.unreadable` or `.corruptGzip` when the file cannot be read to its
    ///   end; records before the fault have already been delivered.
    public func forEachRecord(_ body: (CSVRecord) throws -> Void) throws {
        guard blockSize != nil else {
            precondition(!started, "CSVReader.forEachRecord can run only once")
            started = true
            inflater?.start()
            defer { inflater?.stop() }
            try parse(pipe: nil, body)
            return
        }
        try forEachBlock(transform: nil) { block in try block.forEach(body) }
    }

    /// Whether records are parsed on a thread of their own (`parseThreadBlockSize` was set).
    var parsesOnThread: Bool { blockSize != nil }

    /// The two-thread read (docs/PERFORMANCE.md): `transform`, when given, runs on the parsing
    /// thread on each block before it is handed over (`RecordBlockPipe.deliver`); `body` runs on
    /// the caller's thread on each block in file order while the parsing thread fills the next.
    /// The block and its records are valid only during `body`. Only when `parsesOnThread`.
    func forEachBlock(transform: ((RecordBlock) throws -> Void)?, _ body: (RecordBlock) throws -> Void) throws {
        precondition(!started, "CSVReader.forEachRecord can run only once")
        precondition(blockSize != nil, "forEachBlock needs a parseThreadBlockSize")
        started = true
        inflater?.start()
        defer { inflater?.stop() }
        // The pipe holds a fixed number of blocks, so memory is bounded.
        let pipe = RecordBlockPipe(blockSize: blockSize!, transform: transform)
        let reader = UncheckedBox(value: self)
        let thread = Thread {
            do {
                try reader.value.parse(pipe: pipe) { _ in }
                pipe.finish(nil)
            } catch {
                pipe.finish(error)
            }
        }
        thread.name = "outcomes.parse"
        thread.start()
        defer { pipe.stop() }  // a `body` that throws stops the parser before the reader goes away
        while let block = try pipe.next() {
            defer { pipe.recycle(block) }
            try body(block)
        }
    }

    /// The parser. With `pipe` nil it calls `body` for each record; with a pipe it fills blocks
    /// from the pipe's pool and sends each full one (records before a fault are sent before the
    /// fault is thrown), and `body` is not called.
    private func parse(pipe: RecordBlockPipe?, _ body: (CSVRecord) throws -> Void) throws {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

        // In block mode the buffers belong to the block being filled (`current`): the locals
        // alias them for speed and are written back to it before it is sent (or on a fault).
        var current: RecordBlock?
        var records = ContiguousArray<RecordBlock.Entry>()
        var cap: Int, buf: UnsafeMutablePointer<UInt8>, boundsCap: Int, bounds: UnsafeMutablePointer<Int32>
        if let pipe, let blockSize {
            let b = try pipe.take(capacity: blockSize)
            current = b
            buf = b.buf; cap = b.cap; bounds = b.bounds; boundsCap = b.boundsCap
            records = b.records; b.records = []
        } else {
            cap = Swift.max(bufferSize, 64)
            buf = .allocate(capacity: cap)
            boundsCap = 64
            bounds = .allocate(capacity: boundsCap)
        }
        let blocks = current != nil
        defer {
            if !blocks {
                buf.deallocate()
                bounds.deallocate()
            }
        }

        // Invariants: [0, end) holds bytes from the file; [r, end) is not parsed yet; the record
        // in progress starts at `recStart` and its unescaped fields so far lie in [recStart, w),
        // w <= r (unescaping only shrinks; between fields w jumps to r, so bytes outside every
        // field's bounds may sit between them). Field bounds are stored relative to `recStart`, so
        // moving the partial record to the buffer start needs no fix-up.
        var end = 0, r = 0, w = 0, recStart = 0, fieldOut = 0, fieldCount = 0
        // Where the current record's field bounds start in `bounds`: always 0 without blocks; in
        // block mode the bounds of every record of the block stay, back to back.
        var boundsBase = 0
        var line = 1, recLine = 1, quoteLine = 1
        var eof = false
        var state = State.recordStart

        do {

        // Skip a byte-order mark, which may arrive in pieces when reads are tiny.
        while end < 3 {
            let n = try readText(into: buf + end, max: Swift.min(bufferSize, cap - end),
                                 line: 1 + (0..<end).filter { buf[$0] == lf }.count)
            if n == 0 { eof = true; break }
            end += n
        }
        if end >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { r = 3 }

        while true {
            if r == end, blocks, let pipe, let blockSize, let cur = current {
                if eof { break }
                // Read into the block's tail while there is room; the records before stay put.
                if cap - end < Swift.max(1, Swift.min(bufferSize, cap / 2)) {
                    // Full: the record in progress moves to a fresh block, its bytes and bounds
                    // copied, so the state machine (quotes, line count) carries on unchanged.
                    let inRecord = state != .recordStart && state != .afterCR
                    let keep = inRecord ? w - recStart : 0
                    let keepBounds = inRecord ? 2 * fieldCount : 0
                    guard keep < Int(Int32.max) / 2 else {
                        throw ExtractError.recordTooLong(file: file, line: recLine)
                    }
                    let next = try pipe.take(capacity: Swift.max(blockSize, 2 * keep + Swift.min(bufferSize, blockSize)))
                    if keep > 0 { next.buf.update(from: buf + recStart, count: keep) }
                    if next.boundsCap < keepBounds + 2 {
                        next.bounds.deallocate()
                        while next.boundsCap < keepBounds + 2 { next.boundsCap *= 2 }
                        next.bounds = .allocate(capacity: next.boundsCap)
                    }
                    if keepBounds > 0 { next.bounds.update(from: bounds + boundsBase, count: keepBounds) }
                    Self.sync(cur, buf, cap, bounds, boundsCap, records)
                    records = next.records; next.records = []
                    current = next
                    buf = next.buf; cap = next.cap; bounds = next.bounds; boundsCap = next.boundsCap
                    try pipe.deliver(cur)
                    if inRecord { fieldOut -= recStart; w = keep } else { w = 0 }
                    recStart = 0
                    boundsBase = 0
                    end = keep
                }
                let n = try readText(into: buf + end, max: Swift.min(bufferSize, cap - end),
                                     line: state == .afterCR ? line + 1 : line)
                r = end
                end += n
                if n == 0 { eof = true; break }
            } else if r == end {
                if eof { break }
                let inRecord = state != .recordStart && state != .afterCR
                let keep = inRecord ? w - recStart : 0
                if keep > 0 && recStart > 0 { memmove(buf, buf + recStart, keep) }
                if inRecord { fieldOut -= recStart; w = keep } else { w = 0 }
                recStart = 0
                if cap - keep < Swift.max(bufferSize / 2, 1) {
                    // A record longer than the buffer: grow, keeping its bytes.
                    guard keep < Int(Int32.max) / 2 else {
                        throw ExtractError.recordTooLong(file: file, line: recLine)
                    }
                    while cap - keep < Swift.max(bufferSize / 2, 1) { cap *= 2 }
                    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
                    bigger.update(from: buf, count: keep)
                    buf.deallocate()
                    buf = bigger
                }
                let n = try readText(into: buf + keep, max: Swift.min(bufferSize, cap - keep),
                                     line: state == .afterCR ? line + 1 : line)
                r = keep
                end = keep + n
                if n == 0 { eof = true; break }
            }

            switch state {
            case .recordStart:
                let c = buf[r]
                if c == lf { r += 1; line += 1; continue }
                if c == cr { r += 1; state = .afterCR; continue }
                recStart = r; w = r; fieldOut = r
                recLine = line; fieldCount = 0
                state = .fieldStart

            case .afterCR:
                if buf[r] == lf { r += 1 }
                line += 1
                state = .recordStart

            case .fieldStart:
                let c = buf[r]
                if c == space || c == tab { r += 1; continue }
                // The output catches up with the input (skipping the separator and the spaces),
                // so a field with nothing to unescape is never moved; the gap is outside every
                // field's bounds.
                if c == quote { r += 1; quoteLine = line; state = .quoted } else { state = .unquoted }
                w = r
                fieldOut = w

            case .unquoted:
                // Hot loop: copy ordinary bytes until `,`, LF or CR. Bytes above `,` (digits,
                // letters, `-`, `/`) take a single comparison. A following field or record that
                // starts with such a byte (so cannot be quoted, blank or need trimming) is
                // parsed here too, without a trip through the state switch.
                fields: while true {
                    let s = r
                    var c: UInt8 = 0
                    while r < end {
                        c = buf[r]
                        if c > comma || (c != comma && c != lf && c != cr) { r += 1; continue }
                        break
                    }
                    let n = r - s
                    if w != s { memmove(buf + w, buf + s, n) }  // regions overlap
                    w += n
                    if r == end { break fields }
                    r += 1
                    Self.addField(buf, from: fieldOut, to: w, recStart: recStart, base: boundsBase,
                                  &bounds, &boundsCap, &fieldCount)
                    if c == comma {
                        w = r  // past the comma: the next field starts in place (see .fieldStart)
                        fieldOut = w
                        if r < end && buf[r] > comma { continue fields }
                        state = .fieldStart
                        break fields
                    }
                    // A line of only spaces is blank too (PRECISE 3).
                    if fieldCount > 1 || bounds[boundsBase] != bounds[boundsBase + 1] {
                        if blocks {
                            records.append(RecordBlock.Entry(line: recLine, start: recStart, boundsAt: boundsBase,
                                                     fieldCount: fieldCount, lineSpan: line - recLine + 1))
                            boundsBase += 2 * fieldCount
                        } else {
                            try body(CSVRecord(line: recLine, fieldCount: fieldCount, base: buf + recStart, bounds: bounds,
                                               lineSpan: line - recLine + 1))
                        }
                    }
                    if c == lf {
                        line += 1
                        if r < end && buf[r] > comma {
                            recStart = r; w = r; fieldOut = r
                            recLine = line; fieldCount = 0
                            continue fields
                        }
                        state = .recordStart
                    } else {
                        state = .afterCR
                    }
                    break fields
                }

            case .quoted:
                let s = r
                while r < end {
                    let c = buf[r]
                    if c > quote { r += 1; continue }
                    if c == quote { break }
                    if c == lf { line += 1 }
                    r += 1
                }
                let n = r - s
                if w != s { memmove(buf + w, buf + s, n) }  // regions overlap
                w += n
                if r == end { continue }
                r += 1
                state = .quoteInQuoted

            case .quoteInQuoted:
                if buf[r] == quote {
                    buf[w] = quote
                    w += 1
                    r += 1
                    state = .quoted
                } else {
                    state = .unquoted
                }
            }
        }

        switch state {
        case .recordStart, .afterCR:
            break
        case .quoted:
            // The file ends inside quotes: everything after the opening quote would be one field.
            throw ExtractError.unclosedQuote(file: file, line: quoteLine)
        case .fieldStart, .unquoted, .quoteInQuoted:
            // A last record without a line end.
            if state == .fieldStart { fieldOut = w }
            Self.addField(buf, from: fieldOut, to: w, recStart: recStart, base: boundsBase, &bounds, &boundsCap, &fieldCount)
            if fieldCount > 1 || bounds[boundsBase] != bounds[boundsBase + 1] {  // a line of only spaces is blank too (PRECISE 3)
                if blocks {
                    records.append(RecordBlock.Entry(line: recLine, start: recStart, boundsAt: boundsBase,
                                                     fieldCount: fieldCount, lineSpan: line - recLine + 1))
                } else {
                    try body(CSVRecord(line: recLine, fieldCount: fieldCount, base: buf + recStart, bounds: bounds,
                                       lineSpan: line - recLine + 1))
                }
            }
        }
        } catch {
            // The records parsed before a fault reach the caller before the fault does.
            if let pipe, let cur = current {
                Self.sync(cur, buf, cap, bounds, boundsCap, records)
                do {
                    try pipe.deliver(cur)
                } catch is RecordBlockPipe.Cancelled {
                } catch let earlier {
                    throw earlier  // the transform's fault sits in a record before the parser's
                }
            }
            throw error
        }
        if let pipe, let cur = current {
            Self.sync(cur, buf, cap, bounds, boundsCap, records)
            try pipe.deliver(cur)
        }
    }

    /// Hands the parser's buffers (which a long record or field may have grown) and records back
    /// to their block before it leaves the parsing thread. Static, like `addField`, so the loop's
    /// locals are not boxed.
    private static func sync(_ b: RecordBlock, _ buf: UnsafeMutablePointer<UInt8>, _ cap: Int,
                             _ bounds: UnsafeMutablePointer<Int32>, _ boundsCap: Int,
                             _ records: ContiguousArray<RecordBlock.Entry>) {
        b.buf = buf; b.cap = cap; b.bounds = bounds; b.boundsCap = boundsCap
        b.records = records
    }

    /// Trims the field's output bytes [from, to) and appends its bounds, relative to the record.
    /// A static function on purpose: a nested closure would box the loop's locals.
    @inline(__always)
    private static func addField(
        _ buf: UnsafeMutablePointer<UInt8>, from: Int, to: Int, recStart: Int, base: Int,
        _ bounds: inout UnsafeMutablePointer<Int32>, _ boundsCap: inout Int, _ fieldCount: inout Int
    ) {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var s = from, e = to
        while s < e && (buf[s] == space || buf[s] == tab) { s += 1 }
        while e > s && (buf[e - 1] == space || buf[e - 1] == tab) { e -= 1 }
        if base + 2 * fieldCount + 2 > boundsCap {
            let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: boundsCap * 2)
            bigger.update(from: bounds, count: base + 2 * fieldCount)
            bounds.deallocate()
            bounds = bigger
            boundsCap *= 2
        }
        bounds[base + 2 * fieldCount] = Int32(truncatingIfNeeded: s - recStart)
        bounds[base + 2 * fieldCount + 1] = Int32(truncatingIfNeeded: e - recStart)
        fieldCount += 1
    }
}
