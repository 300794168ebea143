import Foundation
import Synchronization

/// Exit statuses a scheduled run relies on (OUTPUTS.md).
public enum ExitStatus: Int32, Sendable {
    case success = 0, failure = 1, usage = 2, contract = 3, rejects = 4
}

/// Options shared by `run`, `load`, `report` and `validate`, after configuration is applied.
public struct RunOptions: Sendable {
    public var extracts = "data"
    public var period: Month?
    public var out = "output"
    public var db = "outcomes.db"
    public var queries: String? = "queries"
    /// The folder of published statistics for `attendance_benchmarks.csv` (METRICS.md 6).
    public var benchmarks = "benchmarks"
    public var config = OutcomesConfig()
    public var threads = max(2, ProcessInfo.processInfo.activeProcessorCount)
    public var summary = true
    /// Write `outcomes.xlsx` (off with `--no-workbook`).
    public var workbook = true
    /// Hash every extract even when the load log says it is unchanged (`--verify-unchanged`).
    public var verifyUnchanged = false
    /// The day of the run (for the default period); a parameter so tests can fix it.
    public var today: Day = Days.today()
    /// Command-line words, for the manifest.
    public var commandLine: [String] = []
    /// Input profiles from `--profiles DIR` (PROFILES.md "Where profiles come from").
    public var profiles: [Profile] = []
    public init() {}

    public var suppressMax: Int { config.suppressMax }
    public var maxRejectPct: Double { config.maxRejectPct }
}

/// The main job: load, then report into an atomically swapped period folder.
public final class Pipeline {
    public let options: RunOptions
    public let console: Console
    private let started = Date()

    public init(options: RunOptions, console: Console) {
        self.options = options; self.console = console
    }

    /// `outcomes run`: load the extracts, then report.
    public func run() -> ExitStatus {
        guarded {
            // One run at a time (docs/OUTPUTS.md): locks beside the store and in the output root.
            let locks = try [RunLock.forStore(options.db), RunLock.forOutput(options.out)]
            defer { withExtendedLifetime(locks) {} }
            try self.checkPeriodHasEnded()
            let store = try Store(path: options.db)
            let load = try self.load(into: store)
            if let s = self.failureStatus(load) { return s }
            return try self.report(store: store, load: load, command: "run")
        }
    }

    /// `outcomes load`: load only.
    public func loadOnly() -> ExitStatus {
        guarded {
            let lock = try RunLock.forStore(options.db)
            defer { withExtendedLifetime(lock) {} }
            let store = try Store(path: options.db)
            let load = try self.load(into: store)
            return self.failureStatus(load) ?? .success
        }
    }

    /// `outcomes report`: report from the store.
    public func reportOnly() -> ExitStatus {
        guarded {
            guard FileManager.default.fileExists(atPath: options.db) else {
                throw RunError.noStore(options.db)
            }
            let locks = try [RunLock.forStore(options.db), RunLock.forOutput(options.out)]
            defer { withExtendedLifetime(locks) {} }
            try self.checkPeriodHasEnded()
            // A store its owner made read-only is still reported from, on a read-only connection.
            let store = try Store(path: options.db, readOnly: SafeFiles.isReadOnly(options.db))
            return try self.report(store: store, load: LoadReport(), command: "report")
        }
    }

