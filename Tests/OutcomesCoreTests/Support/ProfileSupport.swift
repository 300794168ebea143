import Foundation
import GRDB
@testable import OutcomesCore

/// Loads a folder through profiles into a fresh store and reads the episodes back.
enum ProfileSupport {
    static let fixtures = CLI.repo.appendingPathComponent("Tests/OutcomesCoreTests/Fixtures/profiles").path
    static let examples = CLI.repo.appendingPathComponent("profiles/examples").path

    static func profile(_ yaml: String, name: String = "test") throws -> Profile {
        try Profile.parse(yaml, name: name, origin: "profiles/\(name).yml")
    }

    /// Loads `folder` with `profiles` into a new store in `t`; returns the report and the store.
    static func load(_ t: TempDir, folder: String, profiles: [Profile], maxRejectPct: Double = 100,
                     bufferSize: Int = 1 << 20) throws -> (LoadReport, Store) {
        let store = try Store(path: t.file("store-\(UUID().uuidString).db"))
        var loader = Loader(store: store, maxRejectPct: maxRejectPct)
        loader.profiles = profiles
        loader.bufferSize = bufferSize
        return (try loader.load(folder: folder), store)
    }

    /// Stored episodes as `column=value` strings per row (nulls as empty), by episode_id.
    static func episodes(_ store: Store, _ columns: [String]) throws -> [String] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM episodes ORDER BY episode_id").map { row in
                columns.indices.map { i -> String in
                    let v: DatabaseValue = row[i]
                    switch v.storage {
                    case .null: return ""
                    case .int64(let x): return String(x)
                    case .string(let s): return s
                    default: return "\(v)"
                    }
                }.joined(separator: "|")
            }
        }
    }

    @discardableResult
    static func writeBytes(_ t: TempDir, _ name: String, _ bytes: [UInt8]) -> String {
        let p = t.file(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    /// UTF-16 bytes of `text` with a byte-order mark.
    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        var out: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for u in text.utf16 {
            let hi = UInt8(u >> 8), lo = UInt8(u & 0xFF)
            out += bigEndian ? [hi, lo] : [lo, hi]
        }
        return out
    }
}
