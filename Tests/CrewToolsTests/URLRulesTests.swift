import Testing

@testable import CrewTools

@Suite struct URLRulesTests {
    func matches(_ pattern: String, _ url: String) throws -> Bool {
        let parsed = try URLPattern.parse(pattern)
        guard case .success(let url) = HTTPURL.parse(url) else { return false }
        return parsed.matches(url)
    }

    @Test func hostWildcardsStayWithinOneLabel() throws {
        #expect(try matches("https://*.example.com/*", "https://api.example.com/x"))
        #expect(try !matches("https://*.example.com/*", "https://example.com/x"))
        #expect(try !matches("https://*.example.com/*", "https://a.b.example.com/x"))
        #expect(try !matches("https://*.example.com/*", "https://api.example.com.evil.net/x"))
        #expect(try matches("https://api-*.example.com/*", "https://API-eu.Example.com/x"))
    }

    /// A leading `**` label covers one or more labels (crewAI's ScrapeWebsiteTool without a URL maps to `https://**`);
    /// the address rules still refuse private hosts, since such a pattern names no host literally.
    @Test func aLeadingDoubleStarLabelCoversAnyNumberOfLabels() throws {
        #expect(try matches("https://**", "https://example.com/a/b"))
        #expect(try matches("https://**", "https://a.b.c.example.org/"))
        #expect(try !matches("https://**", "http://example.com/"))
        #expect(try matches("https://**.example.com/*", "https://a.b.example.com/x"))
        #expect(try !matches("https://**.example.com/*", "https://example.com/x"))
        #expect(try !matches("https://**.example.com/*", "https://example.com.evil.net/x"))
        #expect(try !URLPattern.parse("https://**").namesHostLiterally)
    }

    @Test func pathRules() throws {
        #expect(try matches("https://example.com", "https://example.com/any/depth?q=1"))
        #expect(try matches("https://example.com/docs/*", "https://example.com/docs/page"))
        #expect(try !matches("https://example.com/docs/*", "https://example.com/docs/a/b"))
        #expect(try matches("https://example.com/docs/**", "https://example.com/docs/a/b"))
        #expect(try !matches("https://example.com/docs/**", "https://example.com/doc"))
        #expect(try matches("https://example.com/", "https://example.com"))
        #expect(try !matches("https://example.com/", "https://example.com/a"))
        #expect(try !matches("https://example.com/Docs/*", "https://example.com/docs/a"))
    }

    @Test func portRules() throws {
        #expect(try matches("https://example.com/*", "https://example.com:443/a"))
        #expect(try !matches("https://example.com/*", "https://example.com:8443/a"))
        #expect(try matches("https://example.com:*/*", "https://example.com:8443/a"))
        #expect(try matches("http://example.com:8080/*", "http://example.com:8080/a"))
    }

    @Test func ipv4SpellingsAreCanonical() {
        for spelling in ["127.0.0.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.1", "0x7f.1", "127.0.0.1."] {
            #expect(IPAddress.ipv4(spelling)?.description == "127.0.0.1", "\(spelling)")
        }
        #expect(IPAddress.ipv4("256.0.0.1") == nil)
        #expect(IPAddress.ipv4("1.2.3.4.5") == nil)
        #expect(IPAddress.ipv4("08.0.0.1") == nil)
        guard case .failure = HTTPURL.parse("http://1.2.3.999/") else {
            Issue.record("a numeric host that is no address must be refused")
            return
        }
    }

    @Test func addressRules() {
        let refused = [
            "127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
            "224.0.0.1", "255.255.255.255",
        ]
        for text in refused { #expect(AddressRules.restriction(of: IPAddress.ipv4(text)!) != nil, "\(text)") }
        let refusedV6 = [
            "::1", "::", "fc00::1", "fd12::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
            "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::",
        ]
        for text in refusedV6 { #expect(AddressRules.restriction(of: IPAddress.ipv6(text)!) != nil, "\(text)") }
        for text in ["8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1"] {
            #expect(AddressRules.restriction(of: IPAddress.ipv4(text)!) == nil, "\(text)")
        }
        for text in ["2606:4700::1111", "::ffff:8.8.8.8"] {
            #expect(AddressRules.restriction(of: IPAddress.ipv6(text)!) == nil, "\(text)")
        }
    }

    @Test func connectionGuardAdmitsOnlyPublicOrNamedAddresses() throws {
        let connectionGuard = AddressGuard(patterns: [try URLPattern.parse("http://10.0.0.5/*")])
        #expect(connectionGuard.admits(IPAddress.ipv4("10.0.0.5")!))
        #expect(!connectionGuard.admits(IPAddress.ipv4("10.0.0.6")!))
        #expect(!connectionGuard.admits(IPAddress.ipv4("127.0.0.1")!))
        #expect(connectionGuard.admits(IPAddress.ipv4("93.184.216.34")!))
    }

    @Test func redirectLocationsResolve() throws {
        guard case .success(let base) = HTTPURL.parse("https://example.com/a/b?x=1") else { return }
        func resolved(_ location: String) -> String? {
            if case .success(let url) = base.resolving(location) { return url.description }
            return nil
        }
        #expect(resolved("c") == "https://example.com/a/c")
        #expect(resolved("../c") == "https://example.com/c")
        #expect(resolved("/d") == "https://example.com/d")
        #expect(resolved("?y=2") == "https://example.com/a/b?y=2")
        #expect(resolved("//other.com/e") == "https://other.com/e")
        #expect(resolved("http://x.com") == "http://x.com/")
        #expect(resolved("../../../c") == nil)
    }
}
