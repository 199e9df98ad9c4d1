import CrewCore
import Testing

/// The one JSON reader and writer: strict RFC 8259 in, escaped out, and the same value after a round trip, on the
/// fast paths (a string without escapes, a short integer) and off them.
@Suite struct JSONTests {
    @Test(arguments: [
        (#""plain""#, JSONValue.string("plain")),
        (#""""#, .string("")),
        (#""a\"b\\c\/d\n\t""#, .string("a\"b\\c/d\n\t")),
        (#""prefix then \u00e9 and \ud83d\ude00 after""#, .string("prefix then é and 😀 after")),
        (#""héllo ✓""#, .string("héllo ✓")),
        ("0", .int(0)), ("-0", .int(0)), ("7", .int(7)), ("-42", .int(-42)),
        ("999999999999999999", .int(999_999_999_999_999_999)),
        ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("01", .int(1)), ("1.5", .double(1.5)), ("-2e3", .double(-2000)), ("1E-2", .double(0.01)),
        ("true", .bool(true)), ("false", .bool(false)), ("null", .null),
        (
            #" { "a" : [1, "x", null, {"b": false}] } "#,
            .object(["a": .array([.int(1), .string("x"), .null, .object(["b": .bool(false)])])])
        ),
        ("{}", .object([:])), (" { } ", .object([:])),
        (#"{"k": 1, "k": 2, "j": 3}"#, .object(["k": .int(2), "j": .int(3)])),
        (
            #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9}"#,
            .object(Dictionary(uniqueKeysWithValues: "abcdefghi".enumerated().map { (String($1), .int($0 + 1)) }))
        ),
    ])
    func readsWhatRFC8259Allows(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONParser.parse(text) == expected)
    }

    @Test(arguments: [
        "", "-", "tru", "nul", "falsey", "\"open", "\"a\u{1}b\"", "\"bad \\x escape\"", "[1,]", "{\"a\" 1}", "1 2",
        "NaN", "\"\\u12\"", "{\"a\":1,}", "[", "{",
    ])
    func refusesWhatItDoesNot(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    /// Integers are written as their decimal digits, the extremes and zero included, and read back the same.
    @Test(arguments: [0, 7, -1, 10, -10, 99, 100, 1_000_000, Int.max, Int.min, Int.min + 1, -9_876_543_210])
    func integersAreWrittenAsTheirDecimalDigits(_ value: Int) throws {
        #expect(JSONValue.int(value).serialized() == String(value))
        #expect(try JSONParser.parse(JSONValue.array([.int(value)]).serialized()) == .array([.int(value)]))
    }

    /// Keys come out in UTF-8 byte order: a prefix first, bytes above 0x7F after ASCII, long keys compared whole.
    @Test func keysAreWrittenInByteOrder() {
        let long = String(repeating: "k", count: 40)
        let value = JSONValue.object([
            "b": .int(1), "a": .int(2), "ab": .int(3), "é": .int(4), "z": .int(5), "": .int(6), long + "b": .int(7),
            long + "a": .int(8), "Z": .int(9),
        ])
        #expect(
            value.serialized()
                == #"{"":6,"Z":9,"a":2,"ab":3,"b":1,"# + "\"\(long)a\":8,\"\(long)b\":7," + #""z":5,"é":4}"#)
    }

    /// Keeping some members of a top-level object gives the whole parse without the others, and refuses what the
    /// whole parse refuses, inside skipped members too.
    @Test func keepingSomeMembersChecksTheRest() throws {
        let text = #"{"id":"x\u00e9\"y","n":12,"deep":{"a":[1,{"b":null}]},"choices":[{"delta":{"content":"hi"}}]}"#
        let whole = try JSONParser.parse(text)
        let kept = try JSONParser.parse(Array(text.utf8), keeping: ["choices", "missing"])
        #expect(kept == .object(["choices": whole["choices"]!]))
        #expect(try JSONParser.parse(Array("[1, 2]".utf8), keeping: ["a"]) == .array([.int(1), .int(2)]))
        #expect(try JSONParser.parse(Array(" {} ".utf8), keeping: ["a"]) == .object([:]))
        // Keys are compared as strings, escaped or not; a repeated key keeps its last value, as a whole parse does.
        let escaped = #"{"cho\u0069ces":1,"i\u0064":2,"choices":3,"choicesX":4,"é":5}"#
        #expect(
            try JSONParser.parse(Array(escaped.utf8), keeping: ["choices", "é"])
                == .object(["choices": .int(3), "é": .int(5)]))
        #expect(
            try JSONParser.parse(Array(#"{"id":1,"choices":2}"#.utf8), keeping: ["choices"])
                == .object(["choices": .int(2)]))
        let bad = [
            #"{"id":"bad \x escape","choices":1}"#, "{\"id\":\"ctl \u{1}\",\"choices\":1}", #"{"id":"open"#,
            #"{"n":01x,"choices":1}"#, #"{"deep":[1,],"choices":1}"#, #"{"choices":1} trailing"#,
            #"{"id":"\u12","choices":1}"#, "{\"i\u{1}d\":1,\"choices\":1}", #"{"id"1,"choices":1}"#, #"{"id:1}"#,
        ]
        for text in bad {
            #expect(throws: JSONParser.Error.self, "\(text)") {
                try JSONParser.parse(Array(text.utf8), keeping: ["choices"])
            }
            #expect(throws: JSONParser.Error.self, "\(text)") { try JSONParser.parse(text) }
        }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: 513)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }

    @Test func stringsComeBackTheSameAndControlsAreEscaped() throws {
        let texts = [
            "", "plain text", "quote \" backslash \\ newline \n tab \t", "é ✓ 😀", "bell \u{7} del \u{7F}",
            "c1 \u{85} bidi \u{202E}reversed\u{202C} mark \u{061C}", "\u{2014} dash stays",
            String(repeating: "x", count: 5000),
        ]
        for text in texts {
            let written = JSONValue.string(text).serialized()
            #expect(try JSONParser.parse(written) == .string(text), "\(written)")
            #expect(!written.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{7F}" || $0 == "\u{202E}" })
        }
        #expect(JSONValue.string("a\u{202E}b").serialized() == #""a\u202eb""#)
        #expect(JSONValue.string("\u{2014}").serialized() == "\"\u{2014}\"")
    }
}

/// `JSONParser`'s reader: walking a known shape, keeping some members and checking the rest.
@Suite struct JSONReaderTests {
    @Test func walksObjectsAndArraysAndKeepsWhatItReads() throws {
        var reader = JSONParser(
            reading: Array(#"{"skip":{"a":[1,"x",null]},"list":[{"k":"v1"},{"k":"v2"}],"n":7}"#.utf8))
        var kept: [JSONValue] = []
        var n: JSONValue?
        try reader.readObject { (key, reader) throws(JSONParser.Error) in
            if key.matches("list") {
                try reader.readArray { (position, reader) throws(JSONParser.Error) in
                    try reader.readObject { (key, reader) throws(JSONParser.Error) in
                        #expect(key.matches("k"))
                        kept.append(try reader.readValue())
                    }
                    #expect(position == kept.count - 1)
                }
            } else if key.matches("n") {
                n = try reader.readValue()
            } else {
                #expect(key.matches("skip"))
                try reader.skipValue()
            }
        }
        try reader.readEnd()
        #expect(kept == [.string("v1"), .string("v2")])
        #expect(n == .int(7))
    }

    @Test func keysMatchByTheirDecodedBytes() throws {
        var reader = JSONParser(reading: Array(#"{"k\u0065y":1,"kéy":2,"ke":3}"#.utf8))
        var matched: [Bool] = []
        try reader.readObject { (key, reader) throws(JSONParser.Error) in
            matched.append(key.matches("key"))
            try reader.skipValue()
        }
        #expect(matched == [true, false, false])
    }

    @Test(arguments: [
        "{", "{]", #"{"a":}"#, #"{"a":1,}"#, #"{"a" 1}"#, "[1,]", #"{"a":[1 2]}"#, #"{"a":1} x"#, #"{"a":"\q"}"#,
    ])
    func refusesWhatParseRefuses(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
        var reader = JSONParser(reading: Array(text.utf8))
        #expect(throws: JSONParser.Error.self) {
            if reader.next() == .object {
                try reader.readObject { (_, reader) throws(JSONParser.Error) in try reader.skipValue() }
            } else {
                try reader.readArray { (_, reader) throws(JSONParser.Error) in try reader.skipValue() }
            }
            try reader.readEnd()
        }
    }

    @Test func nestingIsBoundedAcrossReaderAndValues() {
        let text =
            "[" + String(repeating: "[", count: JSONParser.maxDepth)
            + String(repeating: "]", count: JSONParser.maxDepth) + "]"
        var reader = JSONParser(reading: Array(text.utf8))
        #expect(throws: JSONParser.Error.self) {
            try reader.readArray { (_, reader) throws(JSONParser.Error) in _ = try reader.readValue() }
        }
    }

    /// Pretty output indents two spaces a level however deep the value is (the spaces are copied in runs of 64), and
    /// literals, integers and empty containers come out as their JSON text.
    @Test func prettyOutputIndentsEveryLevel() throws {
        var value = JSONValue.array([.null, .bool(true), .bool(false), .int(-42), .array([]), .object([:])])
        for level in 0..<40 { value = .object(["k\(level)": value]) }
        let text = value.serialized(pretty: true)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (depth, line) in lines.prefix(41).enumerated() {
            #expect(line.prefix { $0 == " " }.count == 2 * depth, "line \(depth)")
        }
        #expect(lines.contains { $0 == String(repeating: " ", count: 82) + "-42," })
        #expect(try JSONParser.parse(text) == value)
        #expect(
            JSONValue.array([.null, .bool(true), .int(0), .array([]), .object([:])]).serialized()
                == "[null,true,0,[],{}]")
    }

    /// Strings are written eight bytes at a time where they are plain: every byte value, at every place in and
    /// around a word, comes out as a byte-at-a-time writer would write it, and reads back the same.
    @Test func everyByteIsEscapedAsOneAtATimeWouldBe() throws {
        let scalars: [Unicode.Scalar] =
            (0...0x7F).compactMap(Unicode.Scalar.init) + [
                "é", "\u{85}", "\u{9F}", "\u{061C}", "\u{200E}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{2070}", "✓",
                "😀",
            ]
        for scalar in scalars {
            for position in [0, 1, 6, 7, 8, 9, 15, 16, 17, 23] {
                for length in [position + 1, position + 9, 25] {
                    var text = String(repeating: "a", count: length)
                    let index = text.index(text.startIndex, offsetBy: position)
                    text.replaceSubrange(index...index, with: String(Character(scalar)))
                    let written = JSONValue.string(text).serialized()
                    #expect(written == Self.reference(text), "U+\(String(scalar.value, radix: 16)) at \(position)")
                    #expect(try JSONParser.parse(written) == .string(text))
                }
            }
        }
    }

    /// What the writer promises, a scalar at a time: quote and backslash escaped, the usual short escapes, `\uXXXX`
    /// for other controls and for what a terminal would obey, everything else as it is.
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || TerminalText.isUnsafe(scalar, keepLayout: false) {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The reader finds a string's end, escapes and control characters wherever they fall in a word.
    @Test func stringsEndWhereverTheQuoteFalls() throws {
        for position in 0..<20 {
            let text = String(repeating: "x", count: position)
            #expect(try JSONParser.parse("\"" + text + "\"") == .string(text))
            #expect(try JSONParser.parse("\"" + text + "\\n\"") == .string(text + "\n"))
            #expect(throws: JSONParser.Error.self) { try JSONParser.parse("\"" + text + "\u{1}\"") }
            #expect(throws: JSONParser.Error.self) { try JSONParser.parse("\"" + text) }
        }
    }
}
