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

    /// Validates an XML file against the bundled pain.001.001.09 XSD (Bundle.module resource "pain.001.001.09.xsd",
    /// already in Sources/Payments/Resources and declared in Package.swift) with libxml2's xmlSchema* API. Returns the errors (empty = valid), each with line.
    ///
    /// A file the XSD accepts is then reconciled (`PaymentTotals`): amounts are CNY with at
    /// most 2 decimals, and `NbOfTxs`/`CtrlSum` at both levels equal the count and the exact
    /// sum of the transactions — what the schema cannot express and a bank relies on.
    ///
    /// Each error reads `line N: message`. The file is streamed (`xmlSchemaValidateFile`,
    /// SAX), never loaded whole. Throws when the schema cannot be loaded or the file cannot
    /// be read; a file that is not well-formed XML is not thrown but reported as errors.
    ///
    /// Thread safety: the parsed schema is loaded once (a lazily initialised `static let`)
    /// and only read afterwards, which libxml2 allows from several threads; each call has its
    /// own validation context and error list. Parser errors (not well-formed XML) reach
    /// libxml2's structured error handler, which is per thread in libxml2; it is set for the
    /// duration of the call and restored after.
    ///
    /// No network: the schema has no imports or includes; the instance is parsed with
    /// libxml2's defaults, which load no external DTD and no external entity, and the
    /// validator ignores `xsi:schemaLocation` when it is given a schema.
    public static func validate(fileAt path: String) throws -> [String] {
        let schema = try loadedSchema.get()
        guard access(path, R_OK) == 0 else {
            throw PaymentSchemaError(message: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard let context = xmlSchemaNewValidCtxt(schema.pointer) else {
            throw PaymentSchemaError(message: "libxml2 could not create a schema validation context")
        }
        defer { xmlSchemaFreeValidCtxt(context) }

        // The reconciliation reads the file a second time. It runs beside the XSD validation,
        // on the core the run leaves idle at this point (issue 7); its answer counts only for
        // a file the schema accepts.
        let reconciliation = Background { () -> [String] in
            // libxml2's error handlers are per thread: this one keeps a broken file's parser
            // errors (which the validation reports) off stderr.
            xmlSetStructuredErrorFunc(nil, ignoreLibxmlError)
            return PaymentTotals.check(fileAt: path)
        }
        let collector = ErrorCollector()
        let result: Int32 = withExtendedLifetime(collector) {
            let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()
            xmlSchemaSetValidStructuredErrors(context, collectLibxmlError, collectorPointer)
            let previousHandler = __xmlStructuredError().pointee
            let previousContext = __xmlStructuredErrorContext().pointee
            xmlSetStructuredErrorFunc(collectorPointer, collectLibxmlError)
            defer { xmlSetStructuredErrorFunc(previousContext, previousHandler) }
            return xmlSchemaValidateFile(context, path, 0)
        }
        if result < 0 && collector.errors.isEmpty {
            _ = try? reconciliation.value()  // never leave it reading a file the caller will remove
            throw PaymentSchemaError(message: "libxml2 failed internally while validating \(path)")
        }
        var errors = collector.errors
        if result != 0 && errors.isEmpty {
            // Invalid, yet nothing reached a handler: still never report such a file valid.
            errors.append("line 0: the file is not valid (libxml2 code \(result))")
        }
        if collector.dropped > 0 { errors.append("… and \(collector.dropped) more errors") }
        // Only a file the schema accepts has a known shape to reconcile.
        let totalsProblems = try reconciliation.value()
        if errors.isEmpty { errors = totalsProblems }
        return errors
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

private func ignoreLibxmlError(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {}
