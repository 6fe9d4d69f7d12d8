import Domain
import TextFormats

/// Streams a pain.001.001.09 CustomerCreditTransferInitiation: header first (NbOfTxs/CtrlSum known up front),
/// then one CdtTrfTxInf per append; finish() checks that the appended count and sum equal the header's
/// (throws otherwise) and closes the file. Writes to exactly `path` (the caller picks a temporary name and renames).
///
/// One `PmtInf` holds every transfer. The output is indented, one element per line, so a
/// validation error's line number points at one field. Nothing in it depends on the clock
/// or the machine: the same header and transfers give the same bytes.
/// With a `Pain001Validation`, every byte written to the file is validated as it is written.
/// When any method throws, the file at `path` is incomplete and must be discarded.
public final class Pain001Writer {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
    /// The ISO 20022 external clearing system code for China's CNAPS (see docs/payments.md).
    static let clearingSystem = "CNAPS"

    private let writer: BufferedFileWriter
    private let validation: Pain001Validation?
    private var tally: TransferTally
    /// Reused for every transaction, so appending does not allocate a fresh buffer each time.
    private var chunk = XMLLines()

    public init(path: String, header: PaymentBatchHeader, validation: Pain001Validation? = nil) throws {
        let h = try PreparedHeader(header)
        tally = TransferTally(h)
        self.validation = validation
        // Written behind, in large blocks: the kernel copies one while the next is made.
        writer = try BufferedFileWriter(path: path, capacity: 1 << 20, writeBehind: true)
        var x = XMLLines()
        x.line(0, #"<?xml version="1.0" encoding="UTF-8"?>"#)
        x.line(0, "<Document xmlns=\"" + Self.namespace + "\">")
        x.line(2, "<CstmrCdtTrfInitn>")
        x.line(4, "<GrpHdr>")
        x.element(6, "MsgId", h.messageId)
        x.element(6, "CreDtTm", h.creationDateTime)
        x.element(6, "NbOfTxs", String(h.numberOfTransactions))
        x.element(6, "CtrlSum", h.controlSum.yuan)
        x.line(6, "<InitgPty>")
        x.element(8, "Nm", h.payerName)
        x.line(6, "</InitgPty>")
        x.line(4, "</GrpHdr>")
        x.line(4, "<PmtInf>")
        x.element(6, "PmtInfId", h.paymentInfoId)
        x.element(6, "PmtMtd", "TRF")
        x.element(6, "NbOfTxs", String(h.numberOfTransactions))
        x.element(6, "CtrlSum", h.controlSum.yuan)
        x.line(6, "<ReqdExctnDt>")
        x.element(8, "Dt", h.requestedExecutionDate)
        x.line(6, "</ReqdExctnDt>")
        x.line(6, "<Dbtr>")
        x.element(8, "Nm", h.payerName)
        x.line(6, "</Dbtr>")
        x.account(6, "DbtrAcct", h.payerAccount)
        x.agent(6, "DbtrAgt", code: h.payerBankCode, name: h.payerBankName)
        // The reimbursement must arrive whole: the agency bears the bank's charges.
        x.element(6, "ChrgBr", "DEBT")
        try write(x.bytes)
    }

    /// The bytes written to the file (and handed to the validation) so far.
    public var bytesWritten: Int64 { writer.offset }

    public func append(_ t: PaymentTransfer) throws {
        try append(PreparedTransfer(t))
    }

    /// A transfer checked and cleaned once, for this file and the CSV alike.
    public func append(_ p: PreparedTransfer) throws {
        try tally.admit(p.amount)
        chunk.bytes.removeAll(keepingCapacity: true)
        chunk.line(6, "<CdtTrfTxInf>")
        chunk.line(8, "<PmtId>")
        chunk.element(10, "EndToEndId", p.endToEndId)
        chunk.line(8, "</PmtId>")
        chunk.line(8, "<Amt>")
        chunk.element(10, "InstdAmt", attributes: #" Ccy="CNY""#, p.amount.yuan)
        chunk.line(8, "</Amt>")
        chunk.agent(8, "CdtrAgt", code: p.bankCode, name: p.bankName)
        chunk.line(8, "<Cdtr>")
        chunk.element(10, "Nm", p.name)
        chunk.line(8, "</Cdtr>")
        chunk.account(8, "CdtrAcct", p.account)
        if !p.remittance.isEmpty {
            chunk.line(8, "<RmtInf>")
            chunk.element(10, "Ustrd", p.remittance)
            chunk.line(8, "</RmtInf>")
        }
        chunk.line(6, "</CdtTrfTxInf>")
        try write(chunk.bytes)
    }

    public func finish() throws {
        try tally.close()
        try write(Array("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n".utf8))
        try writer.sync()
    }

    private func write(_ bytes: [UInt8]) throws {
        try writer.write(bytes)
        validation?.write(bytes)
    }
}

/// The file's text as UTF-8 bytes, one indented element per line. Built from bytes rather
/// than by String concatenation, each piece copied whole: a national run writes hundreds of
/// thousands of transfers (issue 7).
struct XMLLines {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(2048) }

    /// Deeper than any element of the file.
    private static let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 32)

