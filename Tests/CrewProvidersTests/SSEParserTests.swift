import Testing

@testable import CrewProviders

@Suite struct WireSSEParserTests {
    /// Feeds `chunks` in order, then finishes.
    func parse(_ chunks: [[UInt8]]) throws -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for chunk in chunks { events += try parser.feed(chunk) }
        return events + parser.finish()
    }

    func parse(_ text: String) throws -> [SSEEvent] {
        try parse([Array(text.utf8)])
    }

    /// Mixed line endings, a comment, multi-line data, multi-byte characters (2, 3 and 4 bytes), an id that persists.
    static let sample = Array(
        (": keep-alive\r\n" + "event: message_start\r\n" + "data: {\"a\":\"é\"}\r\n\r\n" + "id: 7\n"
            + "data: line one\n" + "data:line two — ✓\n\n" + "data: 🎉\r\r" + "event: done\rdata: [DONE]\r\n\r\n")
            .utf8)

    static let sampleEvents = [
        SSEEvent(event: "message_start", data: "{\"a\":\"é\"}"),
        SSEEvent(data: "line one\nline two — ✓", id: "7"),
        SSEEvent(data: "🎉", id: "7"),
        SSEEvent(event: "done", data: "[DONE]", id: "7"),
    ]

    @Test func sampleInOneChunk() throws {
        #expect(try parse([Self.sample]) == Self.sampleEvents)
    }

    @Test func sampleByteByByte() throws {
        #expect(try parse(Self.sample.map { [$0] }) == Self.sampleEvents)
    }

    @Test func sampleSplitAtEveryPoint() throws {
        for split in 0...Self.sample.count {
            let chunks = [Array(Self.sample[..<split]), Array(Self.sample[split...])]
            #expect(try parse(chunks) == Self.sampleEvents, "split at byte \(split)")
        }
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEnding(_ ending: String) throws {
        let text = ["event: a", "data: 1", "data: 2", "", "data: 3", "", ""].joined(separator: ending)
        #expect(try parse(text) == [SSEEvent(event: "a", data: "1\n2"), SSEEvent(data: "3")])
    }

    @Test func crlfSplitBetweenCRAndLFIsOneLineEnding() throws {
        let events = try parse([Array("data: x\r".utf8), Array("\n\r".utf8), Array("\ndata: y\r\n\r\n".utf8)])
        #expect(events == [SSEEvent(data: "x"), SSEEvent(data: "y")])
    }

    @Test func lfAfterCRLFIsABlankLine() throws {
        #expect(try parse("data: x\r\n\n") == [SSEEvent(data: "x")])
    }

    @Test func commentsAreIgnoredAndDoNotDispatch() throws {
        #expect(try parse(": ping\n\n:\ndata: a\n: mid-event comment\ndata: b\n\n") == [SSEEvent(data: "a\nb")])
    }

    @Test func onlyOneSpaceAfterTheColonIsRemoved() throws {
        #expect(try parse("data:  two\n\ndata:none\n\n") == [SSEEvent(data: " two"), SSEEvent(data: "none")])
    }

    @Test func colonsInTheValueAreKept() throws {
        #expect(try parse("data: a: b:c\n\n") == [SSEEvent(data: "a: b:c")])
    }

    @Test func emptyDataLinesCount() throws {
        #expect(try parse("data\n\ndata:\ndata:\n\n") == [SSEEvent(data: ""), SSEEvent(data: "\n")])
    }

    @Test func eventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() throws {
        #expect(try parse("event: lonely\n\ndata: x\n\n") == [SSEEvent(data: "x")])
    }

    @Test func unknownFieldsAndRetryAreIgnored() throws {
        #expect(try parse("retry: 100\nfoo: bar\nDATA: no\ndata: yes\n\n") == [SSEEvent(data: "yes")])
    }

    @Test func idPersistsUntilResetAndIgnoresNull() throws {
        let events = try parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\u{0}\ndata: c\n\nid\ndata: d\n\n")
        #expect(events.map(\.id) == ["1", "1", "1", nil])
    }

    @Test func leadingByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("data: x\n\n".utf8)
        #expect(try parse([[0xEF], Array(bytes[1...])]) == [SSEEvent(data: "x")])
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        #expect(try parse([Array("data: a".utf8) + [0xFF] + Array("b\n\n".utf8)]) == [SSEEvent(data: "a\u{FFFD}b")])
    }

    @Test(arguments: ["data: cut", "data: cut\n", "data: one\ndata: two\r", "event: x\ndata: y\r\n"])
    func cutStreamYieldsNoHalfEvent(_ text: String) throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array(("data: whole\n\n" + text).utf8)) == [SSEEvent(data: "whole")])
        #expect(parser.finish().isEmpty)
    }

    @Test func finishResetsForANewStream() throws {
        var parser = SSEParser()
        _ = try parser.feed(Array("id: 9\nevent: e\ndata: half".utf8))
        #expect(parser.finish().isEmpty)
        #expect(try parser.feed(Array("data: new\n\n".utf8)) == [SSEEvent(data: "new")])
    }

    @Test func overlongLineThrowsTooLarge() throws {
        var parser = SSEParser()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        _ = try parser.feed(Array("data: ".utf8))
        #expect(throws: ProviderError.tooLarge(.eventLine, limit: 8 << 20)) {
            for _ in 0..<9 { _ = try parser.feed(chunk) }
        }
        // After the error the parser is reset, and reads a fresh stream.
        #expect(try parser.feed(Array("data: ok\n\n".utf8)) == [SSEEvent(data: "ok")])
    }

    @Test func lineJustUnderTheLimitIsAccepted() throws {
        var parser = SSEParser()
        let value = [UInt8](repeating: UInt8(ascii: "a"), count: SSEParser.maxBytes - 6)
        let events = try parser.feed(Array("data: ".utf8) + value + Array("\n\n".utf8))
        #expect(events.first?.data.utf8.count == value.count)
    }

    /// A line read where it lies, whole in one chunk, has the same bound as one that spans chunks.
    @Test func anOverlongLineInOneChunkThrowsTooLarge() throws {
        var parser = SSEParser()
        let value = [UInt8](repeating: UInt8(ascii: "a"), count: SSEParser.maxBytes)  // a line of maxBytes + 2
        #expect(throws: ProviderError.tooLarge(.eventLine, limit: 8 << 20)) {
            _ = try parser.feed(Array(": ".utf8) + value + Array("\n\n".utf8))
        }
        #expect(try parser.feed(Array("data: ok\n\n".utf8)) == [SSEEvent(data: "ok")])
    }

    /// A comment is a line too: keep-alive text without a line end cannot grow the buffer past the limit.
    @Test func overlongCommentThrowsTooLarge() throws {
        var parser = SSEParser()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        _ = try parser.feed(Array(": keep-alive".utf8))
        #expect(throws: ProviderError.tooLarge(.eventLine, limit: 8 << 20)) {
            for _ in 0..<9 { _ = try parser.feed(chunk) }
        }
    }

    @Test func eventDataOverTheLimitThrowsTooLarge() throws {
        var parser = SSEParser()
        let line = Array("data: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [0x0A]
        var caught: ProviderError?
        do {
            for _ in 0..<9 { _ = try parser.feed(line) }
        } catch {
            caught = error
        }
        #expect(caught == .tooLarge(.eventData, limit: SSEParser.maxBytes))
        #expect(!(caught?.isRetryable ?? true))
    }
}
