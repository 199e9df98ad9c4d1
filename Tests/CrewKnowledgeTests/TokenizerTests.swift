import Testing

@testable import CrewKnowledge

@Suite struct TokenizerTests {
    @Test func foldsCaseDiacriticsAndCompatibilityForms() {
        #expect(Tokenizer.terms("Café CAFÉ cafe") == ["cafe", "cafe", "cafe"])
        #expect(Tokenizer.terms("naïve Résumé") == Tokenizer.terms("naive resume"))
        #expect(Tokenizer.terms("ＡＢＣ ﬁnd") == ["abc", "find"])
        #expect(Tokenizer.terms("Straße") == ["straße"])
        #expect(Tokenizer.terms("ΑΘΗΝΑ") == ["αθηνα"])
    }

    @Test func splitsOnPunctuationAndKeepsNumbers() {
        #expect(
            Tokenizer.terms("max_connections=100; Python 3.11!") == ["max", "connection", "100", "python", "3", "11"])
        #expect(Tokenizer.terms("x86-64 utf8 IPv6") == ["x86", "64", "utf8", "ipv6"])
        #expect(Tokenizer.terms("em—dash “quoted” ½") == ["em", "dash", "quot", "1", "2"])
        #expect(Tokenizer.terms("日本語") == ["日", "本", "語"])
        #expect(Tokenizer.terms("") == [])
        #expect(Tokenizer.terms("  ...  ") == [])
    }

    @Test func dropsStopWords() {
        #expect(Tokenizer.terms("The cat and THE hat") == ["cat", "hat"])
        #expect(Tokenizer.terms("don't it's") == ["don"])
        #expect(Tokenizer.terms("to be or not to be") == [])
        #expect(Tokenizer.terms("some about") == ["some", "about"])
        #expect(StopWords.list.allSatisfy { $0.utf8.count <= 8 && Tokenizer.terms($0).isEmpty })
    }

    @Test func stemsPluralsAndCommonSuffixes() {
        let cases = [
            "queries": "query", "classes": "class", "files": "file", "status": "status", "analysis": "analysis",
            "running": "run", "installed": "install", "quickly": "quick", "configure": "configure",
            "configured": "configur", "configuring": "configur", "configures": "configure", "stopped": "stop",
            "process": "process", "matches": "match", "boxes": "box", "sql": "sql", "bed": "bed",
        ]
        for (word, stem) in cases { #expect(Stemmer.stem(word) == stem, "\(word)") }
        #expect(Tokenizer.terms("Indexes indexing indexed") == ["index", "index", "index"])
    }

    @Test func truncatesVeryLongTerms() {
        let long = String(repeating: "ab", count: 100)
        #expect(Tokenizer.terms(long).map(\.utf8.count) == [Tokenizer.maxTermBytes])
        #expect(Tokenizer.terms(String(repeating: "é", count: 500)).count == 1)
    }
}
