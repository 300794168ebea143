import Foundation
import Yams

/// The optional configuration file (OUTPUTS.md "Configuration"), YAML; every key has a default.
///
/// Documented in the README. Unknown keys and bad values are `ConfigError` (exit 2) naming the key.
public struct OutcomesConfig: Sendable, Equatable {
    public var geography = Geography()
    public var suppressMax = 5
    public var maxRejectPct = 5.0
    public var extraBreakdowns: [Breakdown] = []
    public var extraDomains: Set<String> = []
    public var extraBankHolidays: Set<Day> = []
    public var chineseGroup = "Asian / Asian British"
    public var impactDaysBefore = 90
    public var impactMinSessions = 20
    /// data_quality.csv thresholds, as percentages (a check passes at or below its threshold).
    public var qualityThresholds: [String: Double] = DataQuality.defaultThresholds
    /// An analyst's query stops after this many seconds (docs/OUTPUTS.md: `query_timeout_s`).
    public var queryTimeoutSeconds = 300.0
    /// An analyst's query stops when its CSV passes this many megabytes (`query_max_mb`).
    public var queryMaxMegabytes = 256.0
    /// New LA codes of the council's statistical neighbours, pooled in `attendance_benchmarks.csv`.
    public var statisticalNeighbours: [String] = []
    /// `returns_child_id` and `returns_service`: how the national returns are read (docs/RETURNS.md).
    public var returns = ReturnsSettings()
    /// `pseudonymise: {key_file: PATH}`: the key of the keyed hash identifiers are stored as
    /// (docs/DISCLOSURE.md); the file is checked when a command reads extracts.
    public var pseudonymiseKeyFile: String?

    /// The name looked for in the working folder when `--config` is not given.
    public static let defaultFileName = "outcomes.yml"

    public init() {}

