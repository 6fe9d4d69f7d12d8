import Foundation
import Testing
import TextFormats

@Suite struct FileWriterTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "medclaims-writer-\(UUID().uuidString)"
    }

    /// Blocks of 7 bytes, handed to the writing thread while the next is filled: the file holds
    /// every byte once, in order, after `sync`, and after each `durability.sync` what was
    /// flushed before it.
    @Test(arguments: [false, true]) func writesEveryByteInOrder(writeBehind: Bool) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try BufferedFileWriter(path: path, capacity: 7, writeBehind: writeBehind)
        var expected: [UInt8] = []
        for n in 0..<5000 {
            let line = Array("line \(n)\n".utf8)
            try writer.write(line)
            expected += line
            if n == 2500 {
                try writer.flush()
                try writer.durability.sync()
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(expected))
            }
        }
        #expect(writer.offset == Int64(expected.count))
        try writer.sync()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(expected))
    }

    /// Appending goes on after what the file holds.
    @Test func appendsBehindWhatIsThere() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("kept\n".utf8).write(to: URL(fileURLWithPath: path))
        let writer = try BufferedFileWriter(path: path, mode: .append, capacity: 4, writeBehind: true)
        #expect(writer.offset == 5)
        try writer.write("more\nand more\n")
        try writer.sync()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "kept\nmore\nand more\n")
    }

    /// A write that fails on the writing thread (a full disk: /dev/full) is thrown to the
    /// caller, by the next hand-over or sync: never lost, never reported as written.
    @Test func aFailedWriteBehindIsThrown() throws {
        let writer = try BufferedFileWriter(path: "/dev/full", mode: .append, capacity: 8, writeBehind: true)
        try writer.write("sixteen bytes...")  // full: handed over, fails there
        #expect(throws: FileError.self) { try writer.durability.sync() }
        #expect(throws: FileError.self) { try writer.sync() }
        #expect(throws: FileError.self) { try writer.write("another block...") }
    }

    /// With `dropsSyncedPages`, what a sync made durable is no longer in the file cache (asked
    /// of the kernel with `mincore`); without it, it stays cached. The bytes are the same. Both
    /// ways of syncing: a checkpoint's (`durability`, after a flush) and the writer's own.
    @Test(arguments: [false, true], [false, true])
    func aSyncDropsTheDurablePagesWhenAsked(drops: Bool, atACheckpoint: Bool) throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try BufferedFileWriter(path: path, capacity: 1 << 16, writeBehind: true, dropsSyncedPages: drops)
        let block = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
        for _ in 0..<4 { try writer.write(block) }
        if atACheckpoint {
            try writer.flush()
            try writer.durability.sync()
        } else {
            try writer.sync()
        }
        let cached = try cachedPages(of: path, length: 4 << 16)
        #expect(cached == (drops ? 0 : (4 << 16) / Int(sysconf(Int32(_SC_PAGESIZE)))))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: UInt8(ascii: "x"), count: 4 << 16))
    }

    /// How many pages of the file's first `length` bytes are in the file cache.
    func cachedPages(of path: String, length: Int) throws -> Int {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let mapped = try #require(mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0))
        try #require(mapped != MAP_FAILED)
        defer { munmap(mapped, length) }
        var vector = [UInt8](repeating: 0, count: length / Int(sysconf(Int32(_SC_PAGESIZE))))
        #expect(mincore(mapped, length, &vector) == 0)
        return vector.filter { $0 & 1 == 1 }.count
    }
}
