import Foundation
import GRDB

/// A problem with a file or folder the tool creates, replaces or locks (docs/OUTPUTS.md "What a
/// scheduled monthly run can rely on"). Every message names the path and says what to do.
public enum FileSafetyError: LocalizedError, Equatable, Sendable {
    /// A symbolic link where the tool creates or replaces a file: never written through.
    case symbolicLink(String)
    /// The store exists but its owner made it read-only; the tool never changes its mode.
    case readOnlyStore(String)
    /// Another run holds the lock; `pid` is the process that wrote it, when it says.
    case locked(path: String, pid: Int32?)
    /// A path given as a folder is something else (a file).
    case notAFolder(path: String, option: String)
    /// A path given as a folder does not exist.
    case noSuchFolder(path: String, option: String)
    /// A system call failed on `path`; `doing` says what the tool was doing ("write", "create").
    case system(path: String, errno: Int32, doing: String)

    /// Exit 2 for what the user can fix in the arguments or the file system's set-up; a failing
    /// system call (a full disk, say) is exit 1, an unexpected failure of the run.
    public var status: ExitStatus {
        if case .system = self { return .failure }
        return .usage
    }

    public var errorDescription: String? {
        switch self {
        case .symbolicLink(let p):
            return "\(p) is a symbolic link; outcomes does not write through links. Remove the link or choose another path."
        case .readOnlyStore(let p):
            return "the store \(p) is read-only (its owner removed write permission), so nothing was loaded or written. Make it writable (chmod u+w \(p)) or pass another --db."
        case let .locked(p, pid):
            let who = pid.map { "process \($0)" } ?? "another process"
            return "another outcomes run is using this store or output folder: \(who) holds the lock \(p). Wait for it to finish, then run again."
        case let .notAFolder(p, option):
            return "\(option) \(p) is a file, not a folder. Give the folder that holds the files."
        case let .noSuchFolder(p, option):
            return "\(option) \(p): the folder does not exist. Create it or give another path."
        case let .system(p, e, doing):
            return "\(p): cannot \(doing): \(SafeFiles.describe(errno: e, path: p))"
        }
    }
}

/// File operations that never follow a symbolic link where the tool creates or replaces a file,
/// never change the mode of what the tool did not create, and turn `errno` into a message that
/// says what to do (docs/OUTPUTS.md).
public enum SafeFiles {
    /// What an `errno` means for the person running the tool.
    public static func describe(errno e: Int32, path: String) -> String {
        let folder = folder(of: path)
        switch e {
        case ENOSPC, EDQUOT:
            return "the disk is full (no space left on the device holding it). Free some space, then run again."
        case EACCES, EPERM:
            return "permission denied. Check that you may write in \(folder)."
        case EROFS:
            return "the file system is read-only. Choose a folder on a writable disk."
        case ENOENT:
            return "the folder \(folder) does not exist. Create it or choose another path."
        case ENOTDIR:
            return "a part of the path is a file, not a folder."
        case ELOOP:
            return "it is a symbolic link; outcomes does not write through links. Remove the link or choose another path."
        case EISDIR:
            return "it is a folder, not a file."
        case EEXIST:
            return "something already exists there that this run did not create; remove it or choose another path."
        default:
            return String(cString: strerror(e)) + "."
        }
    }

    /// A message for an error that reached the run unexpectedly, when its cause is one a person can
    /// act on (a full disk, a read-only store, a file the system refused); nil otherwise.
    public static func explain(_ error: any Error, store: String) -> String? {
        if let e = error as? DatabaseError {
            switch e.resultCode.primaryResultCode {
            case .SQLITE_FULL:
                return "the store \(store): the disk is full (SQLite could not grow the store). Free some space, then run again."
            case .SQLITE_READONLY:
                return FileSafetyError.readOnlyStore(store).errorDescription
            case .SQLITE_CANTOPEN:
                return "the store \(store) cannot be opened (\(e.message ?? "SQLite could not open it")). Check the path given to --db and its folder's permissions."
            default:
                return nil
            }
        }
        if let code = errno(of: error) {
            let path = (error as NSError).userInfo[NSFilePathErrorKey] as? String ?? "a file"
            return "\(path): \(describe(errno: code, path: path))"
        }
        return nil
    }

    /// The folder holding `path` ("." for a bare name, "/" at the root). Written out because
    /// Foundation's `deletingLastPathComponent` crashes on a one-character name on Linux.
    public static func folder(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        var dir = p[..<slash]
        while dir.count > 1 && dir.hasSuffix("/") { dir = dir.dropLast() }
        return String(dir)
    }

    /// The errno behind a Foundation or POSIX error, when there is one.
    public static func errno(of error: Error) -> Int32? {
        if let p = error as? POSIXError { return p.code.rawValue }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? Error { return errno(of: u) }
        return nil
    }

