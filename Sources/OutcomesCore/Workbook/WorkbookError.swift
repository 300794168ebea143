import Foundation

/// Problems writing `outcomes.xlsx`.
public enum WorkbookError: LocalizedError, Equatable {
    /// A table's CSV or meta text could not be read back into a sheet.
    case malformedTable(file: String, line: Int, reason: String)
    /// libxlsxwriter failed at a step (its own message given).
    case library(step: String, message: String)

    public var errorDescription: String? {
        switch self {
        case let .malformedTable(file, line, reason):
            return "\(file), line \(line): \(reason), so outcomes.xlsx cannot hold it; run again, or pass --no-workbook to write the tables without the workbook."
        case let .library(step, message):
            return "could not write outcomes.xlsx (\(step)): libxlsxwriter says \(message); check the output folder has free space, or pass --no-workbook."
        }
    }
}
