import Foundation
import TextFormats

/// Validates a pain.001 file while `Pain001Writer` writes it: the writer hands every byte it
/// writes to the file to this as well, and a thread of its own validates them against the XSD
/// and reconciles the totals (`PaymentSchema.validate`) as they come. The file is then
/// validated when it is written, not read back and validated after (issue 7: at 1,000,000
/// claims that was 1.3 s of a run's payment phase, with the totals read in a second pass).
///
/// The bytes validated are the bytes the writer hands the file, in order; a write the file
/// refuses is thrown by the writer, and the file is never released.
public final class Pain001Validation: @unchecked Sendable {
    private let pipe: BytePipe
    private let outcome: Background<[String]>

    /// Starts the validating thread; `name` is what its errors call the file. (Tests give a
    /// pipe of tiny blocks, so that small files cross block boundaries too.)
    public convenience init(naming name: String) { self.init(naming: name, pipe: BytePipe()) }

    init(naming name: String, pipe: BytePipe) {
        self.pipe = pipe
        // A thread of its own, not one of libdispatch's shared workers: it waits on the
        // writer for most of its life, and the writer's own blocks go through those workers.
        outcome = Background(startingWith: { body in
            let thread = Thread(block: body)
            thread.name = "medclaims.pain001-validation"
            thread.start()
        }) { try PaymentSchema.validate(pipe, naming: name) }
    }

    /// A file abandoned unfinished: the validating thread reads its end, and stops.
    deinit { pipe.close() }

    /// Called by the writer with every byte it writes to the file, in order.
    func write(_ bytes: [UInt8]) { pipe.write(bytes) }

    /// What `PaymentSchema.validate(fileAt:)` would report for the file written: waits until
    /// the validation has read everything. Call once the writer is finished, on its thread
    /// (it hands over the last bytes).
    public func errors() throws -> [String] {
        pipe.close()
        return try outcome.value()
    }
}

/// Bytes handed from one writing thread to one reading thread, in blocks; at most `depth`
/// blocks wait, so memory stays bounded whatever the file's size: a writer ahead of its
/// reader waits for it. A reader that stops early (a file that is not well-formed ends the
/// validation) says so, and what is written after is dropped, so the writer never waits on it.
final class BytePipe: @unchecked Sendable {
    /// What the payment phase uses: 8 blocks of 256 KiB.
    static let standardBlockSize = 1 << 18
    static let standardDepth = 8

    let blockSize: Int
    let depth: Int

    init(blockSize: Int = standardBlockSize, depth: Int = standardDepth) {
        precondition(blockSize > 0 && depth > 0)
        self.blockSize = blockSize
        self.depth = depth
    }

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var blocks: [[UInt8]] = []
    private var closed = false
    private var readerStopped = false
    // The writing thread's only.
    private var filling: [UInt8] = []
    // The reading thread's only.
    private var reading: [UInt8] = []
    private var readOffset = 0

    /// Writing thread: appends `bytes`; hands a full block over.
    func write(_ bytes: [UInt8]) {
        if filling.isEmpty { filling.reserveCapacity(blockSize) }
        filling.append(contentsOf: bytes)
        if filling.count >= blockSize { handOver() }
    }

    /// Writing thread: hands over what is left; the reader then reads the end. Again is harmless.
    func close() {
        handOver()
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func handOver() {
        guard !filling.isEmpty else { return }
        condition.lock()
        while blocks.count >= depth && !readerStopped { condition.wait() }
        if !readerStopped && !closed {
            blocks.append(filling)
            condition.broadcast()
        }
        condition.unlock()
        filling = []
    }

    /// Reading thread: copies up to `buffer.count` bytes into it; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if readOffset == reading.count {
            condition.lock()
            while blocks.isEmpty && !closed { condition.wait() }
            guard !blocks.isEmpty else {
                condition.unlock()
                return 0
            }
            reading = blocks.removeFirst()
            readOffset = 0
            condition.broadcast()
            condition.unlock()
        }
        let count = min(buffer.count, reading.count - readOffset)
        reading.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[readOffset..<(readOffset + count)]))
        }
        readOffset += count
        return count
    }

    /// Reading thread: it reads no more; what waits, and what comes, is dropped.
    func stopReading() {
        condition.lock()
        readerStopped = true
        blocks = []
        condition.broadcast()
        condition.unlock()
    }
}
