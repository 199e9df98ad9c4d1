import CrewCore

/// Reads one tool's entry of `plan.json`, turning a missing or mistyped setting into a `ToolSetupError` that names
/// the tool and the key.
struct ToolConfig {
    let name: String
    let type: String
    let config: JSONValue

    func failure(_ message: String) -> ToolSetupError {
        ToolSetupError("tool `\(name)` (type \(type)): \(message)")
    }

    /// The configured description, or `fallback` when there is none (or it is blank).
    func description(default fallback: String) -> String {
        guard let text = config["description"]?.stringValue,
            !text.allSatisfy(\.isWhitespace)
        else { return fallback }
        return text
    }

    func string(_ key: String) throws(ToolSetupError) -> String? {
        guard let value = config[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw failure("`\(key)` must be a string") }
        return text
    }

    func requiredString(_ key: String) throws(ToolSetupError) -> String {
        guard let text = try string(key), !text.isEmpty else { throw failure("`\(key)` is required") }
        return text
    }

    func strings(_ key: String) throws(ToolSetupError) -> [String] {
        guard let value = config[key], value != .null else { return [] }
        if let text = value.stringValue { return [text] }
        guard let items = value.arrayValue else { throw failure("`\(key)` must be a list of strings") }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw failure("`\(key)` must be a list of strings") }
            out.append(text)
        }
        return out
    }

    func positiveInt(_ key: String) throws(ToolSetupError) -> Int? {
        guard let value = config[key], value != .null else { return nil }
        guard let number = value.intValue, number > 0 else { throw failure("`\(key)` must be a positive integer") }
        return number
    }

    func bool(_ key: String) throws(ToolSetupError) -> Bool? {
        guard let value = config[key], value != .null else { return nil }
        guard let flag = value.boolValue else { throw failure("`\(key)` must be true or false") }
        return flag
    }

    /// A mapping of names to strings (`headers`), in name order so setup is deterministic.
    func stringPairs(_ key: String) throws(ToolSetupError) -> [(name: String, value: String)] {
        guard let value = config[key], value != .null else { return [] }
        guard let members = value.objectValue else { throw failure("`\(key)` must be a mapping of strings") }
        var out: [(name: String, value: String)] = []
        for name in members.keys.sorted() {
            guard let text = members[name]?.stringValue else { throw failure("`\(key).\(name)` must be a string") }
            out.append((name, text))
        }
        return out
    }

    /// Fills `${env:...}`/`${file:...}` references, naming the tool in the error (which never holds a value).
    func resolve(_ source: String, _ context: ToolContext, what: String) throws(ToolSetupError) -> String {
        do {
            return try context.resolve(source)
        } catch {
            throw failure("\(what): \(error.message)")
        }
    }
}
