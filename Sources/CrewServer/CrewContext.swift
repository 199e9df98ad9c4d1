import CrewCore
import Hummingbird
import NIOCore

/// Who is calling, once authenticated: a token's name or a JWT's subject, and the role it holds.
struct Identity: Sendable, Equatable {
    /// `token:<name>`, `jwt:<subject>`, or `anonymous` while the API is open.
    var actor: String
    var role: Role
    /// What the per-caller rate limit counts against: the token's id, the JWT's subject, or the client address.
    var bucket: String

    static func anonymous(address: String) -> Identity { Identity(actor: "anonymous", role: .admin, bucket: address) }
}

/// The request context of every route: Hummingbird's own, the caller's address, and the identity auth found.
struct CrewContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: Identity?
    /// The peer's IP address (not its port): what the audit log and the anonymous rate limit use.
    let address: String

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        address = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
