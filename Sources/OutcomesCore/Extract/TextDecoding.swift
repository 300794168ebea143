import Foundation

/// The text encodings an extract may be written in (PROFILES.md 8-10).
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    /// Strict UTF-8, with or without a byte-order mark (the default).
    case utf8 = "utf-8"
    /// Windows code page 1252, as Excel saves "CSV" on a UK machine.
    case windows1252 = "windows-1252"
    /// UTF-16 (little- or big-endian by its byte-order mark, which is recognised whatever is
    /// declared; without a mark, little-endian).
    case utf16 = "utf-16"
}

/// Why a file's bytes are not text in its encoding (PROFILES.md 9-10).
public struct TextFault: Error, Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case invalidUTF8
        case nul
        case undefinedWindows1252(UInt8)
        case invalidUTF16
    }
    public var kind: Kind
    /// Offset of the offending byte from the start of the file's content (after gzip inflation).
    public var offset: Int
}

/// The stage between the raw bytes of a file and the CSV parser: it hands on UTF-8 that is known
/// to be valid, or stops with a `TextFault` (PROFILES.md 8-10). Nothing is ever replaced with
/// U+FFFD: a byte that is not text in the file's encoding rejects the file.
///
/// - UTF-8 (the hot path) is validated in place on the bytes, eight ASCII bytes at a time, with
///   the state of a sequence carried across reads; no String is built.
/// - A UTF-16 byte-order mark at the start switches to UTF-16 whatever was declared; the text is
///   transcoded to UTF-8 (the mark itself is dropped).
/// - Windows-1252 is transcoded byte by byte; its five undefined bytes are faults.
/// - NUL is a fault in every encoding.
///
/// Bytes before a fault are delivered; the fault is thrown by the next `read`, so the caller's
/// line count is exact at that point (the CSV reader names the line from its own count).
final class TextDecodingStage {
    typealias RawRead = (UnsafeMutablePointer<UInt8>, Int) throws -> Int

    private enum Mode { case undecided, utf8, windows1252, utf16LE, utf16BE }

    private let raw: RawRead
    private var mode: Mode
    private let declared: TextEncoding
    /// Raw bytes waiting to be decoded (transcoding modes, and the first bytes while undecided).
    private var pending: UnsafeMutablePointer<UInt8>
    private var pendingStart = 0, pendingEnd = 0
    private let pendingCap: Int
    private var rawEOF = false
    /// Content offset of `pending[pendingStart]` (transcoding) or of the next byte read (UTF-8).
    private var offset = 0
    private var fault: TextFault?
    // UTF-8 validator state: continuation bytes still expected, and the allowed range of the next.
    private var need = 0
    private var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
    // UTF-16: a high surrogate waiting for its low half, and the content offset of its first byte.
    private var highSurrogate: UInt32 = 0
    private var highOffset = 0

    init(encoding: TextEncoding, chunkSize: Int, raw: @escaping RawRead) {
        self.raw = raw
        declared = encoding
        mode = .undecided
        pendingCap = Swift.max(chunkSize, 16)
        pending = UnsafeMutablePointer<UInt8>.allocate(capacity: pendingCap)
    }

    deinit { pending.deallocate() }

    /// Fills `dst` with up to `max` bytes of valid UTF-8; 0 means the end of the file.
    func read(into dst: UnsafeMutablePointer<UInt8>, max: Int) throws -> Int {
        if let fault { throw fault }
        if mode == .undecided { try decide() }
        switch mode {
        case .undecided, .utf8: return try readUTF8(into: dst, max: max)
        case .windows1252, .utf16LE, .utf16BE: return try transcode(into: dst, max: max)
        }
    }

