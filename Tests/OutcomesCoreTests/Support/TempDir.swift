import Foundation

/// A fresh temporary folder per test (removed when the value is released).
final class TempDir {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "outcomes-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes text to `name` (creating subfolders) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let p = file(name)
        try! FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}
