import COutcomesZlib
import Foundation

/// Inflates a gzip file on a background thread into a small pool of chunks, so decompression
/// overlaps with parsing on the caller's thread.
///
/// The producer hands out two kinds of chunk, in file order: `raw` chunks carry compressed
/// bytes exactly as read from disk (for the caller's SHA-256 and progress), `data` chunks carry
/// inflated bytes. Chunks come back through `recycle`, so memory stays at `poolSize` chunks.
/// Concatenated gzip members are inflated one after another (RFC 1952 2.2).
///
/// `Sendable`: the chunks cross threads only through `pool` (a `HandOff`).
final class GzipInflater: Sendable {
    final class Chunk {
        let ptr: UnsafeMutablePointer<UInt8>
        let capacity: Int
        var count = 0
        var isRaw = false
        init(capacity: Int) {
            self.capacity = capacity
            ptr = .allocate(capacity: capacity)
        }
        deinit { ptr.deallocate() }
    }

    /// Producer holds at most one input and one output chunk; the consumer holds one; the rest
    /// form the ring of ready chunks.
    static let poolSize = 6

    private let fd: Int32
    private let file: String
    /// Not running until `start`: a reader dropped unread has no thread to wait for.
    private let pool: HandOff<Chunk>

    init(fd: Int32, file: String, chunkSize: Int) {
        self.fd = fd
        self.file = file
        pool = HandOff(pool: (0..<Self.poolSize).map { _ in Chunk(capacity: chunkSize) }, running: false)
    }

    func start() {
        pool.started()
        let thread = Thread { [self] in self.run() }
        thread.name = "outcomes.inflate"
        thread.start()
    }

    /// Stops the producer and waits for its thread to end, so no chunk or descriptor is used
    /// after the reader is gone. Safe to call when the producer already finished.
    func stop() { pool.stop() }

    // MARK: Consumer side

    /// The next chunk in file order, `nil` at the end of a sound stream; throws the producer's
    /// error once every chunk produced before it has been handed out.
    func next() throws -> Chunk? { try pool.next() }

    func recycle(_ chunk: Chunk) {
        chunk.count = 0
        pool.recycle(chunk)
    }

    // MARK: Producer side

    private func run() {
        var error: ExtractError?
        do {
            try inflateAll()
        } catch let e as ExtractError {
            error = e
        } catch {
            // Cancelled: the consumer is gone and wants nothing more.
        }
        pool.finish(error)
    }

    private func corrupt(_ detail: String) -> ExtractError {
        .corruptGzip(file: file, detail: detail)
    }

    private func inflateAll() throws {
        let strm = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        strm.initialize(to: z_stream())
        defer { strm.deallocate() }
        guard czlib_inflate_init_gzip(strm) == Z_OK else { throw corrupt("zlib could not start") }
        defer { inflateEnd(strm) }

        var input: Chunk?
        var output: Chunk?
        var inputEOF = false
        var memberOpen = false  // inside a gzip member that has not reached its end yet
        var totalOut = 0
        defer {
            // Chunks still held go back so `stop` and deinit see a tidy pool.
            if let input { recycle(input) }
            if let output { recycle(output) }
        }

        while true {
            if strm.pointee.avail_in == 0 && !inputEOF {
                if let done = input {
                    // Fully inflated: now the consumer may see (and then reuse) these bytes.
                    done.isRaw = true
                    try pool.send(done)
                    input = nil
                }
                let chunk = try pool.take()
                let n = try readSome(chunk)
                if n == 0 {
                    inputEOF = true
                    recycle(chunk)
                } else {
                    chunk.count = n
                    input = chunk
                    strm.pointee.next_in = chunk.ptr
                    strm.pointee.avail_in = UInt32(n)
                }
            }
            if strm.pointee.avail_in == 0 && inputEOF {
                if memberOpen { throw corrupt("the file ends in the middle of the compressed data") }
                break
            }
            if output == nil {
                let chunk = try pool.take()
                chunk.isRaw = false
                output = chunk
            }
            let out = output!
            strm.pointee.next_out = out.ptr + out.count
            strm.pointee.avail_out = UInt32(out.capacity - out.count)
            memberOpen = true
            let ret = inflate(strm, Z_NO_FLUSH)
            let produced = out.capacity - out.count - Int(strm.pointee.avail_out)
            out.count += produced
            totalOut += produced
            switch ret {
            case Z_STREAM_END:
                // Another member may follow (concatenated gzip files are one valid stream).
                memberOpen = false
                guard inflateReset(strm) == Z_OK else { throw corrupt("zlib could not restart") }
            case Z_OK, Z_BUF_ERROR:
                break
            default:
                let msg = strm.pointee.msg.map { String(cString: $0) } ?? "zlib error \(ret)"
                throw corrupt("\(msg) after \(totalOut) uncompressed bytes")
            }
            if out.count == out.capacity {
                try pool.send(out)
                output = nil
            }
        }
        if let done = input {
            done.isRaw = true
            try pool.send(done)
            input = nil
        }
        if let out = output, out.count > 0 {
            try pool.send(out)
            output = nil
        }
    }

    private func readSome(_ chunk: Chunk) throws -> Int {
        while true {
            let n = read(fd, chunk.ptr, chunk.capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw ExtractError.unreadable(file: file, detail: String(cString: strerror(errno)))
        }
    }
}
