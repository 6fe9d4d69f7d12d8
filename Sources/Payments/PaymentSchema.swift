import CLibXML2
import Foundation
import TextFormats

public struct PaymentSchemaError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum PaymentSchema {
    /// Errors beyond this many are summarised in one last line: a broken million-transfer file
    /// must not turn into a million strings.
    public static let maxReportedErrors = 100

    /// Validates an XML file against the bundled pain.001.001.09 XSD (resource
    /// "pain.001.001.09.xsd") with libxml2's xmlSchema* API, and reconciles its totals in the
    /// same pass. Returns the errors (empty = valid), each `line N: message`.
    ///
    /// A file the XSD accepts is then reconciled (`PaymentTotals`): amounts are CNY with at
    /// most 2 decimals, and `NbOfTxs`/`CtrlSum` at both levels equal the count and the exact
    /// sum of the transactions — what the schema cannot express and a bank relies on.
    ///
    /// The file is streamed (`xmlTextReader`, validating as it reads), never loaded whole.
    /// Throws when the schema cannot be loaded or the file cannot be read; a file that is not
    /// well-formed XML is not thrown but reported as errors.
    ///
    /// Thread safety: the parsed schema is loaded once (a lazily initialised `static let`)
    /// and only read afterwards, which libxml2 allows from several threads; each call has its
    /// own reader, validation context and error list.
    ///
    /// No network: the schema has no imports or includes; the instance is read with
    /// `XML_PARSE_NONET` and without DTD loading or entity substitution, and the validator
    /// ignores `xsi:schemaLocation` when it is given a schema.
    public static func validate(fileAt path: String) throws -> [String] {
        let schema = try loadedSchema.get()
        guard access(path, R_OK) == 0 else {
            throw PaymentSchemaError(message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return try validate(schema, naming: path) { xmlReaderForFile(path, nil, readerOptions) }
    }

    /// Validates, as `validate(fileAt:)`, the bytes a writer hands to `pipe`, while they are
    /// written; returns when the writer closed the pipe.
    static func validate(_ pipe: BytePipe, naming name: String) throws -> [String] {
        // However it ends, the writer must never wait on a reader that has stopped.
        defer { pipe.stopReading() }
        let schema = try loadedSchema.get()
        return try validate(schema, naming: name) {
            xmlReaderForIO(readFromPipe, nil, Unmanaged.passUnretained(pipe).toOpaque(), name, nil, readerOptions)
        }
    }

    /// The parser's options: no network; no DTD loading and no entity substitution (libxml2's
    /// defaults, never to be added: they open XXE and billion-laughs holes); line numbers past
    /// 65,535, as a national run's file has millions of lines.
    private static let readerOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)

    /// One pass of a reader over the file: libxml2 checks it against the XSD as it goes, and
    /// `PaymentTotals` reads its headers and amounts from the same nodes.
    private static func validate(_ schema: LoadedSchema, naming name: String,
                                 reader makeReader: () -> xmlTextReaderPtr?) throws -> [String] {
        guard let context = xmlSchemaNewValidCtxt(schema.pointer) else {
            throw PaymentSchemaError(message: "libxml2 could not create a schema validation context")
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector()
        return try withExtendedLifetime(collector) {
            let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()
            // Parse errors (a file that is not well-formed) reach libxml2's per-thread handler:
            // once the XSD is attached, the reader parses through the validator's SAX handlers,
            // which do not carry the reader's own. It is set for the call and restored after.
            let previousHandler = __xmlStructuredError().pointee
            let previousContext = __xmlStructuredErrorContext().pointee
            xmlSetStructuredErrorFunc(collectorPointer, collectLibxmlError)
            defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
            guard let reader = makeReader() else {
                throw PaymentSchemaError(message: "libxml2 could not open \(name)")
            }
            defer { xmlFreeTextReader(reader) }
            // The validator's errors, each with its line, come through the reader's handler:
            // set before the XSD is attached, which relays them there.
            xmlTextReaderSetStructuredErrorHandler(reader, collectLibxmlError, collectorPointer)
            guard xmlTextReaderSchemaValidateCtxt(reader, context, 0) == 0 else {
                throw PaymentSchemaError(message: "libxml2 could not validate \(name) against the schema")
            }
            let totalsProblems = PaymentTotals.check(reader)
            var errors = collector.errors
            if errors.isEmpty && xmlSchemaIsValid(context) != 1 {
                // Invalid, yet nothing reached the handler: still never report such a file valid.
                errors.append("line 0: the file is not valid")
            }
            if collector.dropped > 0 { errors.append("… and \(collector.dropped) more errors") }
            // Only a file the schema accepts has a known shape to reconcile.
            return errors.isEmpty ? totalsProblems : errors
        }
    }

    /// The parsed schema, or why it could not be loaded; loaded on first use.
    private static let loadedSchema: Result<LoadedSchema, PaymentSchemaError> = LoadedSchema.load()
}

/// libxml2's parsed schema, immutable once parsed.
private final class LoadedSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr

    private init(pointer: xmlSchemaPtr) { self.pointer = pointer }

    static func load() -> Result<LoadedSchema, PaymentSchemaError> {
        xmlInitParser()
        guard let url = Bundle.module.url(forResource: "pain.001.001.09", withExtension: "xsd") else {
            return .failure(PaymentSchemaError(message: "the bundled pain.001.001.09.xsd is missing"))
        }
        guard let parser = xmlSchemaNewParserCtxt(url.path) else {
            return .failure(PaymentSchemaError(message: "libxml2 could not open \(url.path)"))
        }
        defer { xmlSchemaFreeParserCtxt(parser) }
        let collector = ErrorCollector()
        let schema: xmlSchemaPtr? = withExtendedLifetime(collector) {
            xmlSchemaSetParserStructuredErrors(parser, collectLibxmlError,
                                               Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(parser)
        }
        guard let schema else {
            let why = collector.errors.first ?? "unknown error"
            return .failure(PaymentSchemaError(message: "cannot parse pain.001.001.09.xsd: \(why)"))
        }
        return .success(LoadedSchema(pointer: schema))
    }
}

/// Where libxml2's error callback puts what it reports; passed to C as the context pointer,
/// so no Swift global is touched from the callback.
private final class ErrorCollector {
    var errors: [String] = []
    var dropped = 0
}

/// libxml2's `xmlStructuredErrorFunc`: records `line N: message` for errors, ignores warnings.
private func collectLibxmlError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
    guard error.pointee.level != XML_ERR_WARNING else { return }
    guard collector.errors.count < PaymentSchema.maxReportedErrors else {
        collector.dropped += 1
        return
    }
    var message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
    while message.last == "\n" { message.removeLast() }
    collector.errors.append("line \(error.pointee.line): \(message)")
}

/// libxml2's `xmlInputReadCallback` over a `BytePipe`: 0 at its end.
private func readFromPipe(_ context: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<CChar>?,
                          _ length: Int32) -> Int32 {
    guard let context, let buffer, length > 0 else { return -1 }
    let pipe = Unmanaged<BytePipe>.fromOpaque(context).takeUnretainedValue()
    return Int32(pipe.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length))))
}
