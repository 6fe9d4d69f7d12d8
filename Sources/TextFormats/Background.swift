import Dispatch

/// Work that runs on another thread while the caller goes on; `value()` waits for it and
/// returns its result or rethrows its error. A run uses it for a chunk's checkpoint (beside the
/// next batch) and for the payment file's validation (beside its writing).
public final class Background<T>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting on it.
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    /// On one of libdispatch's shared workers.
    public convenience init(_ work: @escaping @Sendable () throws -> T) {
        self.init(startingWith: { DispatchQueue.global().async(execute: $0) }, work)
    }

    /// `start` runs the body it is given on a thread of the caller's choosing: work that waits
    /// on its caller for most of its life takes a thread of its own, not one of the few shared
    /// workers the caller's other work may need.
    public init(startingWith start: (@escaping @Sendable () -> Void) -> Void,
                _ work: @escaping @Sendable () throws -> T) {
        start { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    /// Waits for the work (again and again, if asked again) and returns what it gave.
    public func value() throws -> T {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
