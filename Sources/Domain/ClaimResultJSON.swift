/// A hand-written JSON encoder for the result logs: the same bytes as `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` (a test holds the two together), several times
/// faster, since a run writes one of these per claim. Keys are written in sorted order by hand.
public struct JSONLineWriter {
    public var bytes: [UInt8] = []
    /// Where `write(atMost:)` lets a line be written before it is copied to `bytes`: as long as
    /// the longest bound so far, so it is allocated a few times per run, not per claim.
    private var scratch: [UInt8] = []

    public init() { bytes.reserveCapacity(4096) }

    /// Lets `body` write at most `bound` bytes through a `JSONCursor`, then appends them to
    /// `bytes`. The room is made once, so the thousand small writes of a claim check no
    /// capacity and no uniqueness; the cursor still refuses (traps) to write past it.
    mutating func write(atMost bound: Int, _ body: (inout JSONCursor) -> Void) {
        if scratch.count < bound { scratch = [UInt8](repeating: 0, count: max(bound, 2 * scratch.count)) }
        scratch.withUnsafeMutableBufferPointer { buffer in
            var cursor = JSONCursor(base: buffer.baseAddress!, capacity: bound)
            body(&cursor)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<cursor.count]))
        }
    }
}

/// Writes JSON into memory made ready by `JSONLineWriter.write(atMost:)`.
struct JSONCursor {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// The most bytes `string` writes for `s`: every byte escaped as `\u00XX`, and the quotes.
    static func bound(_ s: String) -> Int { 6 * s.utf8.count + 2 }
    static func bound(_ s: String?) -> Int { s.map(bound) ?? 0 }

    /// Traps unless `n` more bytes fit: every write checks its whole length once, then
    /// writes unchecked (a check per byte cost more than the writing, issue 7).
    @inline(__always)
    private func ensureRoom(_ n: Int) {
        precondition(n <= capacity - count, "JSON line longer than its bound")
    }

    mutating func byte(_ b: UInt8) {
        ensureRoom(1)
        base[count] = b
        count += 1
    }

    mutating func bytes(_ buffer: UnsafeBufferPointer<UInt8>) {
        ensureRoom(buffer.count)
        guard let from = buffer.baseAddress else { return }
        Self.copy(from, buffer.count, to: base + count)
        count += buffer.count
    }

