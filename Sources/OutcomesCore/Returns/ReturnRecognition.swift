import Foundation

/// A file recognised by its content as part of a national return (docs/RETURNS.md).
public enum RecognisedReturn: Sendable, Equatable {
    /// A Children in Need census XML.
    case cinCensus
    /// A table of the SSDA903 return, told apart by its header.
    case ssda903(SSDA903Table)
    /// An Ofsted Annex A workbook.
    case annexA

    /// The built-in profile that reads it.
    public var kind: ReturnKind {
        switch self {
        case .cinCensus: return .cinCensus
        case .ssda903: return .ssda903
        case .annexA: return .annexA
        }
    }

    /// What the file was recognised as, for `outcomes profiles --check` and the load's log lines.
    public var description: String {
        switch self {
        case .cinCensus: return "cin-census (Children in Need census XML): CIN and CP episodes"
        case .ssda903(.episodes): return "ssda903 episodes table: periods of care as CIC episodes"
        case .ssda903(.header): return "ssda903 header table: gender, birth month and ethnicity for the episodes table"
        case .ssda903(.other): return "ssda903 table other than header and episodes: ignored"
        case .annexA: return "annex-a (Ofsted Annex A workbook): Lists 2, 6, 7, 8 as EH3, CIN, CP, CIC episodes"
        }
    }

    /// True when the file itself gives episodes (a 903 header table only joins the episodes table).
    public var givesEpisodes: Bool {
        switch self {
        case .cinCensus, .annexA, .ssda903(.episodes): return true
        case .ssda903: return false
        }
    }
}

/// Recognises the national returns by content, whatever the files are called.
public enum ReturnRecognition {
    /// What the file at `path` is, or nil when it is not part of a national return:
    /// `.xml` with root `Message` and collection `CIN`; `.csv`/`.csv.gz` whose header holds `CHILD`
    /// (the 903 tables); `.xlsx` with sheets `List 6`, `List 7` and `List 8`.
    public static func recognise(path: String) -> RecognisedReturn? {
        let name = (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".xml") {
            return CINCensusReader.isCensus(path: path) ? .cinCensus : nil
        }
        if name.hasSuffix(".csv") || name.hasSuffix(".csv.gz") {
            return SSDA903Reader.table(path: path).map { .ssda903($0) }
        }
        if name.hasSuffix(".xlsx") {
            guard let names = try? AnnexASheets.sheetNames(path: path) else { return nil }
            return AnnexAMapping.isAnnexA(sheetNames: names) ? .annexA : nil
        }
        return nil
    }

    /// Each file of `folder` that is part of a national return, by name, with what it was
    /// recognised as (for `outcomes profiles --check DIR`).
    public static func check(folder: String) throws -> [(file: String, recognised: RecognisedReturn)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ExtractError.unreadable(file: folder, detail: "no such folder")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { n in
            recognise(path: (folder as NSString).appendingPathComponent(n)).map { (n, $0) }
        }
    }
}
