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
}
