import Foundation
import Yams

/// How one kind of export maps onto the extract contract (PROFILES.md "A profile"): which files
/// it reads, how their bytes and sheets are read, and which source header and values become
/// which contract column and values. The mapping is data; `RecordMapper` is the one generic step
/// that applies it between a reader and the validators.
///
/// For example (`profiles/eclipse-eh.yml`):
///
///     kind: episodes
///     files: ["EH_Episodes*.csv"]
///     columns:
///       episode_id: "Case ID"
///       child_id: ["Person ID", "/^child.?id$/"]
///     constants: {service: YIT}
///     values:
///       gender: {"1": Male, "2": Female}
public struct Profile: @unchecked Sendable {  // NSRegularExpression is immutable once built
    /// The file name without `.yml` (`eclipse-eh`), or a built-in's name.
    public var name: String
    /// Where it came from: the profile file's path, or `built-in`.
    public var origin: String
    public var kind: ExtractKind
    /// The `files` globs as written.
    public var files: [String]
    var fileMatchers: [NSRegularExpression]
    public var encoding: TextEncoding = .utf8
    /// `.xlsx` only: the sheet to read (nil: the first).
    public var sheet: String?
    /// The header's row number (rows above it are skipped).
    public var headerRow = 1
    /// `dates: MDY` reads `6/2/2023` as 2 June 2023 (PROFILES.md 5).
    public var monthFirst = false
    /// Contract column → source header alternatives, tried in order.
    var columns: [String: [HeaderPattern]] = [:]
    /// Contract column → the value on every row.
    public var constants: [String: String] = [:]
    /// Contract column → value map.
    var values: [String: ValueMap] = [:]

    /// True when the file name (no folder) matches one of the `files` globs, case-insensitively.
    public func matches(fileName: String) -> Bool {
        let range = NSRange(fileName.startIndex..., in: fileName)
        return fileMatchers.contains { $0.firstMatch(in: fileName, range: range) != nil }
    }

