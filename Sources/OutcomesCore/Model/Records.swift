/// The four kinds of extract (EXTRACTS.md "Files"), in the order they load (PRECISE.md 1).
public enum ExtractKind: String, CaseIterable, Sendable, Comparable {
    case episodes, outcomes, attendance, feedback

    public static func < (a: ExtractKind, b: ExtractKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The kind a file name's prefix names, or nil (the file is ignored with a warning).
    /// Matched as the contract writes them: lower-case prefix, `.csv` or `.csv.gz` (EXTRACTS.md "Files").
    public static func of(fileName: String) -> ExtractKind? {
        guard fileName.hasSuffix(".csv") || fileName.hasSuffix(".csv.gz") else { return nil }
        return allCases.first { fileName.hasPrefix($0.rawValue) }
    }
}

/// One episode of work with a child, normalised as EXTRACTS.md "episodes" says.
public struct Episode: Sendable, Equatable {
    public var episodeID: String
    public var childID: String
    public var familyID: String?
    /// Upper-case service code (`YIT`, `FIT`, …).
    public var service: String
    /// `Unknown` when the extract left it empty.
    public var locality: String
    /// `EH3`, `EH4`, `CIN`, `CP`, `CIC` or `CL`.
    public var level: String
    public var referralDate: Day?
    public var allocationDate: Day
    public var firstContactDate: Day?
    public var assessmentDate: Day?
    public var firstTafDate: Day?
    public var closureDate: Day?
    public var closureReason: String?
    /// Month of birth; the birth date is taken as its first day (METRICS.md "Cohorts").
    public var birthMonth: Month?
    /// `Female`, `Male`, `Other` or `Unknown`.
    public var gender: String
    /// The DfE code upper-cased as given (nil when empty); the major group is derived at report time
    /// because the configuration may move `CHNE`.
    public var ethnicity: String?
    public var send: Bool?
    public var schoolURN: String?

    public init(episodeID: String, childID: String, familyID: String? = nil, service: String,
                locality: String = "Unknown", level: String, referralDate: Day? = nil,
                allocationDate: Day, firstContactDate: Day? = nil, assessmentDate: Day? = nil,
                firstTafDate: Day? = nil, closureDate: Day? = nil, closureReason: String? = nil,
                birthMonth: Month? = nil, gender: String = "Unknown", ethnicity: String? = nil,
                send: Bool? = nil, schoolURN: String? = nil) {
        self.episodeID = episodeID; self.childID = childID; self.familyID = familyID
        self.service = service; self.locality = locality; self.level = level
        self.referralDate = referralDate; self.allocationDate = allocationDate
        self.firstContactDate = firstContactDate; self.assessmentDate = assessmentDate
        self.firstTafDate = firstTafDate; self.closureDate = closureDate; self.closureReason = closureReason
        self.birthMonth = birthMonth; self.gender = gender; self.ethnicity = ethnicity
        self.send = send; self.schoolURN = schoolURN
    }
}

/// Outcome-assessment stage; raw values order them for tie-breaks (PRECISE.md 20).
public enum Stage: Int, Sendable, Comparable, CaseIterable {
    case entry = 0, review = 1, exit = 2
    public var code: String { Self.codes[rawValue] }
    /// One array for all calls: the store binds a stage per outcome row.
    static let codes = ["entry", "review", "exit"]
    public init?(code: String) {
        switch code.lowercased() {
        case "entry": self = .entry
        case "review": self = .review
        case "exit": self = .exit
        default: return nil
        }
    }
    public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
}

/// Who gave an outcome score; empty in the extract means practitioner.
public enum Rater: String, Sendable, CaseIterable, Comparable {
    case family, practitioner
    public static func < (a: Rater, b: Rater) -> Bool { a.rawValue < b.rawValue }
}

/// One outcome score (EXTRACTS.md "outcomes"); key: episode, date, stage, domain, rater.
public struct OutcomeScore: Sendable, Equatable {
    public var episodeID: String
    public var assessmentDate: Day
    public var stage: Stage
    /// Lower-case domain code.
    public var domain: String
    /// 1 to 10.
    public var score: Int
    public var ratedBy: Rater

