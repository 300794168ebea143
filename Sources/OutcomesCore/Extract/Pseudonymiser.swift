import Crypto
import Foundation

/// Replaces identifiers by keyed hashes as rows are loaded (docs/DISCLOSURE.md "Pseudonymisation
/// on load"): `child_id`, `family_id`, `episode_id` and `response_id` become the first 16 bytes of
/// HMAC-SHA256(key, value as stored), in lower-case hex. The same key gives the same pseudonym in
/// every file and month, so links between episodes, outcomes, feedback and attendance hold, and
/// the store keeps no identifier as the source system wrote it.
///
/// Applied after a row passes its checks and the file rules (duplicates, unknown episodes), so a
/// reject still names the value as written: the analyst needs it to fix the extract.
public struct Pseudonymiser: Sendable, Equatable {
    /// The key's bytes (a `SymmetricKey` is made per call: it is not `Sendable`).
    let keyBytes: [UInt8]

    /// Shortest key accepted: 32 bytes, the output size of SHA-256 (RFC 2104 section 3).
    public static let minimumKeyBytes = 32

    public init(key: [UInt8]) {
        keyBytes = key
    }

    public static func == (a: Pseudonymiser, b: Pseudonymiser) -> Bool { a.keyBytes == b.keyBytes }

    /// The pseudonym of one identifier.
    public func pseudonym(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: keyBytes))
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(32)
        for b in mac.prefix(16) { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads and checks a key file: it must exist, hold at least 32 bytes, be readable by its
    /// owner only (no group or other permission bits), and lie outside `forbidden` folders (the
    /// store's and the outputs': a copy of either must not carry the key with it).
    /// Problems are `ConfigError`s naming `pseudonymise.key_file` (exit 2).
    public static func load(keyFile path: String, outside forbidden: [String] = []) throws -> Pseudonymiser {
        let setting = "pseudonymise.key_file"
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw ConfigError.badValue(setting, "an existing key file (\(path) does not exist); create one with "
                + "`head -c 32 /dev/urandom > FILE && chmod 600 FILE`")
        }
        let attrs = try? fm.attributesOfItem(atPath: path)
        let mode = (attrs?[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
        guard mode & 0o077 == 0 else {
            throw ConfigError.badValue(setting, "a key file readable by its owner only (\(path) has mode "
                + String(mode & 0o777, radix: 8) + "); run `chmod 600 \(path)`")
        }
        guard let data = fm.contents(atPath: path) else {
            throw ConfigError.badValue(setting, "a key file this user can read (\(path) cannot be read)")
        }
        guard data.count >= minimumKeyBytes else {
            throw ConfigError.badValue(setting, "a key of at least \(minimumKeyBytes) bytes (\(path) holds \(data.count)); "
                + "create one with `head -c 32 /dev/urandom > FILE`")
        }
        let real = Self.resolved(path)
        for folder in forbidden where !folder.isEmpty {
            let f = Self.resolved(folder)
            if real.hasPrefix(f.hasSuffix("/") ? f : f + "/") {
                throw ConfigError.badValue(setting, "a key file outside the store and output folders (\(path) lies in "
                    + "\(folder)); move it to a folder of its own")
            }
        }
        return Pseudonymiser(key: Array(data))
    }

    /// An absolute path with symbolic links resolved (the parts that exist).
    static func resolved(_ path: String) -> String {
        let abs = path.hasPrefix("/") ? path : (fm().currentDirectoryPath as NSString).appendingPathComponent(path)
        return URL(fileURLWithPath: abs).standardizedFileURL.resolvingSymlinksInPath().path
    }
    private static func fm() -> FileManager { FileManager.default }
}

/// A loaded row whose identifiers the pseudonymiser replaces.
public protocol Pseudonymisable {
    func pseudonymised(by p: Pseudonymiser) -> Self
}

extension Episode: Pseudonymisable {
    public func pseudonymised(by p: Pseudonymiser) -> Episode {
        var e = self
        e.episodeID = p.pseudonym(episodeID); e.childID = p.pseudonym(childID)
        e.familyID = familyID.map(p.pseudonym)
        return e
    }
}

extension OutcomeScore: Pseudonymisable {
    public func pseudonymised(by p: Pseudonymiser) -> OutcomeScore {
        var o = self
        o.episodeID = p.pseudonym(episodeID)
        return o
    }
}

extension FeedbackAnswer: Pseudonymisable {
    public func pseudonymised(by p: Pseudonymiser) -> FeedbackAnswer {
        var a = self
        a.responseID = p.pseudonym(responseID); a.episodeID = episodeID.map(p.pseudonym)
        return a
    }
}
