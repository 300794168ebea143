import Foundation

/// The text of `outcomes profiles`: every profile the tool sees and, for a folder, what each of
/// its files would be read as (PROFILES.md "Where profiles come from").
public enum ProfileListing {
    public static func text(profiles: [Profile], check folder: String?) throws -> String {
        var out = ""
        if profiles.isEmpty {
            out += "no profiles: files are read by their name prefix (episodes, outcomes, attendance, feedback)\n"
        } else {
            out += "profiles (\(profiles.count)):\n"
            for p in profiles {
                var details = ["kind \(p.kind.rawValue)", "files " + p.files.joined(separator: ", ")]
                if p.encoding != .utf8 { details.append("encoding \(p.encoding.rawValue)") }
                if let s = p.sheet { details.append("sheet \(s)") }
                if p.headerRow != 1 { details.append("header_row \(p.headerRow)") }
                if p.monthFirst { details.append("dates MDY") }
                out += "  \(p.name): " + details.joined(separator: "; ") + " (from \(p.origin))\n"
            }
        }
        // The national returns are read by built-in profiles, recognised by content (docs/RETURNS.md).
        out += "built-in profiles (\(ReturnKind.allCases.count)), for files recognised by their content whatever their names:\n"
        for k in ReturnKind.allCases {
            out += "  \(k.profileName): \(k.title), read as episodes\n"
        }
        guard let folder else { return out }
        let (files, warnings) = try ExtractDiscovery.discover(folder: folder, profiles: profiles)
        out += "\(folder): \(files.count) file\(files.count == 1 ? "" : "s") would be read, in this order:\n"
        for f in files {
            let how: String
            if let r = f.source { how = "its content: built-in profile " + r.description }
            else { how = f.profile.map { "profile \($0.name)" } ?? "its name (contract file)" }
            out += "  \(f.name): \(f.kind.rawValue), by \(how)\n"
        }
        for w in warnings { out += "  \(w)\n" }
        return out
    }
}
