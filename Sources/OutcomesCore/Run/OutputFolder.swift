import COutcomesZlib
import Crypto
import Foundation

/// A period's output folder written beside the live one and swapped in at the end
/// (docs/OUTPUTS.md "What a scheduled monthly run can rely on").
///
/// Files are 0600 and folders 0700 whatever the umask, since they describe children; but only
/// what this run creates: an output root that already exists keeps its mode, and nothing is ever
/// written through a symbolic link (files are created with `O_EXCL | O_NOFOLLOW` inside the
/// run's own new staging folder). The run deletes only what it made: its staging folder, and the
/// previous period folder it swapped out. Folders left by other or killed runs are left alone.
public final class OutputFolder {
    public let finalPath: String
    public let stagingPath: String
    /// Every file written, relative to the folder, with its data-row count and SHA-256.
    public internal(set) var written: [(name: String, rows: Int, sha256: String)] = []
    /// Hidden folders of earlier runs found in the root (left in place), for a warning.
    public let leftovers: [String]

    /// Creates this run's own staging folder for `period` under `root`.
    public init(root: String, period: Month) throws {
        try SafeFiles.makeDirectories(root, option: "--out")
        finalPath = (root as NSString).appendingPathComponent(period.text)
        leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.hasPrefix(".staging-") || $0.hasPrefix(".old-") }.sorted()
        // A new name: mkdir fails rather than reuse a folder someone else made.
        var made: String?
        for _ in 0..<8 {
            let candidate = (root as NSString).appendingPathComponent(
                ".staging-\(period.text)-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))")
            do { try SafeFiles.makeNewDirectory(candidate); made = candidate; break } catch let e as FileSafetyError {
                if case .system(_, EEXIST, _) = e { continue }
                throw e
            }
        }
        guard let made else { throw FileSafetyError.system(path: root, errno: EEXIST, doing: "create a staging folder") }
        stagingPath = made
    }

    /// Creates a folder (and missing parents) with mode 0700; existing folders keep their mode.
    public static func makeDirectory(_ path: String) throws {
        try SafeFiles.makeDirectories(path)
    }

    /// Writes a new file (mode 0600) at `name` (may contain one subfolder) in the staging folder.
    public func write(_ name: String, text: String, rows: Int? = nil) throws {
        let path = (stagingPath as NSString).appendingPathComponent(name)
        try SafeFiles.makeDirectories(SafeFiles.folder(of: path))
        let data = Data(text.utf8)
        try SafeFiles.createFile(path, data: data)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let n = rows ?? max(0, text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1)
        written.append((name, n, digest))
    }

    /// Writes bytes (mode 0600) at `name` in the staging folder: the workbook.
    public func write(_ name: String, data: Data, rows: Int) throws {
        let path = (stagingPath as NSString).appendingPathComponent(name)
        try Self.writeFile(path: path, data: data)
        written.append((name, rows, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()))
    }

    /// Records a file something else wrote into the staging folder (the analysts' query CSVs).
    public func register(_ name: String, rows: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: (stagingPath as NSString).appendingPathComponent(name)))
        written.append((name, rows, SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()))
    }

    /// Writes (or replaces) a file readable by its owner only, never through a symbolic link:
    /// a new file beside it renamed over it (docs/OUTPUTS.md: the rejects report).
    public static func writeFile(path: String, data: Data) throws {
        try SafeFiles.replaceFile(path, data: data)
    }

    /// Swaps the staging folder in place of the live one; the old one is removed afterwards.
    public func commit() throws {
        var st = stat()
        guard lstat(finalPath, &st) == 0 else {
            guard rename(stagingPath, finalPath) == 0 else {
                throw FileSafetyError.system(path: finalPath, errno: errno, doing: "move the new folder into place")
            }
            return
        }
        if (st.st_mode & S_IFMT) == S_IFLNK { throw FileSafetyError.symbolicLink(finalPath) }
        if outcomes_rename_exchange(stagingPath, finalPath) == 0 {
            // The staging name now holds the previous month's folder, which this run swapped out.
            try? FileManager.default.removeItem(atPath: stagingPath)
            return
        }
        // No renameat2 (other kernels): move the old aside under a name of this run, then the new in.
        let old = SafeFiles.folder(of: finalPath) + "/.old-" + (stagingPath.split(separator: "/").last.map(String.init) ?? "run")
        guard rename(finalPath, old) == 0 else {
            throw FileSafetyError.system(path: finalPath, errno: errno, doing: "move the previous folder aside")
        }
        guard rename(stagingPath, finalPath) == 0 else {
            let e = errno
            _ = rename(old, finalPath)
            throw FileSafetyError.system(path: finalPath, errno: e, doing: "move the new folder into place")
        }
        try? FileManager.default.removeItem(atPath: old)
    }

    /// Drops the staging folder (a failed run).
    public func discard() { try? FileManager.default.removeItem(atPath: stagingPath) }
}
