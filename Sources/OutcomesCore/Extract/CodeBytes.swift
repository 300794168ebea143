/// Byte-level fast paths for the coded columns of the outcomes and feedback extracts, so an
/// accepted row builds no `String` just to lower-case and compare a code (issue 16: a `String`
/// per field was 14% of the load's CPU).
///
/// Each is a shortcut in front of the `Normalise` function it stands for, never a second rule:
/// it answers only for ASCII bytes that match a listed code exactly as the `String` path would
/// (ASCII case-folding is what `lowercased()` does to ASCII), and returns nil for everything else,
/// which then takes the `String` path as before, so odd values are judged and reported word for
/// word as they were.
enum CodeBytes {
    /// The value of the entry whose key (lower-case ASCII) equals `b` case-insensitively.
    @inline(__always)
    static func match<T>(_ b: UnsafeBufferPointer<UInt8>, _ table: [(key: [UInt8], value: T)]) -> T? {
        for e in table where e.key.count == b.count {
            var i = 0
            while i < b.count && FieldParsers.lower(b[i]) == e.key[i] { i += 1 }
            if i == b.count { return e.value }
        }
        return nil
    }

    static func table<T>(_ pairs: [(String, T)]) -> [(key: [UInt8], value: T)] {
        pairs.map { (Array($0.0.utf8), $0.1) }
    }

    static let stages = table(Stage.allCases.map { ($0.code, $0) })
    /// Values are the lists' own Strings, as `Normalise.domain` returns them (equal text).
    static let domains = table(Normalise.domains.map { ($0, $0) })
    static let raters = table(Rater.allCases.map { ($0.rawValue, $0) })
    /// `Normalise.respondent`'s list.
    static let respondents = table([("child", "child"), ("young person", "child"), ("parent", "parent"),
                                    ("carer", "carer"), ("partner", "partner"), ("professional", "partner"),
                                    ("agency", "partner")])
    static let instruments = table(Normalise.instruments.map { ($0, $0) })

    /// `Normalise.answer` on ASCII bytes: lower-cased, each run of ` `, `-`, `_` one space,
    /// trimmed, then looked up; nil when a byte is not ASCII (the `String` path decides).
    static func answer(_ b: UnsafeBufferPointer<UInt8>) -> Normalise.AnswerReading? {
        if b.isEmpty { return .notAnswered }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count) { out -> Normalise.AnswerReading? in
            var n = 0
            var pendingSpace = false
            for c in b {
                if c >= 0x80 { return nil }
                if c == 0x20 || c == 0x2D || c == 0x5F { pendingSpace = true; continue }
                if pendingSpace && n > 0 { out[n] = 0x20; n += 1 }
                pendingSpace = false
                out[n] = FieldParsers.lower(c); n += 1
            }
            return match(UnsafeBufferPointer(rebasing: out[0..<n]), answers) ?? .unrecognised
        }
    }

    /// `Normalise.answer`'s lists, keyed as `answerKey` leaves them.
    static let answers: [(key: [UInt8], value: Normalise.AnswerReading)] = table(
        ["strongly agree", "agree", "yes", "y", "5", "4"].map { ($0, .answered(.positive)) }
        + ["neutral", "neither", "neither agree nor disagree", "3", "not sure"].map { ($0, .answered(.neutral)) }
        + ["disagree", "strongly disagree", "no", "n", "2", "1"].map { ($0, .answered(.negative)) }
        + ["", "n/a", "na", "not answered", "prefer not to say"].map { ($0, .notAnswered) })
}
