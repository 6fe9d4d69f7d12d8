import Domain
public struct Adjudicator: Sendable {
    public init(reference: ReferenceData) {}
    public func adjudicate(_ claim: Claim, history: ClaimHistory) -> Decision { fatalError() }
}
