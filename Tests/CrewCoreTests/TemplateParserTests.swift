import CrewCore
import Testing

@Suite struct TemplateParserTests {
    static func segments(_ text: String, inputs: Bool = true) -> [Template.Segment] {
        TemplateParser.parse(text, at: .file("t"), inputs: inputs).0.segments
    }

    /// Text with no `$` (and no `{` where inputs count) is one text segment, exactly the source.
    @Test func plainTextIsOneSegment() {
        for text in ["Write a summary.", "naïve café 日本語 🦀", "a } b", "line\nbreak\ttab", " "] {
            #expect(Self.segments(text) == [.text(text)])
        }
        #expect(Self.segments("").isEmpty)
        #expect(Self.segments("{topic} as is", inputs: false) == [.text("{topic} as is")])
    }

    @Test func referencesAndEscapesStillParse() {
        #expect(Self.segments("About {topic}.") == [.text("About "), .input("topic"), .text(".")])
        #expect(Self.segments("Key ${env:KEY}", inputs: false) == [.text("Key "), .env("KEY")])
        #expect(Self.segments("literal $${HOME} and {{name}}") == [.text("literal ${HOME} and {name}")])
        #expect(Self.segments("a { b") == [.text("a { b")])
    }
}

@Suite struct IdentifierCharacterTests {
    /// The letter ranges are exactly the ASCII scalars Unicode calls alphabetic, and nothing else starts a name.
    @Test func lettersAreTheASCIIAlphabeticScalars() {
        for value in UInt32(0)...0x2FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = scalar == "_" || (scalar.isASCII && scalar.properties.isAlphabetic)
            #expect(TemplateParser.isIdentifierStart(scalar) == expected, "U+\(String(value, radix: 16))")
        }
        #expect(!TemplateParser.isIdentifierStart("é") && !TemplateParser.isIdentifierStart("Ω"))
        #expect(Names.isValid("a_b-9") && !Names.isValid("9a") && !Names.isValid("café") && !Names.isValid("-x"))
    }
}
