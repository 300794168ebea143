import COutcomesZlib
import Foundation

/// Writes a gzip file in one pass, buffering small writes so a generator can emit a line at a
/// time without calling zlib for each (the synthetic sample writes millions of lines).
///
/// For example:
///
///     let out = try GzipFileWriter(path: "attendance.csv.gz")
///     try out.write("child_id,school_urn,date,session,mark\n")
///     try out.close()
///
/// Forgetting `close()` leaves a truncated file that `CSVReader` reports as corrupt.
public final class GzipFileWriter {
    /// A write to the output file failed; `file` is the path as given.
    public struct WriteError: LocalizedError, Equatable, Sendable {
        public var file: String
        public var detail: String
        public var errorDescription: String? {
            "\(file): cannot be written (\(detail)). Check the folder exists, is writable and has space."
        }
    }

    private let path: String
    private var fd: Int32
    private let strm: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let output: UnsafeMutablePointer<UInt8>
    private var inputCount = 0
    private static let inputCapacity = 1 << 16
    private static let outputCapacity = 1 << 16

    /// Creates or truncates `path`.
    ///
    /// - Parameter level: zlib level, 1 (fastest) to 9 (smallest); 6 is gzip's default.
    /// - Throws: `WriteError` when the file cannot be created.
    public init(path: String, level: Int32 = 6) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriteError(file: path, detail: String(cString: strerror(errno))) }
        strm = .allocate(capacity: 1)
        strm.initialize(to: z_stream())
        input = .allocate(capacity: Self.inputCapacity)
        output = .allocate(capacity: Self.outputCapacity)
        guard czlib_deflate_init_gzip(strm, level) == Z_OK else {
            _ = posixClose(fd)
            strm.deallocate(); input.deallocate(); output.deallocate()
            throw WriteError(file: path, detail: "zlib refused compression level \(level)")
        }
    }

    deinit {
        if fd >= 0 { _ = posixClose(fd) }
        deflateEnd(strm)
        strm.deallocate()
        input.deallocate()
        output.deallocate()
    }

    /// Appends the UTF-8 bytes of `s`.
    public func write(_ s: String) throws {
        var s = s
        try s.withUTF8 { try write(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Appends `bytes`; they are copied, so the caller may reuse its buffer at once.
    public func write(bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw WriteError(file: path, detail: "already closed") }
        guard var src = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = min(left, Self.inputCapacity - inputCount)
            (input + inputCount).update(from: src.assumingMemoryBound(to: UInt8.self), count: n)
            inputCount += n
            src += n
            left -= n
            if inputCount == Self.inputCapacity { try deflateInput(flush: Z_NO_FLUSH) }
        }
    }

    /// Flushes the buffer, writes the gzip trailer and closes the file. Further writes throw.
    public func close() throws {
        guard fd >= 0 else { return }
        try deflateInput(flush: Z_FINISH)
        let rc = posixClose(fd)
        fd = -1
        if rc != 0 { throw WriteError(file: path, detail: String(cString: strerror(errno))) }
    }

    /// Runs the buffered input through deflate; with `Z_FINISH`, until the stream ends.
    private func deflateInput(flush: Int32) throws {
        strm.pointee.next_in = input
        strm.pointee.avail_in = UInt32(inputCount)
        while true {
            strm.pointee.next_out = output
            strm.pointee.avail_out = UInt32(Self.outputCapacity)
            let ret = deflate(strm, flush)
            guard ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR else {
                throw WriteError(file: path, detail: "zlib error \(ret)")
            }
            try writeAll(output, Self.outputCapacity - Int(strm.pointee.avail_out))
            if flush == Z_FINISH ? ret == Z_STREAM_END : strm.pointee.avail_in == 0 && strm.pointee.avail_out != 0 {
                break
            }
        }
        inputCount = 0
    }

    private func writeAll(_ p: UnsafeMutablePointer<UInt8>, _ count: Int) throws {
        var done = 0
        while done < count {
            let n = posixWrite(fd, p + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(file: path, detail: String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

// The class's own `close()` and `write` hide the POSIX calls inside it.
private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
private func posixWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
