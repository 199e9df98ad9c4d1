import CrewCore

/// A document that cannot be read as its format says: from another version of crew, damaged, or hand-edited.
public struct DocumentFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as named to the user (`plan.json`, `run.json`).
    public var document: String
    public var message: String

    public init(_ document: String, _ message: String) {
        self.document = document
        self.message = message
    }

    public var description: String {
        document == PlanDocument.documentName
            ? "cannot read the plan: \(message); rebuild it with `crew build`" : "cannot read \(document): \(message)"
    }
}

extension DocumentFormatError: CodedFailure {
    /// R501 for a plan; R503 for a run's other records.
    public var code: FailureCode { document == PlanDocument.documentName ? .r501 : .r503 }
}

/// Reads one JSON object of a document, naming the key path of whatever is missing or of the wrong type. Keys a
/// reader does not know are ignored (a newer crew may add some within a format version); a known key of the wrong
/// type is an error, never silently dropped.
package struct ObjectReader {
    package let value: [String: JSONValue]
    package let path: String
    package let document: String

    package init(_ json: JSONValue?, path: String, document: String) throws(DocumentFormatError) {
        guard let members = json?.objectValue else {
            throw DocumentFormatError(document, "`\(path)` must be an object")
        }
        self.value = members
        self.path = path
        self.document = document
    }

    package func at(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    package func fail(_ key: String, _ what: String) -> DocumentFormatError {
        DocumentFormatError(document, "`\(at(key))` \(what)")
    }

    package func has(_ key: String) -> Bool {
        if let member = value[key], member != .null { return true }
        return false
    }

    package func string(_ key: String) throws(DocumentFormatError) -> String {
        guard let text = try optionalString(key) else { throw fail(key, "is missing") }
        return text
    }

    package func optionalString(_ key: String) throws(DocumentFormatError) -> String? {
        guard has(key) else { return nil }
        guard let text = value[key]?.stringValue else { throw fail(key, "must be a string") }
        return text
    }

    package func int(_ key: String) throws(DocumentFormatError) -> Int {
        guard let number = try optionalInt(key) else { throw fail(key, "is missing") }
        return number
    }

    package func optionalInt(_ key: String) throws(DocumentFormatError) -> Int? {
        guard has(key) else { return nil }
        guard let number = value[key]?.intValue else { throw fail(key, "must be an integer") }
        return number
    }

    package func optionalDouble(_ key: String) throws(DocumentFormatError) -> Double? {
        guard has(key) else { return nil }
        guard let number = value[key]?.doubleValue, number.isFinite else { throw fail(key, "must be a number") }
        return number
    }

    package func bool(_ key: String, default fallback: Bool) throws(DocumentFormatError) -> Bool {
        guard has(key) else { return fallback }
        guard let flag = value[key]?.boolValue else { throw fail(key, "must be true or false") }
        return flag
    }

    package func strings(_ key: String) throws(DocumentFormatError) -> [String] {
        guard has(key) else { return [] }
        guard let items = value[key]?.arrayValue else { throw fail(key, "must be a list of strings") }
        var texts: [String] = []
        texts.reserveCapacity(items.count)
        for item in items {
            guard let text = item.stringValue else { throw fail(key, "must be a list of strings") }
            texts.append(text)
        }
        return texts
    }

    package func enumeration<E: RawRepresentable>(_ key: String, default fallback: E? = nil) throws(DocumentFormatError)
        -> E
    where E.RawValue == String, E: CaseIterable {
        guard has(key) else {
            if let fallback { return fallback }
            throw fail(key, "is missing")
        }
        guard let raw = value[key]?.stringValue, let parsed = E(rawValue: raw) else {
            let allowed = E.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
            throw fail(key, "must be one of \(allowed)")
        }
        return parsed
    }

    package func object(_ key: String) throws(DocumentFormatError) -> ObjectReader {
        try ObjectReader(value[key], path: at(key), document: document)
    }

    package func optionalObject(_ key: String) throws(DocumentFormatError) -> ObjectReader? {
        has(key) ? try object(key) : nil
    }

    /// The members of the object at `key`, each read by `read`, keyed by name.
    package func named<T>(_ key: String, _ read: (String, ObjectReader) throws(DocumentFormatError) -> T)
        throws(DocumentFormatError)
        -> [String: T]
    {
        guard let members = try optionalObject(key) else { return [:] }
        var out: [String: T] = [:]
        for (name, member) in members.value {
            out[name] = try read(name, try ObjectReader(member, path: members.at(name), document: document))
        }
        return out
    }

    /// The items of the list at `key`, each an object read by `read`.
    package func list<T>(_ key: String, _ read: (ObjectReader) throws(DocumentFormatError) -> T)
        throws(DocumentFormatError)
        -> [T]
    {
        guard has(key) else { return [] }
        guard let items = value[key]?.arrayValue else { throw fail(key, "must be a list") }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            out.append(try read(try ObjectReader(item, path: "\(at(key))[\(index)]", document: document)))
        }
        return out
    }
}
