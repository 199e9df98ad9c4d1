import CrewCore

extension PlanDiff {
    /// `crew diff --format json` (specs/diff.md).
    public var json: JSONValue {
        .object([
            "format": .string("crew-diff"), "format_version": .int(1), "old": .string(old), "new": .string(new),
            "changed": .bool(!isEmpty),
            "tasks": .array(
                tasks.map { task in
                    .object(dropping: [
                        ("name", .string(task.name)), ("status", .string(task.status.rawValue)),
                        ("changes", task.changes.isEmpty ? nil : .strings(task.changes)),
                        ("prompt_diff", task.promptDiff.isEmpty ? nil : .string(task.promptDiff)),
                        ("rerun", task.rerun.map(JSONValue.string)),
                        ("estimate", task.estimate.map(\.json)),
                    ])
                }),
            "edges": .object([
                "added": .array(edgesAdded.map { .strings([$0.from, $0.to]) }),
                "removed": .array(edgesRemoved.map { .strings([$0.from, $0.to]) }),
            ]),
            "entries": .array(
                entries.map { entry in
                    .object(dropping: [
                        ("kind", .string(entry.kind)), ("name", .string(entry.name)),
                        ("status", .string(entry.status.rawValue)),
                        ("changes", entry.changes.isEmpty ? nil : .strings(entry.changes)),
                    ])
                }),
            "rerun": .strings(rerun),
            "estimate": total.json,
        ])
    }
}

extension PlanDiff.Estimate {
    var json: JSONValue {
        .object(dropping: [
            ("input_tokens", .int(inputTokens)), ("output_tokens", .int(outputTokens)),
            ("cost_usd", costUSD.map { .double((($0 * 1e6).rounded()) / 1e6) }),
            ("unpriced_models", unpriced.isEmpty ? nil : .strings(unpriced.sorted())),
        ])
    }
}