    /// Keys, amounts and codes are short: up to 16 bytes go as two overlapping word copies
    /// (or smaller ones), which costs less than a byte loop or a call to memmove.
    @inline(__always)
    private static func copy(_ from: UnsafePointer<UInt8>, _ n: Int, to: UnsafeMutablePointer<UInt8>) {
        let source = UnsafeRawPointer(from), target = UnsafeMutableRawPointer(to)
        switch n {
        case 8...16:
            target.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self),
                              toByteOffset: n - 8, as: UInt64.self)
        case 4..<8:
            target.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            target.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self),
                              toByteOffset: n - 4, as: UInt32.self)
        case 0..<4:
            for i in 0..<n { to[i] = from[i] }
        default:
            to.update(from: from, count: n)
        }
    }

    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes($0) }
    }

    mutating func string(_ s: String) {
        byte(0x22)
        // Native Strings are contiguous UTF-8: read in place. Others (bridged, shared) are copied.
        if s.utf8.withContiguousStorageIfAvailable({ escaping($0) }) == nil {
            var copy = s
            copy.withUTF8 { escaping($0) }
        }
        byte(0x22)
    }

    /// Writes `utf8` with `"`, `\\` and control characters escaped as JSONEncoder does. Runs
    /// that need no escaping (nearly all text) are found 8 bytes at a time and copied whole.
    private mutating func escaping(_ utf8: UnsafeBufferPointer<UInt8>) {
        let count = utf8.count
        var start = 0
        var i = 0
        while i < count {
            if i + 8 <= count, !Self.mayNeedEscaping(UnsafeRawPointer(utf8.baseAddress! + i).loadUnaligned(as: UInt64.self)) {
                i += 8
                continue
            }
            let b = utf8[i]
            if b < 0x20 || b == 0x22 || b == 0x5C {
                bytes(UnsafeBufferPointer(rebasing: utf8[start..<i]))
                escape(b)
                start = i + 1
            }
            i += 1
        }
        bytes(UnsafeBufferPointer(rebasing: utf8[start..<count]))
    }

    /// Whether one of the 8 bytes of `word` may be below 0x20, `"` or `\\` (the bit tricks of
    /// "Bit Twiddling Hacks", "determine if a word has a byte less than n"). Never false when
    /// one is; a rare true without one only sends the bytes to the byte-wise check.
    @inline(__always)
    static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ w: UInt64, _ n: UInt64) -> Bool { (w &- ones &* n) & ~w & highs != 0 }
        return hasByteBelow(word, 0x20) || hasByteBelow(word ^ (ones &* 0x22), 1) || hasByteBelow(word ^ (ones &* 0x5C), 1)
    }

    private mutating func escape(_ b: UInt8) {
        switch b {
        case 0x22: raw("\\\"")
        case 0x5C: raw("\\\\")
        case 0x08: raw("\\b")
        case 0x0C: raw("\\f")
        case 0x0A: raw("\\n")
        case 0x0D: raw("\\r")
        case 0x09: raw("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00")
            byte(hex.utf8Start[Int(b >> 4)])
            byte(hex.utf8Start[Int(b & 0xF)])
        }
    }

    /// At most a sign, 19 digits, a point and the quotes.
    static let amountBound = 24

    /// `"3575.66"`: yuan, a point and two decimals (what `Fen.yuan` writes), in place.
    mutating func yuan(_ amount: Yuan) {
        ensureRoom(Self.amountBound)
        var p = base + count
        p[0] = 0x22
        p += 1
        if amount.fen < 0 {
            p[0] = UInt8(ascii: "-")
            p += 1
        }
        let magnitude = amount.fen.magnitude
        p += Self.writeDigits(magnitude / 100, at: p)
        let cents = UInt8(magnitude % 100)
        p[0] = UInt8(ascii: ".")
        p[1] = UInt8(ascii: "0") + cents / 10
        p[2] = UInt8(ascii: "0") + cents % 10
        p[3] = 0x22
        count = p + 4 - base
    }

    mutating func int(_ value: Int) {
        ensureRoom(20)
        var p = base + count
        if value < 0 {
            p[0] = UInt8(ascii: "-")
            p += 1
        }
        p += Self.writeDigits(UInt64(value.magnitude), at: p)
        count = p - base
    }

    /// Writes `value` in decimal at `p`; answers how many digits. The cursor's own, in place:
    /// through `DecimalText.withDigits` and a closure an amount cost twice as many
    /// instructions, and a result line has about 90 of them.
    @inline(__always)
    private static func writeDigits(_ value: UInt64, at p: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        rest = value
        for i in stride(from: digits - 1, through: 0, by: -1) {
            p[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return digits
    }

    /// `,"key":` — the key must need no escaping.
    mutating func key(_ k: StaticString, first: Bool = false) {
        let n = k.utf8CodeUnitCount
        ensureRoom(n + 4)
        var p = base + count
        if !first {
            p[0] = UInt8(ascii: ",")
            p += 1
        }
        p[0] = 0x22
        k.withUTF8Buffer { Self.copy($0.baseAddress!, n, to: p + 1) }
        p[n + 1] = 0x22
        p[n + 2] = UInt8(ascii: ":")
        count = p + n + 3 - base
    }

    mutating func optional(_ k: StaticString, _ value: String?) {
        guard let value else { return }
        key(k)
        string(value)
    }

    /// What `reasons` writes at most besides its strings.
    static func bound(_ list: [Reason]) -> Int {
        var total = 2
        for i in list.indices { total += 64 + bound(list[i].basis) + bound(list[i].code.rawValue) + bound(list[i].detail) }
        return total
    }

    mutating func reasons(_ list: [Reason]) {
        byte(UInt8(ascii: "["))
        for i in list.indices {
            if i > 0 { byte(UInt8(ascii: ",")) }
            reason(list[i])  // borrowed: no copy of its Strings
        }
        byte(UInt8(ascii: "]"))
    }

    private mutating func reason(_ r: Reason) {
        byte(UInt8(ascii: "{"))
        key("basis", first: true)
        string(r.basis)
        key("code")
        string(r.code.rawValue)
        key("detail")
        string(r.detail)
        byte(UInt8(ascii: "}"))
    }
}

extension ClaimResult {
    /// The result as one line of results.jsonl, newline included.
    public func jsonLine(into writer: inout JSONLineWriter) {
        writer.write(atMost: jsonBound) { encode(into: &$0) }
    }

    /// More than `encode` can write: its strings escaped whole, and generous room for every
    /// key, amount and bracket (the top level has under 1,000 bytes of those, a line under 300).
    private var jsonBound: Int {
        typealias C = JSONCursor
        var total = 2048 + 40 * C.amountBound
        total += C.bound(runId) + C.bound(setlId) + C.bound(submission) + C.bound(source) + C.bound(status.rawValue)
        total += C.bound(fixmedinsCode) + C.bound(fixmedinsName) + C.bound(mdtrtId) + C.bound(invoiceNo)
        total += C.bound(psnNo) + C.bound(psnName) + C.bound(certno) + C.bound(insutype) + C.bound(insuAdmdvs)
        total += C.bound(medType) + C.bound(begndate) + C.bound(enddate) + C.bound(mode) + C.bound(supersedes)
        total += C.bound(reasons)
        for (fund, _) in funds { total += 8 + C.bound(fund) + C.amountBound }
        if let payee {
            total += C.bound(payee.account) + C.bound(payee.bankCode) + C.bound(payee.id)
                + C.bound(payee.kind.rawValue) + C.bound(payee.name)
        }
        for i in lines.indices {
            total += 512 + C.bound(lines[i].code) + C.bound(lines[i].name) + C.bound(lines[i].reasons)
        }
        return total
    }

    private func encode(into w: inout JSONCursor) {
        w.byte(UInt8(ascii: "{"))
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
        w.key("funds"); w.byte(UInt8(ascii: "{"))
        if funds.count == 1, let (fund, amount) = funds.first {  // the usual claim: nothing to sort
            w.string(fund)
            w.byte(UInt8(ascii: ":"))
            w.yuan(amount)
        } else {
            for (i, fund) in funds.keys.sorted().enumerated() {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.string(fund)
                w.byte(UInt8(ascii: ":"))
                w.yuan(funds[fund]!)
            }
        }
        w.byte(UInt8(ascii: "}"))
        w.key("inscp_scp_amt"); w.yuan(inscpScpAmt)
        w.optional("insu_admdvs", insuAdmdvs)
        w.optional("insutype", insutype)
        w.optional("invoice_no", invoiceNo)
        w.key("lines"); w.byte(UInt8(ascii: "["))
        for i in lines.indices {
            if i > 0 { w.byte(UInt8(ascii: ",")) }
            Self.encode(lines[i], into: &w)  // passed borrowed: no copy of the line's Strings
        }
        w.byte(UInt8(ascii: "]"))
        w.optional("mdtrt_id", mdtrtId)
        w.optional("med_type", medType)
        w.key("medfee_sumamt"); w.yuan(medfeeSumamt)
        w.optional("mode", mode)
        w.key("overlmt_selfpay"); w.yuan(overlmtSelfpay)
        w.key("payable"); w.yuan(payable)
        if let payee {
            w.key("payee"); w.byte(UInt8(ascii: "{"))
            w.key("account", first: true); w.string(payee.account)
            w.key("bank_code"); w.string(payee.bankCode)
            w.key("id"); w.string(payee.id)
            w.key("kind"); w.string(payee.kind.rawValue)
            w.key("name"); w.string(payee.name)
            w.byte(UInt8(ascii: "}"))
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
        w.byte(UInt8(ascii: "}"))
        w.byte(UInt8(ascii: "\n"))
    }

    private static func encode(_ line: Line, into w: inout JSONCursor) {
        w.byte(UInt8(ascii: "{"))
        w.key("amount", first: true); w.yuan(line.amount)
        w.key("code"); w.string(line.code)
        w.key("fulamt_ownpay"); w.yuan(line.fulamtOwnpay)
        w.key("inscp"); w.yuan(line.inscp)
        w.key("name"); w.string(line.name)
        w.key("overlmt"); w.yuan(line.overlmt)
        w.key("preselfpay"); w.yuan(line.preselfpay)
        w.key("reasons"); w.reasons(line.reasons)
        w.key("sn"); w.int(line.sn)
        w.byte(UInt8(ascii: "}"))
    }
}
