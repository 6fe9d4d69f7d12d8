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
    // Words may be apart by more than one space; escapes read in either case.
    #expect(try AccumulatorText.decode("d  x=1  y%3d=2;b;f;c  0").deductibleUsed == ["x": 1, "y=": 2])
    // The ends of Int64 are written as String(Int64) writes them, and read back.
    var extremes = YearAccumulators()
    extremes.deductibleUsed = ["low": .min]
    extremes.criticalIllnessBurden = .max
    #expect(AccumulatorText.encode(extremes) == "d low=-9223372036854775808;b;f;c 9223372036854775807")
    #expect(try AccumulatorText.decode(AccumulatorText.encode(extremes)) == extremes)
    #expect(throws: (any Error).self) { try AccumulatorText.decode("d low=-9223372036854775809;b;f;c 0") }
    #expect(throws: (any Error).self) { try AccumulatorText.decode("d;b;f;c 9223372036854775808") }
}

/// A person's row: a line per year (by year), a line per stay (in the state's order).
@Test func aPersonRoundTripsThroughTheirRowsText() throws {
    var a = YearAccumulators()
    a.deductibleUsed = ["outpatient": 100_000, "两行\n名": 7]  // a line break in a group name is escaped
    a.criticalIllnessBurden = 490_010
    var b = YearAccumulators()
    b.cumulativeBase = ["inpatient": 831_771]
    let years = PersonText.encodeYears([2026: b, 2025: a])
    #expect(years == "2025 d outpatient=100000 两行%0A名=7;b;f;c 490010\n2026 d;b inpatient=831771;f;c 0")
    #expect(try PersonText.decodeYears(years) == [2025: a, 2026: b])
    #expect(PersonText.encodeYears([:]) == "")
    #expect(try PersonText.decodeYears("") == [:])
    for bad in ["2026", "x d;b;f;c 0", "2026 d;b;f;c 0\n2026 d;b;f;c 0", "2026 garbage"] {
        #expect(throws: (any Error).self, "\(bad)") { try PersonText.decodeYears(bad) }
    }

    let stays = [ApprovedStay(setlId: "R20260316-0001-000042", begndate: Day("2026-02-27")!, enddate: Day("2026-03-03")!),
                 ApprovedStay(setlId: "R20260316-0001-000007", begndate: Day("2026-03-10")!, enddate: Day("2026-03-10")!)]
    let text = PersonText.encodeStays(stays)
    // Days since 1970-01-01: 2026-01-01 is 56 × 365 + 14 leap days = 20454; 2026-02-27 is
    // 20454 + 31 + 26 = 20511, 2026-03-03 is 20454 + 31 + 28 + 2 = 20515, 2026-03-10 is 20522.
    #expect(text == "R20260316-0001-000042 20511 20515\nR20260316-0001-000007 20522 20522")
    #expect(try PersonText.decodeStays(text) == stays)
    #expect(try PersonText.decodeStays("") == [])
    // A day ordinal must fit in 32 bits.
    for bad in ["S1 1", "S1 1 2 3", " 1 2", "S1 a 2", "S1 1  2", "S1 1 2147483648", "S1 -2147483649 1"] {
        #expect(throws: (any Error).self, "\(bad)") { try PersonText.decodeStays(bad) }
    }
}

/// A reason names the first overlapping stay of a person's list, so the list is kept in the
/// state's order (begin date, then settlement id by bytes), however it was built: the same
/// stay is named whether the list was read back after a drop or a resume, or grew in memory.
@Test func aPersonsStaysKeepTheStatesOrder() {
    let stays = [ApprovedStay(setlId: "R2-000003", begndate: Day("2026-03-01")!, enddate: Day("2026-03-02")!),
                 ApprovedStay(setlId: "R2-000002", begndate: Day("2026-01-10")!, enddate: Day("2026-02-05")!),
                 ApprovedStay(setlId: "R2-000004", begndate: Day("2026-02-01")!, enddate: Day("2026-02-03")!),
                 ApprovedStay(setlId: "R2-000001", begndate: Day("2026-02-01")!, enddate: Day("2026-02-09")!)]
    var grown = PersonState()
    for stay in stays { grown.addStay(stay) }
    #expect(grown.stays.map(\.setlId) == ["R2-000002", "R2-000001", "R2-000004", "R2-000003"])
    #expect(PersonState(stays: stays.reversed()) == grown)
}
