import Domain
@testable import Adjudication

// Builders for the tests: the worked example of rules.md as reference data in code, and a
// claim in it. Numbers are written as the files write them and parsed exactly.

func fen(_ text: String) -> Fen { try! DecimalText.parse(text, scale: Scale.amount, allowNegative: true).get() }
func micro(_ text: String) -> MicroYuan { try! DecimalText.parse(text, scale: Scale.price).get() }
func qty(_ text: String) -> Quantity4 { try! DecimalText.parse(text, scale: Scale.quantity, allowNegative: true).get() }
func bp(_ text: String) -> BasisPoints { try! DecimalText.parse(text, scale: Scale.percent).get() }
func ppm(_ text: String) -> PartsPerMillion { try! DecimalText.parse(text, scale: Scale.proportion).get() }
func day(_ text: String) -> Day { Day(text)! }

func levels<T>(_ one: T, _ two: T, _ three: T) -> [InstitutionLevel: T] { [.one: one, .two: two, .three: three] }

/// Codes of the example catalogue.
enum Code {
    static let drugA = "XA01ABD075A002010100483"      // class 01 drug
    static let drugB = "XB02BCA011A001010100017"      // class 02 drug, selfpay 0.10
    static let service = "001203000010000-120300001"  // class 01 service, cap 150.00
    static let selfPay = "XC03ZZZ999A001010100001"    // class 03
    static let unknown = "XZ99ZZZ999Z999999999999"    // in no catalogue
    static let bed = "001102000010000-110200001"      // bed, facility standard by level
    static let materialB = "C0301012345678901234"     // class 02 material, selfpay 0.20
    static let restricted = "XL01XEL123A001010100099" // class 02, restricted to 21 and C prefixes
    static let expired = "XA02ABC001A001010100002"    // national row valid until 2025-12-31
    static let provincial = "XA03ABC001A001010100003" // national class 02, province 31 class 01
    static let otherProvince = "XA04ABC001A001010100004" // only in province 44
    static let drugBCapped = "XB05ABC001A001010100005"  // class 02, selfpay 0.05, cap 30.00
}

enum Example {
    static let hospital = "H31010400017"
    static let psnNo = "13010000000000123456"
    static let certno = "130102199001011237"
    static let card = "6222021234567891233"

    static func entry(_ code: String, _ name: String, _ type: ListType, _ cls: ChargeClass, selfpay: String = "0",
                      cap: String? = nil, restricted: Bool = false, medTypes: [MedType] = [], prefixes: [String] = [],
                      from: String = "2020-01-01", to: String? = nil, source: String) -> CatalogueEntry {
        CatalogueEntry(code: code, name: name, listType: type, chargeClass: cls, selfpayProportion: ppm(selfpay),
                       priceCap: cap.map(micro), restricted: restricted, limitedMedTypes: medTypes,
                       limitedDiagnosisPrefixes: prefixes, validity: Period(begin: day(from), end: to.map(day)),
                       source: source)
    }

    static var catalogues: Catalogues {
        let national: [CatalogueEntry] = [
            entry(Code.drugA, "阿莫西林胶囊", .drug, .classA, source: "catalogues/national/drugs.csv:2"),
            entry(Code.drugB, "头孢呋辛酯片", .drug, .classB, selfpay: "0.10", source: "catalogues/national/drugs.csv:3"),
            entry(Code.service, "CT平扫", .service, .classA, cap: "150.00", source: "catalogues/national/services.csv:2"),
            entry(Code.selfPay, "美容护肤品", .drug, .selfPay, source: "catalogues/national/drugs.csv:4"),
            entry(Code.bed, "普通病房床位费", .service, .classA, cap: "100.00", source: "catalogues/national/services.csv:3"),
            entry(Code.materialB, "一次性使用输液器", .material, .classB, selfpay: "0.20",
                  source: "catalogues/national/materials.csv:2"),
            entry(Code.restricted, "注射用曲妥珠单抗", .drug, .classB, selfpay: "0.10", restricted: true,
                  medTypes: [.inpatient, .chronicOutpatient], prefixes: ["C50"], source: "catalogues/national/drugs.csv:5"),
            entry(Code.expired, "旧版药品", .drug, .classA, to: "2025-12-31", source: "catalogues/national/drugs.csv:6"),
            entry(Code.provincial, "地方调整药", .drug, .classB, selfpay: "0.30", source: "catalogues/national/drugs.csv:7"),
            entry(Code.drugBCapped, "限价乙类药", .drug, .classB, selfpay: "0.05", cap: "30.00",
                  source: "catalogues/national/drugs.csv:8"),
        ]
        let shanghai: [CatalogueEntry] = [
            entry(Code.provincial, "地方调整药", .drug, .classA, source: "catalogues/31/drugs.csv:2"),
        ]
        let guangdong: [CatalogueEntry] = [
            entry(Code.otherProvince, "广东增补药", .drug, .classA, source: "catalogues/44/drugs.csv:2"),
        ]
        func catalogue(_ rows: [CatalogueEntry]) -> Catalogue { Catalogue(rowsByCode: Dictionary(grouping: rows, by: \.code)) }
        return Catalogues(national: catalogue(national), provinces: ["31": catalogue(shanghai), "44": catalogue(guangdong)])
    }