    /// Reads the first two bytes (more reads when they arrive one at a time) to look for a
    /// UTF-16 byte-order mark (PROFILES.md 8).
    private func decide() throws {
        while pendingEnd < 2 && !rawEOF {
            let n = try raw(pending + pendingEnd, pendingCap - pendingEnd)
            if n == 0 { rawEOF = true } else { pendingEnd += n }
        }
        if pendingEnd >= 2 && pending[0] == 0xFF && pending[1] == 0xFE {
            mode = .utf16LE; pendingStart = 2; offset = 2
        } else if pendingEnd >= 2 && pending[0] == 0xFE && pending[1] == 0xFF {
            mode = .utf16BE; pendingStart = 2; offset = 2
        } else {
            // Declared UTF-16 without a mark: little-endian, as Windows writes it.
            mode = declared == .windows1252 ? .windows1252 : declared == .utf16 ? .utf16LE : .utf8
        }
    }

    // MARK: UTF-8

    private func readUTF8(into dst: UnsafeMutablePointer<UInt8>, max: Int) throws -> Int {
        var n: Int
        if pendingStart < pendingEnd {  // the bytes read while deciding
            n = Swift.min(max, pendingEnd - pendingStart)
            dst.update(from: pending + pendingStart, count: n)
            pendingStart += n
        } else {
            if rawEOF { n = 0 } else { n = try raw(dst, max) }
            if n == 0 {
                if need > 0 { throw TextFault(kind: .invalidUTF8, offset: offset) }  // cut-off sequence
                return 0
            }
        }
        if let bad = validate(dst, n) {
            fault = TextFault(kind: dst[bad] == 0 ? .nul : .invalidUTF8, offset: offset + bad)
            if bad == 0 { throw fault! }
            n = bad
        }
        offset += n
        return n
    }

    /// The index of the first byte that breaks UTF-8 (or is NUL), or nil; carries sequence state.
    private func validate(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            if need == 0 {
                // Eight ASCII, non-NUL bytes at a time.
                while i + 8 <= n {
                    let v = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                    let high = v & 0x8080_8080_8080_8080
                    let zero = (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080
                    if high | zero != 0 { break }
                    i += 8
                }
                if i >= n { break }
                let c = p[i]
                if c < 0x80 {
                    if c == 0 { return i }
                    i += 1
                    continue
                }
                switch c {
                case 0xC2...0xDF: need = 1; lo = 0x80; hi = 0xBF
                case 0xE0: need = 2; lo = 0xA0; hi = 0xBF
                case 0xE1...0xEC, 0xEE, 0xEF: need = 2; lo = 0x80; hi = 0xBF
                case 0xED: need = 2; lo = 0x80; hi = 0x9F  // no surrogates
                case 0xF0: need = 3; lo = 0x90; hi = 0xBF
                case 0xF1...0xF3: need = 3; lo = 0x80; hi = 0xBF
                case 0xF4: need = 3; lo = 0x80; hi = 0x8F
                default: return i  // continuation byte with no lead, overlong C0/C1, or F5-FF
                }
                i += 1
            } else {
                let c = p[i]
                guard c >= lo && c <= hi else { need = 0; return i }
                need -= 1; lo = 0x80; hi = 0xBF
                i += 1
            }
        }
        return nil
    }

    // MARK: Transcoding

    /// Encoded UTF-8 of a decoded character that did not fit the caller's buffer.
    private var carry: [UInt8] = [0, 0, 0, 0]
    private var carryStart = 0, carryEnd = 0

