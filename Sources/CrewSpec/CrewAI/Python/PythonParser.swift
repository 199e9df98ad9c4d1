import CrewCore

/// Parses the tokens of a Python module into `PyStatement`s. It reads definitions, imports, assignments and the
/// expressions crew.py files are made of; a statement it cannot read is skipped whole (with its block) and listed
/// in `skipped`, so one exotic line never hides the rest of the file.
struct PythonParser {
    private var tokens: [PythonToken]
    private var position = 0
    private var nesting = 0
    /// Statements that could not be read, with why.
    private(set) var skipped: [PythonSyntaxError] = []

    /// Expression nesting beyond this is refused, so hostile input cannot exhaust the stack.
    static let maxNesting = 150

    init(tokens: [PythonToken]) {
        self.tokens = tokens
    }

    static func parse(_ text: String, file: String) throws(PythonSyntaxError) -> (
        [PyStatement], skipped: [PythonSyntaxError]
    ) {
        var parser = PythonParser(tokens: try PythonTokenizer.tokenize(text, file: file))
        let module = parser.statements(untilDedent: false)
        return (module, parser.skipped)
    }

    // MARK: Tokens

    private var current: PythonToken { tokens[position] }

    private func peek(_ offset: Int = 1) -> PythonToken {
        tokens[min(position + offset, tokens.count - 1)]
    }

    @discardableResult
    private mutating func take() -> PythonToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func accept(_ symbol: String) -> Bool {
        guard current.isOp(symbol) || current.isName(symbol) else { return false }
        take()
        return true
    }

    private mutating func expect(_ symbol: String) throws(PythonSyntaxError) {
        guard accept(symbol) else { throw unexpected("expected `\(symbol)`") }
    }

    private mutating func expectName() throws(PythonSyntaxError) -> String {
        guard current.kind == .name else { throw unexpected("expected a name") }
        return take().text
    }

    private func unexpected(_ message: String) -> PythonSyntaxError {
        let found: String
        switch current.kind {
        case .newline: found = "the end of the line"
        case .end: found = "the end of the file"
        case .indent, .dedent: found = "a change of indentation"
        default: found = "`\(current.text.prefix(40))`"
        }
        return PythonSyntaxError(message: "\(message), found \(found)", location: current.location)
    }

    // MARK: Statements

    private mutating func statements(untilDedent: Bool) -> [PyStatement] {
        var result: [PyStatement] = []
        while current.kind != .end {
            if current.kind == .dedent {
                if untilDedent {
                    take()
                    return result
                }
                take()
                continue
            }
            if current.kind == .newline || current.kind == .indent {
                take()
                continue
            }
            let start = position
            do {
                result.append(contentsOf: try statement())
            } catch {
                skipped.append(error)
                position = start
                result.append(.other(current.location))
                skipStatement()
            }
        }
        return result
    }

    /// Skips the logical line at `position` and, when it opens a block, the whole block.
    private mutating func skipStatement() {
        while current.kind != .newline && current.kind != .end { take() }
        take()
        guard current.kind == .indent else { return }
        var level = 0
        repeat {
            if current.kind == .indent { level += 1 }
            if current.kind == .dedent { level -= 1 }
            take()
        } while level > 0 && current.kind != .end
    }

    private mutating func statement() throws(PythonSyntaxError) -> [PyStatement] {
        if current.isOp("@") { return [try decorated()] }
        if current.kind == .name {
            switch current.text {
            case "def": return [.functionDef(try function(decorators: []))]
            case "class": return [.classDef(try classDefinition(decorators: []))]
            case "async" where peek().isName("def"):
                take()
                return [.functionDef(try function(decorators: []))]
            case "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "async":
                return [try compound()]
            case "match" where isSoftKeyword, "case" where isSoftKeyword:
                return [try compound()]
            default: break
            }
        }
        var result: [PyStatement] = []
        repeat {
            result.append(try simpleStatement())
        } while accept(";") && current.kind != .newline
        if current.kind != .newline && current.kind != .end { throw unexpected("expected the end of the statement") }
        take()
        return result
    }