    /// The policy of rules.md for 130100, with a residents' scheme filled in for the tests.
    static var policy: Policy {
        let inpatient = CareGroup(
            name: "inpatient", codes: [.inpatient], deductibleScope: .perAdmission,
            deductibleByLevel: levels(fen("300.00"), fen("600.00"), fen("900.00")),
            tiers: [Tier(fund: .employeePooled, upto: fen("300000.00"), ratioByLevel: levels(9200, 9000, 8500)),
                    Tier(fund: .employeeLargeAmount, upto: nil, ratioByLevel: levels(8000, 8000, 8000))],
            retireeBonus: 500, requiredDocuments: [.invoice, .feeList, .dischargeSummary])
        let outpatient = CareGroup(
            name: "outpatient", codes: [.generalOutpatient, .emergency, .chronicOutpatient], deductibleScope: .perYear,
            deductibleByLevel: levels(fen("1000.00"), fen("1000.00"), fen("1000.00")),
            tiers: [Tier(fund: .employeePooled, upto: fen("10000.00"), ratioByLevel: levels(7000, 6000, 5000))],
            retireeBonus: 1000, requiredDocuments: [.invoice, .feeList])
        let employees = SchemePolicy(
            personalAccount: .inScopeSelfPay,
            annualCaps: [.employeePooled: fen("300000.00"), .employeeLargeAmount: fen("500000.00")],
            groups: [inpatient, outpatient], criticalIllness: nil)
        let residentsInpatient = CareGroup(
            name: "inpatient", codes: [.inpatient], deductibleScope: .perAdmission,
            deductibleByLevel: levels(fen("200.00"), fen("500.00"), fen("800.00")),
            tiers: [Tier(fund: .residentsBasic, upto: nil, ratioByLevel: levels(8500, 7500, 6500))],
            retireeBonus: 0, requiredDocuments: [.invoice, .feeList, .dischargeSummary])
        let residents = SchemePolicy(
            personalAccount: .none, annualCaps: [.residentsBasic: fen("200000.00")], groups: [residentsInpatient],
            criticalIllness: CriticalIllness(
                fund: .residentsCriticalIllness, threshold: fen("15000.00"),
                tiers: [.init(upto: fen("100000.00"), ratio: 6000), .init(upto: nil, ratio: 7000)],
                annualCap: fen("400000.00")))
        let region = RegionPolicy(
            code: "130100", name: "石家庄市", deadlineDays: 180, crossRegionLevel: .city, unfiled: .reduce(1000),
            schemes: [.employee: employees, .resident: residents])
        return Policy(version: "2026.1", regions: ["130100": region])
    }

    static func person(_ psnNo: String = psnNo, name: String = "张伟", certno: String = certno,
                       insutype: Insutype = .employee, psnType: String = "1101", balance: String = "1000.00",
                       card: String = card, status: CoverageStatus = .active,
                       coverage: Period = Period(begin: day("2020-01-01"), end: nil)) -> Person {
        Person(psnNo: psnNo, psnName: name, certno: certno, insutype: insutype, insuAdmdvs: "130100",
               psnType: PersonType(psnType)!, coverage: coverage, status: status, accountBalance: fen(balance),
               bankAccount: card, bankName: "中国工商银行", bankCode: "102121000011")
    }

