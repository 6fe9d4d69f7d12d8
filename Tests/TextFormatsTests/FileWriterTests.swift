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
}
