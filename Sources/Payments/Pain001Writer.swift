import Domain
import TextFormats

/// Streams a pain.001.001.09 CustomerCreditTransferInitiation: header first (NbOfTxs/CtrlSum known up front),
/// then one CdtTrfTxInf per append; finish() checks that the appended count and sum equal the header's
/// (throws otherwise) and closes the file. Writes to exactly `path` (the caller picks a temporary name and renames).
///
/// One `PmtInf` holds every transfer. The output is indented, one element per line, so a
/// validation error's line number points at one field. Nothing in it depends on the clock
/// or the machine: the same header and transfers give the same bytes.
/// When any method throws, the file at `path` is incomplete and must be discarded.
public final class Pain001Writer {
    public static let namespace = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
    /// The ISO 20022 external clearing system code for China's CNAPS (see docs/payments.md).
    static let clearingSystem = "CNAPS"

    private let writer: BufferedFileWriter
    private var tally: TransferTally
    /// Reused for every transaction, so appending does not allocate a fresh buffer each time.
    private var chunk = ""

    public init(path: String, header: PaymentBatchHeader) throws {
        let h = try PreparedHeader(header)
        tally = TransferTally(h)
        writer = try BufferedFileWriter(path: path)
        chunk.reserveCapacity(2048)
        var x = ""
        x += #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        x += #"<Document xmlns=""# + Self.namespace + #"">"# + "\n"
        x += "  <CstmrCdtTrfInitn>\n"
        x += "    <GrpHdr>\n"
        Self.element(&x, 6, "MsgId", h.messageId)
        Self.element(&x, 6, "CreDtTm", h.creationDateTime)
        Self.element(&x, 6, "NbOfTxs", String(h.numberOfTransactions))
        Self.element(&x, 6, "CtrlSum", h.controlSum.yuan)
        x += "      <InitgPty>\n"
        Self.element(&x, 8, "Nm", h.payerName)
        x += "      </InitgPty>\n"
        x += "    </GrpHdr>\n"
        x += "    <PmtInf>\n"
        Self.element(&x, 6, "PmtInfId", h.paymentInfoId)
        Self.element(&x, 6, "PmtMtd", "TRF")
        Self.element(&x, 6, "NbOfTxs", String(h.numberOfTransactions))
        Self.element(&x, 6, "CtrlSum", h.controlSum.yuan)
        x += "      <ReqdExctnDt>\n"
        Self.element(&x, 8, "Dt", h.requestedExecutionDate)
        x += "      </ReqdExctnDt>\n"
        x += "      <Dbtr>\n"
        Self.element(&x, 8, "Nm", h.payerName)
        x += "      </Dbtr>\n"
        Self.account(&x, 6, "DbtrAcct", h.payerAccount)
        Self.agent(&x, 6, "DbtrAgt", code: h.payerBankCode, name: h.payerBankName)
        // The reimbursement must arrive whole: the agency bears the bank's charges.
        Self.element(&x, 6, "ChrgBr", "DEBT")
        try writer.write(x)
    }

    public func append(_ t: PaymentTransfer) throws {
        let p = try PreparedTransfer(t)
        try tally.admit(p.amount)
        chunk.removeAll(keepingCapacity: true)
        chunk += "      <CdtTrfTxInf>\n"
        chunk += "        <PmtId>\n"
        Self.element(&chunk, 10, "EndToEndId", p.endToEndId)
        chunk += "        </PmtId>\n"
        chunk += "        <Amt>\n"
        chunk += #"          <InstdAmt Ccy="CNY">"# + p.amount.yuan + "</InstdAmt>\n"
        chunk += "        </Amt>\n"
        Self.agent(&chunk, 8, "CdtrAgt", code: p.bankCode, name: p.bankName)
        chunk += "        <Cdtr>\n"
        Self.element(&chunk, 10, "Nm", p.name)
        chunk += "        </Cdtr>\n"
        Self.account(&chunk, 8, "CdtrAcct", p.account)
        if !p.remittance.isEmpty {
            chunk += "        <RmtInf>\n"
            Self.element(&chunk, 10, "Ustrd", p.remittance)
            chunk += "        </RmtInf>\n"
        }
        chunk += "      </CdtTrfTxInf>\n"
        try writer.write(chunk)
    }

    public func finish() throws {
        try tally.close()
        try writer.write("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n")
        try writer.sync()
    }

    // MARK: - Pieces

    /// `<Id><Othr><Id>account</Id></Othr></Id>`: Chinese accounts are not IBANs.
    private static func account(_ x: inout String, _ indent: Int, _ tag: String, _ number: String) {
        let pad = String(repeating: " ", count: indent)
        x += pad + "<" + tag + ">\n"
        x += pad + "  <Id>\n" + pad + "    <Othr>\n"
        element(&x, indent + 6, "Id", number)
        x += pad + "    </Othr>\n" + pad + "  </Id>\n"
        element(&x, indent + 2, "Ccy", "CNY")
        x += pad + "</" + tag + ">\n"
    }

    /// A bank branch by its CNAPS code (`ClrSysMmbId`), and its name when known.
    private static func agent(_ x: inout String, _ indent: Int, _ tag: String, code: String, name: String) {
        let pad = String(repeating: " ", count: indent)
        x += pad + "<" + tag + ">\n"
        x += pad + "  <FinInstnId>\n"
        x += pad + "    <ClrSysMmbId>\n"
        x += pad + "      <ClrSysId>\n"
        element(&x, indent + 8, "Cd", clearingSystem)
        x += pad + "      </ClrSysId>\n"
        element(&x, indent + 6, "MmbId", code)
        x += pad + "    </ClrSysMmbId>\n"
        if !name.isEmpty { element(&x, indent + 4, "Nm", name) }
        x += pad + "  </FinInstnId>\n"
        x += pad + "</" + tag + ">\n"
    }

    /// One line `<tag>text</tag>` with the text escaped.
    static func element(_ x: inout String, _ indent: Int, _ tag: String, _ text: String) {
        for _ in 0..<indent { x += " " }
        x += "<" + tag + ">"
        appendEscaped(&x, text)
        x += "</" + tag + ">\n"
    }

    /// XML-escapes `&`, `<`, `>` and both quotes. Control characters never get here
    /// (`PaymentText.clean` replaced them), so the text is plain XML 1.0 character data.
    static func appendEscaped(_ x: inout String, _ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": x += "&amp;"
            case "<": x += "&lt;"
            case ">": x += "&gt;"
            case "\"": x += "&quot;"
            case "'": x += "&apos;"
            default: x.unicodeScalars.append(scalar)
            }
        }
    }
}
