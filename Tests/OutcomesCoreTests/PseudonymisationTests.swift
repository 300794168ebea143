import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// Pseudonymisation on load (docs/DISCLOSURE.md): identifiers become HMAC-SHA256 pseudonyms,
/// the tables do not change, rejects keep the value as written, and a bad key file is exit 2.
@Suite struct PseudonymisationTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The key every test uses: bytes 0, 1, …, 31.
    static let key = [UInt8](0..<32)

    /// Writes the key to a file of its own (mode 0600) in `t` and returns its path.
    static func keyFile(_ t: TempDir, mode: Int = 0o600, bytes: [UInt8] = key, name: String = "pseudonym.key") -> String {
        let p = t.file("keys/\(name)")
        try! FileManager.default.createDirectory(atPath: t.file("keys"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        try! FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
        return p
    }

    /// `outcomes run` on the shipped sample (`data/`), store and outputs in `work`.
    static func run(_ work: TempDir, keyFile: String?) -> OutcomesCore.ExitStatus {
        var o = RunOptions()
        o.extracts = repo.appendingPathComponent("data").path
        o.db = work.file("store/outcomes.db")
        o.out = work.file("out")
        o.queries = repo.appendingPathComponent("queries").path
        o.benchmarks = repo.appendingPathComponent("benchmarks").path
        o.threads = 2
        o.config.pseudonymiseKeyFile = keyFile
        try? FileManager.default.createDirectory(atPath: work.file("store"), withIntermediateDirectories: true)
        return Pipeline(options: o, console: Console(verbosity: .quiet, isTerminal: false)).run()
    }

    /// Known vectors computed outside Swift, with Python's hmac module:
    /// python3 -c "import hmac,hashlib; print(hmac.new(bytes(range(32)), b'C0001', hashlib.sha256).hexdigest()[:32])"
    /// (and the same for EP100001, C200002).
    static let vectors = ["C0001": "7eab1c8ce37d3937bbe5f2771a06ef3b",
                          "EP100001": "791adaff1d08c5fb86605bcc77608d47",
                          "C200002": "d65ec58f0558c218e22659afcdf5c1d9"]

    @Test func pseudonymIsTheFirst16BytesOfTheHMACInLowerCaseHex() {
        let p = Pseudonymiser(key: Self.key)
        for (value, want) in Self.vectors { #expect(p.pseudonym(value) == want, "\(value)") }
        #expect(Pseudonymiser(key: [UInt8](1...32)).pseudonym("C0001") != Self.vectors["C0001"])
    }

    @Test func storeHoldsNoRawIdentifierAndTablesAreUnchanged() throws {
        let plain = TempDir(), keyed = TempDir(), keys = TempDir()
        #expect(Self.run(plain, keyFile: nil) == .success)
        #expect(Self.run(keyed, keyFile: Self.keyFile(keys)) == .success)

        // Every identifier as the source system wrote it, from the run without a key.
        let raw = try Store(path: plain.file("store/outcomes.db"), readOnly: true).read { db in
            var ids = Set<String>()
            for sql in ["SELECT episode_id FROM episodes", "SELECT child_id FROM episodes",
                        "SELECT family_id FROM episodes WHERE family_id IS NOT NULL",
                        "SELECT episode_id FROM outcomes", "SELECT response_id FROM feedback",
                        "SELECT episode_id FROM feedback WHERE episode_id IS NOT NULL",
                        "SELECT child_id FROM attendance_months"] {
                ids.formUnion(try String.fetchAll(db, sql: sql))
            }
            return ids
        }
        #expect(raw.count > 1000 && raw.contains("EP100001") && raw.contains("C200002"))

        // Every text cell of every table of the keyed store, the rejects included: their values
        // and reasons are sealed (`RejectSeal`), and rejects.csv still shows them as written.
        let store = try Store(path: keyed.file("store/outcomes.db"), readOnly: true)
        var cells = 0, leaks: [String] = []
        try store.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            #expect(tables.contains("episodes") && tables.contains("attendance_months") && tables.contains("rejects"))
            // A reject's reason names its row's key inside a sentence: no raw id within any
            // reject's text either (the shipped sample has rejects naming EP100246 and C200698).
            let texts = try String.fetchAll(db, sql: "SELECT value FROM rejects UNION ALL SELECT reason FROM rejects")
            #expect(texts.count >= 10 && texts.allSatisfy { $0.hasPrefix(RejectSeal.prefix) })
            let plainTexts = try Store(path: plain.file("store/outcomes.db"), readOnly: true).read { db in
                try String.fetchAll(db, sql: "SELECT value || ' ' || reason FROM rejects")
            }
            let named = raw.filter { id in plainTexts.contains { $0.contains(id) } }
            #expect(named.contains("EP100246") && named.contains("C200698"))
            for t in texts { for id in named where t.contains(id) { leaks.append("rejects: \(id) in \(t)") } }
            for table in tables {
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                for c in columns {
                    let values = try DatabaseValue.fetchAll(db, sql: "SELECT \"\(c)\" FROM \"\(table)\"")
                    for v in values {
                        guard let s = String.fromDatabaseValue(v), case .string = v.storage else { continue }
                        cells += 1
                        if raw.contains(s) { leaks.append("\(table).\(c) = \(s)") }
                    }
                }
            }
            // The links hold under the pseudonyms: the sample's EP100001 belongs to child C200002.
            let child = try String.fetchOne(db, sql: "SELECT child_id FROM episodes WHERE episode_id = ?",
                                            arguments: [Self.vectors["EP100001"]!])
            #expect(child == Self.vectors["C200002"])
            let ids = try String.fetchAll(db, sql: "SELECT child_id FROM episodes UNION SELECT child_id FROM attendance_months")
            #expect(ids.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
            // Attendance joins episodes through the pseudonymised child id.
            let joined = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT a.child_id) FROM attendance_months a JOIN episodes e ON e.child_id = a.child_id")!
            #expect(joined > 0)
        }
        #expect(cells > 10_000)
        #expect(leaks.isEmpty, "\(leaks.prefix(5))")

        // The published tables and the summary page are byte for byte those of the run without a key.
        let period = try #require(try FileManager.default.contentsOfDirectory(atPath: plain.file("out")).filter { !$0.hasPrefix(".") }.first)
        let a = plain.file("out/\(period)"), b = keyed.file("out/\(period)")
        let published = try FileManager.default.contentsOfDirectory(atPath: a).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".html") }.sorted()
        #expect(published.count >= 10)
        for f in published {
            let x = try Data(contentsOf: URL(fileURLWithPath: "\(a)/\(f)")), y = try Data(contentsOf: URL(fileURLWithPath: "\(b)/\(f)"))
            #expect(x == y, "\(f) differs with pseudonymisation")
        }
        // rejects.csv keeps values as written: the same file in both runs but for load times.
        let strip = { (p: String) in try String(contentsOfFile: p, encoding: .utf8).replacing(#/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/#, with: "") }
        #expect(try strip("\(a)/restricted/rejects.csv") == strip("\(b)/restricted/rejects.csv"))
    }

    @Test func aKeyReadableByOthersTooShortMissingOrInsideTheOutputsIsExitTwo() throws {
        let keys = TempDir()
        for (file, why) in [(Self.keyFile(keys, mode: 0o640, name: "g.key"), "group bit"),
                            (Self.keyFile(keys, mode: 0o604, name: "o.key"), "other bit"),
                            (Self.keyFile(keys, bytes: [UInt8](0..<31), name: "short.key"), "31 bytes"),
                            (keys.file("none.key"), "missing")] {
            let work = TempDir()
            #expect(Self.run(work, keyFile: file) == .usage, "\(why)")
            let written = (FileManager.default.enumerator(atPath: work.file("out"))?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".html") }
            #expect(written.isEmpty, "\(why): nothing written")
            // The key is checked before any row is read: the store (opened first) holds none.
            let stored = try Store(path: work.file("store/outcomes.db"), readOnly: true)
                .read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM episodes") }
            #expect(stored == 0, "\(why): nothing loaded")
            #expect(throws: ConfigError.self) { _ = try Pseudonymiser.load(keyFile: file) }
        }
        // A good key inside the output folder or beside the store is refused too.
        let work = TempDir()
        let inside = Self.keyFile(work)
        var o = RunOptions()
        o.db = work.file("outcomes.db"); o.out = work.file("out")
        o.config.pseudonymiseKeyFile = inside
        #expect(throws: ConfigError.self) { _ = try o.extractRules() }
        o.db = TempDir().file("outcomes.db"); o.out = work.path
        #expect(throws: ConfigError.self) { _ = try o.extractRules() }
        o.out = TempDir().path
        #expect(try o.extractRules().pseudonymiser == Pseudonymiser(key: Self.key))
    }

    @Test func configurationReadsTheKeyFileSetting() throws {
        let c = try OutcomesConfig.parse("pseudonymise:\n  key_file: /etc/outcomes/pseudonym.key\n")
        #expect(c.pseudonymiseKeyFile == "/etc/outcomes/pseudonym.key")
        #expect(throws: ConfigError.unknownKey("pseudonymise.key")) { try OutcomesConfig.parse("pseudonymise: {key: x}") }
        #expect(throws: ConfigError.self) { try OutcomesConfig.parse("pseudonymise: /etc/key") }
    }
}

