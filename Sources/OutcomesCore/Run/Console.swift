import Foundation
import Logging

/// How much the tool says on standard error.
public enum Verbosity: Sendable { case quiet, normal, verbose }

/// All user-facing diagnostics go through here: swift-log for log lines, and a progress bar on
/// standard error when it is a terminal (a scheduled run gets one plain line per step instead).
///
/// Safe to call from the report's worker threads: every call holds one lock.
public final class Console: @unchecked Sendable {
    private let lock = NSLock()
    public let verbosity: Verbosity
    public let isTerminal: Bool
    public var logger: Logger
    private let started = Date()
    private var barTotal = 0
    private var barDone = 0
    private var barLabel = ""
    private var lastDraw = Date.distantPast

    public init(verbosity: Verbosity, isTerminal: Bool = isatty(2) != 0) {
        self.verbosity = verbosity
        self.isTerminal = isTerminal
        let level: Logger.Level = verbosity == .quiet ? .error : (verbosity == .verbose ? .debug : .info)
        logger = Logger(label: "outcomes") { _ in
            var h = StderrLogHandler()
            h.logLevel = level
            return h
        }
        logger.logLevel = level
    }

    /// One step of the run (a plain line; with --verbose, the elapsed time too).
    public func step(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        clearBar()
        if verbosity == .verbose {
            logger.info("\(message) (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
        } else {
            logger.info("\(message)")
        }
    }
    public func detail(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        clearBar()
        logger.debug("\(message) (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
    }
    public func warning(_ message: String) { lock.lock(); defer { lock.unlock() }; clearBar(); logger.warning("\(message)") }
    public func error(_ message: String) { lock.lock(); defer { lock.unlock() }; clearBar(); logger.error("\(message)") }

    /// Starts a progress bar over `total` units (bytes while loading, tables while reporting).
    public func beginProgress(_ label: String, total: Int) {
        lock.lock(); defer { lock.unlock() }
        barLabel = label; barTotal = max(total, 1); barDone = 0
        draw(force: true)
    }
    public func advance(_ n: Int) {
        lock.lock(); defer { lock.unlock() }
        barDone += n
        draw(force: false)
    }
    public func endProgress() { lock.lock(); defer { lock.unlock() }; barDone = barTotal; draw(force: true); clearBar() }

    private func draw(force: Bool) {
        guard isTerminal, verbosity != .quiet, barTotal > 0 else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let frac = min(1, Double(barDone) / Double(barTotal))
        let width = 30
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(String(format: "%3d", Int(frac * 100)))% \(barLabel)\u{1B}[K".utf8))
    }
    private func clearBar() {
        guard isTerminal, barTotal > 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        barTotal = 0
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
    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let prefix: String
        switch level {
        case .error, .critical: prefix = "outcomes: error: "
        case .warning: prefix = "outcomes: warning: "
        default: prefix = "outcomes: "
        }
        FileHandle.standardError.write(Data((prefix + message.description + "\n").utf8))
    }
}
