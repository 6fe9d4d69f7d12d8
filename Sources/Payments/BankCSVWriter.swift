import Domain
import TextFormats

/// The same transfers as a bank batch CSV: columns `seq,payee_acct,payee_name,bank_code,amount,currency,end_to_end_id,remark`
/// (data.md), encoding UTF-8 or GB18030 (TextFormats.Transcoder), plus a trailer that lets the bank check count and total.
///
/// Layout (docs/payments.md): a header row with the column names, one row per transfer
/// (`seq` from 1), then the trailer `TOTAL,,,,<sum>,CNY,<MsgId>,count=<n>`. Rows end in CRLF
/// (RFC 4180); fields with a comma, a quote or a line break are quoted; text a spreadsheet
/// would read as a formula gets a leading `'`. No byte-order mark.
/// When any method throws, the file at `path` is incomplete and must be discarded.
public final class BankCSVWriter {
    public static let columns = ["seq", "payee_acct", "payee_name", "bank_code", "amount", "currency",
                                 "end_to_end_id", "remark"]
    /// The first field of the trailer row.
    public static let trailerMarker = "TOTAL"

    private let writer: BufferedFileWriter
    private let transcoder: Transcoder?
    private let messageId: String
    private var tally: TransferTally
    /// Reused for every row, so appending does not allocate fresh buffers each time.
    private var row: [UInt8] = []
    private var encoded: [UInt8] = []

    public init(path: String, header: PaymentBatchHeader, encoding: TextEncoding) throws {
        let h = try PreparedHeader(header)
        tally = TransferTally(h)
        messageId = h.messageId
        transcoder = encoding == .utf8 ? nil : try Transcoder(from: .utf8, to: encoding)
        writer = try BufferedFileWriter(path: path, capacity: 1 << 20, writeBehind: true)
        row.reserveCapacity(512)
        try writeRow(Self.columns)
    }

    public func append(_ t: PaymentTransfer) throws {
        try append(PreparedTransfer(t))
    }

    /// A transfer checked and cleaned once, for this file and the pain.001 alike.
    public func append(_ p: PreparedTransfer) throws {
        try tally.admit(p.amount)
        try writeRow([String(tally.count), p.account, p.name, p.bankCode, p.amount.yuan, "CNY", p.endToEndId,
                      p.remittance], generated: Self.generatedInRow)
    }

    public func finish() throws {
        try tally.close()
        try writeRow([Self.trailerMarker, "", "", "", tally.sum.yuan, "CNY", messageId, "count=\(tally.count)"],
                     generated: Self.generatedInTrailer)
        try writer.sync()
    }

    private static let generatedInRow: Set<Int> = [0, 4, 5]
    private static let generatedInTrailer: Set<Int> = [0, 4, 5, 7]

    /// Writes one CSV row. Fields at the `generated` positions are made by this writer (seq,
    /// amount, currency, the trailer's count) and are never neutralised.
    private func writeRow(_ fields: [String], generated: Set<Int> = []) throws {
        row.removeAll(keepingCapacity: true)
        for (i, field) in fields.enumerated() {
            if i > 0 { row.append(UInt8(ascii: ",")) }
            Self.appendField(&row, field, neutralise: !generated.contains(i))
        }
        row.append(UInt8(ascii: "\r"))
        row.append(UInt8(ascii: "\n"))
        if let transcoder {
            encoded.removeAll(keepingCapacity: true)
            try row.withUnsafeBufferPointer { try transcoder.convert($0, into: &encoded, final: true) }
            try writer.write(encoded)
        } else {
            try writer.write(row)
        }
    }

    /// Characters that make a spreadsheet (Excel, LibreOffice, WPS) read a cell as a formula
    /// when they come first (OWASP "CSV injection"). All ASCII: a field starts with one exactly
    /// when its first UTF-8 byte is one.
    static let formulaStarters: Set<UInt8> = [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                                              UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r")]

    /// One field, as UTF-8 bytes: neutralised (a leading `'` before a formula starter), then
    /// quoted per RFC 4180 when it holds a comma, a quote or a line break (quotes doubled).
    static func appendField(_ row: inout [UInt8], _ field: String, neutralise: Bool) {
        var field = field
        field.withUTF8 { utf8 in
            let quote = UInt8(ascii: "\"")
            let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == quote
                || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
            if needsQuotes { row.append(quote) }
            if neutralise, let first = utf8.first, formulaStarters.contains(first) { row.append(UInt8(ascii: "'")) }
            if needsQuotes {
                for byte in utf8 {
                    if byte == quote { row.append(quote) }
                    row.append(byte)
                }
                row.append(quote)
            } else {
                row.append(contentsOf: utf8)
            }
        }
    }
}
