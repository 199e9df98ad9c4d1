import CrewCore

/// The names of one collection (agents, tasks, ...), for resolving references with a "did you mean".
struct NameTable {
    let kind: String
    private(set) var index: [String: Int] = [:]
    private(set) var names: [String] = []
    /// Suggestions left to compute: each costs a pass over `names`, so a crew with thousands of unknown references
    /// among thousands of names gets the first ones with a "did you mean" and the rest with the plain list.
    private let suggestions = Countdown(200)

    /// Builds the table, reporting every name defined twice (the first definition wins).
    init(kind: String, _ entries: [Located<String>], diagnostics: inout Diagnostics) {
        self.kind = kind
        var first: [String: SourceLocation] = [:]
        for (i, entry) in entries.enumerated() {
            if let earlier = first[entry.value] {
                diagnostics.error(
                    .e201, "\(kind) `\(entry.value)` is defined twice", at: entry.location,
                    hint: "the first definition is at \(earlier); rename one of them")
                continue
            }
            first[entry.value] = entry.location
            index[entry.value] = i
            names.append(entry.value)
        }
    }

    /// The index of `reference`, or nil after reporting it as unknown.
    func resolve(_ reference: Located<String>, from what: String, diagnostics: inout Diagnostics) -> Int? {
        if let found = index[reference.value] { return found }
        let hint: String
        if suggestions.take(), let suggestion = Suggestions.didYouMean(reference.value, in: names) {
            hint = suggestion
        } else if names.isEmpty {
            hint = "this crew defines no \(kind)s"
        } else {
            let listed = names.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
            hint = "defined \(kind)s: \(listed)\(names.count > 8 ? ", ..." : "")"
        }
        diagnostics.error(
            .e202, "\(what) refers to unknown \(kind) `\(reference.value)`", at: reference.location, hint: hint)
        return nil
    }
}

/// A shared count of something allowed a fixed number of times.
final class Countdown {
    private var left: Int

    init(_ count: Int) {
        left = count
    }

    /// True while some are left (and uses one).
    func take() -> Bool {
        guard left > 0 else { return false }
        left -= 1
        return true
    }
}
