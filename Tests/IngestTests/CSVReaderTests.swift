import Testing
@testable import TextFormats

#if canImport(Glibc)
import Glibc
#endif

/// Reads every record, as (line, fields).
private func readAll(_ reader: CSVReader) throws -> [(Int, [String])] {
    var out: [(Int, [String])] = []
    while let record = try reader.next() {
        out.append((record.line, (0..<record.count).map { record.string($0) }))
    }
    return out
}

/// Small blocks make every block boundary fall somewhere interesting: inside quotes, between
/// CR and LF, inside a multi-byte character.
private let blockSizes = [1, 2, 3, 4, 5, 7, 13, 64, 1 << 20]

private func records(_ text: String, encoding: TextEncoding? = nil, blockSize: Int) throws -> [(Int, [String])] {
    try readAll(CSVReader(bytes: Array(text.utf8), encoding: encoding, blockSize: blockSize))
}

private func expectRecords(_ text: String, _ expected: [(Int, [String])], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    for size in blockSizes {
        let got = try records(text, blockSize: size)
        #expect(got.map(\.0) == expected.map(\.0), "lines, block size \(size)", sourceLocation: sourceLocation)
        #expect(got.map(\.1) == expected.map(\.1), "fields, block size \(size)", sourceLocation: sourceLocation)
    }
}

