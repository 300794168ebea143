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
        let plan = try Loader.plan(folder: folder, profiles: profiles)
        return (plan.items.map { ExtractFile(name: $0.name, kind: $0.kind, profile: $0.profile) }, plan.warnings)
    }
}
