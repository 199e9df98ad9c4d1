import Foundation
import NIOCore

/// Keeps the `http` tool off non-public addresses (loopback, private, link-local, metadata services...) unless the
/// matching allow pattern names the host literally.
///
/// Two checks: before a request, the URL's host (an IP literal, or every address a name resolves to) is checked;
/// then, once the client has connected and before it sends a byte, the address it actually connected to is
/// checked again (`admits`). The second check closes the DNS-rebinding window (a name that resolves to a public
/// address for the first check and to 127.0.0.1 for the client's own lookup): the only addresses it admits beyond
/// public ones are those of literally named hosts, so a rebinding name can at worst reach a host some pattern
/// already allows literally.
final class AddressGuard: @unchecked Sendable {
    private let lock = NSLock()
    /// Non-public addresses that a literally named host has (IP literals from the patterns, plus what literally
    /// named host names resolved to).
    private var exempt: Set<IPAddress>

    init(patterns: [URLPattern]) {
        var exempt = Set<IPAddress>()
        for pattern in patterns {
            if case .literal(.ip(let address)) = pattern.host { exempt.insert(address) }
        }
        self.exempt = exempt
    }

    /// Throws when `url`'s host is or resolves to a non-public address and `literal` (the matching pattern names
    /// the host literally) is false.
    func check(_ url: HTTPURL, literal: Bool) async throws(ToolFailure) {
        switch url.host {
        case .ip(let address):
            guard !literal, let reason = AddressRules.restriction(of: address) else { return }
            throw refusal(url, "\(address) is \(reason)")
        case .name(let name):
            let addresses = try await HostResolver.addresses(of: name, port: url.effectivePort)
            for address in addresses {
                guard let reason = AddressRules.restriction(of: address) else { continue }
                guard literal else { throw refusal(url, "`\(name)` resolves to \(address), \(reason)") }
                lock.withLock { _ = exempt.insert(address) }
            }
        }
    }

    private func refusal(_ url: HTTPURL, _ why: String) -> ToolFailure {
        ToolFailure(
            "refused \(url): \(why). This tool reaches such addresses only when an allow pattern names the host "
                + "literally.")
    }

    /// Whether a connection to `address` may carry a request.
    func admits(_ address: IPAddress) -> Bool {
        AddressRules.restriction(of: address) == nil || lock.withLock { exempt.contains(address) }
    }

    /// For the HTTP client's connection hooks: fails (and closes) a connection whose peer is not admitted.
    func verify(_ channel: any Channel) -> EventLoopFuture<Void> {
        let peer = channel.remoteAddress?.ipAddress.flatMap { IPAddress.ipv4($0) ?? IPAddress.ipv6($0) }
        guard let peer, admits(peer) else {
            // Closed on the next tick: the pool must first hear that the connection failed, or it would count
            // the close as a lost connection and try again.
            channel.eventLoop.execute { channel.close(promise: nil) }
            return channel.eventLoop.makeFailedFuture(AddressRefused())
        }
        return channel.eventLoop.makeSucceededVoidFuture()
    }
}

/// The connection hook's refusal, turned into a `ToolFailure` by the tool.
struct AddressRefused: Error {}
