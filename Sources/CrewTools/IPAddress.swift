#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IP address as network-order bytes: 4 for IPv4, 16 for IPv6. Parsing accepts every spelling a C library would
/// connect to (`0x7f000001`, `0177.1`, `2130706433`), so a host is checked as the address it really names.
struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    let bytes: [UInt8]

    var isIPv4: Bool { bytes.count == 4 }

    /// The canonical text: dotted quad, or RFC 5952 IPv6 (without brackets).
    var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = isIPv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An IPv6 address (no brackets, no zone).
    static func ipv6(_ text: String) -> IPAddress? {
        guard !text.isEmpty, text.utf8.count < 64, !text.contains("%") else { return nil }
        var storage = [UInt8](repeating: 0, count: 16)
        let ok = storage.withUnsafeMutableBytes { raw in inet_pton(AF_INET6, text, raw.baseAddress) == 1 }
        return ok ? IPAddress(bytes: storage) : nil
    }

    /// An IPv4 address in any of the `inet_aton` spellings: one to four parts, each decimal, octal (leading `0`) or
    /// hexadecimal (`0x`), the last part filling the remaining bytes. A single trailing dot is allowed.
    static func ipv4(_ text: String) -> IPAddress? {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(value)
        }
        guard let last = values.last, values.dropLast().allSatisfy({ $0 <= 255 }) else { return nil }
        let lastBytes = 5 - values.count
        guard last < (UInt64(1) << (8 * UInt64(lastBytes))) else { return nil }
        var bytes = values.dropLast().map { UInt8($0) }
        for shift in stride(from: lastBytes - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: last >> (8 * UInt64(shift))))
        }
        return IPAddress(bytes: bytes)
    }

    /// One part of an IPv4 spelling; nil when it is not a number or is absurdly long.
    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.utf8.count <= 12 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    /// Whether a host name's last label is a number, which makes the whole name an IPv4 spelling (as browsers and
    /// `inet_aton` read it): such a host must parse as IPv4 or be refused.
    static func looksNumeric(_ host: String) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        let lower = last.lowercased()
        return lower.hasPrefix("0x") && lower.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
