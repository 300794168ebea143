import COutcomesZlib
import Crypto
import Foundation

/// A period's output folder written beside the live one and swapped in at the end
/// (OUTPUTS.md "Behaviour a scheduled monthly run relies on").
///
/// Files are 0600 and folders 0700 whatever the umask, since they describe children.
public final class OutputFolder {
    public let finalPath: String
    public let stagingPath: String
    /// Every file written, relative to the folder, with its data-row count and SHA-256.
    public internal(set) var written: [(name: String, rows: Int, sha256: String)] = []

    /// Creates the staging folder for `period` under `root`, clearing stale ones from killed runs.
    public init(root: String, period: Month) throws {
        let fm = FileManager.default
        try Self.makeDirectory(root)
        finalPath = (root as NSString).appendingPathComponent(period.text)
        for n in (try? fm.contentsOfDirectory(atPath: root)) ?? [] where n.hasPrefix(".staging-") || n.hasPrefix(".old-") {
            try? fm.removeItem(atPath: (root as NSString).appendingPathComponent(n))
        }
        stagingPath = (root as NSString).appendingPathComponent(".staging-\(period.text)-\(getpid())")
        try Self.makeDirectory(stagingPath)
    }

    /// Creates a folder (and parents) with mode 0700.
    public static func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        chmod(path, 0o700)
    }

    /// Writes a file (mode 0600) at `name` (may contain one subfolder) in the staging folder.
    public func write(_ name: String, text: String, rows: Int? = nil) throws {
        let path = (stagingPath as NSString).appendingPathComponent(name)
        try Self.makeDirectory((path as NSString).deletingLastPathComponent)
        try Self.writeFile(path: path, data: Data(text.utf8))
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        let n = rows ?? max(0, text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1)
        written.append((name, n, digest))
    }

    /// Records a file something else wrote into the staging folder (the analysts' query CSVs).
    public func register(_ name: String, rows: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: (stagingPath as NSString).appendingPathComponent(name)))
        written.append((name, rows, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()))
    }

    /// Writes a file readable by its owner only, created with 0600 so it is never briefly wider.
    public static func writeFile(path: String, data: Data) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(fd) }
        fchmod(fd, 0o600)
        try data.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = Foundation.write(fd, b.baseAddress! + off, b.count - off)
                guard n > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
                off += n
            }
        }
        fsync(fd)
    }

    /// Swaps the staging folder in place of the live one; the old one is removed afterwards.
    public func commit() throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: finalPath) {
            if outcomes_rename_exchange(stagingPath, finalPath) == 0 {
                try? fm.removeItem(atPath: stagingPath)
                return
            }
            // No renameat2 (other kernels): move the old aside, then the new in.
            let old = (finalPath as NSString).deletingLastPathComponent + "/.old-\(getpid())"
            try fm.moveItem(atPath: finalPath, toPath: old)
            try fm.moveItem(atPath: stagingPath, toPath: finalPath)
            try? fm.removeItem(atPath: old)
        } else {
            try fm.moveItem(atPath: stagingPath, toPath: finalPath)
        }
    }

    /// Drops the staging folder (a failed run).
    public func discard() { try? FileManager.default.removeItem(atPath: stagingPath) }
}
