/// The attribute and operation names crew's spans carry: the OpenTelemetry GenAI semantic conventions (crew's own
/// constants, since the conventions package marks the `gen_ai.*` names deprecated while they move), and crew's own
/// under `crew.*`. specs/telemetry.md lists them.
public enum GenAI {
    public enum Operation: String, Sendable {
        case invokeWorkflow = "invoke_workflow"
        case invokeAgent = "invoke_agent"
        case chat
        case executeTool = "execute_tool"
        case retrieval
    }

    public static let operationName = "gen_ai.operation.name"
    public static let providerName = "gen_ai.provider.name"
    public static let requestModel = "gen_ai.request.model"
    public static let requestTemperature = "gen_ai.request.temperature"
    public static let requestMaxTokens = "gen_ai.request.max_tokens"
    public static let responseFinishReasons = "gen_ai.response.finish_reasons"
    public static let inputTokens = "gen_ai.usage.input_tokens"
    public static let outputTokens = "gen_ai.usage.output_tokens"
    public static let agentName = "gen_ai.agent.name"
    public static let workflowName = "gen_ai.workflow.name"
    public static let toolName = "gen_ai.tool.name"
    public static let toolType = "gen_ai.tool.type"
    public static let toolCallID = "gen_ai.tool.call.id"
    public static let toolCallArguments = "gen_ai.tool.call.arguments"
    public static let toolCallResult = "gen_ai.tool.call.result"
    public static let dataSourceID = "gen_ai.data_source.id"
    public static let retrievalQuery = "gen_ai.retrieval.query.text"
    public static let inputMessages = "gen_ai.input.messages"
    public static let outputMessages = "gen_ai.output.messages"
    public static let errorType = "error.type"
}

/// crew's own attributes.
public enum CrewAttribute {
    public static let crew = "crew.name"
    public static let runID = "crew.run.id"
    public static let attempt = "crew.run.attempt"
    public static let status = "crew.run.status"
    public static let task = "crew.task.name"
    public static let reused = "crew.task.reused"
    public static let skipped = "crew.task.skipped"
    public static let cacheHit = "crew.task.cache_hit"
    public static let cacheKey = "crew.task.cache_key"
    public static let requests = "crew.task.requests"
    public static let costUSD = "crew.cost_usd"
    public static let toolCalls = "crew.response.tool_calls"
    public static let knowledgeHits = "crew.knowledge.hits"
    public static let delegationDepth = "crew.delegation.depth"
    public static let resultChars = "crew.tool.result_chars"
}