private func expectError(_ text: String, line: Int, column: Int?, containing fragment: String,
                         sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for size in blockSizes {
        do {
            _ = try records(text, blockSize: size)
            Issue.record("no error, block size \(size)", sourceLocation: sourceLocation)
        } catch let error as CSVError {
            #expect(error.line == line, "block size \(size): \(error)", sourceLocation: sourceLocation)
            #expect(error.column == column, "block size \(size): \(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "block size \(size): \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct CSVReaderTests {
    @Test func plainRecordsWithLFAndCRLF() throws {
        try expectRecords("a,b,c\n1,2,3\n", [(1, ["a", "b", "c"]), (2, ["1", "2", "3"])])
        try expectRecords("a,b,c\r\n1,2,3\r\n", [(1, ["a", "b", "c"]), (2, ["1", "2", "3"])])
        // A lone CR also ends a record (old Mac exports).
        try expectRecords("a,b\r1,2\r", [(1, ["a", "b"]), (2, ["1", "2"])])
    }

    @Test func lastRecordWithoutLineBreak() throws {
        try expectRecords("a,b\n1,2", [(1, ["a", "b"]), (2, ["1", "2"])])
        try expectRecords("x", [(1, ["x"])])
    }

    @Test func emptyFields() throws {
        try expectRecords(",\n,,x\na,,\n", [(1, ["", ""]), (2, ["", "", "x"]), (3, ["a", "", ""])])
        try expectRecords("\"\"\n", [(1, [""])])
    }

    @Test func emptyInput() throws {
        try expectRecords("", [])
        try expectRecords("\n\r\n\n", [])
    }

    @Test func blankLinesAreSkippedAndLinesStillCount() throws {
        try expectRecords("a,b\n\n1,2\r\n\r\n\r\n3,4\n\n", [(1, ["a", "b"]), (3, ["1", "2"]), (6, ["3", "4"])])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        try expectRecords(
            "name,note\n\"王, 芳\",\"他说\"\"好\"\"\"\n\"第一行\r\n第二行\",\"x\ny\"\nlast,\"\"\n",
            [(1, ["name", "note"]), (2, ["王, 芳", "他说\"好\""]), (3, ["第一行\r\n第二行", "x\ny"]), (6, ["last", ""])])
    }

    @Test func quotedFieldAtEndOfFileWithoutNewline() throws {
        try expectRecords("a,\"b\"", [(1, ["a", "b"])])
        try expectRecords("a,\"b\"\"\"", [(1, ["a", "b\""])])
    }

    @Test func spacesAreData() throws {
        try expectRecords(" a , b \n", [(1, [" a ", " b "])])
    }

    @Test func multibyteCharactersSurviveEveryBlockBoundary() throws {
        // 4-byte UTF-8 (𠀀 U+20000) and 3-byte characters, cut by blocks of 1...13 bytes.
        try expectRecords("张伟,𠀀𠀁\n阿莫西林胶囊,\"头孢,克肟\"\n",
                          [(1, ["张伟", "𠀀𠀁"]), (2, ["阿莫西林胶囊", "头孢,克肟"])])
    }

    @Test func utf8ByteOrderMarkIsSkipped() throws {
        for size in blockSizes {
            let reader = try CSVReader(bytes: [0xEF, 0xBB, 0xBF] + Array("a,b\n张,2\n".utf8), blockSize: size)
            #expect(reader.encoding == .utf8)
            let got = try readAll(reader)
            #expect(got.map(\.1) == [["a", "b"], ["张", "2"]])
        }
    }

    @Test func gb18030IsDetectedAndDecoded() throws {
        let text = "psn_name,fee_name\n张伟,\"阿莫西林胶囊,0.25g\"\n李娜,𠀀\n"
        let gb = try Transcoder.convert(Array(text.utf8), from: .utf8, to: .gb18030)
        #expect(gb != Array(text.utf8))
        for size in blockSizes {
            let reader = try CSVReader(bytes: gb, blockSize: size)
            #expect(reader.encoding == .gb18030)
            let got = try readAll(reader)
            #expect(got.map(\.1) == [["psn_name", "fee_name"], ["张伟", "阿莫西林胶囊,0.25g"], ["李娜", "𠀀"]],
                    "block size \(size)")
            #expect(got.map(\.0) == [1, 2, 3])
        }
    }

    @Test func gb18030ByteOrderMarkIsSkipped() throws {
        let gb: [UInt8] = [0x84, 0x31, 0x95, 0x33] + (try Transcoder.convert(Array("名,值\n张伟,1\n".utf8), from: .utf8, to: .gb18030))
        let reader = try CSVReader(bytes: gb, blockSize: 3)
        #expect(reader.encoding == .gb18030)
        #expect(try readAll(reader).map(\.1) == [["名", "值"], ["张伟", "1"]])
    }

    @Test func explicitEncodingWins() throws {
        // "张伟" in GB18030 (D5 C5 CE B0) happens to be invalid UTF-8; named as UTF-8 it is an error.
        let gb = try Transcoder.convert(Array("a\n张伟\n".utf8), from: .utf8, to: .gb18030)
        let reader = try CSVReader(bytes: gb, encoding: .utf8)
        #expect(reader.encoding == .utf8)
        #expect(try reader.next()?.string(0) == "a")
        #expect(throws: CSVError.self) { try reader.next() }
    }

    @Test func invalidUTF8AfterTheSniffedStartIsAnErrorAtItsLine() throws {
        // 64 KiB of ASCII lines, so the sniff says UTF-8; then a GB18030 name.
        var bytes: [UInt8] = []
        let row = Array("H31010400017,ZY0001,ok\n".utf8)  // 23 bytes
        let rows = (CSVReader.sniffLength / row.count) + 10
        for _ in 0..<rows { bytes += row }
        bytes += Array("H31010400017,ZY0002,".utf8) + [0xD5, 0xC5, 0xCE, 0xB0] + Array("\n".utf8)
        for size in [7, 4096, 1 << 20] {
            let reader = try CSVReader(bytes: bytes, blockSize: size)
            #expect(reader.encoding == .utf8)
            var read = 0
            do {
                while try reader.next() != nil { read += 1 }
                Issue.record("no error")
            } catch let error as CSVError {
                #expect(read == rows)
                #expect(error.line == rows + 1)
                #expect(error.column == 21)  // after "H31010400017,ZY0002," (20 characters)
                #expect(error.message.contains("unreadable encoding"))
            }
        }
    }

    @Test func invalidGB18030IsAnErrorAtItsLine() throws {
        // 0xFF is never valid in GB18030.
        let bytes = Array("a,b\n".utf8) + [0xD5, 0xC5] + Array(",x\n".utf8) + [0xFF, 0x30] + Array("\n".utf8)
        let reader = try CSVReader(bytes: bytes, encoding: .gb18030, blockSize: 2)
        #expect(try reader.next()?.count == 2)
        #expect(try reader.next()?.string(0) == "张")
        do {
            _ = try reader.next()
            Issue.record("no error")
        } catch let error as CSVError {
            #expect(error.line == 3)
            #expect(error.message.contains("unreadable encoding"))
        }
    }

    @Test func truncatedUTF8AtEndOfFile() throws {
        // "张" is E5 BC A0; the file ends after two of its three bytes.
        for size in blockSizes {
            let reader = try CSVReader(bytes: Array("a\nb,".utf8) + [0xE5, 0xBC], encoding: .utf8, blockSize: size)
            #expect(try reader.next()?.string(0) == "a")
            do {
                _ = try reader.next()
                Issue.record("no error")
            } catch let error as CSVError {
                #expect(error.line == 2)
                #expect(error.column == 3)
                #expect(error.message.contains("ends inside a UTF-8 character"))
            }
        }
    }

    @Test func unterminatedQuoteReportsWhereItOpened() {
        expectError("a,b\n1,\"open\n2,3\n", line: 2, column: 3, containing: "never closed")
    }

    @Test func strayQuoteInUnquotedField() {
        expectError("a,b\n张伟,ab\"c\n", line: 2, column: 6, containing: "quote inside an unquoted field")
    }

    @Test func characterAfterClosingQuote() {
        expectError("a,b\n\"x\"y,2\n", line: 2, column: 4, containing: "after a closing quote")
    }

    @Test func errorsAreSticky() throws {
        let reader = try CSVReader(bytes: Array("a\"b\nc\n".utf8))
        #expect(throws: CSVError.self) { try reader.next() }
        #expect(throws: CSVError.self) { try reader.next() }
    }

    @Test func withFieldGivesTheBytes() throws {
        let reader = try CSVReader(bytes: Array("12.50,张\n".utf8))
        let record = try #require(try reader.next())
        #expect(record.withField(0) { Array($0) } == Array("12.50".utf8))
        #expect(record.withField(1) { $0.count } == 3)
        #expect(!record.isEmpty(0))
    }

    @Test func readsAFileInBlocks() throws {
        let path = "/tmp/medclaims-csvreader-\(getpid()).csv"
        var text = "fixmedins_code,mdtrt_id,psn_name\r\n"
        for i in 0..<5000 { text += "H31010400017,ZY\(i),\"张,伟\(i)\"\r\n" }
        try AtomicFile.write(text, to: path)
        defer { unlink(path) }
        let reader = try CSVReader(path: path, blockSize: 1000)
        var count = 0
        var last: (Int, [String]) = (0, [])
        while let record = try reader.next() {
            count += 1
            last = (record.line, (0..<record.count).map { record.string($0) })
        }
        #expect(count == 5001)
        #expect(last.0 == 5001)
        #expect(last.1 == ["H31010400017", "ZY4999", "张,伟4999"])
    }

    @Test func missingFileIsAnError() {
        #expect(throws: FileError.self) { try CSVReader(path: "/nonexistent/medclaims.csv") }
    }

    @Test func utf8Validation() {
        func scan(_ bytes: [UInt8]) -> (Int, Bool) {
            bytes.withUnsafeBufferPointer { let r = UTF8Check.scan($0); return (r.validPrefix, r.incompleteTail) }
        }
        #expect(scan(Array("张a".utf8)) == (4, false))
        #expect(scan([0x61, 0xE5, 0xBC]) == (1, true))   // cut character
        #expect(scan([0x61, 0xC0, 0x80]) == (1, false))  // overlong
        #expect(scan([0xED, 0xA0, 0x80]) == (0, false))  // surrogate
        #expect(scan([0xF4, 0x90, 0x80, 0x80]) == (0, false))  // above U+10FFFF
        #expect(scan([0xF0, 0x9F, 0x98, 0x80]) == (4, false))
    }
}

/// The word-at-a-time scan of the reader's inner loop against the plain byte loop.
@Suite struct ByteScanTests {
    static func naive(_ bytes: [UInt8], from start: Int, stops: Set<UInt8>) -> (end: Int, characters: Int) {
        var characters = 0
        for i in start..<bytes.count {
            if stops.contains(bytes[i]) { return (i, characters) }
            if bytes[i] & 0xC0 != 0x80 { characters += 1 }
        }
        return (bytes.count, characters)
    }

    @Test func findsTheSameStopAndCountsTheSameCharacters() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab,\"\r\n 张伟€𠀀0.5".utf8)
        for round in 0..<20000 {
            let count = Int.random(in: 0...40, using: &generator)
            // Sparse stops in long runs too, not only dense random bytes.
            let dense = round % 2 == 0
            let bytes = (0..<count).map { _ in
                dense ? alphabet.randomElement(using: &generator)! : (Int.random(in: 0..<30, using: &generator) == 0 ? UInt8(ascii: ",") : UInt8(ascii: "x"))
            }
            let start = count == 0 ? 0 : Int.random(in: 0...count, using: &generator)
            for (stops, set) in [(ByteScan.unquotedStops, Set(Array(",\"\r\n".utf8))), (ByteScan.quotedStops, Set(Array("\"\r\n".utf8)))] {
                let got = bytes.withUnsafeBufferPointer {
                    ByteScan.run($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, from: start, to: count, stoppingAt: stops)
                }
                let expected = Self.naive(bytes, from: start, stops: set)
                #expect(got.end == expected.end && got.characters == expected.characters, "\(bytes) from \(start)")
                if got.end != expected.end || got.characters != expected.characters { return }
            }
        }
    }
}
