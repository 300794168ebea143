import Crypto
import Foundation

/// A batch the streaming reader's closures add to.
private final class BatchBox {
    var batch: ReturnBatch
    init(_ b: ReturnBatch) { batch = b }
}

/// The files of an extracts folder in load order, with the national returns recognised by content.
public struct LoadPlan: Sendable {
    public struct Item: Sendable {
        public var name: String
        public var kind: ExtractKind
        /// Set when the file is a national return read by its built-in profile.
        public var source: RecognisedReturn?
        /// The input profile that maps the file (nil: a contract file or a return).
        public var profile: Profile?
        public init(name: String, kind: ExtractKind, source: RecognisedReturn?, profile: Profile? = nil) {
            self.name = name; self.kind = kind; self.source = source; self.profile = profile
        }
    }
    public var items: [Item] = []
    /// SSDA903 header tables (names in byte order): joined to every 903 episodes table.
    public var ssda903Headers: [String] = []
    public var warnings: [String] = []
}

extension Loader {
    /// Classifies the files of `folder` (docs/RETURNS.md, PROFILES.md 6-7): a national return is
    /// recognised by its content whatever its name (a 903 episodes table called `episodes.csv` is
    /// still 903), so content is looked at first, then the profiles' `files` globs, then the name
    /// prefix of EXTRACTS.md "Files".
    /// - Throws: `ProfileError.ambiguous` when two profiles match one file (exit 2);
    ///   `ExtractError.unreadable` when the folder is missing.
    public static func plan(folder: String, profiles: [Profile] = []) throws -> LoadPlan {
        try SafeFiles.requireFolder(folder, option: "--extracts")  // says "a file" or "does not exist" (exit 2)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ExtractError.unreadable(file: folder, detail: "the folder cannot be listed (permission denied)")
        }
        var plan = LoadPlan()
        for n in names where !n.hasPrefix(".") {
            let path = (folder as NSString).appendingPathComponent(n)
            let lower = n.lowercased()
            if let r = ReturnRecognition.recognise(path: path) {
                switch r {
                case .ssda903(.header): plan.ssda903Headers.append(n)
                case .ssda903(.other):
                    plan.warnings.append("\(n): a table of the SSDA903 return other than the header and episodes tables; ignored")
                default: plan.items.append(.init(name: n, kind: .episodes, source: r))
                }
                continue
            }
            if lower.hasSuffix(".xls") {
                plan.warnings.append("\(n): old Excel .xls files are not read; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8; ignored")
                continue
            }
            let matching = profiles.filter { $0.matches(fileName: n) }
            if matching.count > 1 { throw ProfileError.ambiguous(file: n, matching[0].origin, matching[1].origin) }
            if let p = matching.first {
                plan.items.append(.init(name: n, kind: p.kind, source: nil, profile: p))
            } else if let k = ExtractKind.of(fileName: n) {
                plan.items.append(.init(name: n, kind: k, source: nil))
            } else if lower.hasSuffix(".xlsx"), let k = ExtractKind.allCases.first(where: { n.hasPrefix($0.rawValue) }) {
                // A workbook named like a contract file: its first sheet, contract headers in row 1.
                plan.items.append(.init(name: n, kind: k, source: nil))
            } else {
                plan.warnings.append("\(n): not an extract (names start episodes, outcomes, attendance or feedback and end .csv, .csv.gz or .xlsx, or a profile's files globs match it) nor a national return (CIN census XML, SSDA903 CSV tables, Annex A workbook); ignored")
            }
        }
        plan.items.sort { a, b in a.kind != b.kind ? a.kind < b.kind : a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        plan.ssda903Headers.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if !plan.ssda903Headers.isEmpty && !plan.items.contains(where: { $0.source == .ssda903(.episodes) }) {
            plan.warnings.append("\(plan.ssda903Headers.joined(separator: ", ")): SSDA903 header table with no episodes table beside it; ignored")
        }
        plan.warnings.sort()
        return plan
    }

    /// SHA-256 of a file's bytes, hex (a return is hashed before it is read: see `returnSHA`).
    static func sha256(path: String) throws -> String {
        guard let fh = FileHandle(forReadingAtPath: path) else {
            throw ExtractError.unreadable(file: (path as NSString).lastPathComponent, detail: "cannot open")
        }
        defer { try? fh.close() }
        var h = SHA256()
        while let d = try fh.read(upToCount: 4 << 20), !d.isEmpty { h.update(data: d) }
        return hex(h.finalize())
    }

    /// The identity of a return file in the load log. A 903 episodes table's rows take their
    /// gender, birth month and ethnicity from the header tables, so its identity covers theirs: a
    /// changed header table loads the episodes again.
    static func returnSHA(folder: String, item: LoadPlan.Item, plan: LoadPlan) throws -> String {
        let own = try sha256(path: (folder as NSString).appendingPathComponent(item.name))
        guard item.source == .ssda903(.episodes) else { return own }
        var h = SHA256()
        h.update(data: Data(own.utf8))
        for n in plan.ssda903Headers {
            h.update(data: Data(try sha256(path: (folder as NSString).appendingPathComponent(n)).utf8))
        }
        return hex(h.finalize())
    }