    /// Creates `path` and its missing parents with mode 0700; folders that exist keep their mode.
    public static func makeDirectories(_ path: String, option: String = "folder") throws {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw FileSafetyError.notAFolder(path: path, option: option) }
            return
        }
        let parent = folder(of: path)
        if parent != "." && parent != path && parent != "/" { try makeDirectories(parent, option: option) }
        if mkdir(path, 0o700) != 0 {
            let e = Foundation.errno
            if e == EEXIST, stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw FileSafetyError.system(path: path, errno: e, doing: "create the folder")
        }
        // Ours: exactly 0700 whatever the umask, since it will describe children.
        chmod(path, 0o700)
    }

    /// Creates a new folder (mode 0700) that must not exist yet.
    public static func makeNewDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 else {
            throw FileSafetyError.system(path: path, errno: Foundation.errno, doing: "create the folder")
        }
        chmod(path, 0o700)
    }

    /// Opens a new file for writing, mode 0600: it must not exist yet (`O_EXCL`), and a symbolic
    /// link there is an error (`O_NOFOLLOW`), so nothing else is ever overwritten through it.
    public static func createNew(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = Foundation.errno
            if e == EEXIST || e == ELOOP, isSymbolicLink(path) { throw FileSafetyError.symbolicLink(path) }
            throw FileSafetyError.system(path: path, errno: e, doing: "create the file")
        }
        fchmod(fd, 0o600)  // created by us: exactly owner-only whatever the umask
        return fd
    }

    /// Writes all of `bytes` to `fd`, retrying short writes; errors name `path`.
    public static func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if Foundation.errno == EINTR { continue }
                throw FileSafetyError.system(path: path, errno: Foundation.errno, doing: "write")
            }
            if n == 0 { throw FileSafetyError.system(path: path, errno: EIO, doing: "write") }
            off += n
        }
    }

    /// Writes a new file (mode 0600, synced) that must not exist yet.
    public static func createFile(_ path: String, data: Data) throws {
        let fd = try createNew(path)
        defer { close(fd) }
        do {
            try data.withUnsafeBytes { try writeAll(fd: fd, $0, path: path) }
            guard fsync(fd) == 0 else { throw FileSafetyError.system(path: path, errno: Foundation.errno, doing: "write") }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Replaces the file at `path` with `data`: written to a new file beside it, then renamed over
    /// it, so a reader never sees half a file. A symbolic link at `path` is an error, and the file
    /// it points at is never touched.
    public static func replaceFile(_ path: String, data: Data) throws {
        try checkReplaceable(path)
        let temp = temporaryName(for: path)
        try createFile(temp, data: data)
        try rename(temp, over: path)
    }

    /// Throws when `path` is a symbolic link or a folder (nothing there is fine).
    public static func checkReplaceable(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFLNK { throw FileSafetyError.symbolicLink(path) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw FileSafetyError.system(path: path, errno: EISDIR, doing: "write") }
    }

    /// Renames `temp` (a file this run created) over `path`; on failure `temp` is removed.
    public static func rename(_ temp: String, over path: String) throws {
        do {
            try checkReplaceable(path)
            guard Foundation.rename(temp, path) == 0 else {
                throw FileSafetyError.system(path: path, errno: Foundation.errno, doing: "replace the file")
            }
        } catch {
            unlink(temp)
            throw error
        }
    }

    /// A hidden name beside `path` no other run uses.
    public static func temporaryName(for path: String) -> String {
        let dir = folder(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        let name = "." + base + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return dir == "." && !path.hasPrefix("./") ? name : dir + "/" + name
    }

    /// True when the owner's write bit is off (root could still write the file, but must not:
    /// its owner said no) or this user may not write it.
    public static func isReadOnly(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IWUSR) == 0 || access(path, W_OK) != 0
    }

    public static func isSymbolicLink(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK
    }

    /// Checks that `path` names an existing folder (for `--extracts`, `--queries`), so the message
    /// says which of "missing" and "a file" it is.
    public static func requireFolder(_ path: String, option: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileSafetyError.noSuchFolder(path: path, option: option) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw FileSafetyError.notAFolder(path: path, option: option) }
    }
}

/// An exclusive lock on a file (`flock`), held for the life of the value, so only one run at a
/// time uses a store or an output folder (docs/OUTPUTS.md "One run at a time").
///
/// The lock file holds the holder's pid, for the second run's message. It is left in place when
/// the run ends: deleting it could let a third run lock a new file while a second still holds the
/// old one. The kernel drops the lock when the process ends, even when it is killed.
public final class RunLock: Sendable {
    public let path: String
    private let fd: Int32

    /// Takes the lock at once or throws `FileSafetyError.locked` naming the holder.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = errno
            if e == ELOOP { throw FileSafetyError.symbolicLink(path) }
            throw FileSafetyError.system(path: path, errno: e, doing: "create the lock file")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let e = errno
            var buf = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buf, buf.count, 0)
            close(fd)
            if e == EWOULDBLOCK {
                let text = n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
                throw FileSafetyError.locked(path: path, pid: Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            throw FileSafetyError.system(path: path, errno: e, doing: "lock")
        }
        let text = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The lock beside a store: `<store>.lock`.
    public static func forStore(_ db: String) throws -> RunLock {
        let dir = SafeFiles.folder(of: db)
        if dir != "." { try SafeFiles.makeDirectories(dir, option: "--db") }
        return try RunLock(path: db + ".lock")
    }

    /// The lock in an output root: `<out>/.outcomes.lock` (the root is created when missing).
    public static func forOutput(_ root: String) throws -> RunLock {
        try SafeFiles.makeDirectories(root, option: "--out")
        return try RunLock(path: (root as NSString).appendingPathComponent(".outcomes.lock"))
    }
}
