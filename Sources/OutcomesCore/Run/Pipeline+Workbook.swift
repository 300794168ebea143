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
    /// This builds it in one go (`--threads 1`); from `--threads 2` up the report fills it while
    /// the tables are still being suppressed (`WorkbookFeed`), with the same bytes.
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

/// The suppressed tables' CSV and meta texts, each rendered as soon as its table is final (by the
/// worker that suppressed it, `SuppressionStage.apply`'s `finished`), and handed to the workbook
/// when it is built beside the suppression (`WorkbookFeed`); the files get the same texts.
final class RenderedTables: Sendable {
    private let slots: Mutex<[(csv: String, meta: String)?]>
    private let writer: TableWriter
    private let feed: WorkbookFeed?
    private let threads: Int

    init(count: Int, writer: TableWriter, feed: WorkbookFeed?, threads: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
        self.writer = writer; self.feed = feed; self.threads = threads
    }

    /// Renders tables `indices`, now final, and gives them to the workbook; side by side when
    /// several come at once (all of them when nothing is suppressed).
    func finished(_ indices: [Int], _ tables: [OutputTable]) {
        _ = Parallel.map(partitions: indices.count, threads: threads) { k in
            let i = indices[k], t = tables[k]
            let csv = writer.csv(t), meta = writer.meta(t)
            slots.withLock { $0[i] = (csv, meta) }
            feed?.fill(i, name: t.name, csv: csv, meta: meta)
        }
    }

    /// Every table with its texts, in order; each table must have been finished.
    func all(_ tables: [OutputTable]) -> [(OutputTable, String, String)] {
        slots.withLock { s in tables.indices.map { (tables[$0], s[$0]!.csv, s[$0]!.meta) } }
    }
}
