import Foundation

/// `manifest.json` (OUTPUTS.md): what produced a period folder, from what, into what.
public struct Manifest: Codable, Sendable {
    public struct Input: Codable, Sendable {
        public var file: String
        public var kind: String
        public var sha256: String
        public var rows_read: Int
        public var rows_loaded: Int
        public var rows_rejected: Int
        public var unchanged: Bool
    }
    public struct Output: Codable, Sendable {
        public var file: String
        public var rows: Int
        public var sha256: String
        /// `publishable`, or `restricted` for what can name or single out a child (OUTPUTS.md
        /// "Publishable and restricted": everything under `restricted/`).
        public var access: String
    }
    public var tool = "outcomes"
    public var version = OutcomesVersion.string
    public var command: String
    public var period: String
    public var options: [String: String]
    public var started_at: String
    public var finished_at: String
    public var inputs: [Input]
    public var outputs: [Output]
    /// Cells each disclosure rule and the audit hid (`rule_1` … `rule_7`, `audit`, PRECISE.md 41).
    public var suppression: [String: Int]?

    public init(command: String, period: Month, options: [String: String], started: Date, finished: Date,
                inputs: [FileLoadResult], outputs: [(name: String, rows: Int, sha256: String)],
                suppression: [String: Int]? = nil) {
        self.suppression = suppression
        let f = ISO8601DateFormatter()
        self.command = command; self.period = period.text; self.options = options
        started_at = f.string(from: started); finished_at = f.string(from: finished)
        self.inputs = inputs.map {
            Input(file: $0.file, kind: $0.kind.rawValue, sha256: $0.sha256, rows_read: $0.rowsRead,
                  rows_loaded: $0.rowsLoaded, rows_rejected: $0.rowsRejected, unchanged: $0.unchanged)
        }
        self.outputs = outputs.map {
            Output(file: $0.name, rows: $0.rows, sha256: $0.sha256, access: OutputFolder.access(of: $0.name))
        }
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self) + "\n"
    }
}
