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
    /// Checked after every node: without dynamic exclusivity checks, which would cost more
    /// than the check. Only libxml2's error callback, on this thread, writes it.
    @exclusivity(unchecked) var message: String?
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

    /// `XML_PARSE_COMPACT` (as `xmllint` uses by default) keeps text of less than 16 bytes
    /// inside its node instead of a separate allocation: most values of a submission.
    private static let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue)

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
        var checker = FeeLineChecker(format: .xml)
        return try withExtendedLifetime(collector) {
            try readDocument(&cursor, checker: &checker, onClaim: onClaim)
        }
    }

    private func readDocument(_ cursor: inout XMLCursor, checker: inout FeeLineChecker,
                              onClaim: (IngestedClaim) throws -> Void) throws -> SubmissionSummary {
        // The prolog: comments and processing instructions may come before the root; a
        // DOCTYPE may not.
        while true {
            guard try cursor.read() else {
                throw cursor.refusal(expected: "a <submission> root element", found: "no element")
            }
            if cursor.nodeType == XML_READER_TYPE_ELEMENT { break }
            try cursor.refuseDoctype()
        }
        guard cursor.isNamed(cursor.names.submission), cursor.inSubmissionNamespace else {
            let found = cursor.namespace.map { "<\(cursor.localName)> in namespace \($0)" } ?? "<\(cursor.localName)> in no namespace"
            throw cursor.refusal(expected: "root <submission> in namespace \(submissionNamespace)", found: found)
        }
        let rootLine = cursor.line
        cursor.rootNamespace = xmlTextReaderCurrentNode(cursor.reader)?.pointee.ns
        var id: String?, submittedText: String?, modeText: String?
        try cursor.forEachAttribute { namespace, name, value in
            guard namespace == nil else { return }
            switch string(name) {
            case "id": id = String(decoding: value, as: UTF8.self)
            case "submitted": submittedText = String(decoding: value, as: UTF8.self)
            case "mode": modeText = String(decoding: value, as: UTF8.self)
            case let other:
                throw cursor.refusal(line: rootLine, expected: "only the attributes id, submitted and mode on <submission>",
                                     found: "attribute \(other)=\"\(String(decoding: value, as: UTF8.self))\"")
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
                    guard cursor.isNamed(cursor.names.claim), cursor.inSubmissionNamespace else {
                        let found = cursor.inSubmissionNamespace
                            ? "<\(cursor.localName)>" : "<\(cursor.localName)> in namespace \(cursor.namespace ?? "none")"
                        throw cursor.refusal(expected: "<claim> inside <submission>", found: found)
                    }
                    let ordinal = summary.claims
                    summary.claims += 1
                    // The raw claim ends before the claim is delivered: whoever takes the
                    // claim frees what it holds, not this thread.
                    let claim: IngestedClaim? = try {
                        var raw = try readClaim(&cursor, checker: &checker)
                        raw[.submitted] = RawValue(text: submittedText, line: rootLine)
                        raw[.mode] = RawValue(text: modeText, line: rootLine)
                        summary.lines += raw.fees.count
                        return ordinal >= skipClaims ? normaliser.normalise(raw, ordinal: ordinal) : nil
                    }()
                    if let claim {
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
        cursor.rootNamespace = nil
        while try cursor.read() {}
        return summary
    }

    /// Reads one `<claim>` (the cursor is on its start tag) into a `RawClaim`, noting every
    /// problem of structure and checking its fee lines; leaves the cursor on its end tag.
    private func readClaim(_ cursor: inout XMLCursor, checker: inout FeeLineChecker) throws -> RawClaim {
        var raw = RawClaim(line: cursor.line)
        checker.startClaim()
        cursor.forEachAttribute { _, name, value in
            raw.problems.append(FieldProblem(field: "claim", value: String(decoding: value, as: UTF8.self), line: raw.line,
                                             message: "has an unknown attribute \(string(name))"))
        }
        if cursor.isEmptyElement { return raw }
        let claimDepth = cursor.depth
        // The line where each child element was first seen (0: not yet), by `ClaimChild.index`.
        var firstLine = [Int](repeating: 0, count: ClaimChild.count)
        func repeated(_ child: ClaimChild, line: Int) -> Bool {
            let first = firstLine[child.index]
            if first != 0 {
                raw.problems.append(FieldProblem(field: child.name, value: "", line: line,
                                                 message: "appears more than once in the claim (first on line \(first))"))
                return true
            }
            firstLine[child.index] = line
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
            guard cursor.inSubmissionNamespace else {
                raw.problems.append(FieldProblem(field: cursor.localName, value: "", line: line,
                                                 message: "is an element from another namespace (\(cursor.namespace ?? "none"))"))
                try cursor.skipSubtree()
                continue
            }
            switch cursor.names.claimChild(cursor.localNamePointer) {
            case .text(let field)?:
                cursor.forEachAttribute { _, name, value in
                    raw.problems.append(FieldProblem(field: field.name, value: String(decoding: value, as: UTF8.self), line: line,
                                                     message: "has an unknown attribute \(string(name))"))
                }
                let value = try readText(&cursor, field: field.name, problems: &raw.problems)
                if !repeated(.text(field), line: line) {
                    raw[field] = RawValue(text: value.text, line: value.line)
                }
            case .invoice?:
                let isRepeat = repeated(.invoice, line: line)
                cursor.forEachAttribute { namespace, name, value in
                    if namespace == nil, let field = cursor.names.invoiceField(name) {
                        if !isRepeat { raw[field] = RawValue(text: String(decoding: value, as: UTF8.self), line: line) }
                    } else {
                        raw.problems.append(FieldProblem(field: "invoice", value: String(decoding: value, as: UTF8.self), line: line,
                                                         message: "has an unknown attribute \(string(name))"))
                    }
                }
                try expectNoContent(&cursor, element: "invoice", problems: &raw.problems)
            case .fees?:
                _ = repeated(.fees, line: line)
                cursor.forEachAttribute { _, name, value in
                    raw.problems.append(FieldProblem(field: "fees", value: String(decoding: value, as: UTF8.self), line: line,
                                                     message: "has an unknown attribute \(string(name))"))
                }
                try readFees(&cursor, into: &raw, checker: &checker)
            case nil:
                raw.problems.append(FieldProblem(field: cursor.localName, value: "", line: line,
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

    private func readFees(_ cursor: inout XMLCursor, into raw: inout RawClaim, checker: inout FeeLineChecker) throws {
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
            guard cursor.isNamed(cursor.names.fee), cursor.inSubmissionNamespace else {
                raw.problems.append(FieldProblem(field: cursor.localName, value: "", line: cursor.line,
                                                 message: "is not a <fee/> (unknown element inside <fees>)"))
                try cursor.skipSubtree()
                continue
            }
            // The values stay libxml2's bytes: the line is checked while the reader is on it.
            let line = cursor.line
            var values = FeeLineBytes()
            var position = 0
            cursor.forEachAttribute { namespace, name, value in
                defer { position += 1 }
                if namespace == nil, let field = cursor.names.feeField(name, position: position) {
                    values[field] = value
                } else {
                    raw.problems.append(FieldProblem(field: "fee", value: String(decoding: value, as: UTF8.self), line: line,
                                                     message: "has an unknown attribute \(string(name))"))
                }
            }
            checker.check(values, line: line, into: &raw.fees)
            try expectNoContent(&cursor, element: "fee", problems: &raw.problems)
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

    /// The names the reader looks for, interned in the reader's dictionary.
    let names: XMLNames

    init(reader: xmlTextReaderPtr, collector: XMLErrorCollector, path: String, displayName: String) {
        self.reader = reader
        self.names = XMLNames(reader: reader)
        self.collector = collector
        self.path = path
        self.displayName = displayName
    }

    var nodeType: xmlReaderTypes = XML_READER_TYPE_NONE

    /// The next node; false at the end of the document. Any libxml2 error refuses the file.
    mutating func read() throws -> Bool {
        let result = xmlTextReaderRead(reader)
        node = xmlTextReaderCurrentNode(reader)
        if collector.message != nil || result < 0 { throw parserRefusal() }
        if result == 0 { return false }
        nodeType = xmlReaderTypes(rawValue: UInt32(xmlTextReaderNodeType(reader)))
        if isText {
            let line = XMLCursor.lineNumber(node)
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

    /// The current node, as the reader gives it after each `read()`: kept, since most
    /// questions about a node are answered from its fields.
    private(set) var node: xmlNodePtr?

    /// `xmlGetLineNo`, without the call for an element or text node whose 16-bit line is
    /// exact (below 65535): asked once or twice per node.
    @inline(__always)
    static func lineNumber(_ node: xmlNodePtr?) -> Int {
        if let node, node.pointee.type == XML_ELEMENT_NODE || node.pointee.type == XML_TEXT_NODE {
            let line = Int(node.pointee.line)
            if line > 0 && line < 65535 { return line }
        }
        return xmlGetLineNo(node)
    }

    var isBlankText: Bool {
        // A text node's value is its content (what `xmlTextReaderConstValue` returns).
        let content = node.flatMap { $0.pointee.type == XML_TEXT_NODE ? UnsafePointer($0.pointee.content) : nil }
        guard let value = content ?? xmlTextReaderConstValue(reader) else { return true }
        var p = value
        while p.pointee != 0 {
            let b = p.pointee
            if !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) { return false }
            p += 1
        }
        return true
    }

    /// Compared as bytes on the node: the namespace of every element is checked, and the
    /// reader's `ConstNamespaceUri` looks the URI up in its dictionary each time.
    var inSubmissionNamespace: Bool {
        guard let node, let namespace = node.pointee.ns else { return false }
        if namespace == rootNamespace { return true }
        guard let href = namespace.pointee.href else { return false }
        return xmlStrEqual(href, names.namespaceURI) == 1
    }

    /// The root's own declaration of the submission namespace, once the root is accepted:
    /// elements that use it (all of them, in practice) need no comparison of URIs. It lives
    /// as long as the root element, which libxml2 keeps until the end of the document, and
    /// is forgotten when the root closes.
    var rootNamespace: UnsafeMutablePointer<xmlNs>?

    /// The current node's local name, in the reader's dictionary (see `XMLNames`).
    var localNamePointer: UnsafePointer<xmlChar>? { xmlTextReaderConstLocalName(reader) }

    /// Whether the current node's local name is `name`, one of `names`.
    func isNamed(_ name: UnsafePointer<xmlChar>) -> Bool {
        guard let local = localNamePointer else { return false }
        return local == name || xmlStrEqual(local, name) == 1
    }

    var depth: Int32 { xmlTextReaderDepth(reader) }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    var localName: String { xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? "" }
    var namespace: String? { xmlTextReaderConstNamespaceUri(reader).map { String(cString: $0) } }
    var value: String { xmlTextReaderConstValue(reader).map { String(cString: $0) } ?? "" }

    /// The line of the current node.
    var line: Int {
        let line = XMLCursor.lineNumber(node)
        return line > 0 && line < 65535 ? line : lastTextLine
    }

    /// Calls `body` with each attribute of the current element (namespace declarations are
    /// not attributes), in document order: its namespace URI (nil for none), its local name
    /// (NUL-terminated) and its value, all in libxml2's memory and valid only during the call.
    ///
    /// The attributes are walked on the element's node itself rather than with the reader's
    /// `MoveToNextAttribute` / `ConstValue` calls: five calls per attribute, seven attributes
    /// per fee line, a million fee lines. Inlined, so that `body` is too.
    @inline(__always)
    func forEachAttribute(
        _ body: (_ namespace: UnsafePointer<xmlChar>?, _ name: UnsafePointer<xmlChar>, _ value: UnsafeBufferPointer<UInt8>) throws -> Void
    ) rethrows {
        guard let node, node.pointee.type == XML_ELEMENT_NODE else { return }
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = UnsafePointer(current.pointee.name!)
            let namespace = current.pointee.ns.flatMap { UnsafePointer($0.pointee.href) }
            let children = current.pointee.children
            if children == nil {
                try body(namespace, name, UnsafeBufferPointer(start: nil, count: 0))  // name=""
            } else if let text = children, text.pointee.type == XML_TEXT_NODE, text.pointee.next == nil,
                      let content = text.pointee.content {
                // The usual case: the value is one text node.
                try body(namespace, name, UnsafeBufferPointer(start: content, count: strlen(content)))
            } else {
                // Character and entity references can split a value into several nodes:
                // libxml2 joins them (as the reader's own `ConstValue` does).
                let joined = xmlNodeListGetString(node.pointee.doc, children, 1)
                defer { if let joined { medclaims_xmlFree(joined) } }
                try body(namespace, name, joined.map { UnsafeBufferPointer(start: $0, count: strlen($0)) }
                         ?? UnsafeBufferPointer(start: nil, count: 0))
            }
            attribute = current.pointee.next
        }
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

/// A libxml2 string (NUL-terminated UTF-8) as a String, for messages.
func string(_ text: UnsafePointer<xmlChar>) -> String { String(cString: text) }

/// The child elements of `<claim>`: the text fields, `<invoice/>` and `<fees>`.
enum ClaimChild {
    case text(ClaimField)
    case invoice
    case fees

    static let count = ClaimField.allCases.count + 2

    /// A small index, for tables of children.
    var index: Int {
        switch self {
        case .text(let field): return field.rawValue
        case .invoice: return ClaimField.allCases.count
        case .fees: return ClaimField.allCases.count + 1
        }
    }

    var name: String {
        switch self {
        case .text(let field): return field.name
        case .invoice: return "invoice"
        case .fees: return "fees"
        }
    }
}

/// The element and attribute names of a submission, interned in the reader's dictionary.
///
/// libxml2's reader keeps every element and attribute name it parses in that dictionary, so
/// a name read from the file is usually the very pointer interned here: names are compared
/// as pointers, with no String made and nothing hashed. Should a name not come from the
/// dictionary (another libxml2 build), the bytes are compared instead: slower, same answer.
struct XMLNames {
    let submission, claim, fee: UnsafePointer<xmlChar>
    /// The submission namespace URI (compared as bytes: a node's namespace URI is a copy).
    let namespaceURI: UnsafePointer<xmlChar>
    private let claimChildren: [(name: UnsafePointer<xmlChar>, field: ClaimChild)]
    /// In the order fee attributes are usually written.
    private let feeFields: [(name: UnsafePointer<xmlChar>, field: FeeField)]
    private let invoiceFields: [(name: UnsafePointer<xmlChar>, field: ClaimField)]

    init(reader: xmlTextReaderPtr) {
        func intern(_ name: String) -> UnsafePointer<xmlChar> { xmlTextReaderConstString(reader, name)! }
        submission = intern("submission")
        claim = intern("claim")
        fee = intern("fee")
        namespaceURI = intern(submissionNamespace)
        // `invoice_*` live on `<invoice/>`; `submitted` and `mode` on the root.
        let notChildren: Set<ClaimField> = [.invoiceNo, .invoiceDate, .invoiceAmount, .submitted, .mode]
        claimChildren = ClaimField.allCases.filter { !notChildren.contains($0) }.map { (intern($0.name), .text($0)) }
            + [(intern("invoice"), .invoice), (intern("fees"), .fees)]
        feeFields = FeeField.allCases.map { (intern($0.xmlName), $0) }
        invoiceFields = [(intern("no"), .invoiceNo), (intern("date"), .invoiceDate), (intern("amount"), .invoiceAmount)]
    }

    func claimChild(_ name: UnsafePointer<xmlChar>?) -> ClaimChild? { XMLNames.find(name, in: claimChildren) }
    /// `position`: the attribute's place on its element. Fee attributes are nearly always
    /// written in the same order (sn, code, name, time, cnt, pric, amount): that one is tried
    /// first.
    func feeField(_ name: UnsafePointer<xmlChar>, position: Int) -> FeeField? {
        if position < feeFields.count, feeFields[position].name == name { return feeFields[position].field }
        return XMLNames.find(name, in: feeFields)
    }
    func invoiceField(_ name: UnsafePointer<xmlChar>) -> ClaimField? { XMLNames.find(name, in: invoiceFields) }

    private static func find<T>(_ name: UnsafePointer<xmlChar>?, in table: [(name: UnsafePointer<xmlChar>, field: T)]) -> T? {
        guard let name else { return nil }
        for entry in table where entry.name == name { return entry.field }
        for entry in table where xmlStrEqual(entry.name, name) == 1 { return entry.field }
        return nil
    }
}
