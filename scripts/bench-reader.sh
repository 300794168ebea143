#!/usr/bin/env bash
# Throughput check for CSVReader, run by hand (not a test): compiles the Extract sources with a
# tiny driver in release mode (-Ounchecked, as Package.swift does for OutcomesCore), generates
# ~200 MB of attendance-like rows plain and gzipped, and reports MB/s for reading every record.
# Usage: scripts/bench-reader.sh [rows]   (default 6,250,000 rows ≈ 200 MB)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${TMPDIR:-/tmp}/bench-reader"
rows="${1:-6250000}"
mkdir -p "$work/czlib"
cat > "$work/czlib/module.modulemap" <<MAP
module COutcomesZlib { header "$root/Sources/COutcomesZlib/include/COutcomesZlib.h" link "z" export * }
MAP
cat > "$work/main.swift" <<'SWIFT'
import Foundation
let args = CommandLine.arguments
func now() -> Double { Date().timeIntervalSinceReferenceDate }
/// User+system seconds of all threads (or of the calling thread only): honest when other jobs
/// share the cores. For gzip, the calling thread's time is what wall time would be on idle cores.
func cpu(thread: Bool = false) -> Double {
    var u = rusage(); getrusage(thread ? 1 /* RUSAGE_THREAD */ : RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}
if args[1] == "gen" {
    let n = Int(args[3])!
    let plain = FileHandle(forWritingAtPath: args[2]) ?? { () -> FileHandle in
        FileManager.default.createFile(atPath: args[2], contents: nil)
        return FileHandle(forWritingAtPath: args[2])!
    }()
    let gz = try GzipFileWriter(path: args[2] + ".gz")
    var chunk = "child_id,school_urn,date,session,mark\n"
    let marks = ["/", "\\", "N", "I", "M", "B", "#"]
    for i in 0..<n {
        let day = 1 + (i / 2) % 28
        chunk += "C\(String(1_000_000 + i % 900_000).dropFirst()),1\(23_456 + i % 97),2025-09-\(day < 10 ? "0" : "")\(day),\(i % 2 == 0 ? "AM" : "PM"),\(marks[i % marks.count])\n"
        if chunk.utf8.count > 1 << 20 {
            plain.write(Data(chunk.utf8)); try gz.write(chunk); chunk = ""
        }
    }
    plain.write(Data(chunk.utf8)); try gz.write(chunk)
    try plain.close(); try gz.close()
} else {
    for path in args.dropFirst(1) {
        var best = Double.infinity, bestCPU = Double.infinity, bestThread = Double.infinity
        var records = 0, fieldBytes = 0
        for _ in 0..<3 {
            records = 0; fieldBytes = 0
            let t0 = now(), c0 = cpu(), th0 = cpu(thread: true)
            let reader = try CSVReader(path: path)
            try reader.forEachRecord { r in
                records += 1
                for f in 0..<r.fieldCount { fieldBytes &+= r.bytes(f).count }
            }
            best = min(best, now() - t0); bestCPU = min(bestCPU, cpu() - c0)
            bestThread = min(bestThread, cpu(thread: true) - th0)
        }
        let size = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as! NSNumber).intValue)
        let plainSize = Double((try FileManager.default.attributesOfItem(atPath: path.replacingOccurrences(of: ".gz", with: ""))[.size] as! NSNumber).intValue)
        print(String(format: "%@: %d records, %.0f MB on disk, best of 3: wall %.3f s = %.0f MB/s of CSV; cpu %.3f s = %.0f MB/s; parsing thread %.3f s = %.0f MB/s", (path as NSString).lastPathComponent, records, size / 1e6, best, plainSize / 1e6 / best, bestCPU, plainSize / 1e6 / bestCPU, bestThread, plainSize / 1e6 / bestThread))
    }
}
SWIFT
swiftc -Ounchecked -wmo -module-name BenchReader -I "$work/czlib" -lz \
    "$root"/Sources/OutcomesCore/Extract/{CSVRecord,ExtractError,CSVReader,TextDecoding,GzipInflater,GzipFileWriter}.swift \
    "$work/main.swift" -o "$work/bench"
if [ ! -f "$work/attendance.csv.gz" ]; then
    "$work/bench" gen "$work/attendance.csv" "$rows"
fi
"$work/bench" "$work/attendance.csv" "$work/attendance.csv.gz"