    /// `match` and `case` start a block only when the line ends in `:`; otherwise they are plain names.
    private var isSoftKeyword: Bool { lineEndsWithColon() && !peek().isOp("=") && !peek().isOp(".") }

    private func lineEndsWithColon() -> Bool {
        var offset = 0
        while peek(offset).kind != .newline && peek(offset).kind != .end { offset += 1 }
        return offset > 0 && peek(offset - 1).isOp(":")
    }

    private mutating func decorated() throws(PythonSyntaxError) -> PyStatement {
        var decorators: [PyNode] = []
        while accept("@") {
            decorators.append(try expression())
            guard current.kind == .newline else { throw unexpected("expected the end of the decorator") }
            take()
        }
        if accept("async") { return .functionDef(try function(decorators: decorators)) }
        if current.isName("def") { return .functionDef(try function(decorators: decorators)) }
        if current.isName("class") { return .classDef(try classDefinition(decorators: decorators)) }
        throw unexpected("expected `def` or `class` after a decorator")
    }

    private mutating func function(decorators: [PyNode]) throws(PythonSyntaxError) -> PyFunction {
        let location = decorators.first?.location ?? current.location
        try expect("def")
        let name = try expectName()
        if current.isOp("[") { try skipBalanced() }
        try expect("(")
        let parameters = try parameterList()
        if accept("->") { _ = try expression() }
        try expect(":")
        return PyFunction(
            name: name, parameters: parameters, decorators: decorators, body: try suite(), location: location)
    }

    private mutating func parameterList() throws(PythonSyntaxError) -> [PyParameter] {
        var parameters: [PyParameter] = []
        while !accept(")") {
            let location = current.location
            var variadic = false
            if accept("**") || accept("*") { variadic = true }
            if accept("/") || (variadic && current.isOp(",")) {
                _ = accept(",")
                continue
            }
            let name = try expectName()
            let annotation = accept(":") ? try expression() : nil
            let value = accept("=") ? try expression() : nil
            parameters.append(
                PyParameter(
                    name: name, annotation: annotation, defaultValue: value, isVariadic: variadic, location: location))
            if !accept(",") {
                try expect(")")
                break
            }
        }
        return parameters
    }

    private mutating func classDefinition(decorators: [PyNode]) throws(PythonSyntaxError) -> PyClass {
        let location = decorators.first?.location ?? current.location
        try expect("class")
        let name = try expectName()
        if current.isOp("[") { try skipBalanced() }
        var call = PyCall(callee: PyNode(expr: .name(name), location: location))
        if accept("(") { try callArguments(into: &call) }
        try expect(":")
        return PyClass(
            name: name, bases: call.arguments, keywords: call.keywords, decorators: decorators, body: try suite(),
            location: location)
    }

    /// A block: an indented run of statements, or simple statements on the same line.
    private mutating func suite() throws(PythonSyntaxError) -> [PyStatement] {
        guard current.kind == .newline else { return try statement() }
        take()
        guard current.kind == .indent else { throw unexpected("expected an indented block") }
        take()
        return statements(untilDedent: true)
    }

    private mutating func compound() throws(PythonSyntaxError) -> PyStatement {
        let keyword = current.text
        let location = current.location
        var depth = 0
        while !(depth == 0 && current.isOp(":")) {
            guard current.kind != .newline && current.kind != .end else { throw unexpected("expected `:`") }
            if current.isOp("(") || current.isOp("[") || current.isOp("{") { depth += 1 }
            if current.isOp(")") || current.isOp("]") || current.isOp("}") { depth -= 1 }
            take()
        }
        take()
        return .compound(keyword: keyword, location: location, body: try suite())
    }

