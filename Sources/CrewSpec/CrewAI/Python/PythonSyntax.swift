import CrewCore

/// The part of Python's syntax a crew.py uses, as a tree. What the reader does not model (lambdas,
/// comprehensions, conditional expressions, …) is kept as `unsupported` with its text, so it can be named in a
/// warning rather than guessed at.
indirect enum PyExpr: Sendable {
    case name(String)
    case attribute(PyNode, String)
    case call(PyCall)
    case index(PyNode, [PyNode])
    /// A literal, or adjacent literals joined. `formatted` when any part is an f-string.
    case string(String, formatted: Bool)
    case number(String)
    /// `True`, `False`, `None` and `...`.
    case constant(String)
    case list([PyNode])
    case tuple([PyNode])
    case dict([(key: PyNode, value: PyNode)])
    case unary(String, PyNode)
    case binary(String, PyNode, PyNode)
    case unsupported(String)
}

/// An expression with where it starts.
struct PyNode: Sendable {
    var expr: PyExpr
    var location: SourceLocation

    /// `a.b.c` as a dotted name, when the node is only names and attributes.
    var dottedName: String? {
        switch expr {
        case .name(let name): return name
        case .attribute(let base, let member): return base.dottedName.map { "\($0).\(member)" }
        default: return nil
        }
    }

    var stringValue: String? {
        if case .string(let text, false) = expr { return text }
        return nil
    }
}

struct PyCall: Sendable {
    var callee: PyNode
    var arguments: [PyNode] = []
    var keywords: [PyKeyword] = []
    /// `*args` or `**kwargs` in the call: its arguments are not all known.
    var hasSpread = false

    func keyword(_ name: String) -> PyKeyword? { keywords.first { $0.name == name } }
}

struct PyKeyword: Sendable {
    var name: String
    var value: PyNode
    var location: SourceLocation
}

/// A statement, with the compound statements' bodies kept so definitions inside them can still be reported.
indirect enum PyStatement: Sendable {
    case importFrom(PyImportFrom)
    case importModule([(module: String, alias: String?)], SourceLocation)
    case classDef(PyClass)
    case functionDef(PyFunction)
    case assign(targets: [PyNode], value: PyNode)
    case annotated(target: PyNode, annotation: PyNode, value: PyNode?)
    case returns(PyNode?, SourceLocation)
    case expression(PyNode)
    /// `if`, `for`, `while`, `with`, `try` and the like: the keyword and every body under it.
    case compound(keyword: String, location: SourceLocation, body: [PyStatement])
    case other(SourceLocation)
}

struct PyImportFrom: Sendable {
    /// Leading dots of a relative import.
    var level: Int
    var module: String
    var names: [(name: String, alias: String?)]
    var location: SourceLocation
}

struct PyClass: Sendable {
    var name: String
    var bases: [PyNode]
    var keywords: [PyKeyword]
    var decorators: [PyNode]
    var body: [PyStatement]
    var location: SourceLocation
}

struct PyFunction: Sendable {
    var name: String
    var parameters: [PyParameter]
    var decorators: [PyNode]
    var body: [PyStatement]
    var location: SourceLocation

    var docstring: String? {
        guard case .expression(let node)? = body.first else { return nil }
        return node.stringValue
    }
}

struct PyParameter: Sendable {
    var name: String
    var annotation: PyNode?
    var defaultValue: PyNode?
    /// `*args` or `**kwargs`.
    var isVariadic: Bool
    var location: SourceLocation
}

extension PyClass {
    var docstring: String? {
        guard case .expression(let node)? = body.first else { return nil }
        return node.stringValue
    }
}
