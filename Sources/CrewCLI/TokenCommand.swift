import ArgumentParser
import CrewCore
import CrewDocuments
import CrewServer
import Foundation

/// `crew token create|list|revoke`: the API tokens of a `crew serve` data folder.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage the API tokens of `crew serve`.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct DataOptions: ParsableArguments {
        @Option(help: "The server's data folder (default: .crew/serve).", completion: .directory)
        var data: String = ".crew/serve"

        func store() throws -> TokenStore {
            do {
                return try TokenStore(dataFolder: data)
            } catch {
                throw Engine.fail(error)
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token; it is printed once and never again.")

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

        func run() throws {
            let store = try data.store()
            do {
                let (token, info) = try store.create(name: name, role: role, expiresIn: expires.flatMap(Self.seconds))
                Terminal.err(
                    "token `\(info.name)` (\(info.role.rawValue)\(info.expiresAt.map { ", until \(Timestamp.iso8601($0))" } ?? "")); "
                        + "it is shown once:\n")
                Terminal.out(token + "\n")
            } catch {
                throw Engine.fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        @OptionGroup var data: DataOptions

        func run() throws {
            let tokens = try data.store().list()
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

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by name or id; it stops working at once.")

        @Argument(help: "The token's name or id.")
        var name: String

        @OptionGroup var data: DataOptions

        func run() throws {
            guard try data.store().revoke(name) else {
                Terminal.err("error: no active token `\(name)`; `crew token list` shows them\n")
                throw ExitCode(1)
            }
            Terminal.out("revoked `\(name)`\n")
        }
    }
}

extension Role: ExpressibleByArgument {}
