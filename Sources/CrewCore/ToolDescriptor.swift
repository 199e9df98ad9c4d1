/// A tool as the model sees it: a name, what it does, and a JSON Schema (an object schema) of its arguments.
public struct ToolDescriptor: Sendable, Hashable {
    public var name: String
    public var description: String
    public var inputSchema: JSONValue

    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}
