import Dispatch
import Testing
import TextFormats

@Suite struct BackgroundTests {
    struct Failure: Error, Equatable {}

    @Test func givesItsValueToEveryoneWhoAsks() throws {
        let work = Background { (1...1000).reduce(0, +) }
        #expect(try work.value() == 500_500)
        #expect(try work.value() == 500_500)  // a second ask does not wait forever
    }

    @Test func rethrowsItsError() {
        let work = Background { () throws -> Int in throw Failure() }
        #expect(throws: Failure.self) { try work.value() }
        #expect(throws: Failure.self) { try work.value() }
    }

    @Test func runsWhileTheCallerGoesOn() throws {
        // The work waits for a signal only the caller gives after starting it: if it ran on the
        // caller's thread, this would never finish.
        let go = DispatchSemaphore(value: 0)
        let work = Background { () -> String in
            go.wait()
            return "done"
        }
        go.signal()
        #expect(try work.value() == "done")
    }
}
