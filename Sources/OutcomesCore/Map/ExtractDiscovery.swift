import Foundation

/// One file of an extracts folder that will be read, with the profile that maps it (nil: a
/// contract file read by its name prefix).
public struct ExtractFile: Sendable {
    public var name: String
    public var kind: ExtractKind
    public var profile: Profile?
}

/// Which files of a folder are read, as what, and in which order (PROFILES.md 6-7, 13;
/// EXTRACTS.md "Files"; PRECISE.md 1-2).
public enum ExtractDiscovery {
    /// The folder's extracts in load order (kinds episodes, outcomes, attendance, feedback;
    /// names in byte order) and warnings for the files it ignores.
    /// - Throws: `ProfileError.ambiguous` when two profiles match one file (exit 2);
    ///   `ExtractError.unreadable` when the folder is missing.
    public static func discover(folder: String, profiles: [Profile]) throws -> (files: [ExtractFile], warnings: [String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ExtractError.unreadable(file: folder, detail: "no such folder")
        }
        var files: [ExtractFile] = []
        var warnings: [String] = []
        for n in names where !n.hasPrefix(".") {
            let matching = profiles.filter { $0.matches(fileName: n) }
            if matching.count > 1 { throw ProfileError.ambiguous(file: n, matching[0].origin, matching[1].origin) }
            let lower = n.lowercased()
            if lower.hasSuffix(".xls") {
                warnings.append("\(n): old Excel .xls files are not read; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8; ignored")
                continue
            }
            if let p = matching.first {
                files.append(ExtractFile(name: n, kind: p.kind, profile: p))
            } else if let k = ExtractKind.of(fileName: n) {
                files.append(ExtractFile(name: n, kind: k, profile: nil))
            } else if lower.hasSuffix(".xlsx"), let k = ExtractKind.allCases.first(where: { n.hasPrefix($0.rawValue) }) {
                // A workbook named like a contract file: its first sheet, contract headers in row 1.
                files.append(ExtractFile(name: n, kind: k, profile: nil))
            } else {
                warnings.append("\(n): not an extract (names start episodes, outcomes, attendance or feedback and end .csv, .csv.gz or .xlsx, or a profile's files globs match it); ignored")
            }
        }
        files.sort { a, b in a.kind != b.kind ? a.kind < b.kind : a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        return (files, warnings.sorted())
    }
}
