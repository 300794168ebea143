import Foundation

/// Runs the built `outcomes` executable (swift test builds it with the tests).
enum CLI {
    /// A working folder holding a copy of the fixture extracts in `in/`.
    static func workspace() throws -> TempDir {
        let t = TempDir()
        try FileManager.default.copyItem(atPath: fixtures, toPath: t.file("in"))
        return t
    }

    /// `outcomes run` on the workspace's `in/` into `s.db` and `out/`, without the analysts' queries.
    static func runArgs(_ extra: [String] = [], period: String? = "2026-10") -> [String] {
        ["run", "--extracts", "in", "--db", "s.db", "--out", "out", "--queries", "none"]
            + (period.map { ["--period", $0] } ?? []) + extra
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repo.appendingPathComponent("Tests/OutcomesCoreTests/Fixtures/golden/extracts").path

    /// The debug binary next to the test bundle.
    static var binary: String {
        let candidates = [Bundle.main.bundleURL.appendingPathComponent("outcomes").path,
                          Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("outcomes").path,
                          repo.appendingPathComponent(".build/debug/outcomes").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the tool in `cwd` and waits for it.
    @discardableResult
    static func run(_ args: [String], cwd: String, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if let environment { p.environment = environment }
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }
}
