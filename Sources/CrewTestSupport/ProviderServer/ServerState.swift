import Foundation
import NIOCore

/// The test server's shared state. Connection handlers run on several event loop threads and tests read the
/// state from theirs, so every access goes through one lock; the script is called outside it, so a script may
/// read `requests` without deadlocking.
final class ServerState: @unchecked Sendable {
    typealias Script = @Sendable (RecordedRequest) -> Behavior

    private let lock = NSLock()
    private var script: Script
    private var recorded: [RecordedRequest] = []
    private var current = 0
    private var highWater = 0
    private var bodyBytes = 0
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private var acceptedTotal = 0
    private var closed = false

    init(script: @escaping Script) {
        self.script = script
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Records a complete request (numbering it in arrival order), counts it in flight, and asks the script.
    func receive(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8])
        -> (RecordedRequest, Behavior)
    {
        let (request, script) = locked { () -> (RecordedRequest, Script) in
            let request = RecordedRequest(
                method: method, path: path, headers: headers, body: body, index: recorded.count)
            recorded.append(request)
            current += 1
            highWater = max(highWater, current)
            return (request, self.script)
        }
        return (request, script(request))
    }

    /// Called once per received request, when its answer ends or its connection closes.
    func finish() {
        locked { current -= 1 }
    }

    /// Counts body bytes handed to a connection.
    func sent(_ count: Int) {
        locked { bodyBytes += count }
    }

    func setScript(_ script: @escaping Script) {
        locked { self.script = script }
    }

    var requests: [RecordedRequest] { locked { recorded } }
    var inFlight: Int { locked { current } }
    var maxInFlight: Int { locked { highWater } }
    var bytesSent: Int { locked { bodyBytes } }
    var accepted: Int { locked { acceptedTotal } }
    var open: [any Channel] { locked { Array(connections.values) } }

    /// Tracks an accepted connection so shutdown can close it; false once shut down.
    func register(_ channel: any Channel) -> Bool {
        locked {
            guard !closed else { return false }
            connections[ObjectIdentifier(channel)] = channel
            acceptedTotal += 1
            return true
        }
    }

    func unregister(_ channel: any Channel) {
        _ = locked { connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Refuses new connections and hands back the open ones to close.
    func close() -> [any Channel] {
        locked {
            closed = true
            return Array(connections.values)
        }
    }
}