    private mutating func simpleStatement() throws(PythonSyntaxError) -> PyStatement {
        let location = current.location
        if current.kind == .name {
            switch current.text {
            case "from": return .importFrom(try importFrom())
            case "import": return try importModules()
            case "return":
                take()
                let value = endsStatement ? nil : try expressionList()
                return .returns(value, location)
            case "pass", "break", "continue", "raise", "global", "nonlocal", "del", "assert", "yield", "type":
                if current.text != "type" || peek().kind == .name {
                    skipToStatementEnd()
                    return .other(location)
                }
            default: break
            }
        }
        let first = try expressionList()
        if accept(":") {
            let annotation = try expression()
            let value = accept("=") ? try expressionList() : nil
            return .annotated(target: first, annotation: annotation, value: value)
        }
        if current.isOp("=") {
            var targets = [first]
            var value = first
            while accept("=") {
                value = try expressionList()
                targets.append(value)
            }
            targets.removeLast()
            return .assign(targets: targets, value: value)
        }
        if current.kind == .op && current.text.hasSuffix("=") && current.text.count >= 2 && current.text != "==" {
            skipToStatementEnd()
            return .other(location)
        }
        return .expression(first)
    }

    private var endsStatement: Bool { current.kind == .newline || current.kind == .end || current.isOp(";") }

    private mutating func skipToStatementEnd() {
        while !endsStatement { take() }
    }

    private mutating func importFrom() throws(PythonSyntaxError) -> PyImportFrom {
        let location = current.location
        try expect("from")
        var level = 0
        while current.isOp(".") || current.isOp("...") {
            level += take().text.count
        }
        var module = ""
        if !current.isName("import") { module = try dottedName() }
        try expect("import")
        var names: [(name: String, alias: String?)] = []
        if accept("*") { return PyImportFrom(level: level, module: module, names: [("*", nil)], location: location) }
        let parenthesized = accept("(")
        repeat {
            if parenthesized && current.isOp(")") { break }
            let name = try expectName()
            names.append((name, accept("as") ? try expectName() : nil))
        } while accept(",")
        if parenthesized { try expect(")") }
        return PyImportFrom(level: level, module: module, names: names, location: location)
    }

    private mutating func importModules() throws(PythonSyntaxError) -> PyStatement {
        let location = current.location
        try expect("import")
        var modules: [(module: String, alias: String?)] = []
        repeat {
            let module = try dottedName()
            modules.append((module, accept("as") ? try expectName() : nil))
        } while accept(",")
        return .importModule(modules, location)
    }

    private mutating func dottedName() throws(PythonSyntaxError) -> String {
        var name = try expectName()
        while accept(".") { name += "." + (try expectName()) }
        return name
    }

    private mutating func skipBalanced() throws(PythonSyntaxError) {
        var depth = 0
        repeat {
            guard current.kind != .end else { throw unexpected("expected a closing bracket") }
            if current.isOp("(") || current.isOp("[") || current.isOp("{") { depth += 1 }
            if current.isOp(")") || current.isOp("]") || current.isOp("}") { depth -= 1 }
            take()
        } while depth > 0
    }

    // MARK: Expressions