    /// A profile from its YAML text; every key is checked (PROFILES.md 1).
    /// - Parameters:
    ///   - name: the profile's name; `origin` names the file in errors.
    /// - Throws: `ProfileError` naming `origin` and the key at fault.
    public static func parse(_ text: String, name: String, origin: String) throws -> Profile {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw ProfileError.syntax(origin, "\(error)") }
        guard let top = node?.mapping else { throw ProfileError.bad(origin, "(top level)", "a mapping of keys such as kind, files and columns") }
        func fail(_ key: String, _ want: String) -> ProfileError { .bad(origin, key, want) }
        var kind: ExtractKind?
        var files: [String]?
        var p = Profile(name: name, origin: origin, kind: .episodes, files: [], fileMatchers: [])
        var columnsNode: Node.Mapping?, constantsNode: Node.Mapping?, valuesNode: Node.Mapping?
        for (k, v) in top {
            guard let key = k.string else { throw fail("\(k)", "keys written as text") }
            switch key {
            case "kind":
                guard let s = v.scalar?.string, let kd = ExtractKind(rawValue: s) else {
                    throw fail(key, "one of episodes, outcomes, attendance, feedback")
                }
                kind = kd
            case "files":
                let list = v.sequence.map { Array($0) } ?? [v]
                files = try list.map { n in
                    guard let s = n.scalar?.string, !s.isEmpty else { throw fail(key, "a glob or a list of globs, such as [\"EH_Episodes*.csv\"]") }
                    return s
                }
                if files!.isEmpty { throw fail(key, "at least one glob") }
            case "encoding":
                guard let s = v.scalar?.string, let e = TextEncoding(rawValue: s.lowercased()) else {
                    throw fail(key, "one of utf-8, windows-1252, utf-16")
                }
                p.encoding = e
            case "sheet":
                guard let s = v.scalar?.string, !s.isEmpty else { throw fail(key, "a sheet name") }
                p.sheet = s
            case "header_row":
                guard let s = v.scalar?.string, let i = Int(s), i >= 1 else { throw fail(key, "a row number from 1") }
                p.headerRow = i
            case "dates":
                guard let s = v.scalar?.string, s == "DMY" || s == "MDY" else { throw fail(key, "DMY or MDY") }
                p.monthFirst = s == "MDY"
            case "columns":
                guard let m = v.mapping else { throw fail(key, "a mapping of contract columns to source headers") }
                columnsNode = m
            case "constants":
                guard let m = v.mapping else { throw fail(key, "a mapping of contract columns to values") }
                constantsNode = m
            case "values":
                guard let m = v.mapping else { throw fail(key, "a mapping of contract columns to value maps") }
                valuesNode = m
            default:
                throw ProfileError.unknownKey(origin, key)
            }
        }
        guard let kind else { throw fail("kind", "a kind (required): episodes, outcomes, attendance or feedback") }
        guard let files else { throw fail("files", "a list of globs (required), such as [\"EH_Episodes*.csv\"]") }
        p.kind = kind
        p.files = files
        p.fileMatchers = try files.map { g in
            guard let r = Glob.regex(g) else { throw fail("files", "valid globs (\"\(g)\" is not: check its [ ] brackets)") }
            return r
        }
        let contract = Set(ExtractSchema.names(for: kind))
        func column(_ n: Node, _ section: String) throws -> String {
            guard let c = n.string, contract.contains(c) else {
                throw ProfileError.unknownColumn(origin, "\(section).\(n.string ?? "\(n)")", kind)
            }
            return c
        }
        for (k, v) in columnsNode ?? [:] {
            let c = try column(k, "columns")
            let list = v.sequence.map { Array($0) } ?? [v]
            guard !list.isEmpty else { throw fail("columns.\(c)", "a source header or a list of them") }
            p.columns[c] = try list.map { n in
                guard let s = n.scalar?.string, !s.isEmpty else { throw fail("columns.\(c)", "a source header or a list of them") }
                guard let hp = HeaderPattern(s) else { throw fail("columns.\(c)", "a valid regular expression between slashes (\(s))") }
                return hp
            }
        }
        for (k, v) in constantsNode ?? [:] {
            let c = try column(k, "constants")
            if p.columns[c] != nil {
                throw fail("constants.\(c)", "either a constant or a columns entry for \(c), not both")
            }
            guard let s = v.scalar?.string else { throw fail("constants.\(c)", "a single value") }
            p.constants[c] = s
        }
        for (k, v) in valuesNode ?? [:] {
            let c = try column(k, "values")
            guard let m = v.mapping else { throw fail("values.\(c)", "a mapping of source values to contract values") }
            var map = ValueMap()
            for (from, to) in m {
                guard let f = from.scalar?.string, let t = to.scalar?.string else {
                    throw fail("values.\(c)", "single values on both sides (\"1\": Male)")
                }
                guard map.add(key: f, result: t) else {
                    throw fail("values.\(c)", "a valid regular expression between slashes (\(f))")
                }
            }
            p.values[c] = map
        }
        return p
    }

    /// Loads `dir/*.yml` (and `.yaml`), one profile a file, in name order. A missing folder has none.
    public static func load(folder: String) throws -> [Profile] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { n in
                let path = (folder as NSString).appendingPathComponent(n)
                guard let data = FileManager.default.contents(atPath: path),
                      let text = String(data: data, encoding: .utf8) else { throw ProfileError.unreadable(path) }
                return try parse(text, name: (n as NSString).deletingPathExtension, origin: path)
            }
    }
}

/// A `columns` alternative: a header name, or `/regex/` matched case-insensitively against the
/// whole trimmed header (PROFILES.md 2).
struct HeaderPattern {
    let text: String
    let lower: String
    let regex: NSRegularExpression?

    init?(_ s: String) {
        text = s
        lower = s.trimmingCharacters(in: .whitespaces).lowercased()
        if s.count >= 2 && s.hasPrefix("/") && s.hasSuffix("/") {
            guard let r = try? NSRegularExpression(pattern: "^(?:" + s.dropFirst().dropLast() + ")$",
                                                   options: [.caseInsensitive]) else { return nil }
            regex = r
        } else {
            regex = nil
        }
    }

