import Foundation
import Logging
import TextFormats

/// The structured log of a run: one JSON object per line, in the run's folder. Lines carry
/// the wall clock (they record what happened when, resumes included) and never personal data
/// unmasked. A handler instance per run, no global bootstrap.
public struct JSONLinesLogHandler: LogHandler {
    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        let writer: BufferedFileWriter

        init(path: String) throws { writer = try BufferedFileWriter(path: path, mode: .append) }

        func write(_ line: String) {
            lock.lock()
            defer { lock.unlock() }
            // Flushed line by line: a killed run's log still says how far it got.
            try? writer.write(line)
            try? writer.flush()
        }
    }

    let sink: Sink
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(path: String) throws { sink = try Sink(path: path) }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = ["ts": RunClock.logTimestamp(), "level": event.level.rawValue,
                                        "message": event.message.description]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(object) else { return }
        sink.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
