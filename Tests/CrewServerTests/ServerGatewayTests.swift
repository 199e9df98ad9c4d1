import AsyncHTTPClient
import CrewCore
import CrewDocuments
import CrewKit
import CrewServer
import CrewTestSupport
import Crypto
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// The gateway: CORS, security headers, the per-caller rate limit, TLS, JWTs and the token routes.
@Suite struct ServerGatewayTests {
    @Test func corsAnswersAllowedOriginsOnlyAndEveryResponseHasSecurityHeaders() async throws {
        let server = try await ServerHarness.start(configure: { $0.corsOrigins = ["https://ci.example.com"] })
        defer { Task { await server.stop() } }
        let preflight = [("Origin", "https://ci.example.com"), ("Access-Control-Request-Method", "POST")]
        let allowed = try await server.request(.OPTIONS, "/v1/crews/echo/runs", headers: preflight)
        #expect(allowed.status == 204)
        #expect(allowed.header("Access-Control-Allow-Origin") == "https://ci.example.com")
        #expect(allowed.header("Access-Control-Allow-Headers")?.contains("Idempotency-Key") == true)
        #expect(allowed.header("Vary") == "Origin")
        let evil = try await server.request(
            .OPTIONS, "/v1/crews/echo/runs",
            headers: [("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
        #expect(evil.status == 403 && evil.header("Access-Control-Allow-Origin") == nil)
        let simple = try await server.request(.GET, "/v1/crews", headers: [("Origin", "https://ci.example.com")])
        #expect(simple.header("Access-Control-Allow-Origin") == "https://ci.example.com")
        let other = try await server.request(.GET, "/v1/crews", headers: [("Origin", "https://evil.example")])
        #expect(other.status == 200 && other.header("Access-Control-Allow-Origin") == nil)
        for path in ["/healthz", "/v1/crews", "/v1/nowhere", "/metrics"] {
            let answer = try await server.request(.GET, path)
            #expect(answer.header("X-Content-Type-Options") == "nosniff", "\(path)")
            #expect(answer.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(path)")
            #expect(answer.header("Referrer-Policy") == "no-referrer", "\(path)")
            #expect(answer.header("Strict-Transport-Security") == nil, "plain HTTP sends no HSTS")
        }
    }

    @Test func eachCallerHasItsOwnRateLimit() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(
            configure: {
                $0.rateLimit = 1
                $0.rateBurst = 3
            },
            tokens: { tokens in
                made.set("a", try await tokens.create(name: "a", role: .viewer).token)
                made.set("b", try await tokens.create(name: "b", role: .viewer).token)
            })
        defer { Task { await server.stop() } }
        let a = [("Authorization", "Bearer " + made.get("a"))]
        for _ in 0..<3 { #expect(try await server.request(.GET, "/v1/crews", headers: a).status == 200) }
        let limited = try await server.request(.GET, "/v1/crews", headers: a)
        #expect(limited.status == 429 && limited.json?["error"]?["code"]?.stringValue == "rate_limited")
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 1)
        let b = [("Authorization", "Bearer " + made.get("b"))]
        #expect(try await server.request(.GET, "/v1/crews", headers: b).status == 200, "another token is not slowed")
        #expect(try await server.request(.GET, "/healthz").status == 200, "health checks are not limited")
    }

    @Test func tlsServesHTTPSWithHSTS() async throws {
        let folder = TemporaryFolder(prefix: "crew-tls")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
            "/CN=127.0.0.1", "-keyout", folder.path + "/key.pem", "-out", folder.path + "/cert.pem",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        let server = try await ServerHarness.start(configure: {
            $0.tlsCertificate = folder.path + "/cert.pem"
            $0.tlsKey = folder.path + "/key.pem"
        })
        defer { Task { await server.stop() } }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        defer { Task { try? await client.shutdown() } }
        let response = try await client.execute(
            HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/healthz"), timeout: .seconds(10))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
        await #expect(throws: (any Error).self) { _ = try await server.request(.GET, "/healthz") }

        let broken = CrewServer(
            configuration: {
                var configuration = ServerConfiguration(
                    crewsFolder: folder.path, dataFolder: folder.path + "/d", port: 0)
                configuration.tlsCertificate = folder.path + "/key.pem"
                configuration.tlsKey = folder.path + "/cert.pem"
                return configuration
            }(), engine: CrewEngine())
        await #expect(throws: CrewFailure.self) { try await broken.run(signals: false) }
    }

    static let jwtSecret = "a-test-secret-that-is-long-enough-for-hs256"

    struct Payload: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var role: [String]
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func jwtsAreVerifiedAndTheirClaimGivesTheRole() async throws {
        let es256 = ES256PrivateKey()
        let parameters = try #require(es256.publicKey.parameters)
        let jwks = """
            {"keys": [{"kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": "k1",
              "x": "\(parameters.x)", "y": "\(parameters.y)"}]}
            """
        let jwt = try await JWTVerifierHarness.make(secret: Self.jwtSecret, jwks: jwks)
        let server = try await ServerHarness.start(host: "0.0.0.0", configure: { $0.jwt = jwt })
        defer { Task { await server.stop() } }
        let hmac = JWTKeyCollection()
        await hmac.add(hmac: HMACKey(from: Self.jwtSecret), digestAlgorithm: .sha256)
        let later = Date(timeIntervalSinceNow: 600)
        func token(_ keys: JWTKeyCollection, role: [String], expires: Date = later, kid: String? = nil) async throws
            -> String
        {
            try await keys.sign(
                Payload(sub: "alice", exp: ExpirationClaim(value: expires), role: role),
                kid: kid.map(JWKIdentifier.init(string:)))
        }
        func call(_ method: HTTPMethod, _ path: String, _ bearer: String?) async throws -> Int {
            try await server.request(
                method, path, body: method == .POST ? #"{"inputs": {"topic": "t"}}"# : nil,
                headers: bearer.map { [("Authorization", "Bearer " + $0)] } ?? []
            ).status
        }
        #expect(try await call(.GET, "/v1/crews", nil) == 401, "JWTs configured: the API is closed")
        let viewer = try await token(hmac, role: ["viewer"])
        #expect(try await call(.GET, "/v1/crews", viewer) == 200)
        #expect(try await call(.POST, "/v1/crews/echo/runs", viewer) == 403)
        #expect(try await call(.POST, "/v1/crews/echo/runs", try await token(hmac, role: ["viewer", "runner"])) == 202)
        #expect(try await call(.GET, "/v1/crews", try await token(hmac, role: ["owner"])) == 401, "no known role")
        let expired = try await token(hmac, role: ["admin"], expires: Date(timeIntervalSinceNow: -60))
        #expect(try await call(.GET, "/v1/crews", expired) == 401)
        let otherSecret = JWTKeyCollection()
        await otherSecret.add(hmac: HMACKey(from: Self.jwtSecret + "x"), digestAlgorithm: .sha256)
        #expect(try await call(.GET, "/v1/crews", try await token(otherSecret, role: ["admin"])) == 401)
        // `alg: none`, and a body changed after signing.
        let parts = viewer.split(separator: ".").map(String.init)
        let none = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL + "." + parts[1] + "."
        #expect(try await call(.GET, "/v1/crews", none) == 401)
        let forged = Data(#"{"sub":"alice","exp":9999999999,"role":["admin"]}"#.utf8).base64URL
        #expect(try await call(.GET, "/v1/crews", parts[0] + "." + forged + "." + parts[2]) == 401)
        // ES256 from the JWKS file.
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: es256, kid: "k1")
        #expect(try await call(.GET, "/v1/crews", try await token(signer, role: ["admin"], kid: "k1")) == 200)
    }

    @Test func aSessionCookieCarriesTheTokenForABrowser() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("viewer", try await tokens.create(name: "eyes", role: .viewer).token)
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
        })
        defer { Task { await server.stop() } }
        let signed = try await server.request(.POST, "/v1/session", body: #"{"token": "\#(made.get("viewer"))"}"#)
        #expect(signed.status == 200 && signed.json?["role"]?.stringValue == "viewer")
        let cookie = try #require(signed.header("Set-Cookie"))
        #expect(cookie.hasPrefix("crew_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let session = [("Cookie", "theme=dark; " + String(cookie.split(separator: ";")[0]))]
        #expect(try await server.request(.GET, "/v1/crews", headers: session).status == 200)
        #expect(try await server.request(.POST, "/v1/crews/reload", headers: session).status == 403)
        for bad in [#"{"token": "crew_000000000000_nope"}"#, #"{"token": "x; Path=/"}"#, "{}", #"{"token": 1}"#] {
            let refused = try await server.request(.POST, "/v1/session", body: bad)
            #expect(refused.status == 401 && refused.header("Set-Cookie") == nil, "\(bad)")
        }
        #expect(try await server.request(.POST, "/v1/session", body: #"{"token": "t", "extra": 1}"#).status == 400)
        let out = try await server.request(.DELETE, "/v1/session", headers: session)
        #expect(out.status == 200 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        // A revoked token's cookie stops working at once.
        let admin = [("Authorization", "Bearer " + made.get("admin"))]
        #expect(try await server.request(.DELETE, "/v1/tokens/eyes", headers: admin).status == 200)
        #expect(try await server.request(.GET, "/v1/crews", headers: session).status == 401)
    }

    @Test func tokensAreManagedThroughTheAPIByAdminsOnly() async throws {
        let made = LockedTokens()
        let server = try await ServerHarness.start(tokens: { tokens in
            made.set("admin", try await tokens.create(name: "root", role: .admin).token)
            made.set("runner", try await tokens.create(name: "ci", role: .runner).token)
        })
        defer { Task { await server.stop() } }
        let admin = [("Authorization", "Bearer " + made.get("admin"))]
        let runner = [("Authorization", "Bearer " + made.get("runner"))]
        #expect(try await server.request(.GET, "/v1/tokens", headers: runner).status == 403)
        let created = try await server.request(
            .POST, "/v1/tokens", body: #"{"name": "bot", "role": "viewer", "expires_in_seconds": 3600}"#,
            headers: admin)
        #expect(created.status == 201)
        let token = try #require(created.json?["token"]?.stringValue)
        #expect(created.json?["role"]?.stringValue == "viewer" && created.json?["expires_at"] != nil)
        let bot = [("Authorization", "Bearer " + token)]
        #expect(try await server.request(.GET, "/v1/crews", headers: bot).status == 200)
        let list = try await server.request(.GET, "/v1/tokens", headers: admin)
        #expect(list.json?["tokens"]?.arrayValue?.map { $0["name"]?.stringValue } == ["root", "ci", "bot"])
        // The secret is base64url, which may itself hold `_`: it is everything after the id.
        let secret = try #require(token.split(separator: "_", maxSplits: 2).last)
        #expect(secret.count == 43 && !list.body.contains(secret), "a listing never holds a secret")
        let taken = try await server.request(
            .POST, "/v1/tokens", body: #"{"name": "bot", "role": "admin"}"#, headers: admin)
        #expect(taken.status == 409)
        let badRole = try await server.request(
            .POST, "/v1/tokens", body: #"{"name": "x", "role": "root"}"#, headers: admin)
        #expect(badRole.status == 422)
        #expect(try await server.request(.DELETE, "/v1/tokens/bot", headers: admin).status == 200)
        #expect(try await server.request(.GET, "/v1/crews", headers: bot).status == 401)
        #expect(try await server.request(.DELETE, "/v1/tokens/bot", headers: admin).status == 404)
    }
}

/// Builds the JWT settings the way `crew serve` does from CREW_JWT_SECRET and --jwks.
enum JWTVerifierHarness {
    static func make(secret: String?, jwks: String?) async throws -> JWTSettings {
        var settings = JWTSettings()
        settings.secret = secret
        settings.jwks = jwks
        return settings
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
