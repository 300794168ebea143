import Foundation
import Logging
import Synchronization

/// How much the tool says on standard error.
public enum Verbosity: Sendable { case quiet, normal, verbose }

/// All user-facing diagnostics go through here: swift-log for log lines, and a progress bar on
/// standard error when it is a terminal (a scheduled run gets one plain line per step instead).
///
/// Safe to call from the report's worker threads: every call holds the one lock around the bar's
/// state, so lines and bar redraws never interleave.
public final class Console: Sendable {
    public let verbosity: Verbosity
    public let isTerminal: Bool
    public let logger: Logger
    private let started = Date()
    private let bar = Mutex(Bar())

    /// The progress bar's state.
    private struct Bar {
        var total = 0
        var done = 0
        var label = ""
        var lastDraw = Date.distantPast
    }

    public init(verbosity: Verbosity, isTerminal: Bool = isatty(2) != 0) {
        self.verbosity = verbosity
        self.isTerminal = isTerminal
        let level: Logger.Level = verbosity == .quiet ? .error : (verbosity == .verbose ? .debug : .info)
        var logger = Logger(label: "outcomes") { _ in
            var h = StderrLogHandler()
            h.logLevel = level
            return h
        }
        logger.logLevel = level
        self.logger = logger
    }

    /// One step of the run (a plain line; with --verbose, the elapsed time too).
    public func step(_ message: String) {
        bar.withLock { b in
            clear(&b)
            if verbosity == .verbose {
                logger.info("\(message) (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
            } else {
                logger.info("\(message)")
            }
        }
    }
    public func detail(_ message: String) {
        bar.withLock { b in
            clear(&b)
            logger.debug("\(message) (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
        }
    }
    public func warning(_ message: String) { bar.withLock { b in clear(&b); logger.warning("\(message)") } }
    public func error(_ message: String) { bar.withLock { b in clear(&b); logger.error("\(message)") } }

    /// Starts a progress bar over `total` units (bytes while loading, tables while reporting).
    public func beginProgress(_ label: String, total: Int) {
        bar.withLock { b in
            b.label = label; b.total = max(total, 1); b.done = 0
            draw(&b, force: true)
        }
    }
    public func advance(_ n: Int) {
        bar.withLock { b in
            b.done += n
            draw(&b, force: false)
        }
    }
    public func endProgress() { bar.withLock { b in b.done = b.total; draw(&b, force: true); clear(&b) } }

    private func draw(_ b: inout Bar, force: Bool) {
        guard isTerminal, verbosity != .quiet, b.total > 0 else { return }
        let now = Date()
        guard force || now.timeIntervalSince(b.lastDraw) > 0.1 else { return }
        b.lastDraw = now
        let frac = min(1, Double(b.done) / Double(b.total))
        let width = 30
        let filled = Int(frac * Double(width))
        let line = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(line) \(String(format: "%3d", Int(frac * 100)))% \(b.label)\u{1B}[K".utf8))
    }
    private func clear(_ b: inout Bar) {
        guard isTerminal, b.total > 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        b.total = 0
    }
}

/// A swift-log handler writing `outcomes: level: message` lines to standard error.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public init() {}
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] } set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {
        let prefix: String
        switch event.level {
        case .error, .critical: prefix = "outcomes: error: "
        case .warning: prefix = "outcomes: warning: "
        default: prefix = "outcomes: "
        }
        FileHandle.standardError.write(Data((prefix + event.message.description + "\n").utf8))
    }
}
