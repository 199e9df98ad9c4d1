import CrewCore

/// The argument templates of a `command` tool and how a call fills them in.
///
/// A value the model supplies at the very start of an argument (`{file}`, or `{a}{b}` with `a` empty) could turn
/// that argument into an option (`--output=/etc/passwd` for `sort {file}`), so such a value may not start with `-`
/// unless its property in `input_schema` says `x-crew-allow-option: true`. A value after a literal (`--name={text}`,
/// `-o{file}`) is the value of that option already and may start with anything.
struct CommandArguments {
    enum Piece: Equatable {
        case text(String)
        case input(String)
    }

    /// The property key of `input_schema` that lets a value start an argument with `-`. Removed from the schema the
    /// model sees: it is crew's setting, not the model's concern.
    static let allowOptionKey = "x-crew-allow-option"

    /// The program's name, for messages.
    let program: String
    let templates: [[Piece]]
    /// Properties whose values may start an argument with `-`.
    let optionProperties: Set<String>

    /// The argument vector for one call; templates with a missing (or null) property are left out.
    func argv(for call: JSONValue) throws(ToolFailure) -> [String] {
        var out: [String] = []
        nextArgument: for pieces in templates {
            var text = ""
            var leader: String?  // The property whose value the argument starts with.
            for piece in pieces {
                switch piece {
                case .text(let literal): text += literal
                case .input(let name):
                    guard let value = call[name], value != .null else { continue nextArgument }
                    let filled = Self.text(of: value)
                    if text.isEmpty, !filled.isEmpty { leader = name }
                    text += filled
                }
            }
            guard !text.contains("\0") else { throw ToolFailure("an argument contains a NUL byte") }
            if let leader, text.hasPrefix("-"), !optionProperties.contains(leader) {
                throw optionRefused(property: leader, argument: text)
            }
            out.append(text)
        }
        return out
    }

    static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .double(let number) where number == number.rounded() && abs(number) < 1e15: String(Int(number))
        default: value.serialized()
        }
    }

    private func optionRefused(property: String, argument: String) -> ToolFailure {
        let shown = argument.count > 80 ? argument.prefix(80) + "…" : Substring(argument)
        return ToolFailure(
            "The value of `\(property)` makes the argument `\(shown)`, which starts with `-`: `\(program)` would read "
                + "it as an option, not as a value, so crew did not run the command. Call the tool again with a "
                + "value that does not start with `-` (a file named `-x` can be written `./-x`). If options are "
                + "meant to be passed here, the crew's author can set `\(Self.allowOptionKey): true` on property "
                + "`\(property)` of the tool's `input_schema`.")
    }
}

extension CommandArguments {
    /// Parses the templates of `args`, resolving `${env:...}`/`${file:...}` references once, and reads which
    /// properties of `schema` allow options.
    init(program: String, sources: [String], schema: JSONValue, settings: ToolConfig, context: ToolContext)
        throws(ToolSetupError)
    {
        var templates: [[Piece]] = []
        for source in sources { templates.append(try Self.pieces(source, settings, context)) }
        var allowed: Set<String> = []
        for (name, property) in schema["properties"]?.objectValue ?? [:] {
            guard let flag = property[Self.allowOptionKey], flag != .null else { continue }
            guard let allows = flag.boolValue else {
                throw settings.failure("`input_schema.properties.\(name).\(Self.allowOptionKey)` must be true or false")
            }
            if allows { allowed.insert(name) }
        }
        self.init(program: program, templates: templates, optionProperties: allowed)
    }

    private static func pieces(_ source: String, _ settings: ToolConfig, _ context: ToolContext)
        throws(ToolSetupError) -> [Piece]
    {
        let (template, problems) = TemplateParser.parse(
            source, at: SourceLocation(file: "plan.json", line: 1, column: 1), inputs: true)
        if let problem = problems.first { throw settings.failure("argument `\(source)`: \(problem.message)") }
        var pieces: [Piece] = []
        for segment in template.segments {
            switch segment {
            case .text(let text): pieces.append(.text(text))
            case .input(let name): pieces.append(.input(name))
            case .env, .file:
                do {
                    pieces.append(.text(try context.reference(segment)))
                } catch {
                    throw settings.failure("argument `\(source)`: \(error.message)")
                }
            }
        }
        return pieces
    }

    /// `schema` without crew's own keys, as the model is shown it.
    static func modelSchema(_ schema: JSONValue) -> JSONValue {
        guard var members = schema.objectValue, var properties = members["properties"]?.objectValue else {
            return schema
        }
        for (name, property) in properties {
            guard var fields = property.objectValue, fields[allowOptionKey] != nil else { continue }
            fields[allowOptionKey] = nil
            properties[name] = .object(fields)
        }
        members["properties"] = .object(properties)
        return .object(members)
    }
}
