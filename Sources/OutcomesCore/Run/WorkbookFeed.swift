import Foundation

/// `outcomes.xlsx` built on a thread of its own while the report is still suppressing other
/// tables (docs/PERFORMANCE.md "The report"): each table's sheet is parsed by the worker that
/// finished the table, from the very CSV and meta text its files get, and its cells are written
/// on the workbook's queue, one sheet at a time in the order the tables become final. The bytes
/// do not depend on that order (`WorkbookBuilder`), so they are those of a workbook built in one
/// go at the end, as `--threads 1` does.
///
/// Every method may be called from any thread; the builder is touched only on `queue`.
final class WorkbookFeed: @unchecked Sendable {
    private let queue = DispatchQueue(label: "outcomes.workbook", qos: .userInitiated)
    /// Touched only on `queue`. Nil once finished, or after the first error.
    private var builder: WorkbookBuilder?
    /// Touched only on `queue`: the first error, or the finished workbook.
    private var outcome: Result<Pipeline.WorkbookBytes, any Error>?

    /// Starts an empty workbook with a sheet per table named, in order (see `Workbook.builder`).
    init(scratch: String, period: Month, tables: [String]) throws {
        builder = try Workbook.builder(scratch: scratch, period: period, tables: tables)
    }

    /// Runs `body` on the queue with the builder, unless an earlier step failed or it is finished.
    private func submit(_ body: @escaping @Sendable (WorkbookBuilder) throws -> Void) {
        queue.async { [self] in
            guard outcome == nil, let b = builder else { return }
            do { try body(b) } catch {
                outcome = .failure(error)
                builder = nil  // closes the workbook and removes its file
            }
        }
    }

    /// Table `index`'s sheet, from its CSV and meta text: parsed on the calling thread, its cells
    /// written on the queue.
    func fill(_ index: Int, name: String, csv: String, meta: String) {
        let sheet = Result { try WorkbookSheet(name: name, csv: csv, meta: meta) }
        submit { try $0.fill(index, sheet.get()) }
    }

    /// Adds the sheets after the tables named at `init`, then the About sheet and the chart, and
    /// closes the workbook, on the queue; `value()` waits for it.
    func finish(appending extra: [Pipeline.PublishedText], threshold: Int, inputs: [FileLoadResult]) {
        let sheets = extra.map { t in Result { try WorkbookSheet(name: t.name, csv: t.csv, meta: t.meta) } }
        submit { [self] b in
            for s in sheets { try b.append(s.get()) }
            let data = try b.finish(threshold: threshold, inputs: inputs)
            outcome = .success(Pipeline.WorkbookBytes(data: data, sheets: b.tableSheets, rows: b.tableRows))
            builder = nil
        }
    }

    /// Waits for the work queued so far and returns the workbook or throws the first error.
    func value() throws -> Pipeline.WorkbookBytes {
        try queue.sync {
            guard let outcome else {
                throw WorkbookError.library(step: "closing", message: "the workbook was not finished")
            }
            return try outcome.get()
        }
    }

    /// Waits for the work queued so far and drops an unfinished workbook (closed, its file
    /// removed), so nothing writes into a staging folder being discarded.
    func abandon() {
        queue.sync { builder = nil }
    }
}
