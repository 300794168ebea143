import Foundation

/// One file of an extracts folder that will be read, with the profile that maps it (nil: a
/// contract file read by its name prefix).
public struct ExtractFile: Sendable {
    public var name: String
    public var kind: ExtractKind
    public var profile: Profile?
    /// Set when the file was recognised by its content as a national return (read by that
    /// return's built-in profile, not by `profile` or its name).
    public var source: RecognisedReturn? = nil
}

/// Which files of a folder are read, as what, and in which order (PROFILES.md 6-7, 13;
/// EXTRACTS.md "Files"; PRECISE.md 1-2).
public enum ExtractDiscovery {
    /// The folder's extracts in load order (kinds episodes, outcomes, attendance, feedback;
    /// names in byte order) and warnings for the files it ignores.
    /// - Throws: `ProfileError.ambiguous` when two profiles match one file (exit 2);
    ///   `ExtractError.unreadable` when the folder is missing.
    public static func discover(folder: String, profiles: [Profile]) throws -> (files: [ExtractFile], warnings: [String]) {
        let plan = try Loader.plan(folder: folder, profiles: profiles)
        var files = plan.items.map { ExtractFile(name: $0.name, kind: $0.kind, profile: $0.profile, source: $0.source) }
        // The 903 header tables are read with the episodes table, just before it (docs/RETURNS.md).
        if let i = files.firstIndex(where: { $0.source == .ssda903(.episodes) }) {
            files.insert(contentsOf: plan.ssda903Headers.map { ExtractFile(name: $0, kind: .episodes, profile: nil, source: .ssda903(.header)) },
                         at: i)
        }
        return (files, plan.warnings)
    }
}
