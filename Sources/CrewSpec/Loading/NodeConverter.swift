import CrewCore
import Yams

/// Copies a Yams `Node` tree into `YAMLNode`s, expanding merge keys (`<<`), and stops with a diagnostic once the
/// expanded tree passes its node budget (an alias bomb expands exponentially; its source is tiny).
struct NodeConverter {
    let file: String
    var budget: Int
    /// Bytes of scalar text left to expand: a 1 MiB scalar aliased 400 times is few nodes but 400 MiB of plan.
    var textBudget: Int
    let textLimit: Int
    var diagnostics: [Diagnostic] = []

    init(file: String, budget: Int, textBudget: Int) {
        self.file = file
        self.budget = budget
        self.textBudget = textBudget
        textLimit = textBudget
    }

    mutating func convert(_ node: Node, depth: Int) throws -> YAMLNode {
        budget -= 1
        if budget < 0 {
            throw Diagnostic.error(
                .e105, "the document expands to too many nodes (an alias bomb?)", at: location(node.mark),
                hint: "aliases may be reused, but not nested into millions of copies")
        }
        switch node {
        case .scalar(let scalar):
            textBudget -= scalar.string.utf8.count
            if textBudget < 0 {
                throw Diagnostic.error(
                    .e105, "the document expands to more than \(textLimit >> 20) MiB of text (an alias bomb?)",
                    at: location(scalar.mark),
                    hint: "a long text may be reused through an alias a few times, not hundreds")
            }
            return YAMLNode(.scalar(scalar.string, plain: scalar.style == .plain), at: location(scalar.mark))
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            items.reserveCapacity(sequence.count)
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return YAMLNode(.sequence(items), at: location(sequence.mark))
        case .mapping(let mapping):
            return try convertMapping(mapping, depth: depth)
        case .alias(let alias):
            throw Diagnostic.error(.e101, "unresolved alias `*\(alias.anchor.rawValue)`", at: location(alias.mark))
        }
    }

    private mutating func convertMapping(_ mapping: Node.Mapping, depth: Int) throws -> YAMLNode {
        var pairs: [YAMLPair] = []
        var merged: [YAMLPair] = []
        pairs.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            if case .scalar(let k) = key, k.string == "<<", k.style == .plain {
                merged.append(contentsOf: try mergeSources(value, depth: depth))
                continue
            }
            let convertedKey = try convert(key, depth: depth + 1)
            pairs.append(YAMLPair(key: convertedKey, value: try convert(value, depth: depth + 1)))
        }
        // Merge keys never override keys written in the mapping itself; earlier sources win over later ones.
        var present = Set(pairs.compactMap(\.key.scalar))
        for pair in merged where present.insert(pair.keyText).inserted {
            pairs.append(pair)
        }
        return YAMLNode(.mapping(pairs), at: location(mapping.mark))
    }

    private mutating func mergeSources(_ value: Node, depth: Int) throws -> [YAMLPair] {
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case .sequence(let sequence): sources = Array(sequence)
        default:
            diagnostics.append(
                .error(
                    .e111, "a merge key `<<` needs a mapping or a list of mappings", at: location(value.mark),
                    hint: "write `<<: *anchor` where `&anchor` names a mapping"))
            return []
        }
        var pairs: [YAMLPair] = []
        for source in sources {
            let converted = try convert(source, depth: depth + 1)
            guard let sourcePairs = converted.pairs else {
                diagnostics.append(.error(.e111, "a merge key `<<` can only merge mappings", at: converted.location))
                continue
            }
            pairs.append(contentsOf: sourcePairs)
        }
        return pairs
    }

    private func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}

extension Diagnostic: Error {}