    /// `outcomes validate`: read every extract, write the rejects report, touch nothing else.
    public func validate(rejectsPath: String) -> ExitStatus {
        guarded {
            let store = FileManager.default.fileExists(atPath: options.db) ? try Store(path: options.db, readOnly: true) : nil
            var loader = Loader(store: store, rules: try options.extractRules(),
                                maxRejectPct: options.maxRejectPct, write: false)
            loader.profiles = options.profiles
            loader.threads = options.threads
            loader.progress = { [console] e in if case .fileFinished(let r) = e { console.step(Self.describe(r)) } }
            let report = try loader.load(folder: options.extracts)
            for w in report.warnings { console.warning(w) }
            try OutputFolder.makeDirectory(SafeFiles.folder(of: rejectsPath))
            try SafeFiles.checkReplaceable(rejectsPath)  // a symbolic link there is an error naming it
            let out = try StreamingFile(path: rejectsPath, replace: true)
            let n = try RejectsReport.write(spools: report.spools, to: out)
            try out.close()
            console.step("rejects report: \(rejectsPath) (\(n) rows)")
            if let e = report.contractError { console.error(e.localizedDescription); return .contract }
            if report.exceededRejectLimit {
                console.error("more than \(options.maxRejectPct)% of a file's rows were rejected; see \(rejectsPath)")
                return .rejects
            }
            return .success
        }
    }

    // MARK: - Steps

    private func load(into store: Store) throws -> LoadReport {
        var loader = Loader(store: store, rules: try options.extractRules(),
                            maxRejectPct: options.maxRejectPct)
        loader.profiles = options.profiles
        loader.verifyUnchanged = options.verifyUnchanged
        loader.threads = options.threads
        let console = self.console
        loader.progress = { e in
            switch e {
            case let .fileStarted(name, _, bytes): console.beginProgress("loading \(name)", total: bytes)
            case .bytes(let n): console.advance(n)
            case .fileFinished(let r): console.endProgress(); console.step(Self.describe(r))
            }
        }
        let report = try loader.load(folder: options.extracts)
        for w in report.warnings { console.warning(w) }
        return report
    }

    static func describe(_ r: FileLoadResult) -> String {
        if r.unchanged { return "\(r.file): unchanged since it was loaded before; skipped" }
        let tail = r.overRejectLimit ? " — over the reject limit, not loaded" : ""
        if let k = r.returnSource, !r.unchanged { return Self.describeReturn(r, k, tail) }
        return "\(r.file): \(r.rowsRead) rows read, \(r.rowsLoaded) loaded, \(r.rowsRejected) rejected\(tail)"
    }

    /// Exit 3 or 4 after a load, writing the rejects report outside any period folder.
    private func failureStatus(_ load: LoadReport) -> ExitStatus? {
        guard load.contractError != nil || load.exceededRejectLimit else { return nil }
        // Outside any period folder, and restricted: it names children (OUTPUTS.md).
        let folder = (options.out as NSString).appendingPathComponent(OutputFolder.restricted)
        let path = (folder as NSString).appendingPathComponent("rejects-failed-run.csv")
        do {
            try OutputFolder.makeDirectory(options.out)
            try OutputFolder.makeDirectory(folder)
            try SafeFiles.checkReplaceable(path)
            let out = try StreamingFile(path: path, replace: true)
            try RejectsReport.write(spools: load.spools, to: out)
            try out.close()
        } catch let e as FileSafetyError where e == .symbolicLink(path) {
            // Never written through: a link there is the user's to sort out (exit 2).
            console.error("could not write the rejects report: \(e.localizedDescription)")
            return .usage
        } catch { console.error("could not write the rejects report \(path): \(error.localizedDescription)") }
        if let e = load.contractError {
            console.error("\(e.localizedDescription) No tables were written; the rejects report is \(path).")
            return .contract
        }
        let files = load.files.filter(\.overRejectLimit).map(\.file).joined(separator: ", ")
        console.error("more than \(options.maxRejectPct)% of the rows of \(files) were rejected, so it was not loaded and no tables were written. The rejects report is \(path); fix the extract or raise --max-reject-pct.")
        return .rejects
    }

