import Foundation

/// The period folder holds only what may be published; whatever can name or single out a child
/// (the rejects, the data-quality figures, the analysts' queries) goes to `restricted/` inside it
/// (OUTPUTS.md "Publishable and restricted").
extension OutputFolder {
    public static let restricted = "restricted"

    /// `restricted` for a file under `restricted/`, else `publishable`.
    public static func access(of name: String) -> String {
        name.hasPrefix(restricted + "/") ? "restricted" : "publishable"
    }

    /// Writes `name` in the staging folder through `body`, streaming; records its rows (what
    /// `body` returns) and SHA-256 like `write`.
    public func writeStream(_ name: String, _ body: (StreamingFile) throws -> Int) throws {
        let path = (stagingPath as NSString).appendingPathComponent(name)
        try Self.makeDirectory((path as NSString).deletingLastPathComponent)
        let f = try StreamingFile(path: path)
        let rows = try body(f)
        written.append((name, rows, try f.close()))
    }
}
