import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct ChunkerTests {
    static let words = [
        "alpha", "bridge", "cobalt", "delta", "ember", "forest", "granite", "harbor", "island", "jasper",
        "kernel", "lantern", "meadow", "nickel", "orchard", "pepper", "quartz", "river", "silver", "timber",
    ]

    /// Deterministic prose: sentences of 4 to 14 lowercase words starting with a capital, ending with a period.
    static func prose(paragraphs: Int, seed: UInt64 = 7, sentences: ClosedRange<Int> = 1...6) -> String {
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var result: [String] = []
        for _ in 0..<paragraphs {
            var sentencesOut: [String] = []
            for _ in 0..<(sentences.lowerBound + next(sentences.count)) {
                let count = 4 + next(11)
                let chosen = (0..<count).map { _ in words[next(words.count)] }
                sentencesOut.append(chosen.joined(separator: " ").capitalizedFirst + ".")
            }
            // break some paragraphs over two lines to exercise line ranges
            let joined = sentencesOut.joined(separator: " ")
            result.append(next(3) == 0 ? joined.replacingFirstSpace(with: "\n") : joined)
        }
        return result.joined(separator: "\n\n") + "\n"
    }

    static func document(_ text: String, path: String = "notes/a.md", format: DocumentFormat = .markdown)
        -> SourceDocument
    {
        SourceDocument(path: path, text: text, format: format)
    }

    /// Many documents are cut on several threads; ids, repeats and order are what one thread gives.
    @Test func manyDocumentsCutInParallelAsOneThreadWould() {
        let chunker = Chunker(size: 40, overlap: 8)
        let documents = (0..<300).map { i in
            SourceDocument(
                path: "r.jsonl",
                text: i % 7 == 0 ? "Same record again." : "# Record \(i)\n\nText of record \(i). More.",
                format: .jsonl)
        }
        let together = chunker.chunks(documents)
        var occurrences: [String: Int] = [:]
        var expected: [Chunk] = []
        for document in documents {
            for var chunk in chunker.firstCut(document) {
                let seen = occurrences[chunk.id, default: 0]
                occurrences[chunk.id] = seen + 1
                if seen > 0 { chunk.id = Chunk.id(source: chunk.source, text: chunk.text, occurrence: seen) }
                expected.append(chunk)
            }
        }
        #expect(together == expected)
        #expect(Set(together.map(\.id)).count == together.count)
    }

    @Test func tokenEstimateRule() {
        #expect(TokenEstimate.count("Hello, world.") == 4)
        #expect(TokenEstimate.count("internationalization") == 4)
        #expect(TokenEstimate.count("a -> b ...") == 5)
        #expect(TokenEstimate.count("日本語") == 3)
        #expect(TokenEstimate.count("  \n\t ") == 0)
        #expect(TokenEstimate.count("café über") == 2)
    }

    @Test func headingPathsFollowMarkdownHeadings() {
        let text = """
            # Guide

            Intro text.

            ## Install ##

            How to install.

            ```sh
            # not a heading
            apt install crew
            ```

            ### Debian

            Use apt.

            ## Use
            Run it.
            #hashtag is not a heading.
            """
        let chunks = Chunker(size: 100, overlap: 10).chunks(Self.document(text))
        #expect(
            chunks.map(\.headingPath) == [
                ["Guide"], ["Guide", "Install"], ["Guide", "Install", "Debian"], ["Guide", "Use"],
            ])
        #expect(chunks[0].text == "# Guide\n\nIntro text.")
        #expect(chunks[1].text.hasSuffix("apt install crew\n```"))
        #expect(chunks[3].text == "## Use\nRun it.\n#hashtag is not a heading.")
        #expect(chunks.map { [$0.lineStart, $0.lineEnd] } == [[1, 3], [5, 12], [14, 16], [18, 20]])
        #expect(
            Chunker(size: 100, overlap: 0).chunks(Self.document(text, format: .text)).allSatisfy {
                $0.headingPath.isEmpty
            })
    }

    @Test func setextHeadingsAndRules() {
        let text = "Title\n=====\n\nBody text.\n\nSub\n---\n\nMore text.\nStill more.\n---\n\n---\nAfter a rule."
        let chunks = Chunker(size: 100, overlap: 0).chunks(Self.document(text))
        #expect(chunks.map(\.headingPath) == [["Title"], ["Title", "Sub"]])
        #expect(chunks.first?.text == "Title\n=====\n\nBody text.")
        #expect(chunks.last?.text.hasSuffix("---\nAfter a rule.") == true)
    }

    @Test func prosechunksAreWithinSizeStartAtSentencesAndOverlap() {
        let text = Self.prose(paragraphs: 300)
        for (size, overlap) in [(64, 16), (200, 40), (512, 64), (30, 0)] {
            let chunks = Chunker(size: size, overlap: overlap).chunks(Self.document(text))
            #expect(chunks.count > 1)
            for chunk in chunks {
                #expect(TokenEstimate.count(chunk.text) <= size)
                #expect(chunk.text.first?.isUppercase == true, "starts mid-sentence: \(chunk.text.prefix(40))")
                #expect(chunk.text.hasSuffix("."), "ends mid-sentence")
            }
            for (previous, next) in zip(chunks, chunks.dropFirst()) {
                let firstSentence = String(next.text.prefix { $0 != "." }) + "."
                let body = previous.text.dropLast()
                let lastStart = body.lastIndex(of: ".").map { body.index(after: $0) }
                let lastSentence = previous.text[(lastStart ?? body.startIndex)...]
                if overlap > 0, TokenEstimate.count(String(lastSentence)) <= overlap {
                    #expect(previous.text.contains(firstSentence), "no overlap at size \(size)")
                    #expect(next.lineStart <= previous.lineEnd)
                } else if overlap == 0 {
                    #expect(next.lineStart >= previous.lineEnd)
                    #expect(!previous.text.contains(firstSentence))
                }
            }
            let paragraphEnds = chunks.filter { text.contains($0.text + "\n\n") || text.hasSuffix($0.text + "\n") }
            #expect(size < 200 || paragraphEnds.count * 2 >= chunks.count, "most chunks should end at a paragraph end")
        }
    }

    @Test func everyWordOfTheSourceIsInSomeChunk() {
        let text = Self.prose(paragraphs: 60, seed: 3)
        let chunks = Chunker(size: 50, overlap: 10).chunks(Self.document(text))
        let covered = chunks.map(\.text).joined(separator: " ")
        let sourceSentences = text.split(whereSeparator: { $0 == "." }).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for sentence in sourceSentences where !sentence.isEmpty {
            #expect(covered.contains(sentence) || covered.replacingOccurrences(of: "\n", with: " ").contains(sentence))
        }
    }

    @Test func aSentenceLongerThanTheSizeIsSplitAtWords() {
        let long = (0..<400).map { Self.words[$0 % Self.words.count] }.joined(separator: " ")
        let text = "Short one. " + long.capitalizedFirst + ".\n\nAfter it."
        let chunks = Chunker(size: 40, overlap: 8).chunks(Self.document(text))
        let vocabulary = Set(Self.words + ["Alpha", "Short", "one", "After", "it"])
        for chunk in chunks {
            #expect(TokenEstimate.count(chunk.text) <= 40)
            let pieces = chunk.text.split(whereSeparator: \.isWhitespace).map(String.init)
            #expect(
                pieces.allSatisfy { vocabulary.contains($0.hasSuffix(".") ? String($0.dropLast()) : $0) },
                "split inside a word")
        }
        #expect(chunks.first?.text == "Short one.")
        #expect(chunks.last?.text.hasSuffix("After it.") == true)
        let giant = String(repeating: "x", count: 5000)
        let sliced = Chunker(size: 16, overlap: 0).chunks(Self.document(giant))
        #expect(sliced.allSatisfy { TokenEstimate.count($0.text) <= 16 })
        #expect(sliced.map(\.text).joined() == giant)
    }

    @Test func longUnpunctuatedTextIsCutAtLineEnds() {
        let lines = (1...200).map { "entry \($0) alpha bridge cobalt" }
        let document = SourceDocument(path: "log.txt", text: lines.joined(separator: "\n"), format: .text)
        let chunks = Chunker(size: 30, overlap: 6).chunks(document)
        let known = Set(lines)
        #expect(chunks.count > 20)
        for chunk in chunks {
            #expect(TokenEstimate.count(chunk.text) <= 30)
            #expect(chunk.text.split(separator: "\n").allSatisfy { known.contains(String($0)) }, "cut inside a line")
        }
        for (previous, next) in zip(chunks, chunks.dropFirst()) { #expect(next.lineStart == previous.lineEnd) }
        #expect(SourceDocument.inline("Hello.", number: 2).path == "inline:2")
    }

    @Test func codeBlocksAreCutOnlyBetweenLines() {
        let code = (1...80).map { "    let value\($0) = compute(\($0), \"text with. Sentence ends\")" }
        let text = "# Code\n\nSee below.\n\n```swift\n" + code.joined(separator: "\n") + "\n```\n\nDone.\n"
        let chunks = Chunker(size: 60, overlap: 10).chunks(Self.document(text))
        let sourceLines = Set(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        #expect(chunks.count > 3)
        for chunk in chunks {
            for line in chunk.text.split(separator: "\n") {
                #expect(sourceLines.contains(String(line)) || chunk.text.hasPrefix("# Code"), "cut inside: \(line)")
            }
        }
    }

    @Test func lineRangesMatchTheSource() {
        let text = "# Title\n\n" + Self.prose(paragraphs: 80, seed: 11)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for chunk in Chunker(size: 70, overlap: 15).chunks(Self.document(text)) {
            let span = lines[(chunk.lineStart - 1)...(chunk.lineEnd - 1)].joined(separator: "\n")
            #expect(span.contains(chunk.text))
            let chunkLines = chunk.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let (first, last) = (lines[chunk.lineStart - 1], lines[chunk.lineEnd - 1])
            #expect(first.hasSuffix(chunkLines[0]) || (chunkLines.count == 1 && first.contains(chunkLines[0])))
            #expect(chunkLines.count == 1 || last.hasPrefix(chunkLines[chunkLines.count - 1]))
        }
    }

    /// Chunks before an edit, and in other sections and files, keep their ids. (After an edit, chunks of the same
    /// section may shift until the packing meets the same paragraph end again.)
    @Test func idsAreStableWhenOtherTextChanges() {
        let paragraphs = Self.prose(paragraphs: 40, seed: 5).components(separatedBy: "\n\n")
        let later = "\n\n# Later\n\n" + Self.prose(paragraphs: 10, seed: 6)
        var edited = paragraphs
        edited[35] = "An edited paragraph. It is different now."
        let chunker = Chunker(size: 60, overlap: 10)
        func build(_ paragraphs: [String], other: String) -> [Chunk] {
            chunker.chunks([
                Self.document(paragraphs.joined(separator: "\n\n") + later), Self.document(other, path: "b.md"),
            ])
        }
        let before = build(paragraphs, other: "Other.")
        let after = build(edited, other: "Changed.")
        let early = paragraphs[0..<33].joined(separator: "\n\n")
        let kept = before.filter { $0.source == "notes/a.md" && (early.contains($0.text) || !$0.headingPath.isEmpty) }
        let afterIDs = Set(after.map(\.id))
        #expect(kept.count > 10)
        for chunk in kept { #expect(afterIDs.contains(chunk.id), "id changed: \(chunk.text.prefix(50))") }
        #expect(before == build(paragraphs, other: "Other."))
        #expect(before.allSatisfy { $0.id.count == 16 && $0.id.allSatisfy(\.isHexDigit) })
        #expect(before[0].id == Chunk.id(source: "notes/a.md", text: before[0].text))
    }

    @Test func identicalChunksGetDistinctIDs() {
        let text = "# A\n\nSame words here.\n\n# B\n\nOther.\n\n# A\n\nSame words here.\n"
        let chunks = Chunker(size: 50, overlap: 0).chunks(Self.document(text))
        #expect(chunks.count == 3 && chunks[0].text == chunks[2].text)
        #expect(chunks[0].id != chunks[2].id)
        let record = SourceDocument(path: "r.jsonl", text: "Same record.", format: .jsonl)
        let records = Chunker(size: 50, overlap: 0).chunks([record, record])
        #expect(Set(records.map(\.id)).count == 2)
    }

    @Test func emptyDocumentsGiveNoChunks() {
        #expect(Chunker(size: 50, overlap: 5).chunks(Self.document("")).isEmpty)
        #expect(Chunker(size: 50, overlap: 5).chunks(Self.document("\n  \n\n")).isEmpty)
        #expect(Chunker(size: 50, overlap: 5).chunks(Self.document("# Only\n## Headings\n")).isEmpty)
    }

    @Test func twoThousandParagraphsChunkQuickly() {
        let text = Self.prose(paragraphs: 2000, seed: 13)
        let start = Date()
        let chunks = Chunker(size: 512, overlap: 64).chunks(Self.document(text))
        let seconds = Date().timeIntervalSince(start)
        print(
            "chunked 2,000 paragraphs (\(text.utf8.count) bytes) into \(chunks.count) chunks in \(Int(seconds * 1000)) ms"
        )
        #expect(chunks.count > 50)
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }

    func replacingFirstSpace(with replacement: String) -> String {
        guard let space = firstIndex(of: " ") else { return self }
        return String(self[..<space]) + replacement + String(self[index(after: space)...])
    }
}
