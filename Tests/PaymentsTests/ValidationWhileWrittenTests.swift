import Domain
import Foundation
@testable import Payments
import Testing

/// `Pain001Validation` validates a pain.001 from the bytes its writer hands over, while they
/// are written: it must say exactly what `PaymentSchema.validate(fileAt:)` says of the file,
/// however the bytes arrive, and never leave its writer waiting.
@Suite struct ValidationWhileWrittenTests {
    /// Hands `bytes` to a validation in pieces of `piece` bytes, as a writer would, through a
    /// pipe of `block`-byte blocks of which at most `depth` wait.
    private func validatedWhileWritten(_ bytes: [UInt8], piece: Int, block: Int, depth: Int) throws -> [String] {
        let validation = Pain001Validation(naming: "payments.pain001.xml", pipe: BytePipe(blockSize: block, depth: depth))
        var start = 0
        while start < bytes.count {
            let end = min(start + piece, bytes.count)
            validation.write(Array(bytes[start..<end]))
            start = end
        }
        return try validation.errors()
    }

    /// Each way `SchemaValidationTests` breaks the file (the XSD's, the totals', and one not
    /// well-formed), given as (what, by what).
    static let corruptions: [(String, String)] = [
        (">1200.05<", ">1200.050001<"),  // too many decimals for the XSD
        (">0.29<", ">0.290<"),  // three decimals: the totals' check
        ("<CtrlSum>5776.00</CtrlSum>", "<CtrlSum>5776.01</CtrlSum>"),  // both control sums wrong
        ("      <PmtMtd>TRF</PmtMtd>\n", ""),  // a missing element
        ("<Nm>张三</Nm>", "<Nm>" + String(repeating: "张", count: 141) + "</Nm>"),  // a name too long
        ("</CstmrCdtTrfInitn>", "</CstmrCdtTrfInitn"),  // not well-formed
        ("pain.001.001.09", "pain.001.001.03"),  // another document
        ("", ""),  // a good file
    ]

    /// Pieces and blocks of 1, 7 and 4,096 bytes (the file is about 5 KB), one or two blocks
    /// waiting: the bytes cross block boundaries anywhere, and the writer waits on the reader.
    static let pipes: [(piece: Int, block: Int, depth: Int)] = [(1, 1, 1), (7, 7, 2), (4096, 4096, 1), (1000, 7, 1)]

    @Test(arguments: corruptions, pipes)
    func saysWhatTheFileCheckSaysOfTheSameBytes(corruption: (String, String),
                                                pipe: (piece: Int, block: Int, depth: Int)) throws {
        let folder = try temporaryFolder()
        try writePain001(folder + "/good.xml", threeTransfers)
        var text = try text(folder + "/good.xml")
        if !corruption.0.isEmpty {
            #expect(text.contains(corruption.0))
            text = text.replacingOccurrences(of: corruption.0, with: corruption.1)
        }
        try write(text, to: folder + "/p.xml")
        let ofTheFile = try PaymentSchema.validate(fileAt: folder + "/p.xml")
        #expect(ofTheFile.isEmpty == corruption.0.isEmpty)
        #expect(try validatedWhileWritten(Array(text.utf8), piece: pipe.piece, block: pipe.block,
                                          depth: pipe.depth) == ofTheFile)
        if corruption.1 == "</CstmrCdtTrfInitn" {
            // libxml2's own parse error, with its line.
            #expect(ofTheFile.contains { $0.contains("expected '>'") }, "\(ofTheFile)")
        }
    }

    /// 3,000 transfers make a file of about 4 MB, more than the pipe holds (8 blocks of
    /// 256 KiB): the writer waits for the validation and both reach the end.
    @Test(.timeLimit(.minutes(1)))
    func aFileLargerThanThePipeIsValidatedAsTheWriterWritesIt() throws {
        let folder = try temporaryFolder()
        let transfers = (1...3000).map { i in
            transfer("R20260302-0001-T" + String(1_000_000 + i).dropFirst(), person("张三"), Fen(i))
        }
        // 1 + 2 + ... + 3000 fen = 3000 × 3001 / 2 = 4,501,500 fen.
        #expect(sum(transfers) == 4_501_500)
        let validation = Pain001Validation(naming: "big.xml")
        let writer = try Pain001Writer(path: folder + "/big.xml", header: header(count: 3000, sum: 4_501_500),
                                       validation: validation)
        for t in transfers { try writer.append(t) }
        try writer.finish()
        let size = try FileManager.default.attributesOfItem(atPath: folder + "/big.xml")[.size] as! Int
        #expect(size > BytePipe.standardDepth * BytePipe.standardBlockSize)
        #expect(Int64(size) == writer.bytesWritten)
        #expect(try validation.errors() == [])
        #expect(try PaymentSchema.validate(fileAt: folder + "/big.xml") == [])

        // The same file with its 2,999th amount wrong: the error comes after the pipe has
        // filled many times over, and is reported on its line as the file check reports it.
        var text = try text(folder + "/big.xml")
        let amount = try #require(text.range(of: ">29.99<"))
        text.replaceSubrange(amount, with: ">29.999<")
        try write(text, to: folder + "/bad.xml")
        let ofTheFile = try PaymentSchema.validate(fileAt: folder + "/bad.xml")
        #expect(ofTheFile.count == 1 && ofTheFile[0].contains("29.999"))
        #expect(try validatedWhileWritten(Array(text.utf8), piece: 1300, block: BytePipe.standardBlockSize,
                                          depth: BytePipe.standardDepth) == ofTheFile)
    }

    /// A validation that stops at a fatal error reads no more; the writer goes on writing far
    /// more than the pipe holds and must not wait for it.
    @Test(.timeLimit(.minutes(1)))
    func aValidationStoppedEarlyNeverHoldsTheWriter() throws {
        let validation = Pain001Validation(naming: "broken.xml")
        validation.write(Array("<?xml version=\"1.0\"?>\n<Document><</Document>\n".utf8))
        let filler = [UInt8](repeating: UInt8(ascii: " "), count: BytePipe.standardBlockSize)
        for _ in 0..<(4 * BytePipe.standardDepth) { validation.write(filler) }
        let errors = try validation.errors()
        #expect(errors.first?.hasPrefix("line 2:") == true)
    }
}
