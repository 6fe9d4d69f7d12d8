#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibXML2
import Domain

/// The namespace of submissions (data.md "XML").
public let submissionNamespace = "urn:medclaims:submission:1"

/// The first error libxml2 reports while a file is read (warnings are ignored).
final class XMLErrorCollector {
    var message: String?
    var code: Int32 = 0
    var line: Int?
    var column: Int?

    func record(_ error: UnsafePointer<xmlError>) {
        guard message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        var text = error.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        while text.last == "\n" || text.last == " " { text.removeLast() }
        message = text.split(separator: "\n").joined(separator: "; ")
        code = error.pointee.code
        line = error.pointee.line > 0 ? Int(error.pointee.line) : nil
        column = error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil
    }
}

private let collectError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    Unmanaged<XMLErrorCollector>.fromOpaque(context).takeUnretainedValue().record(error)
}

/// Streams one XML submission through libxml2's `xmlTextReader`: memory stays flat whatever
/// the file's size, because only the current node and the current claim are held.
///
/// Safety: the parser runs with `XML_PARSE_NONET` and without `NOENT`, `DTDLOAD`, `DTDATTR`
/// and `HUGE`, so no entity is substituted, nothing outside the file is loaded, and
/// libxml2's default limits (text nodes of 10 MB, nesting 256 deep) stop monsters early.
/// A DOCTYPE of any kind refuses the file before anything else happens.
struct XMLSubmissionReader {
    let path: String
    let displayName: String
    let skipClaims: Int

    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)

    /// The claim children of `<claim>` that hold text. `invoice_*` live on `<invoice/>`;
    /// `submitted` and `mode` on the root.
    private static let textFields: [String: ClaimField] = {
        var fields = ClaimField.byName
        for f in [ClaimField.invoiceNo, .invoiceDate, .invoiceAmount, .submitted, .mode] { fields[f.name] = nil }
        return fields
    }()

    private static let invoiceAttributes: [String: ClaimField] = ["no": .invoiceNo, "date": .invoiceDate, "amount": .invoiceAmount]

    func read(onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary {
        xmlInitParser()
        guard let reader = xmlReaderForFile(path, nil, XMLSubmissionReader.options) else {
            throw FileRefusal(file: displayName, line: nil, expected: "a readable XML file", found: "a file libxml2 cannot open")
        }
        defer { xmlFreeTextReader(reader) }
        let collector = XMLErrorCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, collectError, context)
        // Errors raised outside the reader's own channel (I/O, encoding set-up) go to the
        // thread's handler: catch those too instead of letting libxml2 print them.
        xmlSetStructuredErrorFunc(context, collectError)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        var cursor = XMLCursor(reader: reader, collector: collector, path: path, displayName: displayName)
        return try withExtendedLifetime(collector) {
            try readDocument(&cursor, onClaim: onClaim)
        }
    }

    private func readDocument(_ cursor: inout XMLCursor, onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary {
        // The prolog: comments and processing instructions may come before the root; a
        // DOCTYPE may not.
        while true {
            guard try cursor.read() else {
                throw cursor.refusal(expected: "a <submission> root element", found: "no element")
            }
            if cursor.nodeType == XML_READER_TYPE_ELEMENT { break }
            try cursor.refuseDoctype()
        }
        guard cursor.localName == "submission", cursor.inSubmissionNamespace else {
            let found = cursor.namespace.map { "<\(cursor.localName)> in namespace \($0)" } ?? "<\(cursor.localName)> in no namespace"
            throw cursor.refusal(expected: "root <submission> in namespace \(submissionNamespace)", found: found)
        }
        let rootLine = cursor.line
        var id: String?, submittedText: String?, modeText: String?
        for attribute in cursor.attributes() where attribute.namespace == nil {
            switch attribute.name {
            case "id": id = attribute.value
            case "submitted": submittedText = attribute.value
            case "mode": modeText = attribute.value
            default:
                throw cursor.refusal(line: rootLine, expected: "only the attributes id, submitted and mode on <submission>",
                                     found: "attribute \(attribute.name)=\"\(attribute.value)\"")
            }
        }
        // The root's attributes hold for every claim: a bad one would make every claim of
        // the file invalid, so the file is refused whole instead.
        guard let id, !trimmedBlanks(id).isEmpty else {
            throw cursor.refusal(line: rootLine, expected: "an id attribute on <submission>", found: "none")
        }
        let submission = trimmedBlanks(id)
        guard let submittedText, let submitted = Day(trimmedBlanks(submittedText)) else {
            throw cursor.refusal(line: rootLine, expected: "submitted=\"YYYY-MM-DD\" on <submission>",
                                 found: submittedText.map { "submitted=\"\($0)\"" } ?? "none")
        }
        guard let modeText, let mode = SettlementMode(rawValue: trimmedBlanks(modeText)) else {
            throw cursor.refusal(line: rootLine, expected: "mode=\"manual\" or mode=\"direct\" on <submission>",
                                 found: modeText.map { "mode=\"\($0)\"" } ?? "none")
        }

        let normaliser = Normaliser(submission: submission, format: .xml)
        var summary = SubmissionSummary(submission: submission, format: .xml, mode: mode, submitted: submitted,
                                        claims: 0, invalidClaims: 0, lines: 0)
        if !cursor.isEmptyElement {
            while try cursor.read() {
                if cursor.nodeType == XML_READER_TYPE_END_ELEMENT && cursor.depth == 0 { break }
                if cursor.nodeType == XML_READER_TYPE_ELEMENT {
                    guard cursor.localName == "claim", cursor.inSubmissionNamespace else {
                        let found = cursor.inSubmissionNamespace
                            ? "<\(cursor.localName)>" : "<\(cursor.localName)> in namespace \(cursor.namespace ?? "none")"
                        throw cursor.refusal(expected: "<claim> inside <submission>", found: found)
                    }
                    var raw = try readClaim(&cursor)
                    raw[.submitted] = RawValue(text: submittedText, line: rootLine)
                    raw[.mode] = RawValue(text: modeText, line: rootLine)
                    let ordinal = summary.claims
                    summary.claims += 1
                    summary.lines += raw.fees.count
                    if ordinal >= skipClaims {
                        let claim = normaliser.normalise(raw, ordinal: ordinal)
                        if case .invalid = claim { summary.invalidClaims += 1 }
                        try onClaim(claim)
                    }
                } else if cursor.isText, !cursor.isBlankText {
                    throw cursor.refusal(expected: "only <claim> elements inside <submission>", found: "text")
                }
            }
        }
        // Whatever follows the root must still be well-formed (libxml2 reports extra content).
        cursor.rootClosed = true
        while try cursor.read() {}
        return summary
    }

    /// Reads one `<claim>` (the cursor is on its start tag) into a `RawClaim`, noting every
    /// problem of structure; leaves the cursor on its end tag.
    private func readClaim(_ cursor: inout XMLCursor) throws -> RawClaim {
        var raw = RawClaim(line: cursor.line)
        for attribute in cursor.attributes() {
            raw.problems.append(FieldProblem(field: "claim", value: attribute.value, line: raw.line,
                                             message: "has an unknown attribute \(attribute.name)"))
        }
        if cursor.isEmptyElement { return raw }
        let claimDepth = cursor.depth
        var firstLine: [String: Int] = [:]
        func repeated(_ name: String, line: Int) -> Bool {
            if let first = firstLine[name] {
                raw.problems.append(FieldProblem(field: name, value: "", line: line,
                                                 message: "appears more than once in the claim (first on line \(first))"))
                return true
            }
            firstLine[name] = line
            return false
        }
        while try cursor.read() {
            if cursor.nodeType == XML_READER_TYPE_END_ELEMENT && cursor.depth == claimDepth { break }
            if cursor.isText {
                if !cursor.isBlankText {
                    raw.problems.append(FieldProblem(field: "claim", value: cursor.value, line: cursor.line,
                                                     message: "has text outside any field"))
                }
                continue
            }
            guard cursor.nodeType == XML_READER_TYPE_ELEMENT else { continue }
            let line = cursor.line
            let name = cursor.localName
            guard cursor.inSubmissionNamespace else {
                raw.problems.append(FieldProblem(field: name, value: "", line: line,
                                                 message: "is an element from another namespace (\(cursor.namespace ?? "none"))"))
                try cursor.skipSubtree()
                continue
            }
            if let field = XMLSubmissionReader.textFields[name] {
                for attribute in cursor.attributes() {
                    raw.problems.append(FieldProblem(field: name, value: attribute.value, line: line,
                                                     message: "has an unknown attribute \(attribute.name)"))
                }
                let value = try readText(&cursor, field: name, problems: &raw.problems)
                if !repeated(name, line: line) {
                    raw[field] = RawValue(text: value.text, line: value.line)
                }
            } else if name == "invoice" {
                let isRepeat = repeated(name, line: line)
                for attribute in cursor.attributes() {
                    if attribute.namespace == nil, let field = XMLSubmissionReader.invoiceAttributes[attribute.name] {
                        if !isRepeat { raw[field] = RawValue(text: attribute.value, line: line) }
                    } else {
                        raw.problems.append(FieldProblem(field: "invoice", value: attribute.value, line: line,
                                                         message: "has an unknown attribute \(attribute.name)"))
                    }
                }
                try expectNoContent(&cursor, element: "invoice", problems: &raw.problems)
            } else if name == "fees" {
                _ = repeated(name, line: line)
                for attribute in cursor.attributes() {
                    raw.problems.append(FieldProblem(field: "fees", value: attribute.value, line: line,
                                                     message: "has an unknown attribute \(attribute.name)"))
                }
                try readFees(&cursor, into: &raw)
            } else {
                raw.problems.append(FieldProblem(field: name, value: "", line: line,
                                                 message: "is not a field of a claim (unknown element)"))
                try cursor.skipSubtree()
            }
        }
        return raw
    }

    /// The text of a simple field element; child elements are problems.
    private func readText(_ cursor: inout XMLCursor, field: String, problems: inout [FieldProblem]) throws -> (text: String, line: Int) {
        let startLine = cursor.line
        if cursor.isEmptyElement { return ("", startLine) }
        let depth = cursor.depth
        var text = ""
        var textLine: Int?
        while try cursor.read() {
            if cursor.nodeType == XML_READER_TYPE_END_ELEMENT && cursor.depth == depth { break }
            if cursor.isText {
                if textLine == nil, !cursor.isBlankText { textLine = cursor.line }
                text += cursor.value
            } else if cursor.nodeType == XML_READER_TYPE_ELEMENT {
                problems.append(FieldProblem(field: field, value: "", line: cursor.line,
                                             message: "holds an element <\(cursor.localName)> (it takes text only)"))
                try cursor.skipSubtree()
            }
        }
        return (text, textLine ?? startLine)
    }

    /// `<invoice/>` and `<fee/>` carry attributes only.
    private func expectNoContent(_ cursor: inout XMLCursor, element: String, problems: inout [FieldProblem]) throws {
        if cursor.isEmptyElement { return }
        let depth = cursor.depth
        var reported = false
        while try cursor.read() {
            if cursor.nodeType == XML_READER_TYPE_END_ELEMENT && cursor.depth == depth { break }
            let isContent = cursor.nodeType == XML_READER_TYPE_ELEMENT || (cursor.isText && !cursor.isBlankText)
            if isContent && !reported {
                reported = true
                problems.append(FieldProblem(field: element, value: "", line: cursor.line,
                                             message: "has content (it takes attributes only)"))
            }
            if cursor.nodeType == XML_READER_TYPE_ELEMENT { try cursor.skipSubtree() }
        }
    }

    private func readFees(_ cursor: inout XMLCursor, into raw: inout RawClaim) throws {
        if cursor.isEmptyElement { return }
        let depth = cursor.depth
        while try cursor.read() {
            if cursor.nodeType == XML_READER_TYPE_END_ELEMENT && cursor.depth == depth { break }
            if cursor.isText {
                if !cursor.isBlankText {
                    raw.problems.append(FieldProblem(field: "fees", value: cursor.value, line: cursor.line,
                                                     message: "has text outside any <fee/>"))
                }
                continue
            }
            guard cursor.nodeType == XML_READER_TYPE_ELEMENT else { continue }
            guard cursor.localName == "fee", cursor.inSubmissionNamespace else {
                raw.problems.append(FieldProblem(field: cursor.localName, value: "", line: cursor.line,
                                                 message: "is not a <fee/> (unknown element inside <fees>)"))
                try cursor.skipSubtree()
                continue
            }
            var fee = RawFeeLine(line: cursor.line)
            for attribute in cursor.attributes() {
                if attribute.namespace == nil, let field = FeeField.byXMLName[attribute.name] {
                    fee[field] = RawValue(text: attribute.value, line: fee.line)
                } else {
                    raw.problems.append(FieldProblem(field: "fee", value: attribute.value, line: fee.line,
                                                     message: "has an unknown attribute \(attribute.name)"))
                }
            }
            try expectNoContent(&cursor, element: "fee", problems: &raw.problems)
            raw.fees.append(fee)
        }
    }
}

