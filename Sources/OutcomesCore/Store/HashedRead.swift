import Crypto
import Foundation

/// An extract opened for its one read, its raw bytes hashed as they pass (the load log's SHA-256,
/// computed in the parsing pass rather than by a second read) and counted for the progress bar.
/// A workbook is read through its zip directory, not as a byte stream, so it is hashed whole first.
/// Used by every route that reads a file: the caller's thread, and the threads that read ahead.
final class HashedRead {
    let mapped: MappedRecords
    private let hash: RunningHash
    private let workbookSHA: String?

    /// `SHA256` behind a reference: the observer that updates it is stored in the source.
    private final class RunningHash { var hasher = SHA256() }

    init(path: String, kind: ExtractKind, profile: Profile?, bufferSize: Int, parseThreadBlockSize: Int?,
         bytes: ((Int) -> Void)?) throws {
        let hash = RunningHash()
        // With a parsing thread the observer runs there; the hash is read only after the read.
        let source = try TableSources.open(path: path, profile: profile, bufferSize: bufferSize, rawObserver: { b in
            hash.hasher.update(bufferPointer: b)
            bytes?(b.count)
        }, parseThreadBlockSize: parseThreadBlockSize)
        self.hash = hash
        mapped = MappedRecords(source: source, kind: kind, profile: profile)
        workbookSHA = source is CSVTable ? nil : try Loader.sha256(path: path)
    }

    /// The file's SHA-256 in hex, once the read is done.
    var sha256: String { workbookSHA ?? Loader.hex(hash.hasher.finalize()) }
}

extension FileLoadResult {
    /// A file's result once read: its rows read, rejected (`rejected`, the reject spool's count)
    /// and loaded, and the physical lines behind them.
    init(file: String, kind: ExtractKind, sha256: String, rowsRead: Int, rejected: Int,
         lines: (read: Int, rejected: Int)) {
        self.init(file: file, kind: kind, sha256: sha256)
        self.rowsRead = rowsRead; rowsRejected = rejected; rowsLoaded = rowsRead - rejected
        linesRead = lines.read; linesRejected = lines.rejected
    }
}