    /// Decodes pending raw bytes into `dst`, refilling from the file when they run out.
    private func transcode(into dst: UnsafeMutablePointer<UInt8>, max: Int) throws -> Int {
        var out = 0
        while carryStart < carryEnd && out < max { dst[out] = carry[carryStart]; out += 1; carryStart += 1 }
        var tmp: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        while out < max {
            var i = pendingStart
            do {
                while i < pendingEnd && out < max {
                    guard let (used, scalar) = try decodeUnit(at: i) else { break }
                    i += used
                    guard let scalar else { continue }  // a high surrogate waiting for its pair
                    var k = 0
                    withUnsafeMutableBytes(of: &tmp) { t in
                        Self.putUTF8(scalar, t.baseAddress!.assumingMemoryBound(to: UInt8.self), &k)
                        let fit = Swift.min(k, max - out)
                        for j in 0..<fit { dst[out + j] = t[j] }
                        out += fit
                        carryStart = 0; carryEnd = k - fit
                        for j in 0..<carryEnd { carry[j] = t[fit + j] }
                    }
                }
            } catch {
                offset += i - pendingStart
                pendingStart = i
                fault = error
                if out == 0 { throw error }
                return out
            }
            offset += i - pendingStart
            pendingStart = i
            if out > 0 { return out }
            // Refill: keep an incomplete unit's bytes at the front.
            let left = pendingEnd - pendingStart
            if left > 0 && pendingStart > 0 { memmove(pending, pending + pendingStart, left) }
            pendingStart = 0; pendingEnd = left
            if rawEOF {
                if left > 0 || highSurrogate != 0 {
                    throw TextFault(kind: .invalidUTF16, offset: highSurrogate != 0 ? highOffset : offset)
                }
                return 0
            }
            let n = try raw(pending + pendingEnd, pendingCap - pendingEnd)
            if n == 0 { rawEOF = true } else { pendingEnd += n }
        }
        return out
    }

    /// The Unicode scalars of Windows-1252's bytes 0x80-0x9F (0 where it defines none).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// Decodes the unit at `pending[i]`: the raw bytes it used and its scalar (nil while a
    /// surrogate pair is half read); nil when the unit is incomplete and needs more bytes.
    private func decodeUnit(at i: Int) throws(TextFault) -> (Int, UInt32?)? {
        let here = offset + i - pendingStart
        if mode == .windows1252 {
            let b = pending[i]
            if b == 0 { throw TextFault(kind: .nul, offset: here) }
            if b < 0x80 || b >= 0xA0 { return (1, UInt32(b)) }
            let scalar = Self.cp1252High[Int(b - 0x80)]
            if scalar == 0 { throw TextFault(kind: .undefinedWindows1252(b), offset: here) }
            return (1, scalar)
        }
        guard i + 1 < pendingEnd else { return nil }
        let a = UInt32(pending[i]), b = UInt32(pending[i + 1])
        let unit = mode == .utf16LE ? a | b << 8 : a << 8 | b
        if highSurrogate != 0 {
            guard (0xDC00...0xDFFF).contains(unit) else { throw TextFault(kind: .invalidUTF16, offset: highOffset) }
            let scalar = 0x10000 + ((highSurrogate - 0xD800) << 10) + (unit - 0xDC00)
            highSurrogate = 0
            return (2, scalar)
        }
        switch unit {
        case 0: throw TextFault(kind: .nul, offset: here)
        case 0xD800...0xDBFF: highSurrogate = unit; highOffset = here; return (2, nil)
        case 0xDC00...0xDFFF: throw TextFault(kind: .invalidUTF16, offset: here)
        default: return (2, unit)
        }
    }

    @inline(__always)
    static func putUTF8(_ s: UInt32, _ dst: UnsafeMutablePointer<UInt8>, _ out: inout Int) {
        switch s {
        case ..<0x80:
            dst[out] = UInt8(s); out += 1
        case ..<0x800:
            dst[out] = UInt8(0xC0 | s >> 6); dst[out + 1] = UInt8(0x80 | s & 0x3F); out += 2
        case ..<0x10000:
            dst[out] = UInt8(0xE0 | s >> 12); dst[out + 1] = UInt8(0x80 | (s >> 6) & 0x3F)
            dst[out + 2] = UInt8(0x80 | s & 0x3F); out += 3
        default:
            dst[out] = UInt8(0xF0 | s >> 18); dst[out + 1] = UInt8(0x80 | (s >> 12) & 0x3F)
            dst[out + 2] = UInt8(0x80 | (s >> 6) & 0x3F); dst[out + 3] = UInt8(0x80 | s & 0x3F); out += 4
        }
    }
}
