import CrewCore
import Foundation

/// Reads a structured answer: JSON, possibly wrapped in a Markdown code fence, checked against the task's schema.
enum StructuredAnswer {
    static func check(_ text: String, schema: JSONValue) -> Result<JSONValue, SchemaErrors> {
        let body = unfenced(text)
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            return .failure(SchemaErrors(["the answer is not valid JSON (\(error))"]))
        }
        let errors = SchemaValidator.errors(json, against: schema)
        return errors.isEmpty ? .success(json) : .failure(SchemaErrors(errors))
    }

    /// Models often answer "```json\n{...}\n```" even when asked for JSON only.
    static func unfenced(_ text: String) -> String {
        var body = text.trimmingWhitespace()
        guard body.hasPrefix("```"), body.hasSuffix("```"), body.count >= 6 else { return body }
        body = String(body.dropFirst(3).dropLast(3))
        if let newline = body.firstIndex(of: "\n") { body = String(body[body.index(after: newline)...]) }
        return body.trimmingWhitespace()
    }
}

struct SchemaErrors: Error, Sequence {
    var errors: [String]
    init(_ errors: [String]) { self.errors = errors }
    func makeIterator() -> IndexingIterator<[String]> { errors.makeIterator() }
}
