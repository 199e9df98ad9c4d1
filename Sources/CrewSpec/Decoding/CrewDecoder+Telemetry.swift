import CrewCore
import CrewDocuments

extension CrewDecoder {
    static let telemetryKeys = [
        "endpoint", "protocol", "headers", "service_name", "sampler", "sampler_ratio", "capture_content", "propagate",
    ]

    /// `telemetry:` in the root file (specs/crew-file.md). Header values must read their text at run time: an OTLP
    /// header is almost always a collector's key, so a literal one is refused like any literal secret.
    func decodeTelemetry(_ node: YAMLNode?) -> TelemetryDefinition? {
        guard let node, let fields = decoder.fields(node, "`telemetry`", known: Self.telemetryKeys) else { return nil }
        var telemetry = TelemetryDefinition()
        telemetry.endpoint = endpoint(fields["endpoint"])
        telemetry.wire = decoder.enumValue(fields["protocol"], "`telemetry.protocol`")?.value
        telemetry.headers = telemetryHeaders(fields["headers"])
        telemetry.serviceName = decoder.string(fields["service_name"], "`telemetry.service_name`")?.value
        let sampler: Located<TraceSampler>? = decoder.enumValue(fields["sampler"], "`telemetry.sampler`")
        telemetry.sampler = sampler?.value
        let ratio = decoder.double(fields["sampler_ratio"], "`telemetry.sampler_ratio`", min: 0, max: 1)
        telemetry.samplerRatio = ratio?.value
        if let ratio, !(sampler?.value.takesRatio ?? false) {
            decoder.error(
                .e210, "`telemetry.sampler_ratio` needs a ratio sampler", at: ratio.location,
                hint: "set `sampler: traceidratio` or `parentbased_traceidratio`, or remove `sampler_ratio`")
        }
        telemetry.captureContent = decoder.bool(fields["capture_content"], "`telemetry.capture_content`")
        telemetry.propagate = decoder.bool(fields["propagate"], "`telemetry.propagate`")
        return telemetry
    }

    /// An http(s) URL, or a reference that gives one at run time.
    private func endpoint(_ node: YAMLNode?) -> Template? {
        guard let template = decoder.template(node, "`telemetry.endpoint`", inputs: false) else { return nil }
        if template.isLiteral {
            let text = template.source.lowercased()
            guard text.hasPrefix("http://") || text.hasPrefix("https://"), text.count > 8 else {
                decoder.error(
                    .e114, "`telemetry.endpoint` must be an http:// or https:// URL", at: template.location,
                    hint: "the OTLP/HTTP base URL, e.g. `http://127.0.0.1:4318` (crew adds `/v1/traces`)")
                return nil
            }
        }
        return template
    }

    private func telemetryHeaders(_ node: YAMLNode?) -> [(name: String, value: Template)] {
        guard let node, let pairs = decoder.mapping(node, "`telemetry.headers`") else { return [] }
        let headers: [(name: String, value: Template)] = pairs.compactMap { pair in
            guard let name = decoder.string(pair.key, "a name in `telemetry.headers`"),
                let value = decoder.template(pair.value, "`\(name.value)`", inputs: false)
            else { return nil }
            if value.isLiteral {
                literalSecret("the header `\(name.value)` in `telemetry.headers`", at: value.location)
                return nil
            }
            return (name.value, value)
        }
        return headers.sorted { $0.name < $1.name }
    }
}
