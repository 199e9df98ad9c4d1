/// A directed graph over nodes `0..<count`, numbered in declaration order. An edge `u -> v` means
/// "v depends on u" (u must finish before v starts).
public struct Graph: Sendable {
    public let count: Int
    public private(set) var successors: [[Int]]
    public private(set) var predecessors: [[Int]]

    public init(count: Int) {
        self.count = count
        successors = Array(repeating: [], count: count)
        predecessors = Array(repeating: [], count: count)
    }

    public mutating func addEdge(from u: Int, to v: Int) {
        successors[u].append(v)
        predecessors[v].append(u)
    }

    /// A topological order in which ties are broken by the lowest node number (declaration order),
    /// or nil when the graph has a cycle.
    public func topologicalOrder() -> [Int]? {
        var indegree = predecessors.map(\.count)
        var ready = MinHeap<Int>()
        for node in 0..<count where indegree[node] == 0 { ready.insert(node) }
        var order: [Int] = []
        order.reserveCapacity(count)
        while let node = ready.popMin() {
            order.append(node)
            for next in successors[node] {
                indegree[next] -= 1
                if indegree[next] == 0 { ready.insert(next) }
            }
        }
        return order.count == count ? order : nil
    }

    /// One cycle per strongly connected component that has one, each as a path of nodes that starts and ends at
    /// the component's lowest-numbered node (`[a, b, c, a]`). Components are reported in order of that node.
    public func cycles() -> [[Int]] {
        var result: [[Int]] = []
        for component in stronglyConnectedComponents() {
            let members = Set(component)
            let start = component.min()!
            if component.count == 1 && !successors[start].contains(start) { continue }
            result.append(cyclePath(from: start, within: members))
        }
        return result.sorted { $0[0] < $1[0] }
    }

    /// Breadth-first search for the shortest way back to `start` inside its component.
    private func cyclePath(from start: Int, within members: Set<Int>) -> [Int] {
        var parent: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for next in successors[node].sorted() where members.contains(next) {
                if next == start {
                    var path = [node]
                    while let p = parent[path.last!] { path.append(p) }
                    return [start] + path.reversed().dropFirst() + [start]
                }
                if parent[next] == nil && next != start {
                    parent[next] = node
                    queue.append(next)
                }
            }
        }
        return [start, start]
    }

    /// Tarjan's algorithm, iterative so that a 10,000-task chain cannot overflow the stack.
    public func stronglyConnectedComponents() -> [[Int]] {
        var index = Array(repeating: -1, count: count)
        var low = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        for root in 0..<count where index[root] == -1 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while var frame = work.popLast() {
                let node = frame.node
                if frame.edge < successors[node].count {
                    let next = successors[node][frame.edge]
                    frame.edge += 1
                    work.append(frame)
                    if index[next] == -1 {
                        index[next] = counter
                        low[next] = counter
                        counter += 1
                        stack.append(next)
                        onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        low[node] = min(low[node], index[next])
                    }
                    continue
                }
                if let parent = work.last {
                    low[parent.node] = min(low[parent.node], low[node])
                }
                if low[node] == index[node] {
                    var component: [Int] = []
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component.append(member)
                        if member == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }
}

/// A binary min-heap; the planner's ready queue.
public struct MinHeap<Element: Comparable & Sendable>: Sendable {
    private var items: [Element] = []

    public init() {}

    public var isEmpty: Bool { items.isEmpty }

    public mutating func insert(_ element: Element) {
        items.append(element)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    public mutating func popMin() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let min = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left] < items[smallest] { smallest = left }
            if right < items.count && items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return min
    }
}
