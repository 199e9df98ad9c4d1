import CrewCore
import CrewProviders
import CrewTestSupport
import Foundation
import NIOSSL
import Testing

/// HTTPS to a provider, against the test server behind a certificate made for the test: the transport checks the
/// chain and the name (an IP address against the certificate's IP names), and speaks HTTP/1.1 over TLS.
@Suite struct ProviderTLSTests {
    /// A self-signed certificate for the subject alternative names `names` (`IP:127.0.0.1,DNS:localhost`).
    static func certificate(_ names: String, in folder: TemporaryFolder) throws -> (certificate: String, key: String) {
        let (certificate, key) = (folder.path + "/cert.pem", folder.path + "/key.pem")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
            "/CN=crew provider test", "-addext", "subjectAltName=" + names, "-keyout", key, "-out", certificate,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        try #require(openssl.terminationStatus == 0)
        return (certificate, key)
    }

    /// A server behind `names`' certificate, and a client of `host` that trusts it (or, `trusting: false`, only the
    /// system's roots).
    static func withTLS(
        names: String, host: String, trusting: Bool = true,
        _ body: (ProviderTestServer, HTTPChatClient) async throws -> Void
    ) async throws {
        let folder = TemporaryFolder(prefix: "crew-provider-tls")
        let (certificate, key) = try certificate(names, in: folder)
        let serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        var clientTLS = TLSConfiguration.makeClientConfiguration()
        if trusting { clientTLS.trustRoots = .file(certificate) }
        try await ProviderTransportTests.withClient(
            baseURL: { "https://\(host):\($0.port)" }, transport: ProviderTransport(tls: clientTLS),
            tls: try NIOSSLContext(configuration: serverTLS), body)
    }

    static func ask(_ client: HTTPChatClient, stream: Bool) async throws -> ChatResponse {
        try await ProviderTransportTests.ask(client, stream: stream)
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func answersComeOverVerifiedTLSOnAKeptConnection(host: String) async throws {
        try await Self.withTLS(names: "IP:127.0.0.1,DNS:localhost", host: host) { server, client in
            let streamed = try await Self.ask(client, stream: true)
            let whole = try await Self.ask(client, stream: false)
            #expect(streamed.text.hasPrefix("echo: ") && whole.text.hasPrefix("echo: "))
            #expect(server.requests.count == 2 && server.requests[0].streaming && !server.requests[1].streaming)
            #expect(server.requests[0].header("authorization") == "Bearer k")
            #expect(server.acceptedConnections <= 2)
        }
    }

    @Test func aCertificateForAnotherNameIsRefused() async throws {
        try await Self.withTLS(names: "DNS:provider.example", host: "localhost") { server, client in
            await #expect {
                _ = try await Self.ask(client, stream: true)
            } throws: { error in
                guard case .connection(let text)? = error as? ProviderError else { return false }
                return text.contains("not valid for its name")
            }
            #expect(server.requests.isEmpty, "nothing is sent to a server that is not who it should be")
        }
    }

    @Test func aCertificateNoTrustedRootSignedIsRefused() async throws {
        try await Self.withTLS(names: "IP:127.0.0.1", host: "127.0.0.1", trusting: false) { server, client in
            await #expect {
                _ = try await Self.ask(client, stream: false)
            } throws: { error in
                guard case .connection(let text)? = error as? ProviderError else { return false }
                return text.contains("certificate is not trusted")
            }
            #expect(server.requests.isEmpty)
        }
    }
}
