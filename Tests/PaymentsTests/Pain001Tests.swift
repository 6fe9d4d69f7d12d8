import Domain
import Foundation
@testable import Payments
import Testing

@Suite struct Pain001Tests {
    @Test func threeTransfersMakeAValidFileWithExactControlSums() throws {
        let path = try temporaryFolder() + "/p.xml"
        try writePain001(path, threeTransfers)

        #expect(try PaymentSchema.validate(fileAt: path) == [])
        // 457566 + 120005 + 29 = 577600 fen: "5776.00" at both levels.
        #expect(elementTexts(path, "CtrlSum") == ["5776.00", "5776.00"])
        #expect(elementTexts(path, "NbOfTxs") == ["3", "3"])
        #expect(elementTexts(path, "InstdAmt") == ["4575.66", "1200.05", "0.29"])
        #expect(elementTexts(path, "EndToEndId") == ["R20260302-0001-T000001", "R20260302-0001-T000002",
                                                      "R20260302-0001-T000003"])
        // Payer name twice (InitgPty, Dbtr), then the three payees.
        #expect(elementTexts(path, "Nm").filter { !$0.contains("银行") }
            == ["石家庄市医疗保障事务中心", "石家庄市医疗保障事务中心", "张三", "河北医科大学第二医院", "李四"])
        // The debtor's branch, then each payee's branch.
        #expect(elementTexts(path, "MmbId") == ["102121000011", "102121000022", "105121000013", "102121000022"])
        #expect(elementTexts(path, "Cd") == ["CNAPS", "CNAPS", "CNAPS", "CNAPS"])
        #expect(try text(path).hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
    }

    /// The whole file for one transfer, written out by hand: the layout docs/payments.md shows.
    @Test func oneTransferFileIsExactlyTheDocumentedLayout() throws {
        let path = try temporaryFolder() + "/one.xml"
        try writePain001(path, [transfer("R20260302-0001-T000001", person("张三"), 457_566)])
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
              <CstmrCdtTrfInitn>
                <GrpHdr>
                  <MsgId>R20260302-0001-PAY</MsgId>
                  <CreDtTm>2026-03-02T02:00:00</CreDtTm>
                  <NbOfTxs>1</NbOfTxs>
                  <CtrlSum>4575.66</CtrlSum>
                  <InitgPty>
                    <Nm>石家庄市医疗保障事务中心</Nm>
                  </InitgPty>
                </GrpHdr>
                <PmtInf>
                  <PmtInfId>R20260302-0001-PMT1</PmtInfId>
                  <PmtMtd>TRF</PmtMtd>
                  <NbOfTxs>1</NbOfTxs>
                  <CtrlSum>4575.66</CtrlSum>
                  <ReqdExctnDt>
                    <Dt>2026-03-03</Dt>
                  </ReqdExctnDt>
                  <Dbtr>
                    <Nm>石家庄市医疗保障事务中心</Nm>
                  </Dbtr>
                  <DbtrAcct>
                    <Id>
                      <Othr>
                        <Id>0402020109300012345</Id>
                      </Othr>
                    </Id>
                    <Ccy>CNY</Ccy>
                  </DbtrAcct>
                  <DbtrAgt>
                    <FinInstnId>
                      <ClrSysMmbId>
                        <ClrSysId>
                          <Cd>CNAPS</Cd>
                        </ClrSysId>
                        <MmbId>102121000011</MmbId>
                      </ClrSysMmbId>
                      <Nm>中国工商银行石家庄分行</Nm>
                    </FinInstnId>
                  </DbtrAgt>
                  <ChrgBr>DEBT</ChrgBr>
                  <CdtTrfTxInf>
                    <PmtId>
                      <EndToEndId>R20260302-0001-T000001</EndToEndId>
                    </PmtId>
                    <Amt>
                      <InstdAmt Ccy="CNY">4575.66</InstdAmt>
                    </Amt>
                    <CdtrAgt>
                      <FinInstnId>
                        <ClrSysMmbId>
                          <ClrSysId>
                            <Cd>CNAPS</Cd>
                          </ClrSysId>
                          <MmbId>102121000022</MmbId>
                        </ClrSysMmbId>
                        <Nm>中国工商银行石家庄中华大街支行</Nm>
                      </FinInstnId>
                    </CdtrAgt>
                    <Cdtr>
                      <Nm>张三</Nm>
                    </Cdtr>
                    <CdtrAcct>
                      <Id>
                        <Othr>
                          <Id>6222021234567891234</Id>
                        </Othr>
                      </Id>
                      <Ccy>CNY</Ccy>
                    </CdtrAcct>
                    <RmtInf>
                      <Ustrd>MEDCLAIMS R20260302-0001-000001</Ustrd>
                    </RmtInf>
                  </CdtTrfTxInf>
                </PmtInf>
              </CstmrCdtTrfInitn>
            </Document>

            """
        #expect(try text(path) == expected)
        #expect(try PaymentSchema.validate(fileAt: path) == [])
    }

    @Test func namesAreEscapedAndReadBackUnchanged() throws {
        let path = try temporaryFolder() + "/escape.xml"
        let name = #"李&王<测试>"O'Neil""#
        let remark = "MEDCLAIMS <R1> & \"R2\""
        try writePain001(path, [transfer("E2E-1", person(name), 100, remittance: remark)])
        let raw = try text(path)
        #expect(raw.contains("<Nm>李&amp;王&lt;测试&gt;&quot;O&apos;Neil&quot;</Nm>"))
        #expect(elementTexts(path, "Nm").contains(name))
        #expect(elementTexts(path, "Ustrd") == [remark])
        #expect(try PaymentSchema.validate(fileAt: path) == [])
    }

    @Test func controlCharactersAreReplacedAndLongNamesCutTo140() throws {
        let path = try temporaryFolder() + "/control.xml"
        // U+0001 and the tab become one space; U+FFFE is not a character and goes.
        let dirty = "张三\u{01}\t丰\u{FFFE}"
        let long = String(repeating: "测", count: 150)
        try writePain001(path, [transfer("E2E-1", person(dirty), 100), transfer("E2E-2", person(long), 200)])
        let names = elementTexts(path, "Nm").filter { !$0.contains("银行") && !$0.contains("中心") }
        #expect(names == ["张三 丰", String(repeating: "测", count: 140)])
        #expect(try PaymentSchema.validate(fileAt: path) == [])
    }

    @Test func payeeWithManyClaimsGetsARemittanceWithin140() throws {
        let path = try temporaryFolder() + "/many.xml"
        let ids = (1...300).map { "R20260302-0001-" + String(1_000_000 + $0).dropFirst() }
        let remittance = Remittance.text(setlIds: ids, totalClaims: ids.count, fundCodes: ["310100", "310200"])
        try writePain001(path, [transfer("E2E-1", person("王五"), 123_456, remittance: remittance)])
        let ustrd = elementTexts(path, "Ustrd")
        #expect(ustrd == [remittance])
        #expect(ustrd[0].unicodeScalars.count <= 140)
        #expect(try PaymentSchema.validate(fileAt: path) == [])
    }

    @Test func countOrSumDifferentFromTheHeaderMakesFinishThrow() throws {
        let folder = try temporaryFolder()
        // Announces 3 transfers, appends 2.
        let short = try Pain001Writer(path: folder + "/count.xml", header: header(count: 3, sum: threeTransfersSum))
        try short.append(threeTransfers[0])
        try short.append(threeTransfers[1])
        #expect(throws: PaymentFileError.countMismatch(announced: 3, appended: 2)) { try short.finish() }

        // Announces 577601 fen; the transfers add up to 457566 + 120005 + 29 = 577600.
        let off = try Pain001Writer(path: folder + "/sum.xml", header: header(count: 3, sum: 577_601))
        for t in threeTransfers { try off.append(t) }
        #expect(throws: PaymentFileError.sumMismatch(announced: 577_601, appended: 577_600)) { try off.finish() }

        // A sum past the announced one is refused as soon as it happens: 457566 + 120005 > 500000.
        let over = try Pain001Writer(path: folder + "/over.xml", header: header(count: 3, sum: 500_000))
        try over.append(threeTransfers[0])
        #expect(throws: PaymentFileError.sumMismatch(announced: 500_000, appended: 577_571)) {
            try over.append(threeTransfers[1])
        }

        let extra = try Pain001Writer(path: folder + "/extra.xml", header: header(count: 1, sum: 457_566))
        try extra.append(threeTransfers[0])
        #expect(throws: PaymentFileError.tooManyTransfers(announced: 1)) { try extra.append(threeTransfers[2]) }
    }

    @Test func transfersAndHeadersThatCannotMakeAValidFileAreRefused() throws {
        let folder = try temporaryFolder()
        let w = try Pain001Writer(path: folder + "/refuse.xml", header: header(count: 1, sum: 100))
        func problem(_ t: PaymentTransfer) -> String? {
            do { try w.append(t); return nil } catch let PaymentFileError.invalidTransfer(_, field, _) { return field }
            catch { return "\(error)" }
        }
        #expect(problem(transfer("E2E-1", person("张三"), 0)) == "amount")
        #expect(problem(transfer("E2E-1", person("张三"), -5)) == "amount")
        #expect(problem(transfer("E2E-1", person("张三", bankCode: "10212100001"), 100)) == "payee bank code")
        #expect(problem(transfer("E2E-1", person("张三", account: "6222 0212"), 100)) == "payee account")
        #expect(problem(transfer("E2E-1", person(" \u{07} "), 100)) == "payee name")
        #expect(problem(transfer(String(repeating: "X", count: 36), person("张三"), 100)) == "EndToEndId")
        #expect(problem(transfer("E2E 1", person("张三"), 100)) == "EndToEndId")

        #expect(throws: PaymentFileError.self) { try Pain001Writer(path: folder + "/h.xml", header: header(count: 0, sum: 0)) }
        var badTime = header(count: 1, sum: 100)
        badTime.creationDateTime = "2026-03-02 02:00"
        #expect(throws: PaymentFileError.self) { try Pain001Writer(path: folder + "/t.xml", header: badTime) }
        // Nothing written is left half-counted: after the refusals the writer still takes its one transfer.
        try w.append(transfer("E2E-1", person("张三"), 100))
        try w.finish()
        #expect(try PaymentSchema.validate(fileAt: folder + "/refuse.xml") == [])
    }

    @Test func sameInputGivesByteIdenticalFiles() throws {
        let folder = try temporaryFolder()
        try writePain001(folder + "/a.xml", threeTransfers)
        try writePain001(folder + "/b.xml", threeTransfers)
        #expect(try bytes(folder + "/a.xml") == bytes(folder + "/b.xml"))
    }

    @Test(.enabled(if: hasXmllint, "xmllint is not installed"))
    func xmllintAgreesWithTheOfficialSchema() throws {
        let path = try temporaryFolder() + "/lint.xml"
        try writePain001(path, threeTransfers + [transfer("E2E-4", person(#"李&王<测试>"#), 1)])
        #expect(try run(xmllint, ["--noout", "--nonet", "--schema", officialXSD, path]).status == 0)
    }
}

@Suite struct Pain001VolumeTests {
    @Test func fiveThousandTransfersStreamValidateAndReconcile() throws {
        let folder = try temporaryFolder()
        // Transfer i pays i fen: 1 + 2 + … + 5000 = 5000 × 5001 / 2 = 12502500 fen = 125025.00 yuan.
        let transfers = (1...5000).map { i in
            transfer("R20260302-0001-T" + String(1_000_000 + i).dropFirst(), person("患者\(i)"), Fen(i))
        }
        let w = try Pain001Writer(path: folder + "/v.xml", header: header(count: 5000, sum: 12_502_500))
        for t in transfers { try w.append(t) }
        try w.finish()
        #expect(elementTexts(folder + "/v.xml", "CtrlSum") == ["125025.00", "125025.00"])
        #expect(try PaymentSchema.validate(fileAt: folder + "/v.xml") == [])
    }
}
