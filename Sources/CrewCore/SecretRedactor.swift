/// Removes secrets from text before it reaches a model, a record, a log or an error message: the one way crew
/// scrubs. Each secret is searched for in every spelling of `SecretEncodings` (raw, JSON- and C-escaped,
/// percent-encoded, inside base64), and tokens shaped like well-known API keys go too (`KeyShapes`).
///
/// Scrub whole texts, then cut them for display: a secret cut in two is no longer found.
public struct SecretRedactor: Sendable {
    /// Secrets shorter than this many characters are not searched for: they would match ordinary text (and mask it)
    /// far more often than they would hide anything. Forms shorter than this many bytes are skipped alike.
    public static let minimumLength = 4

    public let mask: String
    private let maskBytes: [UInt8]
    /// Every form of every secret, longest first, so that a secret holding another one is replaced whole.
    private let needles: [[UInt8]]
    /// For each first byte, the indices of the needles that start with it, longest first.
    private let buckets: [[Int]]

    public init(secrets: some Sequence<String>, mask: String = "***") {
        var forms: Set<[UInt8]> = []
        for secret in secrets where secret.count >= Self.minimumLength {
            forms.formUnion(SecretEncodings.forms(of: secret).filter { $0.count >= Self.minimumLength })
        }
        needles = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        var buckets = [[Int]](repeating: [], count: 256)
        for (index, needle) in needles.enumerated() { buckets[Int(needle[0])].append(index) }
        self.buckets = buckets
        self.mask = mask
        maskBytes = Array(mask.utf8)
    }

    /// `text` with every secret and key-shaped token replaced by `mask`.
    public func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard let first = bytes.indices.first(where: { match(bytes, at: $0) != nil }) else { return text }
        var out = Array(bytes[..<first])
        out.reserveCapacity(bytes.count)
        var index = first
        while index < bytes.count {
            if let length = match(bytes, at: index) {
                out += maskBytes
                index += length
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func match(_ bytes: [UInt8], at index: Int) -> Int? {
        for needle in buckets[Int(bytes[index])] where KeyShapes.startsWith(bytes, needles[needle], at: index) {
            return needles[needle].count
        }
        return KeyShapes.length(in: bytes, at: index)
    }
}