    private func report(store: Store, load: LoadReport, command: String) throws -> ExitStatus {
        guard let period = try options.period ?? store.defaultPeriod(today: options.today) else {
            throw RunError.noData
        }
        if options.period != nil { try checkPeriodHasData(period, store: store) }
        // A pseudonymised store keeps its rejects sealed; rejects.csv opens them with the key
        // (a bad key file is exit 2 here too, before anything is written).
        let seal = try options.config.pseudonymiseKeyFile == nil ? nil : options.extractRules().rejectSeal
        console.step("reporting \(period.text)")
        let ctx = ReportContext(period: period, threshold: options.suppressMax,
                                breakdowns: Breakdown.defaults + options.config.extraBreakdowns,
                                geography: options.config.geography, chineseGroup: options.config.chineseGroup,
                                impactDaysBefore: options.config.impactDaysBefore,
                                impactMinSessions: options.config.impactMinSessions,
                                extraHolidays: options.config.extraBankHolidays, threads: options.threads)
        let folder = try OutputFolder(root: options.out, period: period)
        if !folder.leftovers.isEmpty {
            console.warning("\(options.out) holds \(folder.leftovers.joined(separator: ", ")), left by a run that did not finish; outcomes never deletes what another run made, so delete them yourself when no run is active")
        }
        do {
            // The data-quality checks and the analysts' queries read the store themselves: they run
            // alongside the reading, then the metric jobs side by side; files are written afterwards
            // in a fixed order.
            let writer = TableWriter(period: period, geography: ctx.geography)
            let jobs = MetricTables.jobs
            let queriesFolder = options.queries.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            let runner = QueryRunner(storePath: options.db, period: period, threshold: options.suppressMax,
                                     timeoutSeconds: options.config.queryTimeoutSeconds,
                                     maxMegabytes: options.config.queryMaxMegabytes)
            let thresholds = options.config.qualityThresholds
            let staging = folder.stagingPath
            let console = self.console
            let queryFiles = queriesFolder.map(QueryRunner.queryFiles(folder:)) ?? []
            let side = SideResults(checks: DataQuality.checks.count, queries: queryFiles.count)
            let dbPath = options.db
            console.beginProgress("reporting", total: jobs.count + 3)
            let dataset = try store.dataset(threads: options.threads, attendanceFrom: { Self.attendanceFrom($0, ctx) },
                                            alongside: queryFiles.indices.map { i -> @Sendable () -> Void in
                { side.setQuery(i, runner.runOne(fileName: queryFiles[i], folder: queriesFolder!,
                                                 outFolder: (staging as NSString).appendingPathComponent(Self.restrictedQueries))) }
            } + DataQuality.checks.indices.map { i -> @Sendable () -> Void in
                { side.setFigures(i, Result { try Store(path: dbPath, readOnly: true).read { db in
                      try DataQuality.figures(check: i, db: db, period: period) } }) }
            })
            let quality = Result { DataQuality.csv(figures: try side.figures.map { try $0!.get() }, thresholds: thresholds) }
            console.advance(3)  // the reading, the data-quality checks and the queries
            console.detail("read the store: \(dataset.episodes.count) episodes, \(dataset.attendance.count) pupils")
            // Longest jobs first so the workers finish together; results go back to output order.
            let schedule = MetricTables.schedule
            // The metrics compute unsuppressed cells; suppression is its own stage over all the
            // tables together (PRECISE.md 32-35, 41).
            let unsuppressed = ctx.unsuppressed
            // Rule 7's previous windows, suppressed as their own runs publish them, are the
            // costliest jobs (each is audited): first, beside the metrics.
            let early = SuppressionStage.previousWindowCount(ctx)
            let previous = Parallel.map(partitions: early + jobs.count, threads: options.threads) { i -> PreviousOrTables in
                if i < early { return .previous(SuppressionStage.publishedPreviousWindow(i, dataset, ctx)) }
                defer { console.advance(1) }
                let tables = jobs[schedule[i - early]].compute(dataset, unsuppressed)
                for t in tables { console.detail("computed \(t.name)") }
                return .tables(tables)
            }
            var ordered = [[OutputTable]](repeating: [], count: jobs.count)
            var published: [String: OutputTable] = [:]
            for (i, r) in previous.enumerated() {
                switch r {
                case .previous(let p): published[p.window] = p.table
                case .tables(let ts): ordered[schedule[i - early]] = ts
                }
            }
            let computed = ordered.flatMap { $0 }
            // From --threads 2 up the workbook is filled while the tables are still being
            // suppressed, each sheet as soon as its table is final (docs/PERFORMANCE.md "The report").
            let feed = options.workbook && options.threads > 1
                ? try WorkbookFeed(scratch: staging, period: period, tables: computed.map(\.name)) : nil
            // Waited for on every way out, so it never writes into a staging folder being discarded.
            defer { feed?.abandon() }
            let texts = RenderedTables(count: computed.count, writer: writer, feed: feed, threads: options.threads)
            let suppressed = SuppressionStage.apply(computed, threshold: options.suppressMax,
                                                    breakdowns: ctx.breakdowns, previousPublished: published,
                                                    threads: options.threads, finished: { texts.finished($0, $1) })
            console.detail("suppressed: \(suppressed.hiddenBy.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            let rendered = texts.all(suppressed.tables)
            let results: [ReportJob] = [.tables(rendered), .quality(quality), .queries(side.queries.map { $0! })]
            let comparison = benchmarks([.tables(rendered)], ctx)
            let comparisonText = comparison.table.map { (name: $0.name, csv: writer.csv($0), meta: writer.meta($0)) }
            // The workbook holds the published tables in the order their files are written below;
            // from --threads 2 up it is closed beside those writes.
            let sheetTexts: [PublishedText] = rendered.map { ($0.0.name, $0.1, $0.2) } + (comparisonText.map { [$0] } ?? [])
            feed?.finish(appending: comparisonText.map { [$0] } ?? [], threshold: options.suppressMax, inputs: load.files)
            console.endProgress()
            var tables: [OutputTable] = []
            var failedQueries: [String] = []
            for r in results {
                switch r {
                case .tables(let ts):
                    for (t, csv, meta) in ts {
                        tables.append(t)
                        try folder.write("\(t.name).csv", text: csv, rows: t.rows.count)
                        try folder.write("\(t.name).meta.csv", text: meta)
                    }
                case .quality(let q):
                    var dq = try q.get()
                    if let extra = comparison.quality {
                        dq.text += extra.line
                        if extra.failed { dq.failed.append("extract_vs_published_pp") }
                    }
                    try folder.write(OutputFolder.restricted + "/data_quality.csv", text: dq.text)
                    for f in dq.failed { console.warning("data quality check \(f) is over its threshold (see data_quality.csv)") }
                case .queries(let outcomes):
                    failedQueries = try registerQueries(outcomes, in: folder)
                }
            }
            if let w = comparison.warning { console.warning(w) }
            if let t = comparison.table, let text = comparisonText {
                tables.append(t)
                try folder.write("\(t.name).csv", text: text.csv, rows: t.rows.count)
                try folder.write("\(t.name).meta.csv", text: text.meta)
            }
            // Every file in the load log, not only this run's (OUTPUTS.md: rejects are never lost).
            var unopened = 0
            try folder.writeStream(OutputFolder.restricted + "/rejects.csv") {
                let r = try RejectsReport.write(store: store, to: $0, seal: seal)
                unopened = r.unopened
                return r.rows
            }
            if unopened > 0 {
                console.warning("\(unopened) rejects in restricted/rejects.csv are sealed and could not be opened: "
                                + (seal == nil ? "set pseudonymise.key_file to the key the store was loaded with"
                                     : "they were sealed with another key than pseudonymise.key_file"))
            }
            console.detail("wrote the tables")
            if options.summary {
                try folder.write("summary.html", text: SummaryPage.html(tables: tables, period: period, load: load,
                                                                        impactDaysBefore: options.config.impactDaysBefore,
                                                                        impactMinSessions: options.config.impactMinSessions))
            }
            if options.workbook {
                assert(Self.publishedTableNames(folder) == sheetTexts.map(\.name), "a sheet per published table")
                try writeWorkbook(folder, try feed?.value() ?? Self.workbookBytes(sheetTexts, period: period, threshold: options.suppressMax,
                                                                                  inputs: load.files, scratch: staging))
            }
            let manifest = Manifest(command: command, period: period, options: manifestOptions(period),
                                    started: started, finished: Date(), inputs: load.files, outputs: folder.written,
                                    suppression: suppressed.hiddenBy)
            try folder.write("manifest.json", text: try manifest.json(), rows: 0)
            try folder.commit()
            console.step("wrote \(folder.finalPath)")
            if !failedQueries.isEmpty {
                console.error("these queries failed: \(failedQueries.joined(separator: ", ")); the other tables were written")
                return .failure
            }
            return .success
        } catch {
            folder.discard()
            throw error
        }
    }

    /// `attendance_benchmarks.csv` and the `extract_vs_published_pp` check, from the computed
    /// `attendance.csv` and the benchmarks folder (METRICS.md 6); a warning when none is written.
    private func benchmarks(_ jobs: [ReportJob], _ ctx: ReportContext)
        -> (table: OutputTable?, warning: String?, quality: (line: String, failed: Bool)?) {
        var attendance: OutputTable?
        for case .tables(let ts) in jobs { for (t, _, _) in ts where t.name == "attendance" { attendance = t } }
        guard let attendance else { return (nil, nil, nil) }
        let published = PublishedAttendance.load(folder: options.benchmarks)
        let r = AttendanceBenchmarks.table(attendance: attendance, published: published, ctx: ctx,
                                           neighbours: options.config.statisticalNeighbours)
        // Without a table its warning names the files' problems; with one, say which were ignored.
        if r.table != nil { for w in published.warnings { console.warning(w) } }
        let q = DataQuality.extractVsPublishedLine(
            AttendanceBenchmarks.extractVsPublished(attendance: attendance, published: published, ctx: ctx),
            thresholds: options.config.qualityThresholds)
        return (r.table, r.warning, q)
    }

    /// Lists the analysts' query CSVs in the manifest and reports the failures; returns their names.
    private func registerQueries(_ outcomes: [QueryOutcome], in out: OutputFolder) throws -> [String] {
        for o in outcomes {
            if o.succeeded {
                try out.register("\(Self.restrictedQueries)/\(o.name).csv", rows: o.rows)
                console.detail("query \(o.name): \(o.rows) rows")
            } else if let m = o.message {
                console.error(m)
            }
        }
        return outcomes.filter { !$0.succeeded }.map { $0.name + ".sql" }
    }

    /// The analysts' query results: restricted, since a query may list children (OUTPUTS.md).
    static let restrictedQueries = OutputFolder.restricted + "/queries"

    /// The first month of attendance the report reads: the rolling year's start, or earlier when an
    /// episode closed in it needs its "before" period (attendance impact).
    static func attendanceFrom(_ episodes: [Episode], _ ctx: ReportContext) -> Month {
        let rolling = (ctx.windows + [ReportWindow.academicYearToDate(for: ctx.period)]).map(\.start).min()!
        let trendStart = ctx.period.adding(-11).firstDay
        var first = min(rolling, trendStart)
        let end = ctx.period.lastDay
        for e in episodes {
            if let c = e.closureDate, c >= rolling, c <= end {
                first = min(first, e.allocationDate - Day(ctx.impactDaysBefore))
            }
        }
        return Month(containing: first)
    }

    private func manifestOptions(_ period: Month) -> [String: String] {
        ["extracts": options.extracts, "out": options.out, "db": options.db, "queries": options.queries ?? "",
         "benchmarks": options.benchmarks,
         "period": period.text, "suppress_max": String(options.suppressMax),
         "max_reject_pct": String(options.maxRejectPct), "threads": String(options.threads),
         "command_line": options.commandLine.joined(separator: " ")]
    }

    /// Runs the store-level operation, turning errors into the documented exit statuses.
    private func guarded(_ body: () throws -> ExitStatus) -> ExitStatus {
        do { return try body() } catch let e as ExtractError {
            console.error(e.localizedDescription); return .contract
        } catch let e as ConfigError {
            console.error(e.localizedDescription); return .usage
        } catch let e as ProfileError {
            console.error(e.localizedDescription); return .usage
        } catch let e as StoreError {
            console.error(e.localizedDescription); return .usage
        } catch let e as RunError {
            console.error(e.localizedDescription); return e.status
        } catch let e as FileSafetyError {
            console.error(e.localizedDescription); return e.status
        } catch {
            let what = SafeFiles.explain(error, store: options.db) ?? "unexpected failure: \(error.localizedDescription)."
            console.error("\(what) The previous outputs were left as they were.")
            return .failure
        }
    }
}

/// Results of the jobs that run alongside the store reading (each slot written by one job).
final class SideResults: Sendable {
    private struct Slots {
        var figures: [Result<(num: Int, den: Int), any Error>?]
        var queries: [QueryOutcome?]
    }
    private let slots: Mutex<Slots>
    init(checks: Int, queries: Int) {
        slots = Mutex(Slots(figures: Array(repeating: nil, count: checks), queries: Array(repeating: nil, count: queries)))
    }
    var figures: [Result<(num: Int, den: Int), any Error>?] { slots.withLock { $0.figures } }
    var queries: [QueryOutcome?] { slots.withLock { $0.queries } }
    func setQuery(_ i: Int, _ o: QueryOutcome) { slots.withLock { $0.queries[i] = o } }
    func setFigures(_ i: Int, _ r: Result<(num: Int, den: Int), any Error>) { slots.withLock { $0.figures[i] = r } }
}

/// What one of the report's side-by-side jobs produced.
enum ReportJob: Sendable {
    case tables([(OutputTable, String, String)])
    case quality(Result<(text: String, failed: [String]), Error>)
    case queries([QueryOutcome])
}

/// Run-level problems a user can act on.
public enum RunError: LocalizedError, Equatable {
    case noStore(String)
    case noData
    /// `--period` names a month that has not ended on the day of the run.
    case periodNotEnded(Month, today: Day, first: Month?, last: Month?)
    /// `--period` names a month with no episode open in it and no attendance session.
    case periodWithoutData(Month, first: Month?, last: Month?)

