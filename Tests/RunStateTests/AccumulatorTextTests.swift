import Domain
import Testing
@testable import RunState

@Test func accumulatorsRoundTripThroughTheirTextForm() throws {
    var a = YearAccumulators()
    a.deductibleUsed = ["outpatient": 100_000, "门诊 慢特=病;%": 5]
    a.cumulativeBase = ["inpatient": 420_666]
    a.fundPaid = [.employeePooled: 357_566, .employeeLargeAmount: 0, .residentsCriticalIllness: 12]
    a.criticalIllnessBurden = 2_153_100
    let text = AccumulatorText.encode(a)
    #expect(text == "d outpatient=100000 门诊%20慢特%3D病%3B%25=5;b inpatient=420666;f 310100=357566 330100=0 390200=12;c 2153100")
    #expect(try AccumulatorText.decode(text) == a)
    #expect(AccumulatorText.encode(.empty) == "d;b;f;c 0")
    #expect(try AccumulatorText.decode("d;b;f;c 0") == .empty)
    #expect(throws: (any Error).self) { try AccumulatorText.decode("d x=1;b;f 999999=1;c 0") }
    #expect(throws: (any Error).self) { try AccumulatorText.decode("garbage") }
    // Values are whole decimal integers that fit in Int64; tags are single letters in order.
    for bad in ["d x=;b;f;c 0", "d x=1a;b;f;c 0", "d x=99999999999999999999;b;f;c 0", "dd;b;f;c 0",
                "b;d;f;c 0", "d;b;f;c", "d;b;f;c 1 2", "d;b;f", "d;b;f;c 0;"] {
        #expect(throws: (any Error).self, "\(bad)") { try AccumulatorText.decode(bad) }
    }
    #expect(try AccumulatorText.decode("d x=-3;b;f;c -7").deductibleUsed == ["x": -3])
}
