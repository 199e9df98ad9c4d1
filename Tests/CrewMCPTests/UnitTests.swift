import CrewCore
import CrewMCPLink
import Foundation
import MCP
import Testing

@testable import CrewMCP

@Suite("MCP building blocks")
struct UnitTests {
    @Test func sseDecoderFramesMessages() {
        var decoder = SSEDecoder()
        var messages = decoder.feed(Array("event: message\r\ndata: {\"a\":\r\n".utf8))
        messages += decoder.feed(Array("data: 1}\r\n\r\n: a comment\n\nevent: ping\ndata: x\n\ndata:{}\n\n".utf8))
        #expect(messages.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":\n1}", "{}"])
    }

    @Test func lineSplitterKeepsPartialLines() {
        var splitter = LineSplitter()
        #expect(splitter.lines(in: Array("{\"a\":1}\r\n{\"b\"".utf8)).count == 1)
        let rest = splitter.lines(in: Array(":2}\n\n".utf8))
        #expect(rest.map { String(decoding: $0, as: UTF8.self) } == ["{\"b\":2}"])
    }

    @Test func toolNamesAreSanitized() {
        #expect(ToolName.sanitize("files/read.text") == "files_read_text")
        #expect(ToolName.sanitize(String(repeating: "a", count: 100)).count == 64)
        #expect(ToolName.sanitize("") == "tool")
    }

    @Test func resultsBecomeText() {
        let resource = Resource.Content.text("inlined", uri: "file:///a.txt")
        let result = CallTool.Result(content: [
            .text(text: "one", annotations: nil, _meta: nil),
            .audio(data: String(repeating: "A", count: 4000), mimeType: "audio/wav", annotations: nil, _meta: nil),
            .resource(resource: resource),
        ])
        #expect(ResultText.render(result) == "one\n[audio audio/wav, 3 KB]\ninlined")
        let structured = CallTool.Result(content: [], structuredContent: .object(["n": .int(1)]))
        #expect(ResultText.render(structured) == "{\"n\":1}")
    }

    @Test func ledgerAnswersOutstandingRequests() throws {
        let ledger = RequestLedger()
        ledger.sent(Data(#"{"jsonrpc":"2.0","id":"a","method":"tools/call"}"#.utf8))
        ledger.sent(Data(#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#.utf8))
        ledger.received(try JSONParser.parse(#"{"jsonrpc":"2.0","id":7,"result":{}}"#))
        let answers = ledger.failAll("gone")
        #expect(answers.count == 1)
        let answer = try JSONParser.parse([UInt8](try #require(answers.first)))
        #expect(answer["id"] == .string("a"))
        #expect(answer["error"]?["message"] == .string("gone"))
    }

    @Test func secretsAreScrubbed() {
        let scrubber = SecretScrubber()
        scrubber.record("abcd")
        scrubber.record("abcdef")
        scrubber.record("xyz")  // Shorter than `SecretRedactor.minimumLength`: not searched for.
        #expect(scrubber.scrub("x abcdef y abcd xyz") == "x [redacted] y [redacted] xyz")
        #expect(scrubber.values == ["abcdef", "abcd", "xyz"])
    }
}
