/// Normalisation of coded extract values (EXTRACTS.md, METRICS.md 3, PRECISE.md 7 and 9).
///
/// Every code is matched case-insensitively except attendance marks (PRECISE.md 7). A function
/// returning an optional gives nil for "not in the list"; the validator turns that into a reject
/// naming the allowed values, which live here beside the lists so message and rule cannot drift.
public enum Normalise {
    /// `Female`, `Male`, `Unknown` or `Other`; never rejects (EXTRACTS.md "episodes", `gender`).
    public static func gender(_ s: String) -> String {
        switch s.lowercased() {
        case "f", "female", "girl": return "Female"
        case "m", "male", "boy": return "Male"
        case "", "u", "unknown", "not known", "not stated": return "Unknown"
        default: return "Other"
        }
    }

    /// The levels of work, in contract order.
    public static let levels = ["EH3", "EH4", "CIN", "CP", "CIC", "CL"]

    /// The upper-case level code, or nil when the value is not a level.
    public static func level(_ s: String) -> String? {
        let u = s.uppercased()
        return levels.contains(u) ? u : nil
    }

    /// The service code upper-cased (episodes and feedback alike).
    public static func service(_ s: String) -> String { s.uppercased() }

    /// The locality as given, `Unknown` when empty.
    public static func locality(_ s: String) -> String { s.isEmpty ? "Unknown" : s }

    /// The ethnicity code as stored: upper-cased, nil when empty. Unlisted codes are kept (they
    /// group as `Unknown`) so analysts can see what the source system sent.
    public static func ethnicityCode(_ s: String) -> String? { s.isEmpty ? nil : s.uppercased() }

    /// `send` as a flag: Y/N, Yes/No, true/false, 1/0 in any case. Nil when the value is not in
    /// that list; the caller treats an empty value as null before asking.
    public static func send(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "y", "yes", "true", "1": return true
        case "n", "no", "false", "0": return false
        default: return nil
        }
    }

    /// The allowed `send` values, for reject reasons.
    public static let sendValues = "Y, N, Yes, No, true, false, 1 or 0"

    /// The respondent code: `child`, `parent`, `carer` or `partner`; `young person` reads as
    /// `child`, `professional` and `agency` as `partner`. Nil when not listed.
    public static func respondent(_ s: String) -> String? {
        switch s.lowercased() {
        case "child", "young person": return "child"
        case "parent": return "parent"
        case "carer": return "carer"
        case "partner", "professional", "agency": return "partner"
        default: return nil
        }
    }

    public static let respondentValues = "child, parent, carer, partner, young person, professional or agency"

    /// The feedback instruments, in contract order.
    public static let instruments = ["closure_survey", "follow_up", "feedback_form", "app"]

    /// The lower-case instrument code, or nil when not listed.
    public static func instrument(_ s: String) -> String? {
        let l = s.lowercased()
        return instruments.contains(l) ? l : nil
    }

    /// The Supporting Families headline outcome domains (EXTRACTS.md "outcomes").
    public static let domains = [
        "education", "early_years", "health", "substance_use", "family_relationships",
        "exploitation", "crime", "domestic_abuse", "housing", "financial_stability",
    ]

    /// The lower-case domain code, or nil when it is neither a standard domain nor one of
    /// `extra` (the configured extra domains, compared lower-cased).
    public static func domain(_ s: String, extra: Set<String> = []) -> String? {
        let l = s.lowercased()
        if domains.contains(l) { return l }
        return extra.contains(where: { $0.lowercased() == l }) ? l : nil
    }

    /// Who rated: empty means practitioner (EXTRACTS.md "outcomes"); nil when not listed.
    public static func ratedBy(_ s: String) -> Rater? {
        s.isEmpty ? .practitioner : Rater(rawValue: s.lowercased())
    }

    /// What a feedback answer says, after METRICS.md 3 normalisation.
    public enum AnswerReading: Equatable, Sendable {
        /// Counted in the given class.
        case answered(AnswerClass)
        /// Empty, `n/a`, `not answered`…: left out of every count, but the row loads.
        case notAnswered
        /// Fits none of the lists: the row is rejected.
        case unrecognised
    }

    /// Reads a feedback answer: case-insensitive, runs of spaces, `-` and `_` count as one space,
    /// then trimmed (PRECISE.md 9), and matched against METRICS.md 3's lists.
    public static func answer(_ s: String) -> AnswerReading {
        switch answerKey(s) {
        case "strongly agree", "agree", "yes", "y", "5", "4": return .answered(.positive)
        case "neutral", "neither", "neither agree nor disagree", "3", "not sure": return .answered(.neutral)
        case "disagree", "strongly disagree", "no", "n", "2", "1": return .answered(.negative)
        case "", "n/a", "na", "not answered", "prefer not to say": return .notAnswered
        default: return .unrecognised
        }
    }

    /// Lower-cased, each run of ` `, `-`, `_` collapsed to one space, then trimmed.
    static func answerKey(_ s: String) -> String {
        var out = ""
        var pendingSpace = false
        for ch in s.lowercased() {
            if ch == " " || ch == "-" || ch == "_" {
                pendingSpace = true
                continue
            }
            if pendingSpace && !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(ch)
        }
        return out
    }

    public static let answerValues =
        "strongly agree, agree, yes, y, 5, 4, neutral, neither, neither agree nor disagree, 3, "
        + "not sure, disagree, strongly disagree, no, n, 2, 1, or n/a, na, not answered, prefer not to say"
}

/// DfE ethnicity codes and their major groups (EXTRACTS.md "episodes").
public enum Ethnicity {
    /// The group of each of the 20 DfE codes except `CHNE`, whose group is configurable.
    static let groups: [String: String] = {
        var d: [String: String] = [:]
        let table: [(String, [String])] = [
            ("White", ["WBRI", "WIRI", "WIRT", "WOTH", "WROM"]),
            ("Mixed / Multiple ethnic groups", ["MWBC", "MWBA", "MWAS", "MOTH"]),
            ("Asian / Asian British", ["AIND", "APKN", "ABAN", "AOTH"]),
            ("Black / African / Caribbean / Black British", ["BCRB", "BAFR", "BOTH"]),
            ("Other ethnic group", ["OOTH"]),
            ("Unknown", ["REFU", "NOBT"]),
        ]
        for (group, codes) in table { for c in codes { d[c] = group } }
        return d
    }()

    /// The major group of a code, matched case-insensitively; `Unknown` for `REFU`, `NOBT`, nil,
    /// empty or an unlisted code.
    ///
    /// - Parameter chineseGroup: where `CHNE` goes. National statistics now put it under Asian;
    ///   older children-in-need tables under `Other ethnic group`, so the configuration may move it.
    public static func majorGroup(code: String?, chineseGroup: String = "Asian / Asian British") -> String {
        guard let code, !code.isEmpty else { return "Unknown" }
        let u = code.uppercased()
        if u == "CHNE" { return chineseGroup }
        return groups[u] ?? "Unknown"
    }
}