    static let institutions: [String: Institution] = [
        hospital: Institution(code: hospital, name: "复旦大学附属中山医院", admdvs: "310104", level: .three,
                              designation: Period(begin: day("2015-01-01"), end: nil),
                              bankAccount: "1001234509000012345", bankName: "中国工商银行上海分行", bankCode: "102290000012"),
        "H13010200001": Institution(code: "H13010200001", name: "石家庄市第一医院", admdvs: "130102", level: .two,
                                    designation: Period(begin: day("2015-01-01"), end: nil),
                                    bankAccount: "0402020109300099999", bankName: "中国工商银行石家庄分行", bankCode: "102121000011"),
        "H44010400001": Institution(code: "H44010400001", name: "广东省人民医院", admdvs: "440104", level: .one,
                                    designation: Period(begin: day("2018-01-01"), end: nil),
                                    bankAccount: "3602000109000011111", bankName: "中国工商银行广州分行", bankCode: "102581000013"),
        "H13010500009": Institution(code: "H13010500009", name: "石家庄市某民营医院", admdvs: "130105", level: .one,
                                    designation: Period(begin: day("2016-01-01"), end: day("2026-01-31")),
                                    bankAccount: "0402020109300088888", bankName: "中国工商银行石家庄分行", bankCode: "102121000011"),
    ]

    static func reference(persons: [Person] = [person()],
                          filings: [Filing] = [Filing(psnNo: psnNo, category: .residentWorker, destAdmdvs: "31",
                                                      period: Period(begin: day("2025-01-01"), end: nil))],
                          policy: Policy = policy) -> ReferenceData {
        ReferenceData(
            policy: policy, persons: Roster(persons),
            filings: Dictionary(grouping: filings, by: \.psnNo), institutions: institutions, catalogues: catalogues,
            facilityStandards: FacilityStandards(caps: [Code.bed: [.three: micro("60.00"), .two: micro("45.00")]]))
    }

    static func fee(_ sn: Int, _ code: String, _ cnt: String, _ pric: String, _ amount: String,
                    time: String = "2026-02-01T09:30:00") -> FeeLine {
        FeeLine(sn: sn, code: code, name: "item \(sn)", time: DateTime(time)!, cnt: qty(cnt), pric: micro(pric),
                amount: fen(amount), sourceLine: 10 + sn)
    }

    /// The seven lines of the worked example.
    static let workedLines: [FeeLine] = [
        fee(1, Code.drugA, "20", "50.00", "1000.00"),
        fee(2, Code.drugB, "20", "100.00", "2000.00"),
        fee(3, Code.service, "10", "180.00", "1800.00"),
        fee(4, Code.selfPay, "1", "500.00", "500.00"),
        fee(5, Code.unknown, "1", "200.00", "200.00"),
        fee(6, Code.bed, "9", "80.00", "720.00"),
        fee(7, Code.materialB, "1", "333.33", "333.33"),
    ]

    /// A claim of the example person at the example hospital; `invoice` defaults to the lines' sum.
    static func claim(_ lines: [FeeLine] = workedLines, medType: MedType = .inpatient, psnNo: String = psnNo,
                      name: String = "张伟", certno: String = certno, insutype: Insutype = .employee,
                      hospital: String = hospital, begin: String = "2026-02-01", end: String = "2026-02-10",
                      dise: String = "I21.9", emergency: Bool = false, invoice: String? = nil,
                      documents: Set<DocumentCode> = [.invoice, .feeList, .dischargeSummary],
                      submitted: String = "2026-03-01", mode: SettlementMode = .manual) -> Claim {
        Claim(submission: "SUB-TEST", ordinal: 0, sourceLine: 3, fixmedinsCode: hospital, mdtrtId: "ZY20260201-0007",
              psnNo: psnNo, psnName: name, certno: certno, insutype: insutype, insuAdmdvs: "130100", medType: medType,
              begndate: day(begin), enddate: day(end), diseCodg: dise, emergency: emergency,
              invoiceNo: "3100126000123", invoiceDate: day(end),
              invoiceAmount: invoice.map(fen) ?? lines.reduce(0) { $0 + $1.amount }, documents: documents,
              submitted: day(submitted), mode: mode, lines: lines)
    }
}

func adjudicate(_ claim: Claim, _ reference: ReferenceData = Example.reference(),
                history: ClaimHistory = .empty) -> Decision {
    Adjudicator(reference: reference).adjudicate(claim, history: history)
}

extension Decision {
    var reasonCodes: [ReasonCode] { reasons.map(\.code) }
    func line(_ sn: Int) -> LineDecision? { lines.first { $0.sn == sn } }
}
