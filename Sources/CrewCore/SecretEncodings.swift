import Foundation

/// The spellings under which a secret can leave crew without being written as itself: escaped inside JSON or a
/// quoted string, percent-encoded in a URL or form, or inside base64 (a Basic `Authorization` header, a token
/// wrapped in a JWT-like blob, an echoed request). Each form is what a plain substring search must look for.
enum SecretEncodings {
    /// Every form of `secret` as UTF-8 bytes (the raw one included), without duplicates.
    static func forms(of secret: String) -> Set<[UInt8]> {
        let raw = Array(secret.utf8)
        var forms: Set<[UInt8]> = [raw]
        for style in EscapeStyle.all {
            let once = escape(secret, style)
            forms.insert(Array(once.utf8))
            // A secret in a JSON string that is itself written into JSON (a tool's arguments in the run record).
            forms.insert(Array(escape(once, style).utf8))
        }
        for style in PercentStyle.all { forms.insert(percentEncode(raw, style)) }
        forms.formUnion(base64Cores(raw))
        return forms
    }

    // MARK: Escaped (JSON, C, Python, JavaScript)

    struct EscapeStyle {
        /// Control characters written with a letter (`\n`); the others as `\u00XX`.
        var named: [UInt32: String]
        var upperHex: Bool
        /// `\/`, as PHP and some JavaScript encoders write it.
        var slash: Bool
        /// Everything past ASCII as `\uXXXX` (UTF-16), as Python's `json.dumps` does by default.
        var asciiOnly: Bool

        static let letters: [UInt32: String] = [0x0A: "n", 0x0D: "r", 0x09: "t", 0x08: "b", 0x0C: "f"]
        static let all: [EscapeStyle] = [
            EscapeStyle(named: letters, upperHex: false, slash: false, asciiOnly: false),
            EscapeStyle(
                named: letters.filter { $0.key != 0x08 && $0.key != 0x0C }, upperHex: false, slash: false,
                asciiOnly: false),
            EscapeStyle(named: [:], upperHex: true, slash: false, asciiOnly: false),
            EscapeStyle(named: [:], upperHex: false, slash: false, asciiOnly: false),
            EscapeStyle(named: letters, upperHex: false, slash: true, asciiOnly: false),
            EscapeStyle(named: letters, upperHex: false, slash: false, asciiOnly: true),
        ]
    }

    static func escape(_ text: String, _ style: EscapeStyle) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where style.slash: out += "\\/"
            case _ where scalar.value < 0x20 || (style.asciiOnly && scalar.value > 0x7E):
                if let letter = style.named[scalar.value] {
                    out += "\\" + letter
                } else {
                    for unit in String(scalar).utf16 {
                        out += "\\u" + hex(UInt32(unit), digits: 4, upper: style.upperHex)
                    }
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Percent-encoded (URLs and forms)

    struct PercentStyle {
        /// Bytes left as they are besides the unreserved ones of RFC 3986.
        var kept: Set<UInt8>
        var upperHex: Bool
        /// `+` for a space, as `application/x-www-form-urlencoded` writes it.
        var plusForSpace: Bool

        static let all: [PercentStyle] = {
            // Strict (Python's `quote(safe="")`), path-style (`quote`), and JavaScript's `encodeURIComponent`.
            let keptSets: [Set<UInt8>] = [[], Set("/".utf8), Set("!'()*".utf8)]
            return keptSets.flatMap { kept in
                [false, true].flatMap { upper in
                    [false, true].map { PercentStyle(kept: kept, upperHex: upper, plusForSpace: $0) }
                }
            }
        }()
    }

    static func percentEncode(_ bytes: [UInt8], _ style: PercentStyle) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            if isUnreserved(byte) || style.kept.contains(byte) {
                out.append(byte)
            } else if byte == UInt8(ascii: " "), style.plusForSpace {
                out.append(UInt8(ascii: "+"))
            } else {
                out += Array(("%" + hex(UInt32(byte), digits: 2, upper: style.upperHex)).utf8)
            }
        }
        return out
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    // MARK: Base64

    /// The characters of base64 that depend on the secret's bytes alone, for each of the three places the secret
    /// can start within a 3-byte group of a longer message; in the standard and the URL-safe alphabet. Character
    /// `i` of base64 carries bits `6i..<6i+6`; a secret starting at byte `k` covers bits `8k..<8(k+n)`.
    static func base64Cores(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for offset in 0..<3 {
            let padded = [UInt8](repeating: 0, count: offset) + bytes + [0, 0]
            let encoded = Array(Data(padded).base64EncodedString().utf8)
            let first = (8 * offset + 5) / 6
            let end = 8 * (offset + bytes.count) / 6
            guard end > first else { continue }
            let core = Array(encoded[first..<end])
            out.append(core)
            out.append(
                core.map {
                    $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0
                })
        }
        return out
    }

    private static func hex(_ value: UInt32, digits: Int, upper: Bool) -> String {
        let text = String(value, radix: 16, uppercase: upper)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
