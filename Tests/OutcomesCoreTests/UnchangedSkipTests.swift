import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// Issue 16: a file whose size, modification time and inode match the load log is skipped without
/// reading a byte; otherwise it is hashed in the parsing pass itself.
@Suite struct UnchangedSkipTests {
    /// Loads the folder and returns the result and the bytes the reader handed to the hasher.
    func load(_ t: TempDir, verify: Bool = false) throws -> (LoadReport, bytes: Int) {
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.verifyUnchanged = verify
        let counter = Counter()
        loader.progress = { e in if case .bytes(let n) = e { counter.n += n } }
        return (try loader.load(folder: t.file("in")), counter.n)
    }

    final class Counter { var n = 0 }

    static let text = "episode_id,child_id,service,level,allocation_date\nE1,C1,YIT,EH3,2026-01-05\n"

    @Test func unchangedFileIsSkippedUnreadAndTouchedOneIsHashedOnce() throws {
        let t = TempDir()
        let path = t.write("in/episodes.csv", Self.text)
        let size = Self.text.utf8.count
        let (first, b1) = try load(t)
        #expect(b1 == size && first.files.map(\.unchanged) == [false])
        let (second, b2) = try load(t)
        #expect(b2 == 0 && second.files.map(\.unchanged) == [true])
        let sha = try sha256sum(path)
        #expect(second.files[0].sha256 == sha)
        // A new modification time with the same content: read and hashed once, still unchanged...
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 5), timespec(tv_sec: 1_700_000_000, tv_nsec: 5)]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let (third, b3) = try load(t)
        #expect(b3 == size && third.files.map(\.unchanged) == [true] && third.files[0].rowsRead == 0)
        // ...and the log learned the new time, so the next load skips it unread again.
        let (fourth, b4) = try load(t)
        #expect(b4 == 0 && fourth.files.map(\.unchanged) == [true])
        // --verify-unchanged reads it whatever the log says.
        let (fifth, b5) = try load(t, verify: true)
        #expect(b5 == size && fifth.files.map(\.unchanged) == [true])
        let logged = try Store(path: t.file("s.db")).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM load_log") }
        #expect(logged == 1)
    }

    @Test func sameSizeAndTimeButNewContentIsSeenThroughTheInode() throws {
        let t = TempDir()
        let path = t.write("in/episodes.csv", Self.text)
        _ = try load(t)
        let before = try #require(FileIdentity(path: path))
        // Replace it by a different file of the same size, given the old modification time.
        let other = Self.text.replacingOccurrences(of: "EH3", with: "EH4")
        let tmp = t.write("other.csv", other)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
        var times = [timespec(tv_sec: Int(before.mtimeNs / 1_000_000_000), tv_nsec: Int(before.mtimeNs % 1_000_000_000))]
        times.append(times[0])
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let after = try #require(FileIdentity(path: path))
        #expect(after.size == before.size && after.mtimeNs == before.mtimeNs)
        // Made while the old file still existed, so it cannot have its inode.
        #expect(after.inode != before.inode)
        let (r, bytes) = try load(t)
        #expect(bytes == other.utf8.count && r.files.map(\.unchanged) == [false])
        let level = try Store(path: t.file("s.db")).read { try String.fetchOne($0, sql: "SELECT level FROM episodes") }
        #expect(level == "EH4")
    }

    @Test func sameContentUnderAnotherNameIsUnchangedByItsHash() throws {
        let t = TempDir()
        t.write("in/episodes.csv", Self.text)
        _ = try load(t)
        t.write("in/episodes-copy.csv", Self.text)
        let (r, _) = try load(t)
        #expect(r.files.map(\.file) == ["episodes-copy.csv", "episodes.csv"])
        #expect(r.files.map(\.unchanged) == [true, true])
    }
}
