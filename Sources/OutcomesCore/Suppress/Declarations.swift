/// What the suppression stage needs to know about one table (METRICS.md "Rounding and small
/// numbers", "Suppression base" of each table; PRECISE.md 15-19, 32-35, 41).
///
/// Everything the stage does is driven by these declarations, so a new indicator column needs a
/// declaration only. Names that a table does not have are skipped, so a declaration may list
/// columns another version of the table adds (the enrolment measures of `attendance.csv`).
public struct TableDeclaration: Sendable {
    /// How a count adds up across the rows of a set (PRECISE.md 41).
    public enum Additivity: Sendable {
        /// Episodes, responses, answers, episode-domains, sessions: a parent is the sum of its set.
        case exact
        /// Children, pupils, enrolments: one child may sit in two rows, so a parent is at least each
        /// member and at most their sum; exact only over a child's own attributes (`gender`,
        /// `ethnicity_major`).
        case children
    }

    /// One count of the table.
    public struct Count: Sendable {
        public var name: String
        /// Figures computed from it: hidden with it (rule 2, and rule 4 "as rule 2 does").
        public var dependents: [String]
        /// Whether rule 2 applies (1 to T shows `c`); sessions are protected by rule 1 only.
        public var rule2: Bool
        /// Whether rule 4 treats it as a count indicator (`n`, `n_*`, the activity counts).
        public var rule4: Bool
        public var additivity: Additivity
        /// For `n_children`: a set adds exactly when the parent shows this count equal to it
        /// (each child then has one episode-domain, PRECISE.md 41).
        public var exactWhenEqualTo: String?
        /// Whether a longer window holding this one never counts fewer (false for absence
        /// measures: a pupil persistently absent in the month may not be over the year).
        public var growsWithWindow: Bool

        public init(_ name: String, dependents: [String] = [], rule2: Bool = true, rule4: Bool = true,
                    additivity: Additivity = .exact, exactWhenEqualTo: String? = nil, growsWithWindow: Bool = true) {
            self.name = name; self.dependents = dependents; self.rule2 = rule2; self.rule4 = rule4
            self.additivity = additivity; self.exactWhenEqualTo = exactWhenEqualTo; self.growsWithWindow = growsWithWindow
        }
    }

    public var table: String
    /// Rule 1's base count; nil where each count stands alone (activity).
    public var base: String?
    /// Every count, in indicator order (the base included). A count the table does not show is
    /// looked up among its `unshownCounts`; hiding it hides its dependents.
    public var counts: [Count]
    /// Rule 3: counts that add up to the base, in indicator order.
    public var rowSums: [[String]] = []
    /// (The (b) sets of rule 4 come from the rows: every filter that has a `Total` value.)
    /// Rule 5: (part, whole) pairs.
    public var complements: [(part: String, whole: String)] = []
    /// Measures within another, for the audit only: part ≤ whole (PRECISE.md 41).
    public var within: [(part: String, whole: String)] = []
    /// Percentages (1 decimal place) of a numerator over a base, for the audit: a shown one
    /// bounds a hidden numerator or base (PRECISE.md 41, "a shown percentage … with its shown base").
    public var rates: [(numerator: String, base: String, pct: String)] = []
    /// Rule 6: a row whose count of children is 1 to T shows `c` everywhere.
    public var fewChildren: String?
    /// A dependent computed from a count of the row `lagMonths` earlier in the same block (the
    /// activity table's change on a year before, PRECISE.md 19): (count, dependent, its unshown copy).
    public var lagged: [(count: String, dependent: String, unshown: String)] = []
    public var lagMonths = 12
    /// Rule 7 applies (feedback's previous-window columns).
    public var previousWindow = false

    public init(table: String, base: String?, counts: [Count]) {
        self.table = table; self.base = base; self.counts = counts
    }

    public func count(_ name: String) -> Count? { counts.first { $0.name == name } }
}

