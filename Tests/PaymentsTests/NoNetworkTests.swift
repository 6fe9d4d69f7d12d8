#if canImport(Glibc)  // the socket calls below are spelled for Glibc
import Foundation
import Glibc
@testable import Payments
import Testing

@Suite struct NoNetworkTests {
    /// A listening socket on 127.0.0.1: any attempt to fetch from it completes a TCP handshake
    /// that `accept` then sees, even though nothing ever answers.
    private final class Listener {
        let descriptor: Int32
        let port: UInt16

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var size = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, size) == 0 && listen(fd, 8) == 0 && getsockname(fd, pointer, &size) == 0
                }
            }
            guard fd >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
            descriptor = fd
            port = UInt16(bigEndian: address.sin_port)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }

        deinit { close(descriptor) }

        var wasContacted: Bool {
            let client = accept(descriptor, nil, nil)
            if client >= 0 { close(client) }
            return client >= 0
        }
    }

    @Test func validationFetchesNothingAFileNames() throws {
        let listener = try Listener()
        let url = "http://127.0.0.1:\(listener.port)"
        let folder = try temporaryFolder()
        try writePain001(folder + "/good.xml", threeTransfers)
        // An external DTD, an external entity used in a name, and a schemaLocation: all on the listener.
        let hostile = try text(folder + "/good.xml")
            .replacingOccurrences(of: "<Document xmlns",
                                  with: "<!DOCTYPE Document SYSTEM \"\(url)/d.dtd\" [<!ENTITY x SYSTEM \"\(url)/x\">]>\n"
                                      + "<Document xsi:schemaLocation=\"urn:x \(url)/s.xsd\" "
                                      + "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns")
            .replacingOccurrences(of: "<Nm>张三</Nm>", with: "<Nm>&x;</Nm>")
        try write(hostile, to: folder + "/hostile.xml")
        _ = try PaymentSchema.validate(fileAt: folder + "/hostile.xml")
        #expect(!listener.wasContacted)
    }
}
#endif