    private mutating func indent(_ count: Int) {
        bytes.append(contentsOf: Self.spaces[0..<count])
    }

    /// `text`'s UTF-8 bytes, copied as one block.
    private mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A line of markup, written as it is.
    mutating func line(_ indent: Int, _ markup: String) {
        self.indent(indent)
        append(markup)
        bytes.append(UInt8(ascii: "\n"))
    }

    /// One line `<tag attributes>text</tag>` with the text escaped (the attributes are the
    /// writer's own markup, written as they are).
    mutating func element(_ indent: Int, _ tag: String, attributes: String = "", _ text: String) {
        self.indent(indent)
        bytes.append(UInt8(ascii: "<"))
        append(tag)
        append(attributes)
        bytes.append(UInt8(ascii: ">"))
        appendEscaped(text)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(UInt8(ascii: "/"))
        append(tag)
        bytes.append(UInt8(ascii: ">"))
        bytes.append(UInt8(ascii: "\n"))
    }

    /// A line `<tag>` or `</tag>`.
    private mutating func tag(_ indent: Int, _ name: String, closing: Bool = false) {
        self.indent(indent)
        bytes.append(UInt8(ascii: "<"))
        if closing { bytes.append(UInt8(ascii: "/")) }
        append(name)
        bytes.append(UInt8(ascii: ">"))
        bytes.append(UInt8(ascii: "\n"))
    }

    /// `<Id><Othr><Id>account</Id></Othr></Id>`: Chinese accounts are not IBANs.
    mutating func account(_ indent: Int, _ tag: String, _ number: String) {
        self.tag(indent, tag)
        line(indent + 2, "<Id>")
        line(indent + 4, "<Othr>")
        element(indent + 6, "Id", number)
        line(indent + 4, "</Othr>")
        line(indent + 2, "</Id>")
        element(indent + 2, "Ccy", "CNY")
        self.tag(indent, tag, closing: true)
    }

    /// A bank branch by its CNAPS code (`ClrSysMmbId`), and its name when known.
    mutating func agent(_ indent: Int, _ tag: String, code: String, name: String) {
        self.tag(indent, tag)
        line(indent + 2, "<FinInstnId>")
        line(indent + 4, "<ClrSysMmbId>")
        line(indent + 6, "<ClrSysId>")
        element(indent + 8, "Cd", Pain001Writer.clearingSystem)
        line(indent + 6, "</ClrSysId>")
        element(indent + 6, "MmbId", code)
        line(indent + 4, "</ClrSysMmbId>")
        if !name.isEmpty { element(indent + 4, "Nm", name) }
        line(indent + 2, "</FinInstnId>")
        self.tag(indent, tag, closing: true)
    }

    /// XML-escapes `&`, `<`, `>` and both quotes; the runs between them are copied whole.
    /// Control characters never get here (`PaymentText.clean` replaced them), so the text is
    /// plain XML 1.0 character data.
    mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (i, byte) in utf8.enumerated() {
                let entity: StaticString
                switch byte {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&apos;"
                default: continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                bytes.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
    }
}
