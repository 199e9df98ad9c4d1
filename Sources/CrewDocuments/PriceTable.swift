import Foundation

/// List prices of common OpenAI, Anthropic and Gemini models, in US dollars per million tokens (standard text
/// tokens, the base tier of tiered prices), for runs whose model sets no `price`. Compiled on `date` from the
/// providers' pricing pages and the sources listed in specs/prices.md; a model's own `price` always wins.
public enum PriceTable {
    public static let date = "2026-12-05"

    public struct Entry: Sendable, Hashable {
        public var provider: ModelProvider
        /// Matches a model whose name starts with it (`claude-sonnet-4` covers `claude-sonnet-4-20250514`); the
        /// longest matching prefix wins, so `gpt-4o-mini` is not priced as `gpt-4o`.
        public var prefix: String
        public var input: Double
        public var output: Double
    }

    public static let entries: [Entry] = [
        // OpenAI
        Entry(provider: .openai, prefix: "gpt-4o", input: 2.50, output: 10.00),
        Entry(provider: .openai, prefix: "gpt-4o-2024-05-13", input: 5.00, output: 15.00),
        Entry(provider: .openai, prefix: "gpt-4o-mini", input: 0.15, output: 0.60),
        Entry(provider: .openai, prefix: "gpt-4.1", input: 2.00, output: 8.00),
        Entry(provider: .openai, prefix: "gpt-4.1-mini", input: 0.40, output: 1.60),
        Entry(provider: .openai, prefix: "gpt-4.1-nano", input: 0.10, output: 0.40),
        Entry(provider: .openai, prefix: "o1", input: 15.00, output: 60.00),
        Entry(provider: .openai, prefix: "o3", input: 2.00, output: 8.00),
        Entry(provider: .openai, prefix: "o3-mini", input: 1.10, output: 4.40),
        Entry(provider: .openai, prefix: "o4-mini", input: 1.10, output: 4.40),
        Entry(provider: .openai, prefix: "gpt-5", input: 1.25, output: 10.00),
        Entry(provider: .openai, prefix: "gpt-5-mini", input: 0.25, output: 2.00),
        Entry(provider: .openai, prefix: "gpt-5-nano", input: 0.05, output: 0.40),
        Entry(provider: .openai, prefix: "gpt-5.5", input: 5.00, output: 30.00),
        Entry(provider: .openai, prefix: "gpt-5.6", input: 5.00, output: 30.00),
        Entry(provider: .openai, prefix: "gpt-5.6-sol", input: 5.00, output: 30.00),
        Entry(provider: .openai, prefix: "gpt-5.6-terra", input: 2.00, output: 12.00),
        Entry(provider: .openai, prefix: "gpt-5.6-luna", input: 0.20, output: 1.20),
        Entry(provider: .openai, prefix: "gpt-6-astra", input: 10.00, output: 50.00),
        Entry(provider: .openai, prefix: "gpt-6-luna", input: 0.10, output: 0.50),
        Entry(provider: .openai, prefix: "gpt-6.1-sol", input: 2.00, output: 10.00),
        Entry(provider: .openai, prefix: "gpt-6.1-terra", input: 1.00, output: 5.00),
        Entry(provider: .openai, prefix: "gpt-6.2-astra", input: 8.00, output: 40.00),
        Entry(provider: .openai, prefix: "gpt-6.2-sol", input: 2.00, output: 10.00),
        // Anthropic
        Entry(provider: .anthropic, prefix: "claude-3-haiku", input: 0.25, output: 1.25),
        Entry(provider: .anthropic, prefix: "claude-3-opus", input: 15.00, output: 75.00),
        Entry(provider: .anthropic, prefix: "claude-3-5-sonnet", input: 3.00, output: 15.00),
        Entry(provider: .anthropic, prefix: "claude-3-5-haiku", input: 0.80, output: 4.00),
        Entry(provider: .anthropic, prefix: "claude-3-7-sonnet", input: 3.00, output: 15.00),
        Entry(provider: .anthropic, prefix: "claude-sonnet-4", input: 3.00, output: 15.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4", input: 15.00, output: 75.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4-1", input: 15.00, output: 75.00),
        Entry(provider: .anthropic, prefix: "claude-sonnet-4-5", input: 3.00, output: 15.00),
        Entry(provider: .anthropic, prefix: "claude-sonnet-4-6", input: 3.00, output: 15.00),
        Entry(provider: .anthropic, prefix: "claude-haiku-4-5", input: 1.00, output: 5.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4-5", input: 5.00, output: 25.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4-6", input: 5.00, output: 25.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4-7", input: 5.00, output: 25.00),
        Entry(provider: .anthropic, prefix: "claude-opus-4-8", input: 5.00, output: 25.00),
        Entry(provider: .anthropic, prefix: "claude-opus-5", input: 5.00, output: 25.00),
        Entry(provider: .anthropic, prefix: "claude-sonnet-5", input: 2.00, output: 10.00),
        Entry(provider: .anthropic, prefix: "claude-opus-5-5", input: 4.00, output: 20.00),
        Entry(provider: .anthropic, prefix: "claude-sonnet-5-5", input: 2.00, output: 10.00),
        Entry(provider: .anthropic, prefix: "claude-haiku-5-5", input: 0.10, output: 0.50),
        Entry(provider: .anthropic, prefix: "claude-fable-5-1", input: 10.00, output: 50.00),
        // Gemini
        Entry(provider: .gemini, prefix: "gemini-2.0-flash", input: 0.10, output: 0.40),
        Entry(provider: .gemini, prefix: "gemini-2.0-flash-lite", input: 0.075, output: 0.30),
        Entry(provider: .gemini, prefix: "gemini-2.5-pro", input: 1.25, output: 10.00),
        Entry(provider: .gemini, prefix: "gemini-2.5-flash", input: 0.30, output: 2.50),
        Entry(provider: .gemini, prefix: "gemini-2.5-flash-lite", input: 0.10, output: 0.40),
        Entry(provider: .gemini, prefix: "gemini-3.1-pro-preview", input: 2.00, output: 12.00),
        Entry(provider: .gemini, prefix: "gemini-3.5-flash", input: 1.50, output: 9.00),
        Entry(provider: .gemini, prefix: "gemini-3.5-flash-lite", input: 0.30, output: 2.50),
        Entry(provider: .gemini, prefix: "gemini-3.8-flash", input: 0.75, output: 3.75),
        Entry(provider: .gemini, prefix: "gemini-4-argon", input: 4.00, output: 20.00),
    ]

    /// The table's price for `model` of `provider` (`models/` and a `provider/` prefix are ignored), if it has one.
    /// Names are compared as UTF-8 bytes: comparing them as characters (grapheme by grapheme) cost 20 K
    /// instructions a task, which asks once for its cost.
    public static func price(provider: ModelProvider, model: String) -> (input: Double, output: Double)? {
        let key = "\(provider.rawValue)\u{0}\(model)"
        if let known = lock.withLock({ lookups[key] }) { return known.price }
        let price = lookUp(provider: provider, model: model)
        lock.withLock {
            if lookups.count >= maxLookups { lookups.removeAll() }  // bounded: model names come from crews
            lookups[key] = Lookup(price: price)
        }
        return price
    }

    /// Prices found so far, by provider and model (a NUL between them): a run asks once a task, and walking the
    /// table cost 9 K instructions. A string key, since a dictionary keyed by a type of our own made the runtime scan
    /// every conformance in the binary.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var lookups: [String: Lookup] = [:]
    private static let maxLookups = 256

    private struct Lookup {
        var price: (input: Double, output: Double)?
    }

    private static func lookUp(provider: ModelProvider, model: String) -> (input: Double, output: Double)? {
        let utf8 = model.utf8
        let name = utf8.lastIndex(of: UInt8(ascii: "/")).map { utf8[utf8.index(after: $0)...] } ?? utf8[...]
        var best: Entry?
        for entry in entries where entry.provider == provider && name.starts(with: entry.prefix.utf8) {
            if entry.prefix.utf8.count > best?.prefix.utf8.count ?? -1 { best = entry }
        }
        return best.map { ($0.input, $0.output) }
    }
}

extension ModelDefinition {
    /// The model's own `price`, else the built-in table's (`PriceTable`); nil for models neither knows.
    public var effectivePrice: (input: Double, output: Double)? {
        price ?? PriceTable.price(provider: provider, model: model)
    }
}
