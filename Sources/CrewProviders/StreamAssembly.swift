/// Bytes an answer has taken, against a limit (`ProviderLimits.maxAnswerBytes` unless a client sets its own).
struct ByteBudget {
    let limit: Int
    private(set) var used = 0

    init(limit: Int) {
        self.limit = limit
    }

    mutating func spend(_ count: Int) throws(ProviderError) {
        used += count
        guard used <= limit else { throw .tooLarge(.answer, limit: limit) }
    }
}

/// A streamed answer as its events arrive: text, usage, finish reason and tool calls, with the text and arguments
/// held to a byte budget. Everything is appended in place, so assembling is linear in the answer's size.
struct StreamAssembly {
    private var text = ""
    private var usage: TokenUsage?
    private var finish: String?
    private var calls: ToolCallAssembler
    private var kept: ByteBudget

    init(answerTool: String?, limit: Int) {
        calls = ToolCallAssembler(answerTool: answerTool)
        kept = ByteBudget(limit: limit)
    }

    /// The bytes of text and arguments held so far.
    var keptBytes: Int { kept.used }

    /// Takes in one event; returns the answer text it added, for the observer.
    mutating func apply(_ event: StreamEvent) throws(ProviderError) -> String? {
        switch event {
        case .delta(let piece):
            return try appendText(piece)
        case .usage(let reported):
            // Counts are running totals that may arrive split (Anthropic: input first, output last).
            usage =
                usage.map {
                    TokenUsage(input: max($0.input, reported.input), output: max($0.output, reported.output))
                } ?? reported
        case .finish(let reason):
            finish = reason ?? finish
        case .toolCallDelta(let index, let id, let name, let arguments):
            try kept.spend((id?.utf8.count ?? 0) + (name?.utf8.count ?? 0))
            if let piece = calls.add(index: index, id: id, name: name, arguments: arguments) {
                return try appendText(piece)
            }
            try kept.spend(arguments.utf8.count)
        case .toolCall(let call):
            try kept.spend(call.id.utf8.count + call.name.utf8.count + call.arguments.utf8.count)
            calls.add(call)
        }
        return nil
    }

    private mutating func appendText(_ piece: String) throws(ProviderError) -> String {
        try kept.spend(piece.utf8.count)
        text += piece
        return piece
    }

    func response() -> ChatResponse {
        ChatResponse(text: text, usage: usage, finishReason: finish, toolCalls: calls.finish())
    }
}

/// Puts streamed tool calls together: pieces by index, in index order, then whole calls in arrival order; calls
/// without an id get `call_1`, `call_2`, ... by position.
///
/// A call of `answerTool` is no tool call but the answer itself (Anthropic's structured output): a stateless stream
/// parser cannot tell its argument pieces from a real call's, as they carry only the block index, so the assembler,
/// which sees the name arrive first, hands them back as answer text.
struct ToolCallAssembler {
    let answerTool: String?
    private var pieces: [Int: ToolCall] = [:]
    private var answerIndices: Set<Int> = []
    private var whole: [ToolCall] = []

    init(answerTool: String? = nil) {
        self.answerTool = answerTool
    }

    /// Adds a piece of call `index`; returns its argument text when the call is the answer (`answerTool`).
    @discardableResult
    mutating func add(index: Int, id: String?, name: String?, arguments: String) -> String? {
        if let answerTool, name == answerTool, pieces[index] == nil { answerIndices.insert(index) }
        if answerIndices.contains(index) { return arguments.isEmpty ? nil : arguments }
        // Mutated through the subscript, never copied out and stored back: a copy would share the arguments'
        // storage, so each piece would copy everything before it (quadratic: 3 MB in small pieces took 41 s).
        pieces[index, default: ToolCall(id: "", name: "", arguments: "")].arguments += arguments
        if let id, !id.isEmpty { pieces[index]?.id = id }
        if let name, !name.isEmpty { pieces[index]?.name = name }
        return nil
    }

    mutating func add(_ call: ToolCall) {
        whole.append(call)
    }

    func finish() -> [ToolCall] {
        let ordered = pieces.keys.sorted().compactMap { pieces[$0] } + whole
        return ordered.enumerated().map { position, call in
            var call = call
            if call.id.isEmpty { call.id = "call_\(position + 1)" }
            return call
        }
    }
}
