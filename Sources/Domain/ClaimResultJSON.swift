/// A hand-written JSON encoder for the result logs: the same bytes as `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` (a test holds the two together), several times
/// faster, since a run writes one of these per claim. Keys are written in sorted order by hand.
public struct JSONLineWriter {
    public var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(4096) }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ s: String) {
        bytes.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                switch b {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    raw("\\u00")
                    bytes.append(hex[Int(b >> 4)])
                    bytes.append(hex[Int(b & 0xF)])
                }
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(0x22)
    }

    mutating func yuan(_ amount: Yuan) {
        bytes.append(0x22)
        let fen = amount.fen
        var magnitude = fen.magnitude
        if fen < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: [UInt8] = []
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0 || digits.count < 3
        for (i, d) in digits.enumerated().reversed() {
            bytes.append(d)
            if i == 2 { bytes.append(UInt8(ascii: ".")) }
        }
        bytes.append(0x22)
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// `,"key":` — the key must need no escaping.
    mutating func key(_ k: StaticString, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(0x22)
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        raw("\":")
    }

    mutating func optional(_ k: StaticString, _ value: String?) {
        guard let value else { return }
        key(k)
        string(value)
    }

    mutating func reasons(_ list: [Reason]) {
        bytes.append(UInt8(ascii: "["))
        for (i, r) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "{"))
            key("basis", first: true)
            string(r.basis)
            key("code")
            string(r.code.rawValue)
            key("detail")
            string(r.detail)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
    }
}

extension ClaimResult {
    /// The result as one line of results.jsonl, newline included.
    public func jsonLine(into w: inout JSONLineWriter) {
        w.bytes.append(UInt8(ascii: "{"))
        w.key("acct_pay", first: true); w.yuan(acctPay)
        w.key("act_pay_dedc"); w.yuan(actPayDedc)
        w.optional("begndate", begndate)
        w.optional("certno", certno)
        if let claimedAmt { w.key("claimed_amt"); w.yuan(claimedAmt) }
        w.optional("enddate", enddate)
        w.optional("fixmedins_code", fixmedinsCode)
        w.optional("fixmedins_name", fixmedinsName)
        w.key("fulamt_ownpay_amt"); w.yuan(fulamtOwnpayAmt)
        w.key("fund_pay_sumamt"); w.yuan(fundPaySumamt)
        w.key("funds"); w.bytes.append(UInt8(ascii: "{"))
        for (i, fund) in funds.keys.sorted().enumerated() {
            if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
            w.string(fund)
            w.bytes.append(UInt8(ascii: ":"))
            w.yuan(funds[fund]!)
        }
        w.bytes.append(UInt8(ascii: "}"))
        w.key("inscp_scp_amt"); w.yuan(inscpScpAmt)
        w.optional("insu_admdvs", insuAdmdvs)
        w.optional("insutype", insutype)
        w.optional("invoice_no", invoiceNo)
        w.key("lines"); w.bytes.append(UInt8(ascii: "["))
        for (i, line) in lines.enumerated() {
            if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
            w.bytes.append(UInt8(ascii: "{"))
            w.key("amount", first: true); w.yuan(line.amount)
            w.key("code"); w.string(line.code)
            w.key("fulamt_ownpay"); w.yuan(line.fulamtOwnpay)
            w.key("inscp"); w.yuan(line.inscp)
            w.key("name"); w.string(line.name)
            w.key("overlmt"); w.yuan(line.overlmt)
            w.key("preselfpay"); w.yuan(line.preselfpay)
            w.key("reasons"); w.reasons(line.reasons)
            w.key("sn"); w.int(line.sn)
            w.bytes.append(UInt8(ascii: "}"))
        }
        w.bytes.append(UInt8(ascii: "]"))
        w.optional("mdtrt_id", mdtrtId)
        w.optional("med_type", medType)
        w.key("medfee_sumamt"); w.yuan(medfeeSumamt)
        w.optional("mode", mode)
        w.key("overlmt_selfpay"); w.yuan(overlmtSelfpay)
        w.key("payable"); w.yuan(payable)
        if let payee {
            w.key("payee"); w.bytes.append(UInt8(ascii: "{"))
            w.key("account", first: true); w.string(payee.account)
            w.key("bank_code"); w.string(payee.bankCode)
            w.key("id"); w.string(payee.id)
            w.key("kind"); w.string(payee.kind.rawValue)
            w.key("name"); w.string(payee.name)
            w.bytes.append(UInt8(ascii: "}"))
        }
        w.key("preselfpay_amt"); w.yuan(preselfpayAmt)
        w.key("psn_cash_pay"); w.yuan(psnCashPay)
        w.optional("psn_name", psnName)
        w.optional("psn_no", psnNo)
        w.key("psn_part_amt"); w.yuan(psnPartAmt)
        w.key("reasons"); w.reasons(reasons)
        w.key("run_id"); w.string(runId)
        w.key("setl_id"); w.string(setlId)
        w.key("source"); w.string(source)
        w.key("status"); w.string(status.rawValue)
        w.key("submission"); w.string(submission)
        w.optional("supersedes", supersedes)
        w.bytes.append(UInt8(ascii: "}"))
        w.bytes.append(UInt8(ascii: "\n"))
    }
}
