import Foundation
import CLibXML2
import Domain
import Ingest
import Testing

/// docs/submission.xsd and the reader say the same thing: files the schema accepts read
/// without a problem, and the claim-level faults the schema rejects are INVALID_DATA.
@Suite struct SchemaTests {
    /// Validates a file against the XSD with libxml2; nil when valid, else the first message.
    private func schemaError(_ path: String) throws -> String? {
        let parser = try #require(xmlSchemaNewParserCtxt(Paths.schema))
        defer { xmlSchemaFreeParserCtxt(parser) }
        let schema = try #require(xmlSchemaParse(parser), "docs/submission.xsd does not parse")
        defer { xmlSchemaFree(schema) }
        let context = try #require(xmlSchemaNewValidCtxt(schema))
        defer { xmlSchemaFreeValidCtxt(context) }
        final class Box { var message: String? }
        let box = Box()
        xmlSchemaSetValidStructuredErrors(context, { userData, error in
            guard let userData, let error else { return }
            let box = Unmanaged<Box>.fromOpaque(userData).takeUnretainedValue()
            if box.message == nil { box.message = error.pointee.message.map { String(cString: $0) } ?? "?" }
        }, Unmanaged.passUnretained(box).toOpaque())
        let result = withExtendedLifetime(box) { xmlSchemaValidateFile(context, path, 0) }
        return result == 0 ? nil : (box.message ?? "error \(result)")
    }

    @Test(arguments: ["good.xml", "good-gb18030.xml", "good-gbk.xml", "any-order.xml"])
    func goodFixturesValidate(name: String) throws {
        #expect(try schemaError(Paths.fixture(name)) == nil)
        let outcome = try readSubmission(Paths.fixture(name))
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.isEmpty)
    }

    /// Claim-level faults: invalid for the schema, INVALID_DATA for the reader.
    @Test(arguments: ["unknown-element.xml", "repeated-field.xml", "no-fee-lines.xml", "unknown-attribute.xml",
                      "bad-codes.xml", "missing-field.xml"])
    func claimFaultsAreSchemaErrorsToo(name: String) throws {
        #expect(try schemaError(Paths.bad(name)) != nil)
        let outcome = try readSubmission(Paths.bad(name))
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.count == 1)
    }

    /// File-level faults: invalid for the schema (or not XML at all), refused by the reader.
    @Test(arguments: ["wrong-namespace.xml", "wrong-root.xml", "bad-root-mode.xml", "bad-root-submitted.xml",
                      "unknown-element-at-top.xml"])
    func fileFaultsAreSchemaErrorsToo(name: String) throws {
        #expect(try schemaError(Paths.bad(name)) != nil)
        #expect(try readSubmission(Paths.bad(name)).refusal != nil)
    }

    /// Found by review: `<emergency/>` is neither 0 nor 1 for the schema, and the reader read
    /// it as 0. It is INVALID_DATA now; an absent element is still 0.
    @Test func anEmptyEmergencyElementIsInvalid() throws {
        let good = try String(contentsOfFile: Paths.fixture("good.xml"), encoding: .utf8)
        let path = Paths.temporaryFolder() + "/empty-emergency.xml"
        try Paths.write(good.replacingOccurrences(of: "<emergency>0</emergency>", with: "<emergency/>"), to: path)
        #expect(try schemaError(path) != nil)
        let outcome = try readSubmission(path)
        #expect(outcome.invalid.count == 2)
        #expect(outcome.invalid.first?.problems.map(\.field) == ["emergency"])
        #expect(outcome.invalid.first?.problems.first?.message == "is not 0 or 1")
        let absent = Paths.temporaryFolder() + "/no-emergency.xml"
        try Paths.write(good.replacingOccurrences(of: "<emergency>0</emergency>", with: ""), to: absent)
        #expect(try schemaError(absent) == nil)
        #expect(try readSubmission(absent).valid.map(\.emergency) == [false, false])
    }

    /// Claim faults the review found no test for: each makes its claim INVALID_DATA with the
    /// problem named, the schema refuses it too, and the file's other claim is read.
    @Test(arguments: [
        ("<invoice no=\"3100126000123\"", "<invoice discount=\"0.9\" no=\"3100126000123\"", "invoice", "has an unknown attribute discount"),
        ("<psn_name>", "<psn_name lang=\"zh\">", "psn_name", "has an unknown attribute lang"),
        ("<documents>", "<x:note xmlns:x=\"urn:other\">hi</x:note><documents>", "note",
         "is an element from another namespace (urn:other)"),
        ("<mdtrt_id>ZY20260201-0007</mdtrt_id>", "<mdtrt_id>ZY20260201-0007</mdtrt_id>stray", "claim", "has text outside any field"),
    ])
    func claimFaultsTheReviewFound(old: String, new: String, field: String, message: String) throws {
        let good = try String(contentsOfFile: Paths.fixture("good.xml"), encoding: .utf8)
        let at = try #require(good.range(of: old))
        let path = Paths.temporaryFolder() + "/fault.xml"
        try Paths.write(good.replacingCharacters(in: at, with: new), to: path)
        #expect(try schemaError(path) != nil)
        let outcome = try readSubmission(path)
        #expect(outcome.refusal == nil)
        #expect(outcome.invalid.map(\.sourceLine) == [3])
        #expect(outcome.invalid.first?.problems.map(\.field) == [field])
        #expect(outcome.invalid.first?.problems.first?.message == message)
        #expect(outcome.valid.count == 1)
    }

    /// What the schema cannot say, the reader adds: the check digit.
    @Test func checkDigitIsBeyondTheSchema() throws {
        #expect(try schemaError(Paths.bad("bad-certno.xml")) == nil)
        #expect(try readSubmission(Paths.bad("bad-certno.xml")).invalid.count == 1)
    }
}