/// The libxml2 reader, one node at a time, with lines that stay right past line 65535.
struct XMLCursor {
    let reader: xmlTextReaderPtr
    let collector: XMLErrorCollector
    let path: String
    let displayName: String
    /// The line of the end of the last text node (whitespace included). libxml2 stores the
    /// line of an element in 16 bits; with `XML_PARSE_BIG_LINES` a text node keeps the full
    /// line, and the text before an element ends on the element's line.
    private var lastTextLine = 1
    /// `</submission>` was read: from then on only comments and blanks may follow.
    var rootClosed = false

    init(reader: xmlTextReaderPtr, collector: XMLErrorCollector, path: String, displayName: String) {
        self.reader = reader
        self.collector = collector
        self.path = path
        self.displayName = displayName
    }

    var nodeType: xmlReaderTypes = XML_READER_TYPE_NONE

    /// The next node; false at the end of the document. Any libxml2 error refuses the file.
    mutating func read() throws -> Bool {
        let result = xmlTextReaderRead(reader)
        if collector.message != nil || result < 0 { throw parserRefusal() }
        if result == 0 { return false }
        nodeType = xmlReaderTypes(rawValue: UInt32(xmlTextReaderNodeType(reader)))
        if isText {
            let line = xmlGetLineNo(xmlTextReaderCurrentNode(reader))
            if line > 0 { lastTextLine = line }
        }
        try refuseDoctype()
        return true
    }