extension TableDeclaration {
    /// The declarations of every metric table of METRICS.md.
    public static let standard: [String: TableDeclaration] = {
        var out: [String: TableDeclaration] = [:]

        var dt = TableDeclaration(table: "distance_travelled", base: "n", counts: [
            .init("n"),
            // Rule 2 on `n_children` is replaced by rule 6 (PRECISE.md 34); rule 4 may still hide it.
            .init("n_children", rule2: false, additivity: .children, exactWhenEqualTo: "n"),
            .init("n_improved", dependents: ["pct_improved"]),
            .init("n_no_change", dependents: ["pct_no_change"]),
            .init("n_declined", dependents: ["pct_declined"]),
        ])
        dt.rowSums = [["n_improved", "n_no_change", "n_declined"]]
        dt.within = [("n_children", "n")]
        dt.fewChildren = "n_children"
        dt.rates = [("n_improved", "n", "pct_improved"), ("n_no_change", "n", "pct_no_change"),
                    ("n_declined", "n", "pct_declined")]
        out[dt.table] = dt

        var bands = TableDeclaration(table: "distance_travelled_bands", base: nil, counts: [
            .init("n", dependents: ["pct_of_baseline_band"]),
        ])
        out[bands.table] = bands

        let pupils = TableDeclaration.Additivity.children
        var att = TableDeclaration(table: "attendance", base: "n_pupils", counts: [
            .init("n_pupils", additivity: pupils),
            // A session counts once per row, and a pupil with two episodes open brings it to two
            // rows of one set: sessions add up like children, not exactly.
            .init("sessions_possible", rule2: false, rule4: false, additivity: pupils),
            .init("sessions_attended", rule2: false, rule4: false, additivity: pupils),
            .init("sessions_authorised_absence", rule2: false, rule4: false, additivity: pupils),
            .init("sessions_unauthorised_absence", rule2: false, rule4: false, additivity: pupils),
            .init("n_persistently_absent", dependents: ["persistent_absence_pct"], additivity: pupils, growsWithWindow: false),
            .init("n_severely_absent", dependents: ["severe_absence_pct"], additivity: pupils, growsWithWindow: false),
            .init("n_enrolments", dependents: ["enrolment_persistent_absence_pct", "enrolment_severe_absence_pct"],
                  additivity: pupils),
            .init("n_enrolments_persistently_absent", dependents: ["enrolment_persistent_absence_pct"], additivity: pupils, growsWithWindow: false),
            .init("n_enrolments_severely_absent", dependents: ["enrolment_severe_absence_pct"], additivity: pupils, growsWithWindow: false),
        ])
        att.complements = [("n_persistently_absent", "n_pupils"), ("n_severely_absent", "n_pupils"),
                           ("n_enrolments_persistently_absent", "n_enrolments"),
                           ("n_enrolments_severely_absent", "n_enrolments")]
        att.within = [("n_severely_absent", "n_persistently_absent"),
                      ("n_enrolments_severely_absent", "n_enrolments_persistently_absent")]
        att.rates = [("n_persistently_absent", "n_pupils", "persistent_absence_pct"),
                     ("n_severely_absent", "n_pupils", "severe_absence_pct"),
                     ("n_enrolments_persistently_absent", "n_enrolments", "enrolment_persistent_absence_pct"),
                     ("n_enrolments_severely_absent", "n_enrolments", "enrolment_severe_absence_pct"),
                     ("sessions_attended", "sessions_possible", "attendance_pct")]
        out[att.table] = att

        var impact = TableDeclaration(table: "attendance_impact", base: "n_episodes", counts: [
            .init("n_episodes"), .init("n_improved", dependents: ["pct_improved"]),
        ])
        impact.complements = [("n_improved", "n_episodes")]
        impact.rates = [("n_improved", "n_episodes", "pct_improved")]
        out[impact.table] = impact

        // The trend's absence counts are not shown; their rates are what hiding them hides (PRECISE.md 16).
        var trend = TableDeclaration(table: "attendance_trend", base: "n_pupils", counts: [
            .init("n_pupils", additivity: pupils),
            .init("n_persistently_absent", dependents: ["persistent_absence_pct"], additivity: pupils, growsWithWindow: false),
            .init("n_severely_absent", dependents: ["severe_absence_pct"], additivity: pupils, growsWithWindow: false),
        ])
        trend.complements = [("n_persistently_absent", "n_pupils"), ("n_severely_absent", "n_pupils")]
        trend.within = [("n_severely_absent", "n_persistently_absent")]
        trend.rates = [("n_persistently_absent", "n_pupils", "persistent_absence_pct"),
                       ("n_severely_absent", "n_pupils", "severe_absence_pct")]
        out[trend.table] = trend

        var fb = TableDeclaration(table: "feedback", base: "n_responses", counts: [
            .init("n_responses"),
            .init("n_positive", dependents: ["pct_positive", "ci95_low", "ci95_high", "change_pp"]),
            .init("n_neutral"), .init("n_negative"),
        ])
        fb.rowSums = [["n_positive", "n_neutral", "n_negative"]]
        fb.previousWindow = true
        // `prev_n_positive` is the previous window's positives, never shown: what
        // `prev_pct_positive` with `prev_n_responses` gives away (PRECISE.md 35, 41).
        fb.rates = [("n_positive", "n_responses", "pct_positive"), ("prev_n_positive", "prev_n_responses", "prev_pct_positive")]
        fb.within = [("prev_n_positive", "prev_n_responses")]
        out[fb.table] = fb

        var rate = TableDeclaration(table: "feedback_response_rate", base: "n_closed", counts: [
            .init("n_closed"), .init("n_with_closure_survey", dependents: ["response_rate_pct"]),
        ])
        rate.complements = [("n_with_closure_survey", "n_closed")]
        rate.rates = [("n_with_closure_survey", "n_closed", "response_rate_pct")]
        out[rate.table] = rate

        var tl = TableDeclaration(table: "timeliness", base: "n_eligible", counts: [
            .init("n_eligible"), .init("n_met", dependents: ["pct_met"]),
        ])
        tl.complements = [("n_met", "n_eligible")]
        tl.rates = [("n_met", "n_eligible", "pct_met")]
        out[tl.table] = tl

        let activityCounts = ActivityMetric.countNames
        var act = TableDeclaration(table: "activity_trend", base: nil,
                                   counts: activityCounts.map { .init($0, dependents: [$0 + "_yoy_pct"]) }
                                       + activityCounts.map { .init("before_" + $0, dependents: [$0 + "_yoy_pct"], rule4: false) })
        act.lagged = activityCounts.map { ($0, $0 + "_yoy_pct", "before_" + $0) }
        out[act.table] = act
        return out
    }()
}
