/// HTML character references: numeric ones and the named ones that matter in prose. An unknown name is left as
/// written, which is what browsers do for most of them.
enum HTMLEntities {
    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "laquo": "«", "raquo": "»",
        "copy": "©", "reg": "®", "trade": "™", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "deg": "°",
        "middot": "·", "bull": "•", "times": "×", "divide": "÷", "shy": "", "zwj": "\u{200D}", "zwnj": "\u{200C}",
        "eacute": "é", "egrave": "è", "agrave": "à", "aacute": "á", "uuml": "ü", "ouml": "ö", "auml": "ä",
        "szlig": "ß", "ccedil": "ç", "ntilde": "ñ", "para": "¶", "sect": "§", "larr": "←", "rarr": "→",
    ]

    /// Decodes the reference starting at `start` (which holds `&`): the decoded text and the index after the
    /// reference, or nil when it is not a reference we know.
    static func decode(_ bytes: [UInt8], at start: Int) -> (text: String, next: Int)? {
        var end = start + 1
        while end < bytes.count, end - start <= 32, bytes[end] != UInt8(ascii: ";") {
            let byte = bytes[end]
            guard
                (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == 0x23
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            else { return nil }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > start + 1 else { return nil }
        let name = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        guard let text = name.hasPrefix("#") ? numeric(name.dropFirst()) : named[name] else { return nil }
        return (text, end + 1)
    }

    /// `#65` or `#x41`; invalid code points become U+FFFD, as in browsers.
    static func numeric(_ digits: Substring) -> String? {
        let hex = digits.first == "x" || digits.first == "X"
        guard let value = UInt32(hex ? digits.dropFirst() : digits, radix: hex ? 16 : 10) else { return nil }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }
}
