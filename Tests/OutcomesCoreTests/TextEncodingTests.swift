import Foundation
import Testing
@testable import OutcomesCore

/// PROFILES.md 8-10: strict UTF-8, UTF-16 by its byte-order mark, Windows-1252 when declared.
@Suite struct TextEncodingTests {
    static let bufferSizes = [1, 2, 3, 5, 7, 64, 1 << 20]

    /// All records of a file as arrays of field strings.
    func records(_ path: String, encoding: TextEncoding = .utf8, bufferSize: Int) throws -> [[String]] {
        var out: [[String]] = []
        try CSVReader(path: path, bufferSize: bufferSize, encoding: encoding).forEachRecord { r in
            out.append((0..<r.fieldCount).map { r.string($0) })
        }
        return out
    }

    static let text = "id,place,note\n1,Château,\"£5 – “ok”\"\n2,Zoë,naïve\r\n3,x,\"two\nlines\"\n"
    static let expected = [["id", "place", "note"], ["1", "Château", "£5 – “ok”"], ["2", "Zoë", "naïve"], ["3", "x", "two\nlines"]]

    @Test(arguments: bufferSizes) func windows1252DecodesEachByteToTheSameCharacter(bufferSize: Int) throws {
        let t = TempDir()
        // Windows-1252: â=E2, £=A3, –=96, “=93, ”=94, ë=EB, ï=EF (encoded by Foundation, an independent route).
        let bytes = [UInt8](Self.text.data(using: .windowsCP1252)!)
        #expect(bytes.contains(0x96) && bytes.contains(0x93))
        let p = ProfileSupport.writeBytes(t, "w.csv", bytes)
        #expect(try records(p, encoding: .windows1252, bufferSize: bufferSize) == Self.expected)
    }

