import Dispatch
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
///
/// With `writeBehind`, a full block is written by a thread of its own while the caller fills
/// the next one (two blocks, so memory stays bounded). A run's result logs are written so: at
/// 1,000,000 claims the kernel spent 11 s of the adjudicating thread copying 5.5 GB into the
/// file cache, time in which that thread could decide claims (issue 7). A failed write is
/// thrown by the next call that hands over or syncs.
public final class BufferedFileWriter {
    public let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    private let behind: WriteBehind?
    private let dropsSyncedPages: Bool
    /// Bytes handed to the writer so far, including what is still buffered.
    public private(set) var offset: Int64

    public enum Mode { case truncate, append }

    /// With `dropsSyncedPages`, what a sync has put on disk leaves the file cache at once. For
    /// files written once and not read back by the run: a run's result logs (5.5 GB at
    /// 1,000,000 claims) would otherwise fill the cache, and the kernel copies into pages it
    /// recycles faster than into pages it must find (issue 7; numbers in docs/benchmarks.md).
    public init(path: String, mode: Mode = .truncate, capacity: Int = 1 << 16, writeBehind: Bool = false,
                dropsSyncedPages: Bool = false) throws {
        self.path = path
        self.capacity = capacity
        self.dropsSyncedPages = dropsSyncedPages
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == .truncate ? O_TRUNC : O_APPEND)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: "open", errno: errno) }
        descriptor = fd
        offset = mode == .append ? Int64(lseek(fd, 0, SEEK_END)) : 0
        buffer.reserveCapacity(capacity)
        behind = writeBehind ? WriteBehind(descriptor: fd, path: path, capacity: capacity) : nil
    }

    deinit {
        // A block still being written must end before its descriptor closes.
        if let behind { _ = try? behind.written() }
        close(descriptor)
    }

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

    /// Hands what is buffered to the OS (with `writeBehind`: to the writing thread, which
    /// hands it to the OS in order).
    public func flush() throws {
        if let behind {
            if !buffer.isEmpty { try behind.handOver(&buffer) }
            return
        }
        try writeAll(buffer, to: descriptor, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and asks the kernel to put the bytes on disk.
    /// Makes durable, from any thread, what was flushed before it is called: it touches only
    /// the descriptor, so the writer may go on buffering meanwhile (a run syncs its result logs
    /// beside the checkpoint that records their length). It keeps the writer, and so its
    /// descriptor, open until it is gone.
    public var durability: Durability { Durability(writer: self) }

    public struct Durability: @unchecked Sendable {
        // On the other thread only two things happen: waiting for the blocks already handed to
        // the writing thread, and `fsync` on the writer's descriptor (open while this holds
        // the writer). Nothing is written or buffered from there.
        private let writer: BufferedFileWriter
        /// The bytes handed to the writer when this was made: what `sync` makes durable, when
        /// they were flushed first (as a checkpoint does), and what it then drops from the
        /// cache. (Bytes still buffered are not on disk; their pages are not clean, and stay.)
        private let length: Int64

        init(writer: BufferedFileWriter) {
            self.writer = writer
            length = writer.offset
        }

        public func sync() throws {
            // What was handed to the writing thread reaches the OS first.
            try writer.behind?.written()
            try writer.syncDescriptor(durableLength: length)
        }
    }

    /// Writes what is buffered and makes the file durable.
    public func sync() throws {
        try flush()
        try behind?.written()
        try syncDescriptor(durableLength: offset)
    }

    /// `fsync`, then, with `dropsSyncedPages`, drops the first `durableLength` bytes from the
    /// cache: they are clean now, so the kernel frees their pages without writing. (Linux drops
    /// whole pages only, so a page still being appended to stays.) Only advice: a kernel that
    /// ignores it leaves the pages cached, and nothing else changes.
    private func syncDescriptor(durableLength: Int64) throws {
        guard fsync(descriptor) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
        if dropsSyncedPages, durableLength > 0 {
            _ = posix_fadvise(descriptor, 0, off_t(durableLength), POSIX_FADV_DONTNEED)
        }
    }
}

/// Writes all of `bytes`, however many calls it takes.
private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
    var start = 0
    while start < bytes.count {
        let written = bytes.withUnsafeBytes { raw in
            Glibc.write(descriptor, raw.baseAddress! + start, raw.count - start)
        }
        if written < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, operation: "write", errno: errno)
        }
        start += written
    }
}

/// The writing thread of a `BufferedFileWriter`: one block in flight at a time, in order.
private final class WriteBehind: @unchecked Sendable {
    private let descriptor: Int32
    private let path: String
    private let queue = DispatchQueue(label: "medclaims.write-behind")
    /// Signalled when no block is in flight: `block` is then the caller's (empty) and
    /// `failure` is settled. Whoever waits on it owns both until they signal it back.
    private let idle = DispatchSemaphore(value: 1)
    private var block: [UInt8] = []
    private var failure: (any Error)?

    init(descriptor: Int32, path: String, capacity: Int) {
        self.descriptor = descriptor
        self.path = path
        block.reserveCapacity(capacity)
    }

    /// Takes `buffer`'s bytes to be written and gives it back empty: it waits while the
    /// previous block is still being written.
    func handOver(_ buffer: inout [UInt8]) throws {
        idle.wait()
        if let failure {
            idle.signal()
            throw failure
        }
        swap(&buffer, &block)
        queue.async { [self] in
            do { try writeAll(block, to: descriptor, path: path) } catch { failure = error }
            block.removeAll(keepingCapacity: true)
            idle.signal()
        }
    }

    /// Waits until every block handed over is with the OS; throws the first failed write.
    func written() throws {
        idle.wait()
        defer { idle.signal() }
        if let failure { throw failure }
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
