#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// An exclusive lock on the workspace's state, so two runs never overlap. The kernel drops it
/// when the holder dies, so a killed run never leaves a stale lock behind.
public final class WorkspaceLock {
    private let descriptor: Int32

    public init(path: String, holder: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchError.refused("cannot open the lock file \(path)") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 512)
            let n = read(fd, &buffer, buffer.count)
            close(fd)
            let who = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            throw BatchError.locked("another medclaims run holds the workspace (\(who)); lock file \(path)")
        }
        descriptor = fd
        _ = ftruncate(fd, 0)
        let text = Array("\(holder)\n".utf8)
        _ = pwrite(fd, text, text.count, 0)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

