import CrewCore

/// One token of Python source, as far as the crew.py reader needs them: comments are dropped and the layout
/// tokens (`newline`, `indent`, `dedent`) carry the block structure.
struct PythonToken: Sendable {
    enum Kind: Sendable, Equatable {
        case name
        case number
        /// `text` is the literal as written; `value` is its decoded text.
        case string
        case op
        case newline
        case indent
        case dedent
        case end
    }

    var kind: Kind
    var text: String
    /// The decoded text of a string literal.
    var value: String = ""
    /// An f-string: its value is computed at run time.
    var isFormatted = false
    var location: SourceLocation

    func isOp(_ symbol: String) -> Bool { kind == .op && text == symbol }
    func isName(_ word: String) -> Bool { kind == .name && text == word }
}

/// Why a file could not be tokenized; the reader turns it into one located warning.
struct PythonSyntaxError: Error, Sendable {
    var message: String
    var location: SourceLocation
}
