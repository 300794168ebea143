import Crypto
import Foundation

/// A file written piece by piece through a buffer, hashed as it goes: for outputs too big to
/// build in memory first (a rejects report of millions of rows).
///
/// Created readable by its owner only (OUTPUTS.md) and never through a symbolic link.
public final class StreamingFile {
    public let path: String
    /// Lines written (LF count).
    public private(set) var lines = 0
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    private var closed = false
    static let flushAt = 1 << 20

    /// - Parameter replace: replace a file already there (a report kept outside the period
    ///   folder); otherwise the file must be new (inside a fresh staging folder).
    public init(path: String, replace: Bool = false) throws {
        self.path = path
        let flags = O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | (replace ? O_TRUNC : O_EXCL)
        fd = open(path, flags, 0o600)
        guard fd >= 0 else { throw WriteFailure(path: path, errno: errno) }
        buffer.reserveCapacity(Self.flushAt + 4096)
    }

    deinit { if !closed { Foundation.close(fd) } }

    public func write(_ s: String) throws {
        var s = s
        s.withUTF8 { b in
            buffer.append(contentsOf: b)
            for c in b where c == 10 { lines += 1 }
        }
        if buffer.count >= Self.flushAt { try flush() }
    }

    /// One CSV line.
    public func line(_ fields: [String]) throws { try write(CSVText.line(fields)) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { b in
            hasher.update(bufferPointer: b)
            var off = 0
            while off < b.count {
                let n = Foundation.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw WriteFailure(path: path, errno: errno) }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and closes; returns the SHA-256 (hex) of everything written.
    @discardableResult
    public func close() throws -> String {
        try flush()
        closed = true
        let synced = fsync(fd) == 0
        let e = errno
        Foundation.close(fd)
        guard synced else { throw WriteFailure(path: path, errno: e) }
        return Loader.hex(hasher.finalize())
    }
}

/// An output file could not be written: the path and the system's reason.
public struct WriteFailure: LocalizedError, Equatable, Sendable {
    public var path: String
    public var errno: Int32
    public var errorDescription: String? {
        let why = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
        return "cannot write \(path): \(why). Free some space or fix the folder's permissions, then run again."
    }
}