    public var status: ExitStatus {
        switch self {
        case .noStore, .noData, .periodNotEnded, .periodWithoutData: return .usage
        }
    }
    public var errorDescription: String? {
        switch self {
        case .noStore(let p): return "no store at \(p): run `outcomes load` first, or pass --db."
        case .noData: return "the store holds no data from a month that has ended; load extracts first or pass --period YYYY-MM."
        case let .periodNotEnded(p, today, first, last):
            return "--period \(p.text): that month has not ended yet (today is \(Days.iso(today))), so its figures would be incomplete; \(Pipeline.holdings(first, last)). Pass a month that has ended, or leave --period out for the newest one. Nothing was written."
        case let .periodWithoutData(p, first, last):
            return "--period \(p.text): the store holds no episode open in that month and no attendance session in it; \(Pipeline.holdings(first, last)). Pass a month in that range, or load the extracts for \(p.text) first. Nothing was written."
        }
    }
}

extension Days {
    /// Today in UTC.
    public static func today() -> Day { Day((Date().timeIntervalSince1970 / 86400).rounded(.down)) }
}

/// A result of the report's parallel stage: a previous window's published feedback table, or a
/// metric job's tables.
private enum PreviousOrTables: Sendable {
    case previous((window: String, table: OutputTable))
    case tables([OutputTable])
}
