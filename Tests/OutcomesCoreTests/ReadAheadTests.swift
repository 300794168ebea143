import Foundation
import Synchronization
import Testing
@testable import OutcomesCore

/// On two threads the first attendance file is read ahead while the episodes and outcomes load,
/// and the first feedback file while the attendance loads (docs/PERFORMANCE.md "The files read
/// ahead"). Whatever happens in which file, the load must give what one thread gives: the same
/// store, the same file results, rejects and messages in the same order, the same contract error,
/// and the progress events in load order.
@Suite struct ReadAheadTests {
    typealias Loaded = ParallelLoadTests.Loaded

    struct Run: Equatable {
        var loaded: Loaded
        var contractError: String?
        var thrown: String?
        var events: [String]
        var spills: Int
    }

    /// Loads `folder` into a new store; `capacity` bounds the attendance batch (small: it spills).
    static func load(_ folder: String, _ t: TempDir, threads: Int, blockSize: Int = 1 << 20, capacity: Int? = nil,
                     maxRejectPct: Double = 100, failAtSpill: Int? = nil) throws -> Run {
        let store = try Store(path: t.file("s-\(threads)-\(UUID().uuidString).db"))
        var loader = Loader(store: store, maxRejectPct: maxRejectPct)
        loader.threads = threads
        loader.parseBlockSize = blockSize
        if let capacity { loader.attendanceCapacity = capacity }
        // Progress comes from several threads; the bytes of each file are summed.
        let events = Mutex<[String]>([])
        let spills = Mutex(0)
        loader.progress = { e in
            events.withLock { list in
                switch e {
                case let .fileStarted(name, _, bytes): list.append("start \(name) \(bytes)")
                case .bytes(let n):
                    // The bytes follow their file's start: summed into one entry per file.
                    if let last = list.last, last.hasPrefix("bytes "), let k = Int(last.dropFirst(6)) {
                        list[list.count - 1] = "bytes \(k + n)"
                    } else {
                        list.append("bytes \(n)")
                    }
                case .fileFinished(let r): list.append("finish \(r.file) \(r.rowsLoaded) \(r.rowsRejected) \(r.unchanged)")
                }
            }
        }
        loader.afterSpill = { _ in
            let n = spills.withLock { s in s += 1; return s }
            if let failAtSpill, n == failAtSpill { throw SpillFailure() }
        }
        var report = LoadReport()
        var thrown: String?
        do { report = try loader.load(folder: folder) } catch { thrown = "\(error)" }
        return Run(loaded: Loaded(files: report.files, rejects: report.rejects, warnings: report.warnings,
                                  tables: try ParallelLoadTests.dump(store)),
                   contractError: report.contractError.map { "\($0)" }, thrown: thrown,
                   events: events.withLock { $0 }, spills: spills.withLock { $0 })
    }

    struct SpillFailure: Error {}

