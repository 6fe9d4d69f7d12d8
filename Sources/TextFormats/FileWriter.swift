#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var operation: String
    public var errno: Int32

    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// A buffered, append-only file writer over a POSIX descriptor: output files are written in
/// large blocks, and `sync()` makes what was written durable before a checkpoint says so.
public final class BufferedFileWriter {
    public let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// Bytes handed to the writer so far, including what is still buffered.
    public private(set) var offset: Int64

    public enum Mode { case truncate, append }

    public init(path: String, mode: Mode = .truncate, capacity: Int = 1 << 16) throws {
        self.path = path
        self.capacity = capacity
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == .truncate ? O_TRUNC : O_APPEND)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        descriptor = fd
        offset = mode == .append ? Int64(lseek(fd, 0, SEEK_END)) : 0
        buffer.reserveCapacity(capacity)
    }

    deinit { close(descriptor) }

    public func write(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        offset += Int64(bytes.count)
        if buffer.count >= capacity { try flush() }
    }

    /// Bytes in memory, copied as one block: the generic `write` above is not specialised in
    /// other modules, and would copy through the generic collection interface.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        offset += Int64(bytes.count)
        if buffer.count >= capacity { try flush() }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write($0) }
    }

    public func flush() throws {
        var start = 0
        while start < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + start, raw.count - start)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", errno: errno)
            }
            start += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and asks the kernel to put the bytes on disk.
    /// Makes durable, from any thread, what was flushed before it is called: it touches only
    /// the descriptor, so the writer may go on buffering meanwhile (a run syncs its result logs
    /// beside the checkpoint that records their length). It keeps the writer, and so its
    /// descriptor, open until it is gone.
    public var durability: Durability { Durability(writer: self) }

    public struct Durability: @unchecked Sendable {
        // Only `fsync` on the writer's descriptor happens on the other thread; the descriptor
        // stays open while this holds the writer.
        private let writer: BufferedFileWriter

        init(writer: BufferedFileWriter) { self.writer = writer }

        public func sync() throws {
            guard fsync(writer.descriptor) == 0 else {
                throw FileError(path: writer.path, operation: "fsync", errno: errno)
            }
        }
    }

    /// Writes what is buffered and makes the file durable.
    public func sync() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
    }
}

/// Files that appear whole or not at all: written under a temporary name beside the target,
/// made durable, then renamed over it.
public enum AtomicFile {
    /// The temporary name used for `path` (a dotfile in the same folder, so a reader of the
    /// folder never mistakes it for the real thing).
    public static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + "." + name + ".tmp"
    }

    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        let temporary = temporaryPath(for: path)
        let writer = try BufferedFileWriter(path: temporary)
        try writer.write(bytes)
        try writer.sync()
        try publish(temporary, as: path)
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Renames a finished temporary file over its final name and syncs the folder.
    public static func publish(_ temporary: String, as path: String) throws {
        guard rename(temporary, path) == 0 else { throw FileError(path: path, operation: "rename", errno: errno) }
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }
}
