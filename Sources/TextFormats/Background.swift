import Dispatch

/// Work that runs on another thread while the caller goes on; `value()` waits for it and
/// returns its result or rethrows its error. A run uses it for a chunk's checkpoint (beside the
/// next batch).
public final class Background<T>: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read only after waiting on it.
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global().async { [self] in
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
