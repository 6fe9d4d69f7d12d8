import Testing
import Domain
@testable import Adjudication

/// SplitMix64: a small seeded generator, so every run sees the same claims.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private let codes = [Code.drugA, Code.drugB, Code.service, Code.selfPay, Code.unknown, Code.bed, Code.materialB,
                     Code.restricted, Code.expired, Code.provincial, Code.otherProvince, Code.drugBCapped]
private let hospitals = [Example.hospital, "H13010200001", "H44010400001"]

/// A random claim of the example person, with a random history and reference (also used by PriceSplitTests).
func randomClaim(_ g: inout SplitMix64) -> (Claim, ClaimHistory, ReferenceData) {
    var lines: [FeeLine] = []
    let count = Int.random(in: 1...25, using: &g)
    for sn in 1...count {
        let cnt = Quantity4.random(in: 1...200_000, using: &g)          // 0.0001 .. 20
        let pric = MicroYuan.random(in: 0...500_000_000, using: &g)    // 0 .. 500 yuan, 6 decimals
        let amount = Rounding.fen(price: pric, quantity: cnt) + Fen.random(in: -1...1, using: &g)
        let day = Int.random(in: 1...10, using: &g)
        let time = DateTime("2026-02-\(day < 10 ? "0" : "")\(day)T10:00:00")!
        lines.append(FeeLine(sn: sn, code: codes.randomElement(using: &g)!, name: "x", time: time,
                             cnt: cnt, pric: pric, amount: max(amount, 0), sourceLine: sn))
        // Sometimes a partial or whole refund of that line.
        if Int.random(in: 0..<6, using: &g) == 0 {
            let back = Quantity4.random(in: 1...cnt, using: &g)
            let last = lines[lines.count - 1]
            lines.append(FeeLine(sn: 1000 + sn, code: last.code, name: "refund", time: last.time, cnt: -back,
                                 pric: pric, amount: -Rounding.fen(price: pric, quantity: back), sourceLine: sn))
        }
    }
    let medType = MedType.allCases.randomElement(using: &g)!
    let resident = Bool.random(using: &g)
    let person = Example.person(insutype: resident ? .resident : .employee,
                                psnType: resident ? "1501" : ["1101", "1201", "1300"].randomElement(using: &g)!,
                                balance: "\(Int.random(in: 0...3000, using: &g)).00")
    let filings = Bool.random(using: &g) ? [] : [Filing(psnNo: Example.psnNo, category: .temporary, destAdmdvs: "3",
                                                        period: Period(begin: day("2025-01-01"), end: nil))]
    var policy = Example.policy
    if Bool.random(using: &g) {
        policy.regions["130100"]!.schemes[.employee]!.personalAccount = [.none, .allSelfPay].randomElement(using: &g)!
    }
    let claim = Example.claim(lines, medType: medType, insutype: resident ? .resident : .employee,
                              hospital: hospitals.randomElement(using: &g)!, dise: ["I21.9", "C50.900"].randomElement(using: &g)!,
                              emergency: Int.random(in: 0..<5, using: &g) == 0,
                              documents: Set(DocumentCode.allCases), mode: Bool.random(using: &g) ? .manual : .direct)
    let history = ClaimHistory(
        year: YearAccumulators(
            deductibleUsed: ["outpatient": Fen.random(in: 0...150_000, using: &g)],
            cumulativeBase: ["inpatient": Fen.random(in: 0...31_000_000, using: &g),
                             "outpatient": Fen.random(in: 0...1_100_000, using: &g)],
            fundPaid: [.employeePooled: Fen.random(in: 0...30_000_000, using: &g),
                       .residentsCriticalIllness: Fen.random(in: 0...40_000_000, using: &g)],
            criticalIllnessBurden: Fen.random(in: 0...12_000_000, using: &g)),
        accountBalance: Bool.random(using: &g) ? nil : Fen.random(in: 0...500_000, using: &g))
    return (claim, history, Example.reference(persons: [person], filings: filings, policy: policy))
}

@Test func invariantsAndLineOrderIndependenceOverGeneratedClaims() {
    var g = SplitMix64(state: 20260301)
    var approved = 0
    for _ in 0..<3000 {
        let (claim, history, reference) = randomClaim(&g)
        let adjudicator = Adjudicator(reference: reference)
        let d = adjudicator.adjudicate(claim, history: history)
        let a = d.amounts
        #expect(a.invariantsHold)
        if d.status == .rejected {
            #expect(a == ClaimAmounts() && d.lines.isEmpty && d.year == history.year)
            continue
        }
        approved += 1
        #expect(a.medfeeSumamt == d.lines.reduce(0) { $0 + $1.amount })
        #expect(a.inscpScpAmt == d.lines.reduce(0) { $0 + $1.inscp })
        #expect(a.fundPaySumamt <= a.inscpScpAmt)
        #expect(a.acctPay <= (history.accountBalance ?? reference.persons[claim.psnNo]!.accountBalance))
        for line in d.lines {
            #expect(line.amount == line.fulamtOwnpay + line.overlmt + line.preselfpay + line.inscp)
        }

        var shuffled = claim
        shuffled.lines.shuffle(using: &g)
        let s = adjudicator.adjudicate(shuffled, history: history)
        #expect(s.amounts == a)
        #expect(s.reasons == d.reasons)
        #expect(s.year == d.year)
        // Netting may keep another line's sn for a merged group; the amounts per code and price do not move.
        func key(_ l: LineDecision) -> String { "\(l.code) \(l.amount) \(l.fulamtOwnpay) \(l.overlmt) \(l.preselfpay) \(l.inscp)" }
        #expect(s.lines.map(key).sorted() == d.lines.map(key).sorted())
    }
    #expect(approved > 1000)  // the generator must exercise the approved path, not only gates
}
