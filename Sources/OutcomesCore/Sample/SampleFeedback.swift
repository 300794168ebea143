/// `feedback.csv`: closure surveys, follow-ups, feedback forms and app responses, one row per answer,
/// in a non-contract column order with CRLF line ends (as a Windows export writes them). Answers
/// come in every accepted form (`Agree`, `strongly-agree`, `5`, `N/A`, empty …); some are anonymous.
extension SampleModel {
    static let feedbackHeader = ["response_id", "received_date", "service", "instrument", "respondent",
                                 "episode_id", "question", "answer"]

    static let questions: [String: [String]] = [
        "closure_survey": ["kept_informed", "supported", "respected", "agree_outcome", "made_difference"],
        "follow_up": ["made_difference", "still_better", "would_recommend"],
        "feedback_form": ["kept_informed", "supported", "respected"],
        "app": ["listened_to", "felt_safe", "made_difference"],
    ]
    static let wordAnswers: [[String]] = [
        ["Agree", "agree", "Strongly agree", "strongly-agree", "STRONGLY_AGREE", "Yes", "y", "5", "4"],
        ["Neutral", "neither", "Neither agree nor disagree", "Not sure", "not_sure", "3"],
        ["Disagree", "disagree", "Strongly disagree", "strongly - disagree", "No", "n", "2", "1"],
        ["", "", "N/A", "n/a", "NA", "Not answered", "Prefer not to say"],
    ]
    static let appAnswers: [[String]] = [["5", "5", "4", "Yes"], ["3"], ["2", "1", "No"], ["", "n/a"]]
    static let respondentTexts: [String: Weighted<String>] = [
        "child": Weighted([("child", 50), ("Child", 20), ("Young person", 25), ("young person", 5)]),
        "parent": Weighted([("parent", 70), ("Parent", 25), ("PARENT", 5)]),
        "carer": Weighted([("carer", 70), ("Carer", 30)]),
        "partner": Weighted([("partner", 30), ("Partner", 10), ("Professional", 40), ("professional", 10),
                             ("Agency", 10)]),
    ]

    struct Response {
        var date: Day
        var seq: Int
        var episode: Int?
        var service: String
        var instrument: String
        var respondent: String
    }

    enum DirtyFeedback: CaseIterable { case unknownAnswer, duplicateKey, wrongFieldCount, invalidDate, unknownEpisode }

    func makeResponses(_ rng: inout SampleRNG) -> [Response] {
        var rs: [Response] = []
        func add(_ d: Day, _ ep: Int?, _ service: String, _ instrument: String, _ respondent: String) {
            guard d <= last else { return }
            rs.append(Response(date: d, seq: rs.count, episode: ep, service: service, instrument: instrument,
                               respondent: respondent))
        }
        for (i, e) in episodes.enumerated() {
            let age = Self.age(children[e.child].birth, at: e.allocation)
            let youth = ["YIT", "YSMART", "YJS"].contains(e.service) && age >= 11
            if let c = e.closure {
                if rng.chance(0.45) {
                    let who = e.level == "CIC" ? "carer" : youth ? "child" : "parent"
                    add(max(e.allocation, c + Day(rng.int(-3...14))), i, e.service, "closure_survey", who)
                    if who != "child" && age >= 8 && rng.chance(0.3) {
                        add(c + Day(rng.int(0...14)), i, e.service, "closure_survey", "child")
                    }
                }
                if rng.chance(0.15) { add(c + Day(rng.int(90...180)), i, e.service, "follow_up", "parent") }
            }
            if rng.chance(0.15) {
                let span = Int((e.closure ?? last) - e.allocation)
                let who = Weighted([("parent", 50.0), ("partner", 30), ("child", 20)]).pick(&rng)
                add(e.allocation + Day(rng.below(max(1, span))), i, e.service, "feedback_form", who)
            }
            if age >= 11 && rng.chance(0.04) {
                add(e.allocation + Day(rng.below(120)), i, e.service, "app", "child")
            }
        }
        let span = Int(last - first) + 1
        for _ in 0..<(episodes.count * 12 / 100) {
            let app = rng.chance(0.8)
            let service = app ? rng.pick(["YIT", "YSMART", "YJS", "BRIDGES", "LINKS"]) : Self.services.pick(&rng)
            add(first + Day(rng.below(span)), nil, service, app ? "app" : "feedback_form",
                app ? "child" : rng.pick(["parent", "parent", "carer", "partner"]))
        }
        rs.sort { ($0.date, $0.seq) < ($1.date, $1.seq) }
        return rs
    }

    func writeFeedback(to sink: LineSink, seed: UInt64) throws -> Int {
        var rng = SampleRNG(seed: seed, stream: 40)
        let responses = makeResponses(&rng)
        let out = SampleCSV(sink: sink, crlf: true)
        try out.row(Self.feedbackHeader)
        let kinds: [DirtyFeedback] = responses.count >= 5000
            ? DirtyFeedback.allCases : [.unknownAnswer, .duplicateKey, .wrongFieldCount]
        let perKind = max(1, responses.count * 3 / 3000)
        var dirtyAt: [Int: [DirtyFeedback]] = [:]
        for k in kinds { for _ in 0..<perKind { dirtyAt[rng.below(responses.count), default: []].append(k) } }

        for (ri, r) in responses.enumerated() {
            let id = "R" + Days.pad(500_001 + ri, 6)
            let date = r.instrument == "app" && rng.chance(0.7)
                ? SampleDate.text(r.date, .isoT, minute: rng.below(600))
                : SampleDate.mixed(r.date, &rng, ukShare: 0.1, timeShare: 0.05)
            let service = rng.chance(0.03) ? r.service.lowercased() : r.service
            let instrument = rng.chance(0.02) ? r.instrument.uppercased() : r.instrument
            let respondent = Self.respondentTexts[r.respondent]!.pick(&rng)
            let episodeID = r.episode.map { episodes[$0].id } ?? ""
            // How this respondent feels overall, then each answer near it.
            let mood = rng.unit()
            let pPositive = mood < 0.75 ? 0.85 : mood < 0.92 ? 0.5 : 0.15
            var rows: [[String]] = []
            for q in Self.questions[r.instrument]! {
                let u = rng.unit()
                let cls = u < 0.06 ? 3 : u < 0.06 + 0.94 * pPositive ? 0 : rng.chance(0.5) ? 1 : 2
                let forms = (r.instrument == "app" ? Self.appAnswers : Self.wordAnswers)[cls]
                let answer = Self.spaced(rng.pick(forms), &rng, 0.02)
                rows.append([id, date, service, instrument, respondent, episodeID, q, answer])
            }
            for row in rows { try out.row(row) }
            for kind in dirtyAt[ri] ?? [] {
                var f = rows[0]
                switch kind {
                case .unknownAnswer: f[6] = "comments_rating"; f[7] = rng.pick(["maybe", "OK I guess", "10/10"])
                case .duplicateKey: f[7] = "Agree"
                case .wrongFieldCount: f[6] = "extra_question"; f.removeLast()
                case .invalidDate:
                    f[0] = "R9" + Days.pad(rng.below(100_000), 5); f[1] = SampleDate.invalid(near: r.date, &rng)
                case .unknownEpisode: f[0] = "R8" + Days.pad(rng.below(100_000), 5); f[5] = "EP0" + Days.pad(rng.below(100_000), 5)
                }
                try out.row(f)
            }
        }
        try out.finish()
        return out.rows
    }
}