    func matches(_ header: String) -> Bool {
        guard let regex else { return header.lowercased() == lower }
        return regex.firstMatch(in: header, range: NSRange(header.startIndex..., in: header)) != nil
    }
}

/// A `values` map for one column (PROFILES.md 4): plain keys case-insensitively first, then the
/// `/regex/` keys in the order written, matched against the whole value, `$1`…`$9` in the
/// result standing for their groups. A value that matches nothing passes unchanged.
struct ValueMap {
    var plain: [String: String] = [:]
    var patterns: [(NSRegularExpression, String)] = []

    /// Adds one entry; false when a `/…/` key is not a valid regular expression.
    mutating func add(key: String, result: String) -> Bool {
        if key.count >= 2 && key.hasPrefix("/") && key.hasSuffix("/") {
            guard let r = try? NSRegularExpression(pattern: "^(?:" + key.dropFirst().dropLast() + ")$") else { return false }
            patterns.append((r, result))
        } else {
            let k = key.trimmingCharacters(in: .whitespaces).lowercased()
            if plain[k] == nil { plain[k] = result }  // the first written wins, as for regexes
        }
        return true
    }

    /// The rewritten value, or nil when no key matches (the value passes unchanged).
    func map(_ value: String) -> String? {
        if let r = plain[value.lowercased()] { return r }
        let range = NSRange(value.startIndex..., in: value)
        for (re, template) in patterns {
            if let m = re.firstMatch(in: value, range: range) {
                return re.replacementString(for: m, in: value, offset: 0, template: template)
            }
        }
        return nil
    }
}

/// File-name globs (`*`, `?`, `[abc]`, `[!abc]`), matched case-insensitively against the whole name.
enum Glob {
    static func regex(_ glob: String) -> NSRegularExpression? {
        var out = "^"
        let chars = Array(glob)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*": out += ".*"
            case "?": out += "."
            case "[":
                var close = i + 1
                if close < chars.count && chars[close] == "!" { close += 1 }
                if close < chars.count && chars[close] == "]" { close += 1 }  // a leading ] is literal
                while close < chars.count && chars[close] != "]" { close += 1 }
                guard close < chars.count else { return nil }
                var body = String(chars[(i + 1)..<close])
                if body.hasPrefix("!") { body = "^" + body.dropFirst() }
                out += "[" + body.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "[", with: "\\[") + "]"
                i = close
            case "]": return nil
            default: out += NSRegularExpression.escapedPattern(for: String(c))
            }
            i += 1
        }
        return try? NSRegularExpression(pattern: out + "$", options: [.caseInsensitive])
    }
}

/// A profile that cannot be used (exit 2), naming the profile file and the key.
public enum ProfileError: LocalizedError, Equatable {
    case unreadable(String)
    case syntax(String, String)
    case unknownKey(String, String)
    case unknownColumn(String, String, ExtractKind)
    case bad(String, String, String)
    /// One file matched by two profiles.
    case ambiguous(file: String, String, String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let p): return "profile \(p): cannot be read as UTF-8 text. Check the file."
        case let .syntax(p, d): return "profile \(p): not valid YAML (\(d)). Fix the file and run again."
        case let .unknownKey(p, k):
            return "profile \(p): unknown key '\(k)'. Use kind, files, encoding, sheet, header_row, dates, columns, constants or values (docs/PROFILES.md)."
        case let .unknownColumn(p, k, kind):
            return "profile \(p): '\(k)' is not a column of the \(kind.rawValue) contract; use one of \(ExtractSchema.names(for: kind).joined(separator: ", "))."
        case let .bad(p, k, want): return "profile \(p): bad value for '\(k)': expected \(want)."
        case let .ambiguous(f, a, b):
            return "\(f) is matched by two profiles, \(a) and \(b); narrow the files globs so that one profile reads it."
        }
    }
}
