import CrewCore
import CrewDocuments

/// crewAI tools as crew's own: each common `crewai_tools` class becomes an `http`, `file` or `knowledge` tool set
/// up the way the class works (specs/crewai.md has the table). A tool that is neither mapped here nor bridged is
/// an error naming the tool and its agent, never silence.
struct CrewAITools {
    let decoder: NodeDecoder
    /// Mapped tools by what they are made from, so two agents with the same tool share one definition.
    private var made: [String: String] = [:]
    /// Unmapped tools already reported, by owner and name: one error per tool and agent.
    private var reported: Set<String> = []

    let bridge: CrewAIBridgeContext

    init(decoder: NodeDecoder, bridge: CrewAIBridgeContext = CrewAIBridgeContext()) {
        self.decoder = decoder
        self.bridge = bridge
    }

    /// What a class becomes: the crewAI name the model saw, and how crew does the same.
    private enum Mapping {
        case search(endpoint: String, method: String, header: String, variable: String, body: String)
        case fetch(argument: String?)
        case fileRead(argument: String?)
        case fileWrite
        case directory(argument: String?)
        case knowledge(argument: String)
    }

    private static let mappings: [String: (name: String, mapping: Mapping)] = [
        "SerperDevTool": (
            "Search the internet with Serper",
            .search(
                endpoint: "https://google.serper.dev/search", method: "POST", header: "X-API-KEY",
                variable: "SERPER_API_KEY", body: #"a JSON body {"q": "<search query>", "num": 10}"#)
        ),
        "BraveSearchTool": (
            "Brave Search",
            .search(
                endpoint: "https://api.search.brave.com/res/v1/web/search", method: "GET",
                header: "X-Subscription-Token", variable: "BRAVE_API_KEY", body: "the query in `?q=<search query>`")
        ),
        "SerplyWebSearchTool": (
            "Google Search",
            .search(
                endpoint: "https://api.serply.io/v1/search/**", method: "GET", header: "X-API-KEY",
                variable: "SERPLY_API_KEY", body: "the query as `https://api.serply.io/v1/search/q=<search query>`")
        ),
        "ScrapeWebsiteTool": ("Read website content", .fetch(argument: "website_url")),
        "SeleniumScrapingTool": ("Read a website content", .fetch(argument: "website_url")),
        "WebsiteSearchTool": ("Search in a specific website", .fetch(argument: "website")),
        "CodeDocsSearchTool": ("Search a Code Docs content", .fetch(argument: "docs_url")),
        "FileReadTool": ("Read a file's content", .fileRead(argument: "file_path")),
        "FileWriterTool": ("File Writer Tool", .fileWrite),
        "DirectoryReadTool": ("List files in directory", .directory(argument: "directory")),
        "DirectorySearchTool": ("Search a directory's content", .knowledge(argument: "directory")),
        "TXTSearchTool": ("Search a txt's content", .knowledge(argument: "txt")),
        "PDFSearchTool": ("Search a PDF's content", .knowledge(argument: "pdf")),
        "CSVSearchTool": ("Search a CSV's content", .knowledge(argument: "csv")),
        "JSONSearchTool": ("Search a JSON's content", .knowledge(argument: "json_path")),
        "MDXSearchTool": ("Search a MDX's content", .knowledge(argument: "mdx")),
    ]

    static var mappedClasses: [String] { mappings.keys.sorted() }

    /// The crew tool names for one crewAI tool of `owner`, adding their definitions to `crew`; empty after an error.
    mutating func map(_ use: CrewPyFile.ToolUse, owner: String, crew: inout Crew) -> [Located<String>] {
        guard let (title, mapping) = Self.mappings[use.name.value], use.isInstance,
            use.module == nil || use.module?.hasPrefix("crewai_tools") == true
        else {
            if bridge.python != nil { return bridged(use, owner: owner, crew: &crew) }
            unmapped(use, owner: owner)
            return []
        }
        let key = "\(use.name.value)|\(use.arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value)" })"
        if let existing = made[key] { return [Located(existing, at: use.name.location)] }
        let name = uniqueName(Self.snake(use.name.value), crew: crew)
        let at = use.name.location
        var spec: ToolSpec
        switch mapping {
        case .search(let endpoint, let method, let header, let variable, let body):
            var http = ToolSpec.HTTP()
            http.allow = [Located(endpoint, at: at)]
            http.methods = [Located(method, at: at)]
            http.headers = [(Located(header, at: at), reference(variable, at: at))]
            spec = ToolSpec(
                name: Located(name, at: at), kind: Located(.http, at: at), settings: .http(http), location: at)
            spec.description =
                "\(title) (crewAI's \(use.name.value)): \(method) \(endpoint.replacingStars) with \(body)."
        case .fetch(let argument):
            var http = ToolSpec.HTTP()
            let fixed = argument.flatMap { use.arguments[$0]?.value.string }
            if let fixed, let pattern = Self.pattern(for: fixed) {
                http.allow = [Located(pattern, at: at)]
            } else if let fixed {
                decoder.error(
                    .e304, "`\(fixed)` given to \(use.name.value) of \(owner) is not an http(s) URL", at: at,
                    hint: "give the tool a full URL such as https://example.com/page")
                return []
            } else {
                http.allow = [Located("https://**", at: at), Located("http://**", at: at)]
            }
            spec = ToolSpec(
                name: Located(name, at: at), kind: Located(.http, at: at), settings: .http(http), location: at)
            spec.description =
                "\(title) (crewAI's \(use.name.value)): GET \(fixed ?? "any public http(s) URL") and read its text."
        case .fileRead(let argument), .directory(let argument):
            var file = ToolSpec.File()
            let fixed = argument.flatMap { use.arguments[$0]?.value.string }
            let isDirectory = if case .directory = mapping { true } else { false }
            guard let root = confined(fixed.map { isDirectory ? $0 : Self.parent($0) } ?? ".", use: use, owner: owner)
            else { return [] }
            file.root = Located(root, at: at)
            spec = ToolSpec(
                name: Located(name, at: at), kind: Located(.file, at: at), settings: .file(file), location: at)
            spec.description = "\(title) (crewAI's \(use.name.value)): read or list files under `\(root)`."
        case .fileWrite:
            var file = ToolSpec.File()
            file.root = Located(".", at: at)
            file.write = true
            spec = ToolSpec(
                name: Located(name, at: at), kind: Located(.file, at: at), settings: .file(file), location: at)
            spec.description = "\(title) (crewAI's \(use.name.value)): write files in the project folder."
        case .knowledge(let argument):
            guard let source = use.arguments[argument]?.value.string ?? use.positional.first?.value.string else {
                // Given its file at run time by the model: only the tool itself can do that.
                if bridge.python != nil { return bridged(use, owner: owner, crew: &crew) }
                decoder.error(
                    .e304,
                    "\(use.name.value) of \(owner) has no fixed `\(argument)`, so crew cannot index it when it builds",
                    at: at,
                    hint: "pass `\(argument)=\"path/in/the/project\"` so the file is compiled into a knowledge base")
                return []
            }
            guard let path = confined(source, use: use, owner: owner) else { return [] }
            let base = uniqueKnowledgeName(name, crew: crew)
            var knowledge = KnowledgeSpec(name: Located(base, at: at), location: at)
            let isFolder = if case .knowledge("directory") = mapping { true } else { false }
            knowledge.sources = [.path(Located(isFolder ? FileSystem.join(path, "**") : path, at: at))]
            knowledge.description = "\(source), as crewAI's \(use.name.value) indexed it"
            crew.knowledge.append(knowledge)
            var settings = ToolSpec.Knowledge()
            settings.knowledge = Located(base, at: at)
            spec = ToolSpec(
                name: Located(name, at: at), kind: Located(.knowledge, at: at), settings: .knowledge(settings),
                location: at)
            spec.description = "\(title) (crewAI's \(use.name.value)): search \(source)."
        }
        crew.tools.append(spec)
        made[key] = name
        return [Located(name, at: at)]
    }

    /// A tool crew has no equivalent for, run by the bridge in the project's Python: one MCP server per tool, so
    /// that each agent is offered exactly the tools crewAI gives it.
    private mutating func bridged(_ use: CrewPyFile.ToolUse, owner: String, crew: inout Crew) -> [Located<String>] {
        guard let python = bridge.python else { return [] }
        guard use.positional.isEmpty || use.arguments.isEmpty else {
            decoder.error(
                .e304,
                "`\(use.name.value)(...)` of \(owner) mixes positional and keyword arguments, which the bridge cannot pass",
                at: use.name.location, hint: "pass them all by keyword, e.g. `\(use.name.value)(name=...)`")
            return []
        }
        let module = use.module.map(bridge.absolute) ?? bridge.crewModule
        var spec = "\(module):\(use.attribute)"
        if use.isInstance && !use.arguments.isEmpty {
            spec += ":" + JSONValue.object(use.arguments.mapValues { $0.value.json }).serialized()
        } else if use.isInstance && !use.positional.isEmpty {
            spec += ":" + JSONValue.array(use.positional.map(\.value.json)).serialized()
        } else if use.isInstance, !(use.name.value.first?.isUppercase ?? false) {
            // A lower-case call is a factory: the bridge would offer the factory itself as the tool.
            decoder.error(
                .e304, "the tool `\(use.attribute)()` of \(owner) is made by a call the bridge cannot repeat",
                at: use.name.location,
                hint: "list the tool object or its class in `tools=[...]`, not a function that returns it")
            return []
        }
        let key = "bridge|\(spec)"
        if let existing = made[key] { return [Located(existing, at: use.name.location)] }
        let at = use.name.location
        let name = uniqueName(Self.snake(use.name.value), crew: crew)
        var settings = ToolSpec.MCP()
        settings.crewAIBridge = ToolSpec.CrewAIBridge(python: Located(python, at: at), tools: [spec])
        var tool = ToolSpec(
            name: Located(name, at: at), kind: Located(.mcp, at: at), settings: .mcp(settings), location: at)
        tool.description = "crewAI tool `\(use.attribute)` of \(module), run by crew's Python bridge"
        crew.tools.append(tool)
        made[key] = name
        return [Located(name, at: at)]
    }

    private mutating func unmapped(_ use: CrewPyFile.ToolUse, owner: String) {
        guard reported.insert("\(owner)|\(use.name.value)").inserted else { return }
        let custom = use.module.map { !$0.hasPrefix("crewai_tools") && !$0.hasPrefix("crewai.") } ?? true
        let what = custom ? "custom tool" : "crewAI tool"
        decoder.error(
            .e304, "\(what) `\(use.name.value)` of \(owner) has no crew equivalent and is not bridged",
            at: use.name.location,
            hint: custom
                ? "run it through crew's Python bridge (`--python PATH`, specs/crewai.md), or declare an equivalent tool in a crew.yaml"
                : "crew maps \(Self.mappedClasses.joined(separator: ", ")); declare an equivalent tool in a crew.yaml")
    }

    /// A path the tool may use, inside the project folder.
    private func confined(_ path: String, use: CrewPyFile.ToolUse, owner: String) -> String? {
        var trimmed = path
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        if trimmed.isEmpty { return "." }
        guard !trimmed.hasPrefix("/"), !trimmed.hasPrefix("~"), let normal = FileSystem.normalize(trimmed) else {
            decoder.error(
                .e207, "`\(path)` given to \(use.name.value) of \(owner) leaves the project folder",
                at: use.name.location, hint: "crew's tools stay inside the project; use a path relative to it")
            return nil
        }
        return normal.isEmpty ? "." : normal
    }

    private func reference(_ variable: String, at: SourceLocation) -> Template {
        TemplateParser.parse("${env:\(variable)}", at: at, inputs: false).0
    }

    static func pattern(for url: String) -> String? {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return nil }
        var base = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        base = base.split(separator: "#", maxSplits: 1).first.map(String.init) ?? base
        return base
    }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "." : folder
    }

    static func snake(_ name: String) -> String {
        var out = ""
        for (index, character) in name.enumerated() {
            if character.isUppercase && index > 0 && !(out.last == "_") { out.append("_") }
            out += character.lowercased()
        }
        return out
    }

    private func uniqueName(_ wanted: String, crew: Crew) -> String {
        Names.unique(wanted, separator: "_") { name in crew.tools.contains { $0.name.value == name } }
    }

    private func uniqueKnowledgeName(_ wanted: String, crew: Crew) -> String {
        Names.unique(wanted, separator: "_") { name in crew.knowledge.contains { $0.name.value == name } }
    }
}

