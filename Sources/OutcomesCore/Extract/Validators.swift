/// A per-kind row check: one CSV record in, one normalised row or one reject out, plus what the
/// file-level rules need (the row's key and the episode it refers to).
public protocol RowValidator {
    associatedtype Row: Pseudonymisable
    associatedtype Key: Hashable
    var file: String { get }
    var header: HeaderMap { get }
    /// Field checks only (PRECISE.md 6): duplicates and unknown episodes are file-level rules.
    func validate(_ rec: CSVRecord) -> Result<Row, Reject>
    /// The normalised key (parsed dates, lower-cased codes) that must be unique within a file.
    func key(of row: Row) -> Key
    /// The key for the duplicate reason, e.g. `episode_id E1`.
    func describe(_ key: Key) -> String
    /// The column and value a duplicate is reported on: the key's first column.
    func keyCell(of row: Row) -> (column: String, value: String)
    /// The episode the row must refer to, if any (outcomes always, feedback when given).
    func episodeReference(of row: Row) -> String?
    /// Replaces the identifiers of accepted rows (`pseudonymise`), nil when not configured.
    var pseudonymiser: Pseudonymiser? { get }
}

extension RowValidator {
    func fields(_ rec: CSVRecord) -> RowFields {
        RowFields(rec: rec, file: file, header: header, names: ExtractSchema.names(for: header.kind))
    }

    /// Runs `body` after the field-count check, turning its thrown reject into a failure.
    func checked(_ rec: CSVRecord, _ body: (RowFields) throws(Reject) -> Row) -> Result<Row, Reject> {
        if let r = RowFields.fieldCountReject(rec, file: file, header: header) { return .failure(r) }
        let f = fields(rec)
        do { return .success(try body(f)) } catch { return .failure(error) }
    }
}

/// Checks and normalises `episodes` rows (EXTRACTS.md "episodes").
public struct EpisodeValidator: RowValidator {
    public let file: String
    public let header: HeaderMap

    public let pseudonymiser: Pseudonymiser?

    public init(file: String, header: HeaderMap, rules: ExtractRules = ExtractRules()) {
        self.file = file; self.header = header; pseudonymiser = rules.pseudonymiser
    }

    public func validate(_ rec: CSVRecord) -> Result<Episode, Reject> {
        checked(rec) { (f: RowFields) throws(Reject) -> Episode in try Self.episode(f) }
    }

    typealias C = EpisodeColumn

    static func episode(_ f: RowFields) throws(Reject) -> Episode {
        let id = try f.required(C.episodeID.rawValue)
        let child = try f.required(C.childID.rawValue)
        let family = f.optional(C.familyID.rawValue)
        let service = Normalise.service(try f.required(C.service.rawValue))
        let locality = Normalise.locality(f.text(C.locality.rawValue))
        let level = try f.requiredCode(C.level.rawValue, allowed: Normalise.levels.joined(separator: ", "),
                                       Normalise.level)
        let referral = try f.optionalDate(C.referralDate.rawValue)
        let allocation = try f.requiredDate(C.allocationDate.rawValue)
        var e = Episode(episodeID: id, childID: child, familyID: family, service: service, locality: locality,
                        level: level, referralDate: referral, allocationDate: allocation)
        e.firstContactDate = try notBefore(f, C.firstContactDate, allocation)
        e.assessmentDate = try notBefore(f, C.assessmentDate, allocation)
        e.firstTafDate = try notBefore(f, C.firstTafDate, allocation)
        e.closureDate = try notBefore(f, C.closureDate, allocation)
        e.closureReason = f.optional(C.closureReason.rawValue)
        e.birthMonth = try birthMonth(f)
        e.gender = Normalise.gender(f.text(C.gender.rawValue))
        e.ethnicity = Normalise.ethnicityCode(f.text(C.ethnicity.rawValue))
        e.send = try send(f)
        e.schoolURN = f.optional(C.schoolURN.rawValue)
        return e
    }