    func refuseDoctype() throws {
        if nodeType == XML_READER_TYPE_DOCUMENT_TYPE {
            throw refusal(line: doctypeLine(), expected: "no DOCTYPE (document type declarations and entities are not accepted)",
                          found: "<!DOCTYPE \(localName)>")
        }
    }

    /// libxml2 keeps no line for a DOCTYPE node; it sits in the prolog, so find it there.
    private func doctypeLine() -> Int? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var head = [UInt8](repeating: 0, count: 64 << 10)
        let count = fread(&head, 1, head.count, file)
        let marker = Array("<!DOCTYPE".utf8)
        guard count >= marker.count else { return nil }
        var line = 1
        for i in 0...(count - marker.count) {
            if head[i] == 0x0A { line += 1 }
            if head[i] == 0x3C, Array(head[i..<(i + marker.count)]) == marker { return line }
        }
        return nil
    }

    private func parserRefusal() -> FileRefusal {
        var message = collector.message ?? "an error libxml2 did not describe"
        // libxml2's push parser words a file cut short as "Extra content at the end".
        if collector.code == Int32(XML_ERR_DOCUMENT_END.rawValue) && !rootClosed {
            message = "the end of the file before </submission> (is the file cut short?)"
        }
        let expected: String
        if message.contains("encoding") || message.contains("UTF-8") || message.contains("Char 0x") {
            expected = "text in the encoding the XML declaration names (UTF-8 when it names none)"
        } else if message.contains("Excessive depth") || message.contains("huge") || message.contains("too long")
                    || message.contains("limit") {
            expected = "XML within the parser's limits (nesting, text and name sizes)"
        } else {
            expected = "well-formed XML"
        }
        return FileRefusal(file: displayName, line: collector.line, column: collector.column, expected: expected, found: message)
    }

    func refusal(line: Int? = nil, expected: String, found: String) -> FileRefusal {
        FileRefusal(file: displayName, line: line ?? self.line, expected: expected, found: found)
    }

    var isText: Bool {
        nodeType == XML_READER_TYPE_TEXT || nodeType == XML_READER_TYPE_CDATA
            || nodeType == XML_READER_TYPE_WHITESPACE || nodeType == XML_READER_TYPE_SIGNIFICANT_WHITESPACE
    }

    var isBlankText: Bool {
        guard let value = xmlTextReaderConstValue(reader) else { return true }
        var p = value
        while p.pointee != 0 {
            let b = p.pointee
            if !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) { return false }
            p += 1
        }
        return true
    }

    /// Compared in C: the namespace of every element is checked, and a Swift String of the
    /// URI would be a heap allocation each time.
    var inSubmissionNamespace: Bool {
        xmlStrEqual(xmlTextReaderConstNamespaceUri(reader), submissionNamespace) == 1
    }

    var depth: Int32 { xmlTextReaderDepth(reader) }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    var localName: String { xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "" }
    var namespace: String? { xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) } }
    var value: String { xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? "" }

    /// The line of the current node.
    var line: Int {
        let line = xmlGetLineNo(xmlTextReaderCurrentNode(reader))
        return line > 0 && line < 65535 ? line : lastTextLine
    }

    /// The attributes of the current element, namespace declarations left out.
    func attributes() -> [(namespace: String?, name: String, value: String)] {
        var result: [(namespace: String?, name: String, value: String)] = []
        guard xmlTextReaderHasAttributes(reader) == 1, xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return result }
        repeat {
            if xmlTextReaderIsNamespaceDecl(reader) != 1 {
                result.append((namespace, localName, value))
            }
        } while xmlTextReaderMoveToNextAttribute(reader) == 1
        xmlTextReaderMoveToElement(reader)
        return result
    }

    /// Skips the content of the current element (nothing to do for `<empty/>`).
    mutating func skipSubtree() throws {
        if isEmptyElement { return }
        let start = depth
        while try read() {
            if nodeType == XML_READER_TYPE_END_ELEMENT && depth == start { return }
        }
    }
}
