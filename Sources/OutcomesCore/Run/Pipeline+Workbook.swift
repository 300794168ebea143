import Foundation
import Synchronization

extension Pipeline {
    /// One published table as the run writes it: `NAME.csv` and `NAME.meta.csv`, the texts
    /// exactly as they go into the files.
    typealias PublishedText = (name: String, csv: String, meta: String)

    /// `outcomes.xlsx`'s bytes and what the manifest and the log say about it.
    struct WorkbookBytes: Sendable {
        var data: Data
        var sheets: Int
        var rows: Int
    }

    /// Builds `outcomes.xlsx` from the published tables' texts, in the order their files are
    /// written (OUTPUTS.md "Publishable and restricted"), so the workbook holds exactly the files
    /// beside it: each sheet is read back from the very CSV and meta text written to disk.
    ///
    /// It reads nothing the other writes make, so from `--threads 2` up the report builds it on a
    /// thread of its own while the CSV files, the rejects report and the pack are written
    /// (docs/PERFORMANCE.md "The report"); its bytes never depend on when it is built.
    static func workbookBytes(_ tables: [PublishedText], period: Month, threshold: Int, inputs: [FileLoadResult],
                              scratch: String) throws -> WorkbookBytes {
        let sheets = try tables.map { try WorkbookSheet(name: $0.name, csv: $0.csv, meta: $0.meta) }
        let contents = WorkbookContents(period: period, threshold: threshold, sheets: sheets, inputs: inputs)
        let data = try Workbook.data(contents, scratch: scratch)
        return WorkbookBytes(data: data, sheets: sheets.count, rows: sheets.reduce(0) { $0 + $1.rows.count })
    }

    /// Writes the workbook's bytes into the staging folder.
    func writeWorkbook(_ folder: OutputFolder, _ w: WorkbookBytes) throws {
        try folder.write("outcomes.xlsx", data: w.data, rows: w.rows)
        console.detail("wrote outcomes.xlsx (\(w.sheets) table sheets)")
    }

    /// The top-level tables among the files written so far: every `NAME.csv` with its
    /// `NAME.meta.csv`, in the order written (what the workbook must hold, one sheet each).
    static func publishedTableNames(_ folder: OutputFolder) -> [String] {
        let names = folder.written.map(\.name)
        return names.compactMap { n in
            guard n.hasSuffix(".csv"), !n.hasSuffix(".meta.csv"), !n.contains("/") else { return nil }
            let base = String(n.dropLast(4))
            return names.contains(base + ".meta.csv") ? base : nil
        }
    }
}

/// Work started on another thread and waited for later: the workbook, built while the other
/// files are written.
final class BackgroundJob<T: Sendable>: Sendable {
    private let result = Mutex<Result<T, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () throws -> T) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let r = Result { try body() }
            result.withLock { $0 = r }
            done.signal()
        }
    }

    /// Waits for the work to end and returns its value or throws its error; any number of times.
    func value() throws -> T {
        done.wait()
        done.signal()  // the next caller passes too
        return try result.withLock { $0! }.get()
    }

    /// Waits for the work to end, whatever it gave.
    func finish() { _ = try? value() }
}