    /// A batch of 8 month entries spills over and over while it is read ahead: its spills wait for
    /// the file's turn and run there, and the store is the one-thread store, with tiny blocks too.
    @Test(arguments: [7, 64, 1 << 20])
    func spillsWhileReadAheadGiveTheOneThreadStore(blockSize: Int) throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let one = try Self.load(folder, t, threads: 1, capacity: 8)
        let two = try Self.load(folder, t, threads: 2, blockSize: blockSize, capacity: 8)
        #expect(one == two)
        #expect(one.spills >= 5 && one.thrown == nil && one.contractError == nil, "\(one.spills) spills")
        // A row repeating a session of a month spilled long before: found through the staging
        // table (a lookup run on the caller's thread when read ahead), and named a duplicate.
        #expect(one.loaded.rejects.contains { $0.file == "attendance.csv" && $0.reason.hasPrefix("duplicate key (child_id ") })
        #expect(one.loaded.files.map(\.file) == ["episodes.csv", "outcomes.csv", "attendance.csv", "feedback.csv"])
        // The events are in load order: each file's start, its bytes (the file's size), its end.
        let sizes = try one.loaded.files.map { try FileManager.default.attributesOfItem(atPath: folder + "/" + $0.file)[.size] as! Int }
        #expect(one.events.count == 12)
        for (i, f) in one.loaded.files.enumerated() {
            #expect(one.events[3 * i] == "start \(f.file) \(sizes[i])")
            #expect(one.events[3 * i + 1] == "bytes \(sizes[i])")
            #expect(one.events[3 * i + 2].hasPrefix("finish \(f.file) "))
        }
        // Without a bound nothing spills, and the store is the same.
        let unbounded = try Self.load(folder, t, threads: 2, blockSize: blockSize)
        #expect(unbounded.spills == 0 && unbounded.loaded == one.loaded)
    }

    /// A spill that fails (the store's write failing part-way through the file) fails the load as
    /// on one thread: the same error, the attendance rolled back, the files before it kept.
    @Test func aSpillThatFailsFailsTheLoadAsOnOneThread() throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let one = try Self.load(folder, t, threads: 1, capacity: 8, failAtSpill: 3)
        let two = try Self.load(folder, t, threads: 2, blockSize: 64, capacity: 8, failAtSpill: 3)
        #expect(one == two)
        #expect(one.thrown == "\(SpillFailure())" && one.spills == 3)
        #expect(one.loaded.tables["attendance_months"]?.isEmpty == true)
        #expect(one.loaded.tables["outcomes"]?.isEmpty == false)
        #expect(one.loaded.tables["feedback"]?.isEmpty == true)
    }

    enum Fault: CaseIterable { case missingColumn, unclosedQuote, overLimit }

    /// A fault in any one file, whichever thread reads it: the files before it load, it and the
    /// files after it do not, and the report (results, rejects, messages, the contract error) and
    /// the store are the one-thread load's. Every kind and fault, with blocks small and large.
    @Test(arguments: ["episodes.csv", "outcomes.csv", "attendance.csv", "feedback.csv"], Fault.allCases)
    func aFaultInAnyFileStopsTheLoadAsOnOneThread(file: String, fault: Fault) throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let path = folder + "/" + file
        var text = try String(contentsOfFile: path, encoding: .utf8)
        switch fault {
        case .missingColumn:
            // The header loses its first column's name: a contract error (exit 3).
            let firstComma = text.firstIndex(of: ",")!
            text = "\u{FEFF}renamed" + text[firstComma...]
        case .unclosedQuote:
            text += "\n\"open"
        case .overLimit:
            // Data lines doubled with an extra first field (a wrong field count), outside quotes:
            // far over the limit.
            var lines = text.components(separatedBy: "\n"), out: [String] = [lines[0]]
            var quoted = lines[0].filter { $0 == "\"" }.count % 2 == 1
            for line in lines.dropFirst() {
                if !quoted && !line.isEmpty && !line.contains("\"") { out.append("," + line) }
                out.append(line)
                if line.filter({ $0 == "\"" }).count % 2 == 1 { quoted.toggle() }
            }
            text = out.joined(separator: "\n")
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let limit: Double = fault == .overLimit ? 5 : 100
        let one = try Self.load(folder, t, threads: 1, capacity: 8, maxRejectPct: limit)
        for block in [9, 1 << 20] {
            let two = try Self.load(folder, t, threads: 2, blockSize: block, capacity: 8, maxRejectPct: limit)
            #expect(one == two, "\(file) \(fault) block \(block)")
        }
        let order = ["episodes.csv", "outcomes.csv", "attendance.csv", "feedback.csv"]
        let at = order.firstIndex(of: file)!
        switch fault {
        case .missingColumn, .unclosedQuote:
            #expect(one.contractError?.contains(file) == true, "\(one.contractError ?? "none")")
            #expect(one.loaded.files.map(\.file) == Array(order.prefix(at)))
        case .overLimit:
            #expect(one.contractError == nil)
            #expect(one.loaded.files.map(\.file) == Array(order.prefix(at + 1)))
            #expect(one.loaded.files.last?.overRejectLimit == true)
        }
        // Only the files before the faulty one are logged.
        #expect(one.loaded.tables["load_log"]?.count == at)
    }

    /// A second load finds every file in the log: nothing is read ahead or read again, on one
    /// thread or two; and when the attendance alone is new, the feedback is still skipped unread.
    @Test func filesLoadedBeforeAreSkippedAsOnOneThread() throws {
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        let store = try Store(path: t.file("again.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.threads = 2
        let first = try loader.load(folder: folder)
        #expect(first.files.allSatisfy { !$0.unchanged })
        let again = try loader.load(folder: folder)
        #expect(again.files.map(\.unchanged) == [true, true, true, true])
        let before = try ParallelLoadTests.dump(store)
        // New attendance content under the same name: it is read (ahead) and loaded; the rest skipped.
        let att = folder + "/attendance.csv"
        let text = try String(contentsOfFile: att, encoding: .utf8)
        // A session of a new pupil (the sample's first row under another child id).
        #expect(text.contains("C200002,111079,2025-11-03,AM,/"))
        try (text + "\nZ9,111079,2025-11-03,AM,/\n").write(toFile: att, atomically: true, encoding: .utf8)
        let third = try loader.load(folder: folder)
        #expect(third.files.map(\.unchanged) == [true, true, false, true])
        let after = try ParallelLoadTests.dump(store)
        #expect(after["attendance_months"]!.count == before["attendance_months"]!.count + 1)
        #expect(after["feedback"] == before["feedback"])
    }
}