    /// Reads every 903 header table of the folder, later files replacing earlier ones per child.
    static func readSSDA903Headers(folder: String, plan: LoadPlan) throws -> (children: [String: SSDA903Child], tables: [SSDA903HeaderTable]) {
        var children: [String: SSDA903Child] = [:]
        var tables: [SSDA903HeaderTable] = []
        for n in plan.ssda903Headers {
            let t = try SSDA903Reader.readHeader(path: (folder as NSString).appendingPathComponent(n), file: n)
            children.merge(t.children) { _, new in new }
            tables.append(t)
        }
        return (children, tables)
    }

    /// Maps one return file to episode rows checked by the contract's episode rules.
    func readReturn(path: String, name: String, source: RecognisedReturn,
                    headers: () throws -> [String: SSDA903Child]?) throws -> (ReturnBatch, [String]) {
        let settings = rules.returns
        let mapped: ReturnRows
        switch source {
        case .cinCensus:
            // Streamed: each episode is checked as the census is parsed, so only checked episodes stay.
            let box = BatchBox(ReturnBatch(file: name, rules: rules))
            box.batch.recordsRead = try CINCensusReader.read(path: path, file: name, settings: settings,
                                                             row: { box.batch.add($0) }, reject: { box.batch.reject($0) })
            return (box.batch, [])
        case .ssda903(.episodes):
            // Gender, birth month and ethnicity live only in the header table (docs/RETURNS.md).
            guard let h = try headers() else { throw ExtractError.missing903Header(file: name) }
            mapped = try SSDA903Reader.readEpisodes(path: path, file: name, header: h, settings: settings)
        case .annexA:
            let sheets = try AnnexASheets.read(path: path, file: name, sheets: AnnexAMapping.lists.map(\.sheet))
            mapped = try AnnexAMapping.map(sheets: sheets, file: name, settings: settings)
        case .ssda903:
            mapped = ReturnRows(kind: .ssda903, file: name)
        }
        return (ReturnBatch(mapped, file: name, rules: rules), mapped.warnings)
    }

    /// Reads, checks and (when writing) stores one return file in one transaction, like an
    /// `episodes` file: rows read are the return's records, rows loaded its episodes.
    func loadReturn(path: String, name: String, source: RecognisedReturn, sha: String, identity: FileIdentity?,
                    headers: () throws -> [String: SSDA903Child]?, episodes: inout Set<String>,
                    spool: RejectSpool, warnings: inout [String]) throws -> FileLoadResult {
        progress?(.fileStarted(name, kind: .episodes, bytes: Int(identity?.size ?? 0)))
        let (batch, w) = try readReturn(path: path, name: name, source: source, headers: headers)
        progress?(.bytes(Int(identity?.size ?? 0)))
        warnings += w
        var result = FileLoadResult(file: name, kind: .episodes, sha256: sha)
        result.returnSource = source
        result.rowsRead = batch.recordsRead
        for r in batch.rejects { spool.append(r) }
        result.rowsRejected = spool.count
        let rows = batch.episodes
        result.rowsLoaded = rows.count
        // The reject limit compares the return's records (its "rows").
        result.linesRead = result.rowsRead; result.linesRejected = result.rowsRejected
        episodes.formUnion(rows.map(\.episodeID))
        if write, !isOverLimit(result), let store {
            let r = result
            try store.transaction { w in
                try w.upsert(episodes: rows, file: name)
                try afterWrite?(name)
                let now = StoreWriter.now()
                let id = try w.logFile(name: name, kind: .episodes, sha256: sha, read: r.rowsRead, loaded: r.rowsLoaded,
                                       rejected: r.rowsRejected, loadedAt: now, identity: identity)
                try w.insert(rejects: spool, loadID: id, sha256: sha, loadedAt: now,
                                     seal: rules.rejectSeal)
                spool.loadedAt = now
            }
        }
        return result
    }
}

extension Pipeline {
    /// A return's log line: what it was read as, its records (CIN details and plans, 903 rows,
    /// Annex A list rows) and the episodes made of them.
    static func describeReturn(_ r: FileLoadResult, _ source: RecognisedReturn, _ tail: String) -> String {
        if source == .ssda903(.header) {
            return "\(r.file) (SSDA903 header table): \(r.rowsRead) children read, \(r.rowsRejected) rejected"
        }
        return "\(r.file) (\(source.kind.title)): \(r.rowsRead) records read, \(r.rowsLoaded) episodes loaded, \(r.rowsRejected) records rejected\(tail)"
    }
}
