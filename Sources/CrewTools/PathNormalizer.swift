/// Puts URL paths and queries in one normal form (RFC 3986 §6.2.2), so a path is matched against the allow-list
/// exactly as the server will read it.
enum PathNormalizer {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
    /// Characters a path may hold unencoded: unreserved, sub-delims, `:`, `@` and `/`.
    private static let pathSafe = unreserved.union("!$&'()*+,;=:@/".utf8)
    private static let querySafe = pathSafe.union("?".utf8)
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes what must be, decodes encoded unreserved characters (so `%2e%2e` is `..`), refuses encoded
    /// `/`, `\` and NUL (servers disagree on them), then removes `.` and `..` segments; `..` above the root is refused.
    static func normalize(_ raw: String) throws(URLProblem) -> String {
        guard !raw.isEmpty else { return "/" }
        guard !raw.contains("\\") else { throw URLProblem("backslashes are not allowed in URL paths") }
        let encoded = try canonicalEscapes(raw, safe: pathSafe, strict: true)
        return try removeDotSegments(encoded)
    }

    /// A query with everything outside the allowed characters percent-encoded; a lone `%` becomes `%25`.
    static func encodeQuery(_ raw: String) -> String {
        (try? canonicalEscapes(raw, safe: querySafe, strict: false)) ?? ""
    }

    private static func canonicalEscapes(_ raw: String, safe: Set<UInt8>, strict: Bool) throws(URLProblem)
        -> String
    {
        let bytes = Array(raw.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let value = decodeHex(bytes[i + 1], bytes[i + 2]) {
                if strict, value == 0x2F || value == 0x5C || value == 0 {
                    throw URLProblem("encoded `/`, `\\` or NUL characters are not allowed in URL paths")
                }
                if unreserved.contains(value) { out.append(value) } else { append(value, to: &out) }
                i += 3
                continue
            }
            if byte == UInt8(ascii: "%"), strict { throw URLProblem("invalid percent-encoding in the URL path") }
            if safe.contains(byte) { out.append(byte) } else { append(byte, to: &out) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
    }

    private static func decodeHex(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let h = digit(high), let l = digit(low) else { return nil }
        return h << 4 | l
    }

    private static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func removeDotSegments(_ path: String) throws(URLProblem) -> String {
        let input = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var output: [Substring] = []
        for (index, segment) in input.enumerated() {
            let isLast = index == input.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                guard !output.isEmpty else { throw URLProblem("the URL path climbs above the root with `..`") }
                output.removeLast()
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }
}
