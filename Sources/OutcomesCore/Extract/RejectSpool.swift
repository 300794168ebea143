import Foundation

/// The rejected rows of one extract file, in file order, with bounded memory.
///
/// A file where every row is bad (a county attendance year with every date malformed is 8
/// million rejects) must not need gigabytes (OUTPUTS.md: the rejects of a period are never lost,
/// so none may be dropped either). The first `memoryLimit` rejects stay in memory; past that,
/// all of them go to an anonymous temporary file (`tmpfile()`: already unlinked, so it is owner
/// only, invisible to other users and gone when the spool is released or the process dies) and
/// are read back in order when the file's rejects are stored or reported. Reasons repeat, so
/// each distinct reason (up to `maxReasons` of them) is written to the file once.
///
/// A write fault (a full disk) is kept and thrown by the next `forEach`, so `append` can be called
/// from the non-throwing row path and no reject is ever silently missing.
public final class RejectSpool {
    public static let defaultMemoryLimit = 4096
    static let maxReasons = 4096

    /// The extract's file name (every reject of a spool is of this file).
    public let file: String
    public let memoryLimit: Int
    /// Every reject appended, in memory or on disk.
    public private(set) var count = 0
    /// When the file was committed to the store (ISO 8601), or nil when it was not loaded.
    public var loadedAt: String?
    /// Called on each reject before it is kept: the mapping step puts the workbook sheet and the
    /// source's own value on it (PROFILES.md 6), since a kept reject is not edited afterwards.
    public var amend: ((inout Reject) -> Void)?

    private var memory: [Reject] = []
    private var disk: UnsafeMutablePointer<FILE>?
    private var reasonIndex: [String: UInt32] = [:]
    private var reasons: [String] = []
    private var fault: String?

    public init(file: String, memoryLimit: Int = defaultMemoryLimit) {
        self.file = file
        self.memoryLimit = max(0, memoryLimit)
    }

    deinit { if let disk { fclose(disk) } }

    /// Rejects currently held in memory (at most `memoryLimit`).
    public var inMemory: Int { memory.count }
    /// True once the rejects went to the temporary file.
    public var spilledToDisk: Bool { disk != nil }

    public func append(_ r: Reject) {
        var r = r
        amend?(&r)
        count += 1
        if disk == nil {
            if memory.count < memoryLimit { memory.append(r); return }
            guard let f = tmpfile() else {
                fault = "cannot create a temporary file for the rejects (\(String(cString: strerror(errno))))"
                return
            }
            disk = f
            for m in memory { encode(m, to: f) }
            memory = []
        }
        encode(r, to: disk!)
    }

    /// Calls `body` for every reject in order.
    /// - Throws: the write fault met while spilling, a read fault, or what `body` throws.
    public func forEach(_ body: (Reject) throws -> Void) throws {
        if let fault { throw ExtractError.unreadable(file: file, detail: fault) }
        guard let f = disk else {
            for r in memory { try body(r) }
            return
        }
        guard fflush(f) == 0 else { throw ExtractError.unreadable(file: file, detail: "cannot write the rejects to a temporary file (\(String(cString: strerror(errno))))") }
        rewind(f)
        defer { fseeko(f, 0, SEEK_END) }
        for _ in 0..<count {
            guard let r = decode(from: f) else {
                throw ExtractError.unreadable(file: file, detail: "cannot read back the rejects' temporary file")
            }
            try body(r)
        }
    }

    /// Every reject as an array (for small files and tests: this is what the spool avoids).
    public func all() throws -> [Reject] {
        var out: [Reject] = []
        try forEach { out.append($0) }
        return out
    }

    // Record: line (8 bytes), then the workbook sheet (length-prefixed; empty for a text file, as
    // a sheet cannot be nameless), column and value, then the reason as an index into `reasons`
    // or, once there are too many distinct ones, 0xFFFFFFFF and the text. The sheet is kept so a
    // workbook row still reads `List 6!17` once the rejects overflow to disk (PROFILES.md 6).
    private func encode(_ r: Reject, to f: UnsafeMutablePointer<FILE>) {
        var line = Int64(r.line)
        var ok = fwrite(&line, 8, 1, f) == 1
        ok = ok && put(r.sheet ?? "", f) && put(r.column, f) && put(r.value, f)
        if let i = reasonIndex[r.reason] {
            ok = ok && putInt(i, f)
        } else if reasons.count < Self.maxReasons {
            let i = UInt32(reasons.count)
            reasons.append(r.reason)
            reasonIndex[r.reason] = i
            ok = ok && putInt(i, f)
        } else {
            ok = ok && putInt(.max, f) && put(r.reason, f)
        }
        if !ok && fault == nil {
            fault = "cannot write the rejects to a temporary file (\(String(cString: strerror(errno)))); free some disk space"
        }
    }

    private func putInt(_ v: UInt32, _ f: UnsafeMutablePointer<FILE>) -> Bool {
        var v = v
        return fwrite(&v, 4, 1, f) == 1
    }

    private func put(_ s: String, _ f: UnsafeMutablePointer<FILE>) -> Bool {
        var s = s
        return s.withUTF8 { b in
            putInt(UInt32(b.count), f) && (b.isEmpty || fwrite(b.baseAddress, 1, b.count, f) == b.count)
        }
    }

    private func getInt(_ f: UnsafeMutablePointer<FILE>) -> UInt32? {
        var v: UInt32 = 0
        return fread(&v, 4, 1, f) == 1 ? v : nil
    }

    private func get(_ f: UnsafeMutablePointer<FILE>) -> String? {
        guard let n = getInt(f) else { return nil }
        if n == 0 { return "" }
        var bytes = [UInt8](repeating: 0, count: Int(n))
        guard fread(&bytes, 1, Int(n), f) == Int(n) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func decode(from f: UnsafeMutablePointer<FILE>) -> Reject? {
        var line: Int64 = 0
        guard fread(&line, 8, 1, f) == 1, let sheet = get(f), let column = get(f), let value = get(f), let ri = getInt(f)
        else { return nil }
        let reason: String
        if ri == .max {
            guard let r = get(f) else { return nil }
            reason = r
        } else {
            guard Int(ri) < reasons.count else { return nil }
            reason = reasons[Int(ri)]
        }
        var r = Reject(file: file, line: Int(line), column: column, value: value, reason: reason)
        if !sheet.isEmpty { r.sheet = sheet }
        return r
    }
}
