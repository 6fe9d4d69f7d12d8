import CLibXML2
import Domain
import Foundation
@testable import Payments
import TextFormats

/// A fresh folder per test, so tests can run in parallel.
func temporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("payments-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

let payer = PayerAccount(account: "0402020109300012345", name: "石家庄市医疗保障事务中心",
                         bankName: "中国工商银行石家庄分行", bankCode: "102121000011")

func header(count: Int, sum: Fen, messageId: String = "R20260302-0001-PAY") -> PaymentBatchHeader {
    PaymentBatchHeader(messageId: messageId, paymentInfoId: "R20260302-0001-PMT1",
                       creationDateTime: "2026-03-02T02:00:00", requestedExecutionDate: Day("2026-03-03")!,
                       numberOfTransactions: count, controlSum: sum, payer: payer)
}

func person(_ name: String, account: String = "6222021234567891234", bankCode: String = "102121000022") -> Payee {
    Payee(kind: .person, id: "P130102000001", name: name, account: account, bankName: "中国工商银行石家庄中华大街支行",
          bankCode: bankCode)
}

func transfer(_ id: String, _ payee: Payee, _ amount: Fen, remittance: String = "MEDCLAIMS R20260302-0001-000001")
    -> PaymentTransfer {
    PaymentTransfer(endToEndId: id, payee: payee, amount: amount, remittance: remittance)
}

/// Three transfers: 4575.66 + 1200.05 + 0.29 yuan = 457566 + 120005 + 29 fen = 577600 fen = 5776.00 yuan.
let threeTransfers = [
    transfer("R20260302-0001-T000001", person("张三"), 457_566),
    transfer("R20260302-0001-T000002",
             Payee(kind: .institution, id: "H13010200001", name: "河北医科大学第二医院", account: "0402020109300098765",
                   bankName: "中国建设银行石家庄分行", bankCode: "105121000013"), 120_005,
             remittance: "MEDCLAIMS 310100 R20260302-0001-000002 R20260302-0001-000003"),
    transfer("R20260302-0001-T000003", person("李四", account: "6217000010001234567"), 29),
]
let threeTransfersSum: Fen = 577_600

func sum(_ transfers: [PaymentTransfer]) -> Fen { transfers.reduce(0) { $0 + $1.amount } }

func writePain001(_ path: String, _ transfers: [PaymentTransfer]) throws {
    let w = try Pain001Writer(path: path, header: header(count: transfers.count, sum: sum(transfers)))
    for t in transfers { try w.append(t) }
    try w.finish()
}

func writeCSV(_ path: String, _ transfers: [PaymentTransfer], encoding: TextEncoding = .utf8) throws {
    let w = try BankCSVWriter(path: path, header: header(count: transfers.count, sum: sum(transfers)),
                              encoding: encoding)
    for t in transfers { try w.append(t) }
    try w.finish()
}

func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
func text(_ path: String) throws -> String { String(decoding: try bytes(path), as: UTF8.self) }
func write(_ text: String, to path: String) throws { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) }

/// The text content of every element called `name` in the file, in document order, read
/// back with libxml2's parser (so escaping is undone exactly as a bank's parser would).
func elementTexts(_ path: String, _ name: String) -> [String] {
    guard let doc = xmlReadFile(path, nil, Int32(XML_PARSE_NONET.rawValue)) else { return [] }
    defer { xmlFreeDoc(doc) }
    var found: [String] = []
    func walk(_ node: xmlNodePtr?) {
        var node = node
        while let n = node {
            if n.pointee.type == XML_ELEMENT_NODE, String(cString: n.pointee.name) == name,
               let content = xmlNodeGetContent(n) {
                found.append(String(cString: content))
                medclaims_xmlFree(content)
            }
            walk(n.pointee.children)
            node = n.pointee.next
        }
    }
    walk(xmlDocGetRootElement(doc))
    return found
}

/// The 1-based number of the first line containing `needle`.
func line(of needle: String, in text: String) -> Int? {
    text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
}

/// Runs a program and returns its exit status and standard output.
func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: [UInt8]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, Array(output))
}

let xmllint = "/usr/bin/xmllint"
let hasXmllint = FileManager.default.isExecutableFile(atPath: xmllint)
/// The official schema as the project received it (`shared/` beside the checkout, as CI has
/// it); the bundled copy is the same file and stands in where `shared/` is absent.
let officialXSD: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.path
    let candidates = [root + "/../shared/schemas/pain.001.001.09.xsd", "/work/shared/schemas/pain.001.001.09.xsd",
                      root + "/Sources/Payments/Resources/pain.001.001.09.xsd"]
    return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[2]
}()
