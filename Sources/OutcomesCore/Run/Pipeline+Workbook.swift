import Foundation

extension Pipeline {
    /// Writes `outcomes.xlsx` from the published tables already in the staging folder: every
    /// top-level `NAME.csv` with its `NAME.meta.csv`, in the order written (OUTPUTS.md
    /// "Publishable and restricted"), so the workbook holds exactly the files beside it.
    func writeWorkbook(_ folder: OutputFolder, period: Month, load: LoadReport) throws {
        let names = folder.written.map(\.name)
        var sheets: [WorkbookSheet] = []
        for n in names where n.hasSuffix(".csv") && !n.hasSuffix(".meta.csv") && !n.contains("/") {
            let base = String(n.dropLast(4))
            guard names.contains(base + ".meta.csv") else { continue }
            let dir = folder.stagingPath as NSString
            let csv = try String(contentsOfFile: dir.appendingPathComponent(n), encoding: .utf8)
            let meta = try String(contentsOfFile: dir.appendingPathComponent(base + ".meta.csv"), encoding: .utf8)
            sheets.append(try WorkbookSheet(name: base, csv: csv, meta: meta))
        }
        let contents = WorkbookContents(period: period, threshold: options.suppressMax, sheets: sheets, inputs: load.files)
        let data = try Workbook.data(contents, scratch: folder.stagingPath)
        try folder.write("outcomes.xlsx", data: data, rows: sheets.reduce(0) { $0 + $1.rows.count })
        console.detail("wrote outcomes.xlsx (\(sheets.count) table sheets)")
    }
}
