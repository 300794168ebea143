#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the sample generator sends a file's text.
///
/// `write` receives whole CSV lines, each ending in its own line break, often many lines in one
/// call (the generator hands over chunks of about 1 MB); a sink must write the text as given and
/// add nothing. `close` finishes the file; further writes may throw.
public protocol LineSink: AnyObject {
    func write(_ s: String) throws
    func close() throws
}

/// A plain file written through a large `FILE*` buffer.
public final class PlainFileSink: LineSink {
    /// The file could not be created or written; `file` is the path as given.
    public struct WriteError: Error, Equatable, Sendable, CustomStringConvertible {
        public var file: String
        public var detail: String
        public var description: String {
            "\(file): cannot be written (\(detail)). Check the folder exists, is writable and has space."
        }
    }

    private let path: String
    private var file: UnsafeMutablePointer<FILE>?

    /// Creates or truncates `path`.
    public init(path: String) throws {
        self.path = path
        guard let f = fopen(path, "wb") else {
            throw WriteError(file: path, detail: String(cString: strerror(errno)))
        }
        setvbuf(f, nil, _IOFBF, 1 << 20)
        file = f
    }

    deinit { if let f = file { fclose(f) } }

    public func write(_ s: String) throws {
        guard let f = file else { throw WriteError(file: path, detail: "already closed") }
        var s = s
        let ok = s.withUTF8 { p -> Bool in
            p.isEmpty || fwrite(p.baseAddress, 1, p.count, f) == p.count
        }
        if !ok { throw WriteError(file: path, detail: String(cString: strerror(errno))) }
    }

    public func close() throws {
        guard let f = file else { return }
        file = nil
        let failed = ferror(f) != 0
        if fclose(f) != 0 || failed {
            throw WriteError(file: path, detail: String(cString: strerror(errno)))
        }
    }
}

/// A growable byte buffer that is reused for every line of a file: the county attendance file has
/// millions of rows, so lines are assembled from precomputed bytes, not formatted as `String`s.
final class SampleBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 20 + 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private func grow(_ need: Int) {
        var c = capacity * 2
        while c < need { c *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        nb.update(from: base, count: count)
        base.deallocate()
        base = nb
        capacity = c
    }

    @inline(__always) func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always) func bytes(_ a: [UInt8]) {
        a.withUnsafeBufferPointer { p in
            guard let src = p.baseAddress else { return }
            reserve(p.count)
            (base + count).update(from: src, count: p.count)
            count += p.count
        }
    }

    func text(_ s: String) {
        var s = s
        s.withUTF8 { p in
            guard let src = p.baseAddress else { return }
            reserve(p.count)
            (base + count).update(from: src, count: p.count)
            count += p.count
        }
    }

    /// The last byte written (0 when empty).
    var last: UInt8 { count == 0 ? 0 : base[count - 1] }

    /// Hands the bytes to `sink` as one string and empties the buffer.
    func flush(into sink: LineSink) throws {
        guard count > 0 else { return }
        try sink.write(String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self))
        count = 0
    }

    @inline(__always) func flushIfFull(into sink: LineSink) throws {
        if count >= 1 << 20 { try flush(into: sink) }
    }
}

/// RFC 4180 rows into a `SampleBuffer`, flushed to a sink in large chunks.
final class SampleCSV {
    let buffer = SampleBuffer()
    let sink: LineSink
    private let eol: [UInt8]
    private var atRowStart = true
    private(set) var rows = 0

    init(sink: LineSink, crlf: Bool = false, bom: Bool = false) {
        self.sink = sink
        eol = crlf ? [13, 10] : [10]
        if bom { buffer.bytes([0xEF, 0xBB, 0xBF]) }
    }

    /// One field, quoted when it holds a comma, quote or line break.
    func field(_ s: String) {
        if !atRowStart { buffer.byte(44) }
        atRowStart = false
        var needs = false
        for b in s.utf8 where b == 44 || b == 34 || b == 10 || b == 13 { needs = true; break }
        guard needs else { buffer.text(s); return }
        buffer.byte(34)
        for b in s.utf8 {
            if b == 34 { buffer.byte(34) }
            buffer.byte(b)
        }
        buffer.byte(34)
    }

    func row(_ fields: [String]) throws {
        for f in fields { field(f) }
        try endRow()
    }

    func endRow() throws {
        buffer.bytes(eol)
        atRowStart = true
        rows += 1
        try buffer.flushIfFull(into: sink)
    }

    var lineBreak: [UInt8] { eol }

    func finish() throws {
        try buffer.flush(into: sink)
        try sink.close()
    }
}
