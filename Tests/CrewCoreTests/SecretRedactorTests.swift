import CrewCore
import Foundation
import Testing

@Suite struct SecretRedactorTests {
    static let key = "canary+Key/9f2c=7Q_x"
    let redactor = SecretRedactor(secrets: [Self.key])

    func expectClean(_ text: String, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let clean = redactor.redact("before " + text + " after")
        #expect(clean.contains("***"), "\(what): nothing redacted", sourceLocation: sourceLocation)
        #expect(!clean.contains(text), "\(what): \(clean)", sourceLocation: sourceLocation)
        #expect(clean.hasPrefix("before ") && clean.hasSuffix(" after"), sourceLocation: sourceLocation)
    }

    @Test func rawAndEscapedForms() {
        expectClean(Self.key, "raw")
        let tricky = "line1\r\nline2\t\"quoted\" back\\slash/é"
        let redactor = SecretRedactor(secrets: [tricky])
        let json = JSONValue.string(tricky).serialized().dropFirst().dropLast()
        for form in [
            String(json), #"line1\r\nline2\t\"quoted\" back\\slash/é"#,
            #"line1\u000D\u000Aline2\u0009\"quoted\" back\\slash/é"#,
            #"line1\r\nline2\t\"quoted\" back\\slash\/é"#, #"line1\r\nline2\t\"quoted\" back\\slash/\u00e9"#,
            #"line1\\r\\nline2\\t\\\"quoted\\\" back\\\\slash/é"#,
        ] {
            let clean = redactor.redact("<" + form + ">")
            #expect(clean == "<***>", "\(form) → \(clean)")
        }
    }

    @Test func percentEncodedForms() {
        let spaced = SecretRedactor(secrets: ["pass word+/=ok"])
        for form in [
            "pass%20word%2B%2F%3Dok", "pass%20word%2b%2f%3dok", "pass+word%2B%2F%3Dok", "pass%20word%2B/%3Dok",
        ] {
            #expect(spaced.redact("q=" + form + "&x=1") == "q=***&x=1", "\(form)")
        }
        expectClean("canary%2BKey%2F9f2c%3D7Q_x", "percent")
    }

    @Test func base64InEveryAlignment() {
        for prefix in ["", "u", "us", "use", "user:"] {
            let message = Data((prefix + Self.key + ":more").utf8)
            for encoded in [
                message.base64EncodedString(),
                message.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                    .replacingOccurrences(of: "/", with: "_"),
            ] {
                let clean = redactor.redact("Authorization: Basic " + encoded)
                // The characters that carry the key's bits alone: bits 8k..<8(k+n), six to a character.
                let characters = Array(encoded)
                let first = (8 * prefix.count + 5) / 6
                let end = 8 * (prefix.count + Self.key.utf8.count) / 6
                let core = String(characters[first..<end])
                #expect(clean.contains("***") && !clean.contains(core), "offset \(prefix.count): \(clean)")
            }
        }
    }

    @Test func keyShapedTokensGoButOrdinaryWordsStay() {
        let redactor = SecretRedactor(secrets: [])
        #expect(redactor.redact("key sk-proj-abcdefghijklmnop.") == "key ***.")
        #expect(redactor.redact("AIzaSyA1234567890abcdefgh") == "***")
        let plain = "skeleton_structure task-force-readiness sk-short risk-assessment_2024"
        #expect(redactor.redact(plain) == plain)
    }

    @Test func shortSecretsAreNotSearchedFor() {
        #expect(SecretRedactor.minimumLength == 4)
        let redactor = SecretRedactor(secrets: ["abc", ""])
        #expect(redactor.redact("abc abcd") == "abc abcd")
        #expect(SecretRedactor(secrets: ["abcd"]).redact("abc abcd") == "abc ***")
    }

    @Test func aSecretHoldingAnotherIsReplacedWhole() {
        let redactor = SecretRedactor(secrets: ["token", "token-extended"], mask: "[x]")
        #expect(redactor.redact("a token-extended b token") == "a [x] b [x]")
    }
}