/// The sealed rejects of a pseudonymised store (`RejectSeal`): opened only with the key and at
/// the place they were sealed, the same bytes every time, and rejects.csv saying so without it.
@Suite struct RejectSealTests {
    static let seal = RejectSeal(Pseudonymiser(key: PseudonymisationTests.key))

    @Test func opensWithTheKeyAtItsPlaceOnly() {
        let at = RejectSeal.place(sha256: "ab", line: "250", column: "episode_id", field: "value")
        let sealed = Self.seal.seal("EP100246", at: at)
        #expect(sealed.hasPrefix(RejectSeal.prefix) && !sealed.contains("EP100246"))
        #expect(Self.seal.open(sealed, at: at) == "EP100246")
        // Deterministic: the same text at the same place gives the same bytes (a store's contents
        // never depend on the run); another text or place gives others.
        #expect(Self.seal.seal("EP100246", at: at) == sealed)
        #expect(Self.seal.seal("EP100247", at: at) != sealed)
        let elsewhere = RejectSeal.place(sha256: "ab", line: "251", column: "episode_id", field: "value")
        #expect(Self.seal.seal("EP100246", at: elsewhere) != sealed)
        // Moved to another row, or opened with another key, it does not open.
        #expect(Self.seal.open(sealed, at: elsewhere) == nil)
        #expect(RejectSeal(Pseudonymiser(key: [UInt8](1...32))).open(sealed, at: at) == nil)
        #expect(Self.seal.open("EP100246", at: at) == nil)
        // Empty and non-ASCII texts round-trip.
        for t in ["", "Zoë’s “reason”, line 7"] { #expect(Self.seal.open(Self.seal.seal(t, at: at), at: at) == t) }
    }

    @Test func rejectsCSVOpensSealedRejectsWithTheKeyAndSaysSoWithout() throws {
        let work = TempDir(), keys = TempDir()
        #expect(PseudonymisationTests.run(work, keyFile: PseudonymisationTests.keyFile(keys)) == .success)
        let store = try Store(path: work.file("store/outcomes.db"), readOnly: true)
        func rejects(_ seal: RejectSeal?) throws -> (text: String, unopened: Int) {
            let path = work.file("r-\(UUID().uuidString).csv")
            let out = try StreamingFile(path: path, replace: true)
            let r = try RejectsReport.write(store: store, to: out, seal: seal)
            try out.close()
            return (try String(contentsOfFile: path, encoding: .utf8), r.unopened)
        }
        let withKey = try rejects(Self.seal)
        #expect(withKey.unopened == 0)
        #expect(withKey.text.contains("EP100246") && withKey.text.contains("duplicate key (child_id C200698"))
        let rows = withKey.text.split(separator: "\n").count - 1
        #expect(rows >= 10)
        for (seal, why) in [(nil, "set pseudonymise.key_file"), (RejectSeal(Pseudonymiser(key: [UInt8](1...32))), "another key")] {
            let r = try rejects(seal)
            #expect(r.unopened == rows)
            #expect(!r.text.contains("EP100246") && !r.text.contains("C200698"))
            #expect(r.text.split(separator: "\n").dropFirst().allSatisfy { $0.contains("(sealed)") && $0.contains(why) })
        }
    }
}
