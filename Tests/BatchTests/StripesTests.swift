@testable import Batch
import Testing

/// How a batch is cut for the work on both cores: every claim in exactly one stripe, in order,
/// at most 64 claims a stripe, two stripes or more whenever there are two claims, and never
/// more stripes than `ResultLines` holds (those of a read-ahead batch).
@Suite struct StripesTests {
    @Test(arguments: [1, 2, 3, 63, 64, 65, 100, 127, 128, 129, 999, 1000])
    func everyClaimIsInExactlyOneStripeInOrder(batch: Int) {
        let layout = Stripes(batch: batch)
        var next = 0
        for stripe in 0..<layout.count {
            let claims = layout.claims(of: stripe)
            #expect(claims.lowerBound == next && !claims.isEmpty && claims.count <= 64)
            for claim in claims { #expect(layout.stripe(of: claim) == stripe) }
            next = claims.upperBound
        }
        #expect(next == batch)
        #expect(layout.count >= min(batch, 2))
        #expect(layout.count <= Stripes(batch: RunExecution.readAhead).count)
    }

    @Test func sizesByHand() {
        #expect([1, 2, 3, 100, 128, 129, 1000].map { Stripes(batch: $0).count } == [1, 2, 2, 2, 2, 3, 16])
        #expect([1, 2, 3, 100, 128, 129, 1000].map { Stripes(batch: $0).size } == [1, 1, 2, 50, 64, 64, 64])
    }
}
