import Foundation
import Synchronization
import Testing
@testable import OutcomesCore

/// A spill of the attendance file read ahead is written on the caller's thread while the reading
/// thread packs on (docs/PERFORMANCE.md "Spills written while the file reads on"); the next spill
/// or staged lookup waits for it. The store, rejects and messages must be one thread's, whatever
/// the reading thread did meanwhile.
@Suite struct SpillOverlapTests {
    /// Loads with a tiny batch; on two threads every spill waits, before it ends, until the
    /// reading thread has packed on to its next hand-over (a spill, a lookup or the file's end):
    /// the most the reading can run ahead, forced on every spill.
    static func load(_ folder: String, _ t: TempDir, threads: Int, capacity: Int, blockSize: Int = 1 << 20,
                     failAtSpill: Int? = nil) throws -> (run: ReadAheadTests.Run, overlapped: Int) {
        let store = try Store(path: t.file("o-\(threads)-\(UUID().uuidString).db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.threads = threads
        loader.parseBlockSize = blockSize
        loader.attendanceCapacity = capacity
        let ahead = Mutex<AttendanceReadAhead?>(nil)
        loader.readAheadStarted = { a in ahead.withLock { $0 = a } }
        let spills = Mutex(0), overlapped = Mutex(0)
        loader.afterSpill = { _ in
            let n = spills.withLock { s in s += 1; return s }
            if let relay = ahead.withLock({ $0?.relay }) {
                let deadline = Date().addingTimeInterval(10)
                while !relay.isWorkerWaiting && Date() < deadline { usleep(100) }
                if relay.isWorkerWaiting { overlapped.withLock { $0 += 1 } }
            }
            if let failAtSpill, n == failAtSpill { throw ReadAheadTests.SpillFailure() }
        }
        var report = LoadReport()
        var thrown: String?
        do { report = try loader.load(folder: folder) } catch { thrown = "\(error)" }
        let run = ReadAheadTests.Run(
            loaded: .init(files: report.files, rejects: report.rejects, warnings: report.warnings,
                          tables: try ParallelLoadTests.dump(store)),
            contractError: report.contractError.map { "\($0)" }, thrown: thrown, events: [], spills: spills.withLock { $0 })
        return (run, overlapped.withLock { $0 })
    }

    /// Batches of 1 to 3 entries spill at nearly every new month: each spill is written while the
    /// reading thread runs to its next hand-over, and the store, file results, rejects (the
    /// duplicates found through the staging table among them) and messages are one thread's.
    @Test(arguments: [1, 2, 3], [7, 1 << 20])
    func manyOverlappingSpillsGiveTheOneThreadLoad(capacity: Int, blockSize: Int) throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let one = try Self.load(folder, t, threads: 1, capacity: capacity)
        let two = try Self.load(folder, t, threads: 2, capacity: capacity, blockSize: blockSize)
        #expect(one.run == two.run)
        #expect(one.run.thrown == nil && one.run.contractError == nil)
        // A spill at nearly every new month (about 40), each on two threads written while the
        // reading went on.
        #expect(one.run.spills >= 30, "\(one.run.spills) spills")
        #expect(one.overlapped == 0 && two.overlapped == two.run.spills)
        #expect(one.run.loaded.rejects.contains { $0.file == "attendance.csv" && $0.reason.hasPrefix("duplicate key (child_id ") })
        // Against the batch that never spills: the same store and rejects.
        let whole = try ReadAheadTests.load(folder, t, threads: 2)
        #expect(whole.spills == 0 && whole.loaded == one.run.loaded)
    }

    /// A spill that fails while the reading thread has packed on past it fails the load with the
    /// spill's error, as on one thread: the first spill, one in the middle, and the last; the
    /// attendance rolled back and the files before it kept.
    @Test func aSpillFailingWhileTheReadingRunsOnFailsAsOnOneThread() throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let all = try Self.load(folder, t, threads: 1, capacity: 2).run.spills
        for at in [1, all / 2, all] {
            let one = try Self.load(folder, t, threads: 1, capacity: 2, failAtSpill: at)
            let two = try Self.load(folder, t, threads: 2, capacity: 2, blockSize: 64, failAtSpill: at)
            #expect(one.run == two.run, "spill \(at) of \(all)")
            #expect(one.run.thrown == "\(ReadAheadTests.SpillFailure())" && one.run.spills == at)
            #expect(two.overlapped == at)
            #expect(one.run.loaded.tables["attendance_months"]?.isEmpty == true)
            #expect(one.run.loaded.tables["outcomes"]?.isEmpty == false)
            #expect(one.run.loaded.tables["load_log"]?.count == 2)
        }
    }

    /// The relay on its own: a posted job runs on the caller's thread while the worker carries
    /// on; the next job starts only after it; a posted job's error reaches the worker at its next
    /// hand-over, whose job never runs; a job the caller never serves throws `Cancelled`.
    @Test func postedJobsOverlapTheWorkerAndKeepTheirOrder() throws {
        struct Boom: Error, Equatable {}
        /// The caller's context: what the jobs did, in order.
        final class Log: Sendable { let lines = Mutex<[String]>([]) }
        let relay = CallerRelay<Log>()
        let log = Log()
        let workerRanOn = DispatchSemaphore(value: 0)
        let result = Mutex<[String]>([])
        let worker = Thread {
            var seen: [String] = []
            do {
                try relay.post { log in
                    // Ends only once the worker has gone on past `post`.
                    let ok = workerRanOn.wait(timeout: .now() + 10) == .success
                    log.lines.withLock { $0.append(ok ? "A after worker" : "A timed out") }
                }
                seen.append("posted A")
                workerRanOn.signal()
                try relay.run { log in log.lines.withLock { $0.append("B") } }
                seen.append("ran B")
                try relay.post { _ in throw Boom() }
                do {
                    try relay.run { log in log.lines.withLock { $0.append("D") } }
                    seen.append("D did not throw")
                } catch is Boom { seen.append("Boom at D") }
                try relay.settle()
                seen.append("settled")
            } catch { seen.append("unexpected \(error)") }
            result.withLock { $0 = seen }
            relay.finish()
        }
        worker.start()
        relay.serve(log)
        #expect(result.withLock { $0 } == ["posted A", "ran B", "Boom at D", "settled"])
        #expect(log.lines.withLock { $0 } == ["A after worker", "B"])

        // Never served: the posted job does not run and the worker's next hand-over is cancelled.
        let unserved = CallerRelay<Void>()
        let ran = Mutex(false)
        try unserved.post { _ in ran.withLock { $0 = true } }
        unserved.cancel()
        #expect(throws: CallerRelay<Void>.Cancelled.self) { try unserved.settle() }
        #expect(throws: CallerRelay<Void>.Cancelled.self) { try unserved.post { _ in } }
        #expect(ran.withLock { $0 } == false)
    }
}
