import ArgumentParser
import CrewCLI
import CrewCore
import CrewDocuments
import CrewKit
import CrewServer
import Foundation

/// `crew token create|list|revoke`: the API tokens of a `crew serve` data folder.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage the API tokens of `crew serve`.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct DataOptions: ParsableArguments {
        @Option(help: "The server's data folder (default: .crew/serve).", completion: .directory)
        var data: String = ".crew/serve"

        @Option(help: "The server's PostgreSQL database, as `crew serve --database` names it.")
        var database: String?

        /// Opens the server's store, runs `body` on its tokens, and closes it.
        func withTokens<T>(_ body: (TokenStore) async throws -> T) async throws -> T {
            let password = ProcessInfo.processInfo.environment[ServerConfiguration.databasePasswordVariable]
            let location: StoreLocation =
                database.map { .postgres(url: $0, password: password) } ?? .sqlite(dataFolder: data)
            let store: ServerStore
            do {
                store = try await ServerStore.open(location)
            } catch {
                throw Engine.fail(error)
            }
            do {
                let result = try await body(store.tokens)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Make a token; it is printed once and never again.")

        @Option(help: "A name for the token (who or what uses it).")
        var name: String

        @Option(help: "viewer (reads), runner (also starts, cancels and resumes runs) or admin (also reloads crews).")
        var role: Role

        @Option(help: "How long it lives: 30d, 12h, 90m or 3600s (default: until revoked).")
        var expires: String?

        @OptionGroup var data: DataOptions

        func validate() throws {
            if let expires, Self.seconds(expires) == nil {
                throw ValidationError("--expires must be a positive duration like 30d, 12h, 90m or 3600s")
            }
        }

        static func seconds(_ text: String) -> Double? {
            let units: [(String, Double)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
            for (suffix, factor) in units where text.hasSuffix(suffix) {
                if let value = Double(text.dropLast()), value > 0, value * factor <= 3_650 * 86_400 {
                    return value * factor
                }
            }
            return nil
        }

        func run() async throws {
            do {
                let (token, info) = try await data.withTokens {
                    try await $0.create(name: name, role: role, expiresIn: expires.flatMap(Self.seconds))
                }
                Terminal.err(
                    "token `\(info.name)` (\(info.role.rawValue)\(info.expiresAt.map { ", until \(Timestamp.iso8601($0))" } ?? "")); "
                        + "it is shown once:\n")
                Terminal.out(token + "\n")
            } catch {
                throw Engine.fail(error)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List tokens (never their secrets).")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let tokens = try await data.withTokens { try await $0.list() }
            guard !tokens.isEmpty else {
                Terminal.out("no tokens in \(data.data)\n")
                return
            }
            var rows = [["name", "id", "role", "created", "expires", "status"]]
            for token in tokens {
                let status = token.revokedAt != nil ? "revoked" : token.isActive() ? "active" : "expired"
                rows.append([
                    token.name, token.id, token.role.rawValue, Timestamp.iso8601(token.createdAt),
                    token.expiresAt.map { Timestamp.iso8601($0) } ?? "", status,
                ])
            }
            Terminal.out(Summary.render(rows, leftColumns: 6))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke a token by name or id; it stops working at once.")

        @Argument(help: "The token's name or id.")
        var name: String

        @OptionGroup var data: DataOptions

        func run() async throws {
            guard try await data.withTokens({ try await $0.revoke(name) }) else {
                Terminal.err("error: no active token `\(name)`; `crew token list` shows them\n")
                throw ExitCode(1)
            }
            Terminal.out("revoked `\(name)`\n")
        }
    }
}

extension Role: ExpressibleByArgument {}
