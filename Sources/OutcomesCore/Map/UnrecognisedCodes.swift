/// Values the contract turned into `Other` or `Unknown` only because it did not recognise them
/// (PROFILES.md 14), counted per column of one file: gender values outside the contract's lists
/// (which become `Other`) and ethnicity codes outside the DfE list (group `Unknown`). Empty
/// values and the "not known" words (`U`, `Not stated`, `REFU`, `NOBT` …) are recognised.
public struct UnrecognisedCodes: Sendable {
    public struct Column: Sendable {
        public var nonEmpty = 0
        public var counts: [String: Int] = [:]
        public var unrecognised: Int { counts.values.reduce(0, +) }
    }
    public private(set) var gender = Column()
    public private(set) var ethnicity = Column()

    public init() {}

    /// The 20 DfE ethnicity codes and the two "not known" codes (EXTRACTS.md "episodes").
    static let ethnicityCodes: Set<String> = Set(Ethnicity.groups.keys).union(["CHNE"])

    /// Counts one accepted episode's gender and ethnicity as the file gave them (after mapping).
    public mutating func note(gender g: String, ethnicity e: String) {
        if !g.isEmpty {
            gender.nonEmpty += 1
            if Normalise.gender(g) == "Other" { gender.counts[g, default: 0] += 1 }
        }
        if !e.isEmpty {
            ethnicity.nonEmpty += 1
            if !Self.ethnicityCodes.contains(e.uppercased()) { ethnicity.counts[e, default: 0] += 1 }
        }
    }

    /// A warning per column where more than 5% of the non-empty values were not recognised,
    /// naming the three most common of them.
    public func warnings(file: String) -> [String] {
        [("gender", gender, "Other"), ("ethnicity", ethnicity, "Unknown")].compactMap { name, col, became in
            guard col.nonEmpty > 0, col.unrecognised * 100 > 5 * col.nonEmpty else { return nil }
            let top = col.counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(3)
            let pct = NumberFormat.rounded(100 * Double(col.unrecognised) / Double(col.nonEmpty), dp: 1)
            return "\(file): \(pct)% of the non-empty \(name) values (\(col.unrecognised) of \(col.nonEmpty)) were not recognised and became \(became); most common: "
                + top.map { "'\($0.key)' (\($0.value))" }.joined(separator: ", ")
                + ". Map them to contract values with a profile's values (docs/PROFILES.md)."
        }
    }
}
