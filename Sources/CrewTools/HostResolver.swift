import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Looks host names up with `getaddrinfo`, the resolver the HTTP client connects with, off the cooperative pool.
enum HostResolver {
    /// Every address `name` resolves to. Returns promptly when the task is cancelled (the lookup itself finishes
    /// in the background: `getaddrinfo` cannot be interrupted).
    static func addresses(of name: String, port: Int) async throws(ToolFailure) -> [IPAddress] {
        let outcome = await CancellableWork.run { () -> Result<[IPAddress], ToolFailure> in
            lookup(name, port: port)
        }
        switch outcome {
        case .none: throw ToolFailure("cancelled")
        case .some(let result): return try result.get()
        }
    }

    private static func lookup(_ name: String, port: Int) -> Result<[IPAddress], ToolFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, String(port), &hints, &list)
        guard status == 0, let first = list else {
            return .failure(ToolFailure("could not resolve the host `\(name)`"))
        }
        defer { freeaddrinfo(first) }
        var found: [IPAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let address = ipAddress(current.pointee), !found.contains(address) { found.append(address) }
            node = current.pointee.ai_next
        }
        return found.isEmpty ? .failure(ToolFailure("the host `\(name)` has no address")) : .success(found)
    }

    private static func ipAddress(_ info: addrinfo) -> IPAddress? {
        guard let raw = info.ai_addr else { return nil }
        switch info.ai_family {
        case AF_INET:
            return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        case AF_INET6:
            return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        default:
            return nil
        }
    }
}