    /// Expressions separated by commas: a tuple when there is more than one.
    private mutating func expressionList() throws(PythonSyntaxError) -> PyNode {
        let first = try starredExpression()
        guard current.isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if endsStatement || current.isOp("=") || current.isOp(")") { break }
            items.append(try starredExpression())
        }
        return PyNode(expr: .tuple(items), location: first.location)
    }

    private mutating func starredExpression() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        if accept("*") {
            _ = try expression()
            return PyNode(expr: .unsupported("a starred expression"), location: location)
        }
        return try expression()
    }

    private mutating func expression() throws(PythonSyntaxError) -> PyNode {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= Self.maxNesting else {
            throw PythonSyntaxError(
                message: "expression nested more than \(Self.maxNesting) deep", location: current.location)
        }
        let location = current.location
        if accept("lambda") {
            while !current.isOp(":") {
                guard current.kind != .newline && current.kind != .end else { throw unexpected("expected `:`") }
                take()
            }
            take()
            _ = try expression()
            return PyNode(expr: .unsupported("a lambda"), location: location)
        }
        let value = try binary(level: 0)
        if accept(":=") {
            _ = try expression()
            return PyNode(expr: .unsupported("an assignment expression"), location: location)
        }
        if current.isName("if") {
            take()
            _ = try binary(level: 0)
            try expect("else")
            _ = try expression()
            return PyNode(expr: .unsupported("a conditional expression"), location: location)
        }
        return value
    }

    private static let levels: [[String]] = [
        ["or"], ["and"], ["not"], ["<", ">", "==", ">=", "<=", "!=", "in", "not in", "is", "is not"], ["|"], ["^"],
        ["&"], ["<<", ">>"], ["+", "-"], ["*", "/", "//", "%", "@"],
    ]

    private mutating func binary(level: Int) throws(PythonSyntaxError) -> PyNode {
        guard level < Self.levels.count else { return try unary() }
        if Self.levels[level] == ["not"] {
            let location = current.location
            if accept("not") {
                nesting += 1
                defer { nesting -= 1 }
                guard nesting <= Self.maxNesting else { throw unexpected("expression nested too deep") }
                return PyNode(expr: .unary("not", try binary(level: level)), location: location)
            }
            return try binary(level: level + 1)
        }
        var left = try binary(level: level + 1)
        while let symbol = binaryOperator(at: level) {
            let right = try binary(level: level + 1)
            left = PyNode(expr: .binary(symbol, left, right), location: left.location)
        }
        return left
    }

    private mutating func binaryOperator(at level: Int) -> String? {
        let symbols = Self.levels[level]
        if current.isName("not") && peek().isName("in") && symbols.contains("not in") {
            take()
            take()
            return "not in"
        }
        if current.isName("is") && symbols.contains("is") {
            take()
            return accept("not") ? "is not" : "is"
        }
        guard current.kind == .op || current.kind == .name, symbols.contains(current.text) else { return nil }
        return take().text
    }

    private mutating func unary() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        for symbol in ["-", "+", "~"] where current.isOp(symbol) {
            take()
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= Self.maxNesting else { throw unexpected("expression nested too deep") }
            return PyNode(expr: .unary(symbol, try unary()), location: location)
        }
        _ = accept("await")
        let base = try primary()
        if accept("**") {
            return PyNode(expr: .binary("**", base, try unary()), location: location)
        }
        return base
    }

    private mutating func primary() throws(PythonSyntaxError) -> PyNode {
        var node = try atom()
        while true {
            if accept(".") {
                node = PyNode(expr: .attribute(node, try expectName()), location: node.location)
            } else if accept("(") {
                var call = PyCall(callee: node)
                try callArguments(into: &call)
                node = PyNode(expr: .call(call), location: node.location)
            } else if accept("[") {
                var items: [PyNode] = []
                while !accept("]") {
                    items.append(try subscriptItem())
                    if !accept(",") {
                        try expect("]")
                        break
                    }
                }
                node = PyNode(expr: .index(node, items), location: node.location)
            } else {
                return node
            }
        }
    }

    private mutating func subscriptItem() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        if current.isOp(":") || peekIsSlice() {
            while !current.isOp(",") && !current.isOp("]") {
                guard current.kind != .end else { throw unexpected("expected `]`") }
                if current.isOp("(") || current.isOp("[") || current.isOp("{") { try skipBalanced() } else { take() }
            }
            return PyNode(expr: .unsupported("a slice"), location: location)
        }
        return try starredExpression()
    }

    private func peekIsSlice() -> Bool {
        var offset = 0
        var depth = 0
        while true {
            let token = peek(offset)
            if token.kind == .end || token.kind == .newline { return false }
            if token.isOp("(") || token.isOp("[") || token.isOp("{") { depth += 1 }
            if token.isOp(")") || token.isOp("}") { depth -= 1 }
            if token.isOp("]") {
                if depth == 0 { return false }
                depth -= 1
            }
            if depth == 0 && token.isOp(",") { return false }
            if depth == 0 && token.isOp(":") { return true }
            offset += 1
        }
    }

    private mutating func callArguments(into call: inout PyCall) throws(PythonSyntaxError) {
        while !accept(")") {
            let location = current.location
            if accept("**") || accept("*") {
                _ = try expression()
                call.hasSpread = true
            } else if current.kind == .name && peek().isOp("=") {
                let name = take().text
                take()
                call.keywords.append(PyKeyword(name: name, value: try expression(), location: location))
            } else {
                var value = try expression()
                if current.isName("for") || current.isName("async") {
                    try comprehensionTail(closing: ")")
                    value = PyNode(expr: .unsupported("a generator expression"), location: location)
                    call.arguments.append(value)
                    return
                }
                call.arguments.append(value)
            }
            if !accept(",") {
                try expect(")")
                return
            }
        }
    }

    /// Skips a comprehension's `for … in … if …` clauses up to and including the closing bracket.
    private mutating func comprehensionTail(closing: String) throws(PythonSyntaxError) {
        var depth = 0
        while true {
            guard current.kind != .end else { throw unexpected("expected `\(closing)`") }
            if current.isOp("(") || current.isOp("[") || current.isOp("{") { depth += 1 }
            if current.isOp(")") || current.isOp("]") || current.isOp("}") {
                if depth == 0 {
                    try expect(closing)
                    return
                }
                depth -= 1
            }
            take()
        }
    }

    private mutating func atom() throws(PythonSyntaxError) -> PyNode {
        let token = current
        let location = token.location
        switch token.kind {
        case .name:
            take()
            if ["True", "False", "None"].contains(token.text) {
                return PyNode(expr: .constant(token.text), location: location)
            }
            return PyNode(expr: .name(token.text), location: location)
        case .number:
            take()
            return PyNode(expr: .number(token.text), location: location)
        case .string:
            var text = ""
            var formatted = false
            while current.kind == .string {
                text += current.value
                formatted = formatted || current.isFormatted
                take()
            }
            return PyNode(expr: .string(text, formatted: formatted), location: location)
        case .op:
            switch token.text {
            case "(": return try parenthesized()
            case "[": return try bracketed()
            case "{": return try braced()
            case "...":
                take()
                return PyNode(expr: .constant("..."), location: location)
            default: break
            }
        default: break
        }
        throw unexpected("expected an expression")
    }

    private mutating func parenthesized() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        try expect("(")
        if accept(")") { return PyNode(expr: .tuple([]), location: location) }
        if current.isName("yield") {
            try comprehensionTail(closing: ")")
            return PyNode(expr: .unsupported("a yield expression"), location: location)
        }
        let first = try starredExpression()
        if current.isName("for") || current.isName("async") {
            try comprehensionTail(closing: ")")
            return PyNode(expr: .unsupported("a generator expression"), location: location)
        }
        guard accept(",") else {
            try expect(")")
            return first
        }
        var items = [first]
        while !accept(")") {
            items.append(try starredExpression())
            if !accept(",") {
                try expect(")")
                break
            }
        }
        return PyNode(expr: .tuple(items), location: location)
    }

    private mutating func bracketed() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        try expect("[")
        var items: [PyNode] = []
        while !accept("]") {
            items.append(try starredExpression())
            if items.count == 1 && (current.isName("for") || current.isName("async")) {
                try comprehensionTail(closing: "]")
                return PyNode(expr: .unsupported("a list comprehension"), location: location)
            }
            if !accept(",") {
                try expect("]")
                break
            }
        }
        return PyNode(expr: .list(items), location: location)
    }

    private mutating func braced() throws(PythonSyntaxError) -> PyNode {
        let location = current.location
        try expect("{")
        var pairs: [(key: PyNode, value: PyNode)] = []
        var isSet = false
        while !accept("}") {
            if accept("**") {
                _ = try expression()
                let spread = PyNode(expr: .unsupported("a dict spread"), location: location)
                pairs.append((spread, PyNode(expr: .constant("None"), location: location)))
            } else {
                let key = try starredExpression()
                if accept(":") {
                    pairs.append((key, try expression()))
                } else {
                    isSet = true
                }
            }
            if current.isName("for") || current.isName("async") {
                try comprehensionTail(closing: "}")
                return PyNode(expr: .unsupported("a comprehension"), location: location)
            }
            if !accept(",") {
                try expect("}")
                break
            }
        }
        if isSet { return PyNode(expr: .unsupported("a set"), location: location) }
        return PyNode(expr: .dict(pairs), location: location)
    }
}
