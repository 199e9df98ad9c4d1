import CrewCore
import Foundation
import JWTKit

/// How JWT bearer credentials are verified; off when neither a secret nor a JWKS is given.
public struct JWTSettings: Sendable {
    /// The HS256 secret, read from the environment at start.
    public var secret: String?
    /// The JWKS file's text, read at start.
    public var jwks: String?
    public var roleClaim = "role"
    public var issuer: String?
    public var audience: String?

    public init() {}
}

/// Verifies JWT bearer credentials: HS256 with a secret from the environment, or RS256/ES256 with the keys of a
/// JWKS file. The token must carry `exp`; `nbf`, `iss` and `aud` are checked when configured or present, and the
/// claim named `roleClaim` (a role name, or a list whose highest role counts) gives the role.
struct JWTVerifier: Sendable {
    let keys: JWTKeyCollection
    let roleClaim: String
    let issuer: String?
    let audience: String?

    /// Nil when neither a secret nor a JWKS is given.
    static func make(_ settings: JWTSettings) async throws -> JWTVerifier? {
        guard settings.secret != nil || settings.jwks != nil else { return nil }
        let keys = JWTKeyCollection()
        if let secret = settings.secret {
            guard secret.utf8.count >= 32 else {
                throw CrewFailure(.r518, "the JWT secret is shorter than 32 bytes", hint: "use a longer random secret")
            }
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        }
        if let jwks = settings.jwks {
            do {
                try await keys.add(jwksJSON: jwks)
            } catch {
                throw CrewFailure(.r518, "the JWKS file is not a JSON Web Key Set: \(error)", hint: "check --jwks")
            }
        }
        return JWTVerifier(
            keys: keys, roleClaim: settings.roleClaim, issuer: settings.issuer, audience: settings.audience)
    }

    func identify(_ token: String) async -> Identity? {
        guard let claims = try? await keys.verify(token, as: Claims.self) else { return nil }
        if let issuer, claims.iss?.value != issuer { return nil }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { return nil }
        guard let role = claims.roles[roleClaim]?.compactMap(Role.init(rawValue:)).max() else { return nil }
        let subject = claims.sub?.value ?? "unknown"
        return Identity(actor: "jwt:\(subject.prefix(128))", role: role, bucket: "jwt:\(subject.prefix(128))")
    }

    /// The registered claims crew checks, and every claim whose value is a string or a list of strings.
    struct Claims: JWTPayload {
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?
        var sub: SubjectClaim?
        var iss: IssuerClaim?
        var aud: AudienceClaim?
        var roles: [String: [String]] = [:]

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            exp = try container.decode(ExpirationClaim.self, forKey: Key(stringValue: "exp"))
            nbf = try container.decodeIfPresent(NotBeforeClaim.self, forKey: Key(stringValue: "nbf"))
            sub = try container.decodeIfPresent(SubjectClaim.self, forKey: Key(stringValue: "sub"))
            iss = try container.decodeIfPresent(IssuerClaim.self, forKey: Key(stringValue: "iss"))
            aud = try container.decodeIfPresent(AudienceClaim.self, forKey: Key(stringValue: "aud"))
            for key in container.allKeys.prefix(64) {
                if let text = try? container.decode(String.self, forKey: key) {
                    roles[key.stringValue] = [text]
                } else if let list = try? container.decode([String].self, forKey: key) {
                    roles[key.stringValue] = Array(list.prefix(64))
                }
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(exp, forKey: Key(stringValue: "exp"))
            try container.encodeIfPresent(sub, forKey: Key(stringValue: "sub"))
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf?.verifyNotBefore()
        }
    }
}
