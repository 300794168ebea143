import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads the Children in Need census XML (docs/RETURNS.md "Children in Need census").
///
/// The census is read with a streaming SAX parser fed from the file in small chunks, one child at a
/// time: memory holds the current `Child` and the rows made so far, never the document (a county's
/// census is tens of megabytes). Element names are matched without any namespace prefix.
public enum CINCensusReader {
    /// True when `path` is an XML file whose root is `Message` and whose
    /// `Header/CollectionDetails/Collection` is `CIN`; reads only as far as the header.
    public static func isCensus(path: String) -> Bool {
        guard let parser = XMLParser(contentsOf: URL(fileURLWithPath: path)) else { return false }
        let d = CensusDelegate(file: "", settings: ReturnsSettings(), sniffOnly: true, row: { _ in }, reject: { _ in })
        parser.delegate = d
        _ = parser.parse()
        return d.collection == "CIN" && d.rootIsMessage
    }

    /// Maps every `CINdetails` and `ChildProtectionPlans` of the census at `path` to an episode row.
    /// - Parameter file: the name the rejects report gives the file.
    /// - Throws: `ExtractError.unreadable` when the file cannot be opened or is not well-formed XML
    ///   (naming the line and column), or is not a CIN census.
    public static func read(path: String, file: String, settings: ReturnsSettings) throws -> ReturnRows {
        var out = ReturnRows(kind: .cinCensus, file: file)
        out.recordsRead = try read(path: path, file: file, settings: settings,
                                   row: { out.rows.append($0) }, reject: { out.rejects.append($0) })
        return out
    }

    /// Streams the census: `row` gets each mapped episode and `reject` each record the census's own
    /// rules reject, child by child, as the file is parsed. Returns the records read.
    public static func read(path: String, file: String, settings: ReturnsSettings,
                            row: @escaping (MappedEpisodeRow) -> Void, reject: @escaping (Reject) -> Void) throws -> Int {
        guard let parser = XMLParser(contentsOf: URL(fileURLWithPath: path)) else {
            throw ExtractError.unreadable(file: file, detail: "cannot open")
        }
        let d = CensusDelegate(file: file, settings: settings, sniffOnly: false, row: row, reject: reject)
        parser.delegate = d
        let ok = parser.parse()
        if !d.aborted && !ok {
            let detail = (parser.parserError as NSError?).map { "code \($0.code)" } ?? "parse error"
            throw ExtractError.unreadable(file: file, detail: "not well-formed XML at line \(parser.lineNumber), column \(parser.columnNumber) (\(detail)); produce the census file again")
        }
        guard d.rootIsMessage, d.collection == "CIN" else {
            throw ExtractError.unreadable(file: file, detail: "not a Children in Need census (the root must be Message and Header/CollectionDetails/Collection must be CIN)")
        }
        return d.recordsRead
    }
}

/// One `CINdetails` block while it is read.
private struct CINBlock {
    var line: Int
    var referral = "", closure = "", reason = ""
    var authorisations: [String] = []
    var plans: [PlanBlock] = []
}

/// One `ChildProtectionPlans` block while it is read.
private struct PlanBlock {
    var line: Int
    var start = "", end = ""
}

/// One `Child` while it is read.
private struct ChildBlock {
    var line: Int
    var laChildID = "", upn = "", birthDate = "", sex = "", genderCurrent = "", ethnicity = ""
    var cins: [CINBlock] = []
}

private final class CensusDelegate: NSObject, XMLParserDelegate {
    let file: String
    let settings: ReturnsSettings
    let sniffOnly: Bool
    let row: (MappedEpisodeRow) -> Void
    let reject: (Reject) -> Void
    private(set) var recordsRead = 0
    /// The delegate stopped the parse: the file is not a census.
    private(set) var aborted = false

    private(set) var rootIsMessage = false
    private(set) var collection: String?
    /// Local names of the open elements.
    private var path: [String] = []
    private var text = ""
    private var child: ChildBlock?
    private var inCIN = false, inPlan = false, inAssessment = false

    init(file: String, settings: ReturnsSettings, sniffOnly: Bool, row: @escaping (MappedEpisodeRow) -> Void,
         reject: @escaping (Reject) -> Void) {
        self.file = file; self.settings = settings; self.sniffOnly = sniffOnly; self.row = row; self.reject = reject
    }

    private func reject(line: Int, column: String, value: String, reason: String) {
        reject(Reject(file: file, line: line, column: column, value: value, reason: reason))
    }

    private func stop(_ parser: XMLParser) { aborted = true; parser.abortParsing() }