    public init(episodeID: String, assessmentDate: Day, stage: Stage, domain: String, score: Int,
                ratedBy: Rater = .practitioner) {
        self.episodeID = episodeID; self.assessmentDate = assessmentDate; self.stage = stage
        self.domain = domain; self.score = score; self.ratedBy = ratedBy
    }
}

/// How an answer counts (METRICS.md 3); `nil` in a record means not answered.
public enum AnswerClass: Int, Sendable {
    case negative = -1, neutral = 0, positive = 1
}

/// One feedback answer (EXTRACTS.md "feedback"); key: response, question.
public struct FeedbackAnswer: Sendable, Equatable {
    public var responseID: String
    public var episodeID: String?
    /// Upper-case service from the row (a linked answer takes its cohort from the episode instead).
    public var service: String
    public var receivedDate: Day
    /// `child`, `parent`, `carer` or `partner`.
    public var respondent: String
    /// `closure_survey`, `follow_up`, `feedback_form` or `app`.
    public var instrument: String
    /// Kept as given (trimmed), PRECISE.md 7.
    public var question: String
    /// The answer text as given (trimmed), for analysts.
    public var answer: String?
    /// nil: not answered (left out of every count).
    public var answerClass: AnswerClass?

    public init(responseID: String, episodeID: String? = nil, service: String, receivedDate: Day,
                respondent: String, instrument: String, question: String, answer: String? = nil,
                answerClass: AnswerClass?) {
        self.responseID = responseID; self.episodeID = episodeID; self.service = service
        self.receivedDate = receivedDate; self.respondent = respondent; self.instrument = instrument
        self.question = question; self.answer = answer; self.answerClass = answerClass
    }
}

/// The class of an attendance mark (ATTENDANCE_CODES.md).
public enum MarkClass: UInt8, Sendable, CaseIterable {
    case notPossible = 0, present = 1, approvedActivity = 2, authorised = 3, unauthorised = 4
    public var isPossible: Bool { self != .notPossible }
}

/// Every register code the contract accepts, with a stable small number used in the store's
/// packed weekly rows (0 means "no mark"). Never reorder: numbers are persisted.
public enum AttendanceMarks {
    public static let codes: [(code: String, cls: MarkClass)] = [
        ("/", .present), ("\\", .present), ("L", .present),
        ("K", .approvedActivity), ("V", .approvedActivity), ("P", .approvedActivity),
        ("W", .approvedActivity), ("B", .approvedActivity),
        ("C", .authorised), ("C1", .authorised), ("C2", .authorised), ("M", .authorised),
        ("J1", .authorised), ("S", .authorised), ("R", .authorised), ("I", .authorised),
        ("T", .authorised), ("E", .authorised),
        ("G", .unauthorised), ("N", .unauthorised), ("O", .unauthorised), ("U", .unauthorised),
        ("X", .notPossible), ("Q", .notPossible), ("Y1", .notPossible), ("Y2", .notPossible),
        ("Y3", .notPossible), ("Y4", .notPossible), ("Y5", .notPossible), ("Y6", .notPossible),
        ("Y7", .notPossible), ("D", .notPossible), ("Z", .notPossible), ("#", .notPossible),
        // retired codes that older extracts still carry
        ("H", .authorised), ("J", .approvedActivity), ("Y", .notPossible), ("F", .authorised),
    ]

    /// Mark number (1-based index into `codes`) for a code, or nil when unknown. Case-sensitive.
    public static func number(of code: String) -> UInt8? {
        index[code]
    }
    public static func code(ofNumber n: UInt8) -> String { codes[Int(n) - 1].code }
    public static func cls(ofNumber n: UInt8) -> MarkClass { classByNumber[Int(n)] }

    static let index: [String: UInt8] = {
        var d: [String: UInt8] = [:]
        for (i, c) in codes.enumerated() { d[c.code] = UInt8(i + 1) }
        return d
    }()
    /// Index 0 (no mark) maps to notPossible but callers skip it.
    public static let classByNumber: [MarkClass] = [.notPossible] + codes.map(\.cls)
}
