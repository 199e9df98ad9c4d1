import Foundation
import Tracing

/// A run event's time as a tracer instant: spans are made from the record's own times, so a trace says when things
/// happened, not when the observer heard of them.
struct TraceInstant: TracerInstant {
    let nanosecondsSinceEpoch: UInt64

    init(_ date: Date) {
        nanosecondsSinceEpoch = UInt64(max(0, date.timeIntervalSince1970 * 1_000_000_000))
    }

    static func < (lhs: TraceInstant, rhs: TraceInstant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}

/// A failure as a span records it: the message the record has (already free of secrets).
struct RecordedFailure: Error, CustomStringConvertible {
    let description: String
}
