import Foundation

/// What the file system says about a file without reading it: size, modification time and inode.
///
/// The load log keeps these for every loaded file, so the next load skips a file whose three
/// still match without reading a byte of it (`docs/STORE.md`); `--verify-unchanged` hashes anyway.
/// Any rewrite of a file (an export, a copy, an edit) changes its modification time; a file
/// replaced by another moves the inode.
public struct FileIdentity: Equatable, Sendable {
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var mtimeNs: Int64
    public var inode: UInt64

    public init(size: Int64, mtimeNs: Int64, inode: UInt64) {
        self.size = size; self.mtimeNs = mtimeNs; self.inode = inode
    }

    /// The identity of the file at `path` (nil when it cannot be stat-ed).
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    /// The identity of an open file.
    public init?(fd: Int32) {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        self.init(st)
    }

    init(_ st: stat) {
        size = Int64(st.st_size)
        mtimeNs = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        inode = UInt64(st.st_ino)
    }
}
