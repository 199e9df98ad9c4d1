/// How often a model request is retried when its model sets no `max_retries`: read by the HTTP client's retry policy
/// and by what compiles a plan for another engine (the Argo target's step retries), so both agree.
public enum RetryDefaults {
    public static let maxRetries = 4
}
