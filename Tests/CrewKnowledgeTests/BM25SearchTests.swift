import CrewTestSupport
import Foundation
import Testing

@testable import CrewKnowledge

@Suite struct BM25SearchTests {
    @Test func matchesBruteForceBM25() throws {
        let fixture = try BM25Fixture(documents: BM25Fixture.generated(count: 400, seed: 7))
        #expect(fixture.index.documentCount == 400)
        var random = BM25Random(99)
        for q in 0..<60 {
            let query = (0..<random.next(1...6)).map { _ in BM25Fixture.word(random.skewed(320)) }.joined(
                separator: " ")
            let reference = fixture.reference(query)
            expectBM25Matches(fixture.index.search(query, k: 10), reference, k: 10, "query \(q) '\(query)'")
            let lists = fixture.index.cursors(for: query)
            expectBM25Matches(fixture.index.searchMaxScore(lists, k: 10), reference, k: 10, "MaxScore '\(query)'")
            expectBM25Matches(
                fixture.index.searchAccumulating(lists, k: 10), reference, k: 10, "accumulated '\(query)'")
        }
    }

    /// Terms found ahead (on several threads, as the knowledge compiler does) build the same index as text added one
    /// document at a time, byte for byte: long terms, Unicode folding and empty documents included.
    @Test func termsFoundAheadBuildTheSameIndex() {
        var texts = BM25Fixture.generated(count: 300, seed: 11)
        texts += ["", "Ünïcödé FOLDING, stemming: running runners ran", String(repeating: "x", count: 600) + " y"]
        var one = BM25Builder()
        var ahead = BM25Builder()
        for text in texts { one.add(text) }
        for found in Parallel.map(texts, minimum: 1) { BM25Builder.Terms($0) } { ahead.add(found) }
        #expect(one.bytes() == ahead.bytes())
    }

    @Test func repeatedQueryTermsCountEachTime() throws {
        let fixture = try BM25Fixture(documents: BM25Fixture.generated(count: 50, seed: 3))
        let query = "w1 w1 w4 w9 w9 w9"
        expectBM25Matches(fixture.index.search(query, k: 5), fixture.reference(query), k: 5, query)
    }

    @Test func kLargerThanTheMatchesReturnsEveryMatch() throws {
        let fixture = try BM25Fixture(documents: ["alpha beta", "beta gamma", "gamma delta", "epsilon"])
        let results = fixture.index.search("beta", k: 100)
        #expect(results.map(\.document) == [0, 1])
        expectBM25Matches(results, fixture.reference("beta"), k: 100, "beta")
        #expect(fixture.index.search("beta gamma", k: 1).map(\.document) == [1])
    }

    @Test func emptyStopWordAndUnknownQueriesFindNothing() throws {
        let fixture = try BM25Fixture(documents: ["the quick brown fox", "a lazy dog"])
        #expect(fixture.index.search("", k: 10).isEmpty)
        #expect(fixture.index.search("the and of", k: 10).isEmpty)
        #expect(fixture.index.search("zebra unicorn", k: 10).isEmpty)
        #expect(fixture.index.search("fox", k: 0).isEmpty)
        #expect(fixture.index.search("zebra fox", k: 10).map(\.document) == [0])
    }

    @Test func anEmptyIndexLoadsAndSearches() throws {
        let fixture = try BM25Fixture(documents: [])
        #expect(fixture.index.documentCount == 0)
        #expect(fixture.index.search("anything", k: 10).isEmpty)
        let blank = try BM25Fixture(documents: ["", "the"])
        #expect(blank.index.search("the", k: 10).isEmpty)
    }

    @Test func foldedFormsFindEachOther() throws {
        let fixture = try BM25Fixture(documents: ["Configuring the Café server", "Running queries quickly"])
        #expect(fixture.index.search("configured CAFE", k: 10).map(\.document) == [0])
        #expect(fixture.index.search("QUERY run", k: 10).map(\.document) == [1])
    }

    @Test func sameInputGivesTheSameBytes() throws {
        let documents = BM25Fixture.generated(count: 200, seed: 11)
        func build() -> [UInt8] {
            var builder = BM25Builder()
            for text in documents { builder.add(text) }
            return builder.bytes()
        }
        #expect(build() == build())
        var other = BM25Builder(k1: 1.5, b: 0.5)
        for text in documents { other.add(text) }
        #expect(other.bytes() != build())
    }
}