    static func local(_ name: String) -> String {
        guard let i = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: i)...])
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String]) {
        let name = Self.local(elementName)
        if path.isEmpty {
            rootIsMessage = name == "Message"
            if !rootIsMessage { stop(parser); return }
        }
        path.append(name)
        text = ""
        switch name {
        case "Child" where path.count >= 2 && path[path.count - 2] == "Children":
            child = ChildBlock(line: parser.lineNumber)
        case "CINdetails" where child != nil:
            inCIN = true
            child!.cins.append(CINBlock(line: parser.lineNumber))
        case "ChildProtectionPlans" where inCIN:
            inPlan = true
            child!.cins[child!.cins.count - 1].plans.append(PlanBlock(line: parser.lineNumber))
        case "Assessments" where inCIN:
            inAssessment = true
        case "Children":
            // The header comes first: a census has told its collection by now.
            if sniffOnly || collection != "CIN" { stop(parser) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let name = path.popLast() ?? Self.local(elementName)
        let value = ReturnCodes.trimmed(text)
        text = ""
        if child != nil {
            if inPlan {
                let c = child!.cins.count - 1, p = child!.cins[c].plans.count - 1
                switch name {
                case "CPPstartDate": child!.cins[c].plans[p].start = value
                case "CPPendDate": child!.cins[c].plans[p].end = value
                case "ChildProtectionPlans": inPlan = false
                default: break
                }
            } else if inAssessment {
                switch name {
                case "AssessmentAuthorisationDate": child!.cins[child!.cins.count - 1].authorisations.append(value)
                case "Assessments": inAssessment = false
                default: break
                }
            } else if inCIN {
                let c = child!.cins.count - 1
                switch name {
                case "CINreferralDate": child!.cins[c].referral = value
                case "CINclosureDate": child!.cins[c].closure = value
                case "ReasonForClosure": child!.cins[c].reason = value
                case "CINdetails": inCIN = false
                default: break
                }
            } else {
                switch name {
                case "LAchildID": child!.laChildID = value
                case "UPN": child!.upn = value
                case "PersonBirthDate": child!.birthDate = value
                case "Sex": child!.sex = value
                case "GenderCurrent": child!.genderCurrent = value
                case "Ethnicity": child!.ethnicity = value
                case "Child": emit(child!); child = nil
                default: break
                }
            }
            return
        }
        if name == "Collection", path == ["Message", "Header", "CollectionDetails"] {
            collection = value
            if sniffOnly { stop(parser) }
        }
    }

    /// Turns one child's blocks into rows and rejects (docs/RETURNS.md "Children in Need census").
    private func emit(_ c: ChildBlock) {
        let id: String?
        switch settings.childID {
        case .laChildID: id = c.laChildID
        case .upn: id = ReturnCodes.upn(c.upn)
        }
        let named = c.laChildID.isEmpty ? (c.upn.isEmpty ? "(no LAchildID, line \(c.line))" : "UPN \(c.upn)") : c.laChildID
        // Sex is the current schema's element; GenderCurrent the older one.
        let gender = ReturnCodes.gender(c.sex.isEmpty ? c.genderCurrent : c.sex)
        let ethnicity = ReturnCodes.ethnicity(c.ethnicity)
        func common(_ v: inout [String: String], child: String) {
            v["child_id"] = child
            v["service"] = settings.service
            v["birth_month"] = c.birthDate
            v["gender"] = gender
            v["ethnicity"] = ethnicity
        }
        for cin in c.cins {
            let at = cin.line
            recordsRead += 1
            if let id {
                if cin.referral.isEmpty {
                    reject(line: at, column: "allocation_date", value: "",
                               reason: ReturnReasons.noStartDate("CINdetails", child: named, dateElement: "CINreferralDate"))
                } else {
                    var v: [String: String] = [
                        "episode_id": ReturnCodes.episodeID("CIN", child: id, date: cin.referral), "level": "CIN",
                        "referral_date": cin.referral, "allocation_date": cin.referral,
                        "closure_date": cin.closure, "closure_reason": cin.reason,
                        "assessment_date": Self.firstAssessment(cin.authorisations, onOrAfter: cin.referral),
                    ]
                    common(&v, child: id)
                    row(MappedEpisodeRow(v, line: at))
                }
            } else {
                reject(line: at, column: "child_id", value: c.upn, reason: ReturnReasons.noUPN(child: named))
            }
            for plan in cin.plans {
                let at = plan.line
                recordsRead += 1
                guard let id else {
                    reject(line: at, column: "child_id", value: c.upn, reason: ReturnReasons.noUPN(child: named)); continue
                }
                if plan.start.isEmpty {
                    reject(line: at, column: "allocation_date", value: "",
                               reason: ReturnReasons.noStartDate("ChildProtectionPlans", child: named, dateElement: "CPPstartDate"))
                    continue
                }
                var v: [String: String] = [
                    "episode_id": ReturnCodes.episodeID("CP", child: id, date: plan.start), "level": "CP",
                    "allocation_date": plan.start, "closure_date": plan.end,
                ]
                common(&v, child: id)
                row(MappedEpisodeRow(v, line: at))
            }
        }
    }

    /// The earliest assessment authorised on or after the referral, as `YYYY-MM-DD`; "" when none.
    /// Dates that are not dates cannot be compared and are passed over.
    static func firstAssessment(_ dates: [String], onOrAfter referral: String) -> String {
        guard let r = ReturnCodes.parseDate(referral) else { return "" }
        let days = dates.compactMap(ReturnCodes.parseDate).filter { $0 >= r }
        return days.min().map(Days.iso) ?? ""
    }
}