    /// An optional date that may not fall before the allocation (the episode's start).
    static func notBefore(_ f: RowFields, _ c: C, _ allocation: Day) throws(Reject) -> Day? {
        guard let d = try f.optionalDate(c.rawValue) else { return nil }
        if d < allocation {
            let given = f.text(C.allocationDate.rawValue)
            throw f.reject(c.rawValue, "\(c.name) is before allocation_date \(given); "
                + "correct whichever date is wrong (work cannot happen before the episode starts)")
        }
        return d
    }

    static func birthMonth(_ f: RowFields) throws(Reject) -> Month? {
        let b = f.bytes(C.birthMonth.rawValue)
        if b.isEmpty { return nil }
        guard let m = FieldParsers.birthMonth(b) else {
            throw f.reject(C.birthMonth.rawValue, "invalid birth_month; use YYYY-MM (a full date is accepted and its month kept)")
        }
        return m
    }

    static func send(_ f: RowFields) throws(Reject) -> Bool? {
        let s = f.text(C.send.rawValue)
        if s.isEmpty { return nil }
        guard let v = Normalise.send(s) else {
            throw f.reject(C.send.rawValue, Reasons.unknownCode("send", allowed: Normalise.sendValues))
        }
        return v
    }

    public func key(of row: Episode) -> String { row.episodeID }
    public func describe(_ key: String) -> String { "episode_id \(key)" }
    public func keyCell(of row: Episode) -> (column: String, value: String) { ("episode_id", row.episodeID) }
    public func episodeReference(of row: Episode) -> String? { nil }
}

/// The unique key of an outcome score, compared after normalisation (PRECISE.md 6).
public struct OutcomeKey: Hashable, Sendable {
    public var episodeID: String
    public var assessmentDate: Day
    public var stage: Stage
    public var domain: String
    public var ratedBy: Rater
}

/// Checks and normalises `outcomes` rows (EXTRACTS.md "outcomes").
public struct OutcomeValidator: RowValidator {
    public let file: String
    public let header: HeaderMap
    /// Configured extra domains, lower-cased once.
    let extraDomains: Set<String>

    public let pseudonymiser: Pseudonymiser?

    public init(file: String, header: HeaderMap, rules: ExtractRules = ExtractRules()) {
        self.file = file; self.header = header; pseudonymiser = rules.pseudonymiser
        extraDomains = Set(rules.extraDomains.map { $0.lowercased() })
    }

    typealias C = OutcomeColumn

    public func validate(_ rec: CSVRecord) -> Result<OutcomeScore, Reject> {
        checked(rec) { (f: RowFields) throws(Reject) -> OutcomeScore in
            let id = try f.required(C.episodeID.rawValue)
            let date = try f.requiredDate(C.assessmentDate.rawValue)
            // Byte-level first (CodeBytes); anything it does not know takes the String path.
            let stage = try f.requiredCode(C.stage.rawValue, CodeBytes.stages, allowed: "entry, review, exit") {
                Stage(code: $0)
            }
            let domain = try f.requiredCode(C.domain.rawValue, CodeBytes.domains, allowed: domainList) {
                Normalise.domain($0, extra: extraDomains)
            }
            let score = try Self.score(f)
            let rater = try Self.rater(f)
            return OutcomeScore(episodeID: id, assessmentDate: date, stage: stage, domain: domain,
                                score: score, ratedBy: rater)
        }
    }

    var domainList: String { (Normalise.domains + extraDomains.sorted()).joined(separator: ", ") }

    static func score(_ f: RowFields) throws(Reject) -> Int {
        if f.bytes(C.score.rawValue).isEmpty { throw f.reject(C.score.rawValue, Reasons.requiredEmpty) }
        guard let v = FieldParsers.integer(f.bytes(C.score.rawValue)), (1...10).contains(v) else {
            throw f.reject(C.score.rawValue, "score is not a whole number from 1 to 10; correct the score")
        }
        return v
    }

