import Testing
@testable import Domain

@Suite struct RosterTests {
    func person(_ psnNo: String, name: String = "张三", end: Day? = nil, balance: Fen = 123_456,
                bankName: String = "中国工商银行成都分行") -> Person {
        Person(psnNo: psnNo, psnName: name, certno: "110101199003070011", insutype: .employee, insuAdmdvs: "510100",
               psnType: PersonType("1101")!,
               coverage: Period(begin: Day(year: 2020, month: 1, day: 1)!, end: end), status: .active,
               accountBalance: balance, bankAccount: "6222021234567891230", bankName: bankName,
               bankCode: "102651000350")
    }

    @Test func findsEveryPersonItHoldsAndNoOther() {
        // 5,000 people: the table grows several times (16 slots → 16,384), and every person
        // must still be found whole, with every field as it went in.
        var roster = Roster()
        var all: [Person] = []
        for i in 0..<5_000 {
            let p = person("5101000000000000\(String(i + 1000))", name: "人\(i)", end: i % 3 == 0 ? nil : Day(year: 2030, month: 12, day: 31),
                           balance: Fen(i) * 101 - 7, bankName: i % 2 == 0 ? "" : "银行\(i)")
            let added = roster.insert(p)
            #expect(added)
            all.append(p)
        }
        #expect(roster.count == 5_000)
        for p in all { #expect(roster[p.psnNo] == p) }
        #expect(roster.values == all)  // in the order they were added
        #expect(roster["51010000000000001000 "] == nil)
        #expect(roster["5101000000000000100"] == nil)
        #expect(!roster.contains("x"))
        #expect(Roster()["anything"] == nil)
    }

    @Test func refusesASecondPersonWithTheSamePsnNo() {
        var roster = Roster([person("P1", name: "甲")])
        let added = roster.insert(person("P1", name: "乙"))
        #expect(!added)
        #expect(roster.count == 1)
        #expect(roster["P1"]?.psnName == "甲")
    }

    @Test func keepsEmptyFieldsNegativeBalancesAndOpenCoverage() {
        let p = Person(psnNo: "P", psnName: "", certno: "", insutype: .resident, insuAdmdvs: "", psnType: PersonType("1300")!,
                       coverage: Period(begin: Day(year: 1, month: 1, day: 1)!, end: nil), status: .suspended,
                       accountBalance: -1, bankAccount: "", bankName: "", bankCode: "")
        let roster = Roster([p])
        #expect(roster["P"] == p)
    }

    @Test func holdsAFieldLongerThan65535Bytes() {
        // A roster row's free text has no length limit in data.md: a 70,000-byte bank name
        // (three bytes a character) must load and come back whole.
        let long = String(repeating: "行", count: 70_000)
        let roster = Roster([person("P9", bankName: long), person("P10")])
        #expect(roster["P9"]?.bankName == long)
        #expect(roster["P10"]?.psnNo == "P10")
    }
}
