import CrewCore
import MCP

/// A `tools/call` result as text for the model: text blocks joined, embedded text resources inlined, binary blocks
/// summarised (the model cannot read base64), structured content as JSON when there is nothing else.
enum ResultText {
    static func render(_ result: CallTool.Result) -> String {
        var parts = result.content.map(render)
        if parts.allSatisfy(\.isEmpty), let structured = result.structuredContent,
            let json = ValueBridge.jsonValue(structured)
        {
            parts = [json.serialized()]
        }
        return parts.filter { !$0.isEmpty }.joined(separator: "\n")
    }

    static func render(_ block: Tool.Content) -> String {
        switch block {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return "[image \(mimeType), \(size(ofBase64: data))]"
        case .audio(let data, let mimeType, _, _):
            return "[audio \(mimeType), \(size(ofBase64: data))]"
        case .resource(let resource, _, _):
            return render(resource)
        case .resourceLink(let uri, let name, _, let description, let mimeType, _):
            var text = "[resource \(name): \(uri)"
            if let mimeType { text += ", \(mimeType)" }
            text += "]"
            if let description, !description.isEmpty { text += " \(description)" }
            return text
        }
    }

    private static func render(_ resource: Resource.Content) -> String {
        if let text = resource.text { return text }
        let type = resource.mimeType ?? "binary"
        let length = resource.blob.map { ", \(size(ofBase64: $0))" } ?? ""
        return "[resource \(resource.uri), \(type)\(length)]"
    }

    /// The decoded size of base64 text, in words.
    static func size(ofBase64 text: String) -> String {
        let padding = text.suffix(2).filter { $0 == "=" }.count
        let bytes = max(0, text.utf8.count / 4 * 3 - padding)
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        return "\((bytes + 512 * 1024) / (1024 * 1024)) MB"
    }
}