    static func rater(_ f: RowFields) throws(Reject) -> Rater {
        let b = f.bytes(C.ratedBy.rawValue)
        if b.isEmpty { return .practitioner }
        if let r = CodeBytes.match(b, CodeBytes.raters) { return r }
        guard let r = Normalise.ratedBy(f.text(C.ratedBy.rawValue)) else {
            throw f.reject(C.ratedBy.rawValue, Reasons.unknownCode("rated_by", allowed: "family, practitioner or empty (practitioner)"))
        }
        return r
    }

    public func key(of r: OutcomeScore) -> OutcomeKey {
        OutcomeKey(episodeID: r.episodeID, assessmentDate: r.assessmentDate, stage: r.stage, domain: r.domain,
                   ratedBy: r.ratedBy)
    }

    public func describe(_ k: OutcomeKey) -> String {
        "episode_id \(k.episodeID), assessment_date \(Days.iso(k.assessmentDate)), stage \(k.stage.code), "
            + "domain \(k.domain), rated_by \(k.ratedBy.rawValue)"
    }

    public func keyCell(of r: OutcomeScore) -> (column: String, value: String) { ("episode_id", r.episodeID) }
    public func episodeReference(of r: OutcomeScore) -> String? { r.episodeID }
}

/// The unique key of a feedback answer; the question is compared as given (PRECISE.md 7).
public struct FeedbackKey: Hashable, Sendable {
    public var responseID: String
    public var question: String
}

/// Checks and normalises `feedback` rows (EXTRACTS.md "feedback", METRICS.md 3).
public struct FeedbackValidator: RowValidator {
    public let file: String
    public let header: HeaderMap

    public let pseudonymiser: Pseudonymiser?

    public init(file: String, header: HeaderMap, rules: ExtractRules = ExtractRules()) {
        self.file = file; self.header = header; pseudonymiser = rules.pseudonymiser
    }

    typealias C = FeedbackColumn

    public func validate(_ rec: CSVRecord) -> Result<FeedbackAnswer, Reject> {
        checked(rec) { (f: RowFields) throws(Reject) -> FeedbackAnswer in
            let response = try f.required(C.responseID.rawValue)
            let episode = f.optional(C.episodeID.rawValue)
            let service = Normalise.service(try f.required(C.service.rawValue))
            let received = try f.requiredDate(C.receivedDate.rawValue)
            let respondent = try f.requiredCode(C.respondent.rawValue, CodeBytes.respondents,
                                                allowed: Normalise.respondentValues, Normalise.respondent)
            let instrument = try f.requiredCode(C.instrument.rawValue, CodeBytes.instruments,
                                                allowed: Normalise.instruments.joined(separator: ", "),
                                                Normalise.instrument)
            let question = try f.required(C.question.rawValue)
            let answer = f.optional(C.answer.rawValue)
            return FeedbackAnswer(responseID: response, episodeID: episode, service: service,
                                  receivedDate: received, respondent: respondent, instrument: instrument,
                                  question: question, answer: answer, answerClass: try Self.answerClass(f))
        }
    }

    static func answerClass(_ f: RowFields) throws(Reject) -> AnswerClass? {
        switch CodeBytes.answer(f.bytes(C.answer.rawValue)) ?? Normalise.answer(f.text(C.answer.rawValue)) {
        case .answered(let c): return c
        case .notAnswered: return nil
        case .unrecognised:
            throw f.reject(C.answer.rawValue, "answer fits none of the answer lists; use one of "
                + Normalise.answerValues + " (any case; spaces, - and _ alike)")
        }
    }

    public func key(of r: FeedbackAnswer) -> FeedbackKey { FeedbackKey(responseID: r.responseID, question: r.question) }
    public func describe(_ k: FeedbackKey) -> String { "response_id \(k.responseID), question \(k.question)" }
    public func keyCell(of r: FeedbackAnswer) -> (column: String, value: String) { ("response_id", r.responseID) }
    public func episodeReference(of r: FeedbackAnswer) -> String? { r.episodeID }
}