    /// Reads a YAML configuration file.
    public static func load(path: String) throws -> OutcomesConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError.unreadable(path)
        }
        return try parse(text, source: path)
    }

    /// Parses YAML text; `source` names the file in messages.
    public static func parse(_ text: String, source: String = "configuration") throws -> OutcomesConfig {
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch { throw ConfigError.syntax(source, "\(error)") }
        var c = OutcomesConfig()
        guard let node else { return c }
        // Dates as written: YAML would read 2026-02-30 as a timestamp and roll it over to March.
        let rawHolidays = (try? Yams.compose(yaml: text))??["extra_bank_holidays"]?.sequence?.map { $0.string ?? "" }
        guard let top = node as? [String: Any] else { throw ConfigError.badValue("(top level)", "a mapping of keys to values") }
        for (key, value) in top {
            switch key {
            case "geography": try c.readGeography(value)
            case "suppress_max": c.suppressMax = try int(value, key, min: 0)
            case "max_reject_pct":
                guard let v = double(value), v >= 0, v <= 100 else { throw ConfigError.badValue(key, "a percentage from 0 to 100") }
                c.maxRejectPct = v
            case "extra_breakdowns":
                guard let list = value as? [Any] else { throw ConfigError.badValue(key, "a list of lists of cohort columns") }
                c.extraBreakdowns = try list.map { item in
                    guard let cols = item as? [String], !cols.isEmpty else {
                        throw ConfigError.badValue(key, "each breakdown a list such as [service, level]")
                    }
                    return Breakdown(try cols.map { n in
                        guard let col = CohortColumn(name: n) else {
                            throw ConfigError.badValue(key, "cohort columns among service, locality, level, age_band, gender, ethnicity_major (got '\(n)')")
                        }
                        return col
                    })
                }
            case "extra_domains":
                guard let list = value as? [String] else { throw ConfigError.badValue(key, "a list of domain codes") }
                c.extraDomains = Set(list.map { $0.lowercased() })
            case "extra_bank_holidays":
                guard let list = value as? [Any] else { throw ConfigError.badValue(key, "a list of YYYY-MM-DD dates") }
                c.extraBankHolidays = Set(try (rawHolidays ?? list.map { "\($0)" }).map { v in
                    guard let d = Days.parseISO(v) else { throw ConfigError.badValue(key, "dates as YYYY-MM-DD (got '\(v)')") }
                    return d
                })
            case "chne_group":
                let allowed = ["Asian / Asian British", "Other ethnic group"]
                guard let s = value as? String, allowed.contains(s) else {
                    throw ConfigError.badValue(key, "one of: \(allowed.joined(separator: ", "))")
                }
                c.chineseGroup = s
            case "attendance_impact": try c.readImpact(value)
            case "data_quality":
                guard let m = value as? [String: Any] else { throw ConfigError.badValue(key, "a mapping of check names to thresholds") }
                for (k, v) in m {
                    guard DataQuality.defaultThresholds[k] != nil else { throw ConfigError.unknownKey("data_quality.\(k)") }
                    guard let d = double(v), d >= 0 else { throw ConfigError.badValue("data_quality.\(k)", "a number ≥ 0") }
                    c.qualityThresholds[k] = d
                }
            case "query_timeout_s":
                guard let v = double(value), v > 0 else { throw ConfigError.badValue(key, "a number of seconds > 0") }
                c.queryTimeoutSeconds = v
            case "query_max_mb":
                guard let v = double(value), v > 0 else { throw ConfigError.badValue(key, "a number of megabytes > 0") }
                c.queryMaxMegabytes = v
            case "statistical_neighbours": c.statisticalNeighbours = try Self.laCodes(value, key)
            case "returns_child_id":
                let allowed = ReturnsChildID.allCases.map(\.rawValue)
                guard let v = value as? String, let id = ReturnsChildID(rawValue: v) else {
                    throw ConfigError.badValue(key, "one of: \(allowed.joined(separator: ", "))")
                }
                c.returns.childID = id
            case "returns_service":
                guard let v = value as? String, !ReturnCodes.trimmed(v).isEmpty else {
                    throw ConfigError.badValue(key, "a service code such as CSC")
                }
                c.returns.service = ReturnCodes.trimmed(v)
            case "pseudonymise":
                guard let m = value as? [String: Any] else { throw ConfigError.badValue(key, "a mapping such as {key_file: /etc/outcomes/pseudonym.key}") }
                for (k, v) in m {
                    guard k == "key_file" else { throw ConfigError.unknownKey("pseudonymise.\(k)") }
                    guard let p = v as? String, !p.isEmpty else { throw ConfigError.badValue("pseudonymise.key_file", "the path of a key file") }
                    c.pseudonymiseKeyFile = p
                }
                guard c.pseudonymiseKeyFile != nil else { throw ConfigError.badValue(key, "a mapping with key_file: PATH") }
            default: throw ConfigError.unknownKey(key)
            }
        }
        return c
    }

    private mutating func readGeography(_ value: Any) throws {
        guard let m = value as? [String: Any] else { throw ConfigError.badValue("geography", "a mapping") }
        for (k, v) in m {
            let s = "\(v)"
            switch k {
            case "country_code": geography.countryCode = s
            case "country_name": geography.countryName = s
            case "region_code": geography.regionCode = s
            case "region_name": geography.regionName = s
            case "new_la_code": geography.newLACode = s
            case "old_la_code": geography.oldLACode = s
            case "la_name": geography.laName = s
            default: throw ConfigError.unknownKey("geography.\(k)")
            }
        }
    }

    private mutating func readImpact(_ value: Any) throws {
        guard let m = value as? [String: Any] else { throw ConfigError.badValue("attendance_impact", "a mapping") }
        for (k, v) in m {
            switch k {
            case "days_before": impactDaysBefore = try Self.int(v, "attendance_impact.days_before", min: 1)
            case "min_possible_sessions": impactMinSessions = try Self.int(v, "attendance_impact.min_possible_sessions", min: 1)
            default: throw ConfigError.unknownKey("attendance_impact.\(k)")
            }
        }
    }

    /// A list of new LA codes (a letter, then 8 digits, e.g. E10000008), each once.
    private static func laCodes(_ v: Any, _ key: String) throws -> [String] {
        guard let list = v as? [Any] else { throw ConfigError.badValue(key, "a list of new LA codes such as [E10000027, E06000026]") }
        var out: [String] = []
        for item in list {
            let s = "\(item)"
            let u = Array(s.utf8)
            guard u.count == 9, (65...90).contains(u[0]), u[1...].allSatisfy({ (48...57).contains($0) }) else {
                throw ConfigError.badValue(key, "new LA codes: a capital letter and 8 digits, such as E10000027 (got '\(s)')")
            }
            guard !out.contains(s) else { throw ConfigError.badValue(key, "each code once (\(s) is listed twice)") }
            out.append(s)
        }
        return out
    }

    private static func int(_ v: Any, _ key: String, min: Int) throws -> Int {
        guard let i = v as? Int, i >= min else { throw ConfigError.badValue(key, "a whole number ≥ \(min)") }
        return i
    }
    private static func double(_ v: Any) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        return nil
    }
}

/// A configuration problem (exit status 2).
public enum ConfigError: LocalizedError, Equatable {
    case unreadable(String)
    case syntax(String, String)
    case unknownKey(String)
    case badValue(String, String)

    public var errorDescription: String? {
        switch self {
        case .unreadable(let p): return "configuration \(p): cannot be read. Check the path given to --config."
        case let .syntax(p, d): return "configuration \(p): not valid YAML (\(d)). Fix the file and run again."
        case .unknownKey(let k): return "configuration: unknown key '\(k)'. Remove it or check its spelling against the README."
        case let .badValue(k, want): return "configuration: bad value for '\(k)': expected \(want)."
        }
    }
}
