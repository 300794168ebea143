/// DfE ethnicity codes and their major groups (EXTRACTS.md "episodes").
public enum Ethnicity {
    public static let groups: [String: String] = {
        var d: [String: String] = [:]
        for c in ["WBRI", "WIRI", "WIRT", "WOTH", "WROM"] { d[c] = "White" }
        for c in ["MWBC", "MWBA", "MWAS", "MOTH"] { d[c] = "Mixed / Multiple ethnic groups" }
        for c in ["AIND", "APKN", "ABAN", "AOTH", "CHNE"] { d[c] = "Asian / Asian British" }
        for c in ["BCRB", "BAFR", "BOTH"] { d[c] = "Black / African / Caribbean / Black British" }
        d["OOTH"] = "Other ethnic group"
        return d
    }()

    /// The major group of a code (matched case-insensitively); `Unknown` for empty, REFU, NOBT and
    /// unlisted codes. `chineseGroup` is where `CHNE` goes (configurable: older tables used Other).
    public static func majorGroup(code: String?, chineseGroup: String = "Asian / Asian British") -> String {
        guard let code, !code.isEmpty else { return "Unknown" }
        let u = code.uppercased()
        if u == "CHNE" { return chineseGroup }
        return groups[u] ?? "Unknown"
    }
}