extension String {
    fileprivate var replacingStars: String {
        hasSuffix("/**") ? String(dropLast(3)) + "/…" : self
    }
}

/// Where a crewAI project's Python lives, for naming its tools to the bridge as importable `module:attribute`.
struct CrewAIBridgeContext {
    /// The interpreter to run them with; nil when bridging is off.
    var python: String?
    /// crew.py's module (`demo.crew` for `src/demo/crew.py`, `crew` for `./crew.py`).
    var crewModule = "crew"
    /// The package crew.py is in (`demo` for `src/demo`), for relative imports; nil at the project's top.
    var package: String?

    init(python: String? = nil, packageFolder: String = ".", crewFile: String? = nil) {
        self.python = python
        // The bridge puts the project folder and its `src/` on the import path, so `src/` is no part of a name.
        var parts = packageFolder == "." ? [] : packageFolder.split(separator: "/").map(String.init)
        if parts.first == "src" { parts.removeFirst() }
        package = parts.isEmpty ? nil : parts.joined(separator: ".")
        let stem = crewFile.map { String(($0.split(separator: "/").last ?? "crew").dropLast(3)) } ?? "crew"
        crewModule = ([package].compactMap { $0 } + [stem]).joined(separator: ".")
    }

    /// An import's module as an absolute name: `.tools.x` inside package `demo` is `demo.tools.x`.
    func absolute(_ module: String) -> String {
        let dots = module.prefix { $0 == "." }.count
        guard dots > 0 else { return module }
        var base = package?.split(separator: ".").map(String.init) ?? []
        base = Array(base.dropLast(max(0, dots - 1)))
        let rest = module.dropFirst(dots)
        return (base + (rest.isEmpty ? [] : [String(rest)])).joined(separator: ".")
    }
}
