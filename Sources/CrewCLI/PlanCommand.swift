import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewRuntime
import Foundation

/// `crew plan`: what `crew run` would do now, from the task cache, without calling a model (specs/cache.md).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "plan",
        abstract: "Show what a run would do now: which tasks the cache answers, which run, and their estimated cost.")

    @OptionGroup var crew: CrewPathOptions

    @OptionGroup var inputs: InputOptions

    @Flag(help: "As `crew run --cache`: count on the cache for every task where that is sound.")
    var cache = false

    @Option(help: "The task cache's folder (default: .crew/cache/tasks in the crew's folder).")
    var cacheDir: String?

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        let runnable = try await Engine.plan(at: crew.path, crewAI: crew.crewAI)
        let values = try inputs.resolve(runnable.plan)
        var options = RunOptions()
        options.cache = cache
        options.cacheFolder = cacheDir.map { ConfinedPath(base: $0) }
        let preview: RunPreview
        do {
            preview = try await Engine.shared.preview(runnable, inputs: values, options: options)
        } catch {
            throw Engine.fail(error)
        }
        Terminal.outRaw(json ? Self.json(preview) : Self.text(preview, crew: runnable.plan.crewName))
    }

    static func text(_ preview: RunPreview, crew: String) -> String {
        var out = ""
        let width = max(4, preview.lines.map(\.task.count).max() ?? 4)
        for line in preview.lines {
            let name = TerminalText.escape(line.task).padding(toLength: width, withPad: " ", startingAt: 0)
            switch line.decision {
            case .cached(let run, let input, let output):
                out += "  cached  \(name)  saves \(input + output) tokens (stored by run \(TerminalText.escape(run)))\n"
            case .runs(let why):
                let cost = line.costUSD.map { ", \(Summary.money($0))" } ?? ""
                out +=
                    "  runs    \(name)  ~\(line.inputTokens + line.outputTokens) tokens\(cost): \(TerminalText.escape(why))\n"
            }
        }
        let running = preview.lines.filter { if case .runs = $0.decision { true } else { false } }
        let tokens = running.reduce(0) { $0 + $1.inputTokens + $1.outputTokens }
        let priced = running.compactMap(\.costUSD)
        let unpriced = Set(running.filter { $0.costUSD == nil }.map(\.model)).sorted()
        out +=
            "crew `\(TerminalText.escape(crew))`: \(preview.lines.count - running.count) cached, \(running.count) to run, "
            + "about \(tokens) tokens" + (priced.isEmpty ? "" : ", \(Summary.money(priced.reduce(0, +)))")
            + (unpriced.isEmpty ? "" : " (no price for model \(unpriced.joined(separator: ", ")))") + "\n"
        return out
    }

    static func json(_ preview: RunPreview) -> String {
        JSONValue.object([
            "tasks": .array(
                preview.lines.map { line in
                    var members: [String: JSONValue] = ["task": .string(line.task), "model": .string(line.model)]
                    switch line.decision {
                    case .cached(let run, let input, let output):
                        members["decision"] = .string("cached")
                        members["from_run"] = .string(run)
                        members["saved_tokens"] = .int(input + output)
                    case .runs(let why):
                        members["decision"] = .string("runs")
                        members["reason"] = .string(why)
                        members["input_tokens"] = .int(line.inputTokens)
                        members["output_tokens"] = .int(line.outputTokens)
                        members["cost_usd"] = line.costUSD.map { .double(($0 * 1e6).rounded() / 1e6) }
                    }
                    return .object(members)
                })
        ]).serialized(pretty: true) + "\n"
    }
}
