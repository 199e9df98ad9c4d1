import ArgumentParser
import CrewCore
import CrewDocuments
import CrewKit
import CrewProviders
import CrewRuntime
import Foundation

/// `crew models [PATH] [--check]`: the crew's models, and with `--check` one tiny request to each.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration.crew(
        "models", abstract: "List a crew's models; --check sends each one a tiny request.")

    @OptionGroup var crew: CrewPathOptions

    @Flag(help: "Send one tiny request to each model and report what answers.")
    var check = false

    func run() async throws {
        let plan = try await Engine.plan(at: crew.path, crewAI: crew.crewAI).plan
        var failures = 0
        let transport = Engine.shared.transport
        for name in plan.models.keys.sorted() {
            guard let model = plan.models[name] else { continue }
            let line = "\(name): \(model.provider.rawValue) \(model.model)"
            guard check else {
                Terminal.out(line + "\n")
                continue
            }
            let verdict = await ModelCheck.run(model, plan: plan, transport: transport)
            if !verdict.ok { failures += 1 }
            Terminal.out("\(verdict.ok ? "ok  " : "FAIL") \(line): \(verdict.text)\n")
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

enum ModelCheck {
    struct Verdict {
        var ok: Bool
        var text: String
    }

    static func run(_ model: ModelDefinition, plan: ExecutionPlan, transport: ProviderTransport) async -> Verdict {
        var single = plan
        single.models = [model.name: model]
        let clients: ModelClients
        do {
            clients = try ModelClients(
                plan: single, transport: transport, environment: Engine.shared.configuration.environment,
                retry: RetryPolicy(maxRetries: 0))
        } catch {
            return Verdict(ok: false, text: error.message)
        }
        let request = ChatRequest(
            model: model.model, messages: [ChatMessage(.user, "Reply with the word OK.")], maxTokens: 16, stream: false)
        let started = Date()
        do {
            let response = try await clients.client(model: model.name, task: "check").complete(request) { _ in }
            let ms = Int(Date().timeIntervalSince(started) * 1000)
            return Verdict(
                ok: true,
                text:
                    "answered in \(ms) ms (\(response.text.prefix(40).trimmingCharacters(in: .whitespacesAndNewlines)))"
            )
        } catch {
            let text = FailureText.describe(
                error, model: model, endpoint: clients.endpoint(model: model.name), secrets: clients.secrets)
            return Verdict(ok: false, text: text)
        }
    }
}
