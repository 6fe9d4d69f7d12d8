import Domain
import Testing
@testable import Adjudication

// Inputs no hospital should send, which must end as INVALID_DATA rather than stop the run.

/// A lone line with cnt 1, pric 0.00 and amount -0.01 is within 0.01 of cnt × pric, but a
/// negative amount on a positive quantity nets below zero (found by review: it used to skip
/// the check and break the invariants).
@Test func aNegativeAmountOnAPositiveQuantityIsInvalid() {
    let claim = Example.claim([Example.fee(1, Code.unknown, "1", "0.00", "-0.01")])
    let d = adjudicate(claim)
    #expect(d.status == .rejected)
    #expect(d.reasonCodes == [.invalidData])
    #expect(d.amounts.invariantsHold)
}

/// Two lines of 50,000,000,000,000,000.00 yuan would overflow the invoice sum.
@Test func amountsBeyondAnyRealClaimAreInvalidNotAnOverflow() {
    let huge = Example.fee(1, Code.drugA, "10000", "5000000000000.00", "50000000000000000.00")
    var second = huge
    second.sn = 2
    let claim = Example.claim([huge, second], invoice: "0.00")
    let d = adjudicate(claim)
    #expect(d.reasonCodes == [.invalidData])
    #expect(d.reasons.first?.detail.contains("out of range") == true)
}

@Test func theLargestAcceptedAmountIsAdjudicated() {
    // 10,000,000,000.00 yuan exactly: inside AmountLimits, adjudicated normally.
    let claim = Example.claim([Example.fee(1, Code.drugA, "1", "10000000000.00", "10000000000.00")])
    let d = adjudicate(claim)
    #expect(d.status == .approved)
    #expect(d.amounts.invariantsHold)
}