    @Test(arguments: [0x81, 0x8D, 0x8F, 0x90, 0x9D] as [UInt8])
    func windows1252UndefinedBytesRejectTheFile(byte: UInt8) throws {
        let t = TempDir()
        let p = ProfileSupport.writeBytes(t, "w.csv", Array("a,b\nx,y\nok,t".utf8) + [byte] + Array("z\n".utf8))
        #expect(throws: ExtractError.invalidText(file: "w.csv", line: 3, offset: 12, fault: .undefinedWindows1252(byte))) {
            _ = try records(p, encoding: .windows1252, bufferSize: 4)
        }
    }

    @Test(arguments: bufferSizes) func utf16WithAByteOrderMarkIsReadWhateverIsDeclared(bufferSize: Int) throws {
        let t = TempDir()
        let withAstral = Self.text + "4,😀,end\n"
        let want = Self.expected + [["4", "😀", "end"]]
        for big in [false, true] {
            let p = ProfileSupport.writeBytes(t, "u\(big).csv", ProfileSupport.utf16(withAstral, bigEndian: big))
            #expect(try records(p, encoding: .utf8, bufferSize: bufferSize) == want)
            #expect(try records(p, encoding: .windows1252, bufferSize: bufferSize) == want)
        }
    }

    @Test func declaredUTF16WithoutAMarkIsLittleEndian() throws {
        let t = TempDir()
        let p = ProfileSupport.writeBytes(t, "u.csv", Array(ProfileSupport.utf16(Self.text, bigEndian: false).dropFirst(2)))
        #expect(try records(p, encoding: .utf16, bufferSize: 5) == Self.expected)
        #expect(throws: ExtractError.invalidText(file: "u.csv", line: 1, offset: 1, fault: .nul)) { _ = try records(p, bufferSize: 5) }
    }

    @Test(arguments: bufferSizes) func utf8IsReadAsIsWithOrWithoutAByteOrderMark(bufferSize: Int) throws {
        let t = TempDir()
        let p1 = t.write("a.csv", Self.text)
        let p2 = ProfileSupport.writeBytes(t, "b.csv", [0xEF, 0xBB, 0xBF] + Array(Self.text.utf8))
        #expect(try records(p1, bufferSize: bufferSize) == Self.expected)
        #expect(try records(p2, bufferSize: bufferSize) == Self.expected)
    }

    /// Each bad sequence, at a known line and offset (counted by hand).
    @Test(arguments: [
        ([0xE9] as [UInt8], TextFault.Kind.invalidUTF8),  // Windows-1252 é read as UTF-8: a lead byte then "x"
        ([0xC3, 0x28], .invalidUTF8),  // lead byte then ASCII: offset of the ASCII byte
        ([0xC0, 0xAF], .invalidUTF8),  // overlong
        ([0xED, 0xA0, 0x80], .invalidUTF8),  // a surrogate
        ([0xF4, 0x90, 0x80, 0x80], .invalidUTF8),  // above U+10FFFF
        ([0x00], .nul),
    ])
    func invalidUTF8OrNulRejectsTheFileNamingLineAndOffset(bad: [UInt8], kind: TextFault.Kind) throws {
        let t = TempDir()
        let head = Array("id,v\n1,ok\n2,\"a\nb\"\n3,".utf8)  // the bad bytes are on line 5
        let p = ProfileSupport.writeBytes(t, "e.csv", head + bad + Array("x\n4,y\n".utf8))
        // A bad lead byte (or NUL) is the fault itself; after a valid lead, the byte that breaks it.
        let at = head.count + ([0x00, 0xC0].contains(bad[0]) ? 0 : 1)
        for size in Self.bufferSizes {
            #expect(throws: ExtractError.invalidText(file: "e.csv", line: 5, offset: at, fault: kind)) {
                _ = try records(p, bufferSize: size)
            }
        }
    }

    @Test func aSequenceCutOffAtTheEndIsInvalid() throws {
        let t = TempDir()
        let p = ProfileSupport.writeBytes(t, "e.csv", Array("a\nb".utf8) + [0xE2, 0x82])
        #expect(throws: ExtractError.invalidText(file: "e.csv", line: 2, offset: 5, fault: .invalidUTF8)) {
            _ = try records(p, bufferSize: 2)
        }
    }

    @Test(arguments: [1, 2, 64]) func aFaultInTheFirstBytesNamesItsLine(bufferSize: Int) throws {
        let t = TempDir()
        let p = ProfileSupport.writeBytes(t, "e.csv", [0x61, 0x0A, 0xFF, 0x0A])
        #expect(throws: ExtractError.invalidText(file: "e.csv", line: 2, offset: 2, fault: .invalidUTF8)) {
            _ = try records(p, bufferSize: bufferSize)
        }
    }

    @Test func theMessageNamesFileLineOffsetAndWhatToDo() {
        let m = ExtractError.invalidText(file: "eh.csv", line: 7, offset: 311, fault: .invalidUTF8).localizedDescription
        #expect(m.contains("eh.csv") && m.contains("line 7") && m.contains("byte offset 311"))
        #expect(m.contains("UTF-8") && m.contains("encoding: windows-1252"))
    }

    @Test func invalidUTF8FileExitsThreeAndLoadsNothing() throws {
        let t = TempDir()
        ProfileSupport.writeBytes(t, "in/episodes.csv", Array("episode_id,child_id,service,level,allocation_date,locality\nE1,C1,YIT,EH3,2026-01-05,Ch".utf8) + [0xE2, 0x74, 0x65, 0x61, 0x75, 0x0A])
        let (r, store) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [])
        guard case .invalidText(let f, let line, _, _)? = r.contractError else { Issue.record("no text error"); return }
        #expect(f == "episodes.csv" && line == 2)
        #expect(try ProfileSupport.episodes(store, ["episode_id"]).isEmpty)
    }

    /// A UTF-16 copy of a contract file loads the same rows as the UTF-8 one.
    @Test func utf16CopyOfAContractFileLoadsTheSameRows() throws {
        let t = TempDir()
        let csv = """
            episode_id,child_id,service,locality,level,allocation_date,closure_date,gender,ethnicity,closure_reason
            E1,C1,yit,Château,EH3,2026-01-05,,F,WBRI,
            E2,C2,FIT,,cin,10/02/2026,2026-03-01,M,AIND,“done” – £0
            E3,C3,FIT,South,XX,2026-02-10,,M,,

            """
        t.write("a/episodes.csv", csv)
        ProfileSupport.writeBytes(t, "b/episodes.csv", ProfileSupport.utf16(csv.replacingOccurrences(of: "\n", with: "\r\n"), bigEndian: false))
        let cols = ["episode_id", "child_id", "service", "locality", "level", "allocation_date", "closure_date", "gender", "ethnicity", "closure_reason"]
        let (ra, sa) = try ProfileSupport.load(t, folder: t.file("a"), profiles: [])
        let (rb, sb) = try ProfileSupport.load(t, folder: t.file("b"), profiles: [], bufferSize: 3)
        #expect(ra.contractError == nil && rb.contractError == nil)
        let rows = try ProfileSupport.episodes(sa, cols)
        #expect(rows.count == 2)
        #expect(rows[0] == "E1|C1|YIT|Château|EH3|2026-01-05||Female|WBRI|")
        #expect(try ProfileSupport.episodes(sb, cols) == rows)
        #expect(ra.rejects == rb.rejects)
        #expect(ra.rejects.map(\.line) == [4])
    }
}
