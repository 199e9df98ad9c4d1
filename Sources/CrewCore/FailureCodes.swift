/// Every run-time failure code: what goes wrong after a crew compiled (reading an artifact or a record, setting a
/// run up, resuming one). Codes are stable, like the diagnostic codes; `specs/diagnostics.md` ("Run-time failures")
/// documents each one, and a test checks the two agree.
public enum FailureCode: String, CaseIterable, Sendable {
    case r501 = "R501"
    case r502 = "R502"
    case r503 = "R503"
    case r504 = "R504"
    case r505 = "R505"
    case r506 = "R506"
    case r507 = "R507"
    case r508 = "R508"
    case r509 = "R509"
    case r510 = "R510"
    case r511 = "R511"
    case r512 = "R512"
    case r513 = "R513"
    case r514 = "R514"
    case r515 = "R515"
    case r516 = "R516"
    case r517 = "R517"
    case r518 = "R518"
    case r519 = "R519"
    case r520 = "R520"
    case r521 = "R521"
    case r522 = "R522"
    case r523 = "R523"

    public var summary: String {
        switch self {
        case .r501: return "the plan cannot be read"
        case .r502: return "the artifact is damaged or not an artifact"
        case .r503: return "a run's record cannot be read"
        case .r504: return "no such run"
        case .r505: return "the run id matches several runs"
        case .r506: return "another process runs this run"
        case .r507: return "the run already succeeded"
        case .r508: return "a path is refused"
        case .r509: return "the run id is taken"
        case .r510: return "an input is missing or ill-typed"
        case .r511: return "a model or embedder has no key"
        case .r512: return "a secret file cannot be read"
        case .r513: return "a tool cannot be set up"
        case .r514: return "two tools of one agent share a name"
        case .r515: return "the knowledge indexes cannot be used"
        case .r516: return "a knowledge base cannot be built"
        case .r517: return "reviewed tasks and no reviewer"
        case .r518: return "a token cannot be made"
        case .r519: return "the server's database cannot be used"
        case .r520: return "the crew has errors"
        case .r521: return "traces cannot be exported"
        case .r522: return "a cassette cannot be read or written"
        case .r523: return "the crew changed since the run started"
        }
    }
}

/// A failure with a stable code. Every error crew's library throws after compiling is one; `FailureText.render`
/// shows any of them the same way: `error[R511]: model `m` needs an API key: set KEY in the environment`.
public protocol CodedFailure: Error, Sendable, CustomStringConvertible {
    var code: FailureCode { get }
}

/// A coded failure made where it happens, with what to do about it.
public struct CrewFailure: CodedFailure, Equatable {
    public var code: FailureCode
    public var message: String
    public var hint: String?

    public init(_ code: FailureCode, _ message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    public var description: String { message + (hint.map { "; \($0)" } ?? "") }
}

extension PathFailure: CodedFailure {
    public var code: FailureCode { .r508 }
}

/// The one way a run-time error is shown: `error[R511]: ...` for a coded failure, `error: ...` for anything else
/// (which a test keeps from reaching the user where a code belongs). Several problems are one line each.
public enum ErrorReport {
    public static func text(_ error: any Error) -> String {
        let label = (error as? any CodedFailure).map { "error[\($0.code.rawValue)]" } ?? "error"
        return "\(error)".split(separator: "\n", omittingEmptySubsequences: true).map { "\(label): \($0)\n" }.joined()
    }
}
