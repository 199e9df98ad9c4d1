/// Which addresses the `http` tool may not reach unless a pattern names the host literally: everything that is not
/// the public internet (RFC 6890 special-purpose ranges), including IPv6 forms that embed an IPv4 address.
enum AddressRules {
    /// Why `address` is not a public internet address, or nil when it is.
    static func restriction(of address: IPAddress) -> String? {
        address.isIPv4 ? ipv4Restriction(address.bytes) : ipv6Restriction(address.bytes)
    }

    private static func ipv4Restriction(_ b: [UInt8]) -> String? {
        switch (b[0], b[1], b[2]) {
        case (0, _, _): "an unspecified (0.0.0.0/8) address"
        case (10, _, _), (172, 16...31, _), (192, 168, _): "a private network address"
        case (100, 64...127, _): "a carrier-grade NAT (100.64.0.0/10) address"
        case (127, _, _): "a loopback address"
        case (169, 254, _): "a link-local address (this includes cloud metadata services)"
        case (192, 0, 0), (192, 0, 2), (198, 51, 100), (203, 0, 113), (198, 18...19, _):
            "a reserved address"
        case (224...239, _, _): "a multicast address"
        case (240...255, _, _): "a reserved or broadcast address"
        default: nil
        }
    }

    private static func ipv6Restriction(_ b: [UInt8]) -> String? {
        let firstTen = b[0..<10].allSatisfy { $0 == 0 }
        if firstTen, b[10] == 0xFF, b[11] == 0xFF { return embedded(b[12..<16], "an IPv4-mapped") }
        if firstTen, b[10] == 0, b[11] == 0 {
            if b[12..<15].allSatisfy({ $0 == 0 }), b[15] <= 1 {
                return b[15] == 0 ? "an unspecified address" : "a loopback address"
            }
            return embedded(b[12..<16], "an IPv4-compatible")
        }
        if b[0...3] == [0x00, 0x64, 0xFF, 0x9B] {
            return b[4...5] == [0, 0] ? embedded(b[12..<16], "a NAT64") : "a local-use NAT64 address"
        }
        if b[0] == 0x20, b[1] == 0x02 { return embedded(b[2..<6], "a 6to4") }
        if b[0...3] == [0x20, 0x01, 0x00, 0x00] { return "a Teredo tunnel address" }
        if b[0...3] == [0x20, 0x01, 0x0D, 0xB8] { return "a documentation address" }
        if b[0...1] == [0x01, 0x00], b[2...7].allSatisfy({ $0 == 0 }) { return "a discard-only address" }
        if b[0] & 0xFE == 0xFC { return "a unique local (fc00::/7) address" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return "a link-local (fe80::/10) address" }
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return "a site-local address" }
        if b[0] == 0xFF { return "a multicast address" }
        return nil
    }

    private static func embedded(_ v4: ArraySlice<UInt8>, _ form: String) -> String? {
        guard let reason = ipv4Restriction(Array(v4)) else { return nil }
        return "\(form) form of \(reason)"
    }
}
