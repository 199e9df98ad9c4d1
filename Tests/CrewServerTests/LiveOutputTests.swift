import AsyncHTTPClient
import CrewCore
import CrewTestSupport
import Foundation
import NIOHTTP1
import Testing

@testable import CrewServer

/// The answers models stream, sent to a run's event streams as `output` frames between its recorded events.
@Suite struct LiveOutputTests {
    @Test func framesCarryEachNewPieceAtItsOffsetAndStartOverForANewAnswer() {
        let live = LiveOutput()
        var progress = EventStream.OutputProgress()
        live.restart(task: "t")
        live.append(task: "t", piece: "héllo ")
        live.append(task: "t", piece: "😀 wörld")
        let first = progress.frames(live.snapshot)
        #expect(first.count == 1 && first[0].contains(#""offset":0"#) && first[0].contains("héllo 😀 wörld"))
        #expect(progress.frames(live.snapshot).isEmpty, "nothing new, nothing sent")
        live.append(task: "t", piece: "!")
        // Offsets count UTF-16 units, as the page's strings do: "héllo 😀 wörld" is 14.
        #expect(progress.frames(live.snapshot) == [#"event: output\#ndata: {"offset":14,"task":"t","text":"!"}\#n\#n"#])
        live.restart(task: "t")
        live.append(task: "t", piece: "again")
        #expect(progress.frames(live.snapshot).first?.contains(#""offset":0,"task":"t","text":"again""#) == true)
        progress.ended.insert("t")
        live.append(task: "t", piece: " more")
        #expect(progress.frames(live.snapshot).isEmpty, "an ended task's output comes from its record")
    }

    @Test func anAnswerIsKeptUpToItsLimitAndDroppedWhenItsTaskEnds() {
        let live = LiveOutput()
        let piece = String(repeating: "x", count: 1 << 16)
        for _ in 0..<10 { live.append(task: "t", piece: piece) }
        let kept = live.snapshot["t"]
        #expect(kept?.text.utf16.count == LiveOutput.limit && kept?.truncated == true)
        live.finish(task: "t")
        #expect(live.snapshot.isEmpty)
    }

    @Test func aStreamShowsTheAnswerWhileTheTaskRuns() async throws {
        let answer = "The tide rises twice a day because the moon pulls the sea."
        let provider = try await ProviderTestServer.start { _ in .paced(seconds: 0.05, then: .reply(text: answer)) }
        let crew = """
            version: 1
            name: tide
            models:
              m: { provider: openai, model: t, base_url: "\(provider.baseURL)/v1", api_key: "${env:CREW_TEST_KEY}" }
            agents:
              a: { role: Writer, goal: Write }
            tasks:
              tell: { agent: a, description: Tell }

            """
        let server = try await ServerHarness.start(crews: ["tide": crew], environment: ["CREW_TEST_KEY": "k"])
        defer {
            Task {
                await server.stop()
                try? await provider.shutdown()
            }
        }
        let id = try #require(
            try await server.request(.POST, "/v1/crews/tide/runs", body: "{}").json?["id"]?.stringValue)
        let stream = try await server.request(.GET, "/v1/runs/\(id)/events")
        let frames = stream.body.components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
        let outputs = frames.enumerated().filter { $0.element.hasPrefix("event: output\n") }
        let finished = try #require(frames.firstIndex { $0.contains("event: task_finished") })
        #expect(outputs.count >= 2, "pieces arrive one by one: \(stream.body.prefix(600))")
        #expect(outputs.allSatisfy { $0.offset < finished }, "streamed before the task finished")
        #expect(outputs.allSatisfy { !$0.element.contains("\nid: ") && !$0.element.hasPrefix("id: ") })
        var text = ""
        for (_, frame) in outputs {
            let json = try JSONParser.parse(Array(frame.dropFirst("event: output\ndata: ".count).utf8))
            let offset = try #require(json["offset"]?.intValue)
            text =
                String(decoding: Array(text.utf16.prefix(offset)), as: UTF16.self) + (json["text"]?.stringValue ?? "")
        }
        #expect(text == answer)
    }
}
