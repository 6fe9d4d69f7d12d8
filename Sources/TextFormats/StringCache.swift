#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings made from bytes, remembered so that the same bytes give the same String again
/// without allocating: fee codes and names repeat all through a file (a few thousand
/// catalogue items over millions of lines), and the claims then share their storage. The
/// fee line checker keeps two while it reads a file; each thread that decodes staged claims
/// keeps two more. One cache serves one thread at a time.
///
/// Direct-mapped and fixed in size, so memory stays flat whatever the file: a slot holds
/// the last String whose bytes hashed to it. Plain allocated slots rather than arrays: this
/// runs twice per fee line, and arrays would check uniqueness at every store. Strings under
/// 8 bytes are made directly (cheap, and Swift keeps up to 15 inline, unallocated); longer
/// ones save the UTF-8 validation too.
public final class StringCache {
    private struct Slot {
        var hash: UInt64 = 0
        var string = ""
    }

    private let slotCount: Int
    /// One array of slots (hash beside its String): a lookup touches one line of the table.
    private let slots: UnsafeMutablePointer<Slot>

    public init() {
        // 8192: a few thousand catalogue items mostly find their slot; larger tables cost
        // more in cache misses than they save (measured).
        slotCount = 1 << 13
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: Slot(), count: slotCount)
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    public func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = bytes.count
        if count < 8 { return String(decoding: bytes, as: UTF8.self) }
        let hash = StringCache.hash(UnsafeRawPointer(bytes.baseAddress!), count)
        let slot = slots + (Int(truncatingIfNeeded: hash) & (slotCount - 1))
        if slot.pointee.hash == hash {
            // Equal hashes are checked byte for byte: a wrong code must never come out.
            let same = slot.pointee.string.utf8.withContiguousStorageIfAvailable { kept in
                kept.count == count && memcmp(kept.baseAddress!, bytes.baseAddress!, count) == 0
            }
            if same == true { return slot.pointee.string }
        }
        let made = String(decoding: bytes, as: UTF8.self)
        slot.pointee = Slot(hash: hash, string: made)
        return made
    }

    /// A 64-bit hash, eight bytes at a time (keys are 8 bytes long or more).
    @inline(__always)
    private static func hash(_ start: UnsafeRawPointer, _ count: Int) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(count) &* k
        var offset = 0
        while offset + 8 <= count {
            h = (h ^ start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* k
            h ^= h >> 32
            offset += 8
        }
        // The last 8 bytes again, overlapping: count is at least 8.
        h = (h ^ start.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) &* k
        return h ^ (h >> 29)
    }
}
