/// A position in one term's posting list (pointers into the mapping, length already checked against the section).
struct PostingCursor {
    /// Past the last posting: larger than any document id, so "smallest current document" needs no special case.
    static let end = UInt32.max

    let docs: UnsafePointer<UInt32>
    let impacts: UnsafePointer<Float>
    let count: Int
    /// How many times the term occurs in the query; its impacts count that many times.
    let weight: Float
    /// `weight ×` the term's largest impact: no document can get more than this from the term.
    let upperBound: Float
    var position = 0

    init(docs: UnsafePointer<UInt32>, impacts: UnsafePointer<Float>, count: Int, weight: Float, upperBound: Float) {
        self.docs = docs
        self.impacts = impacts
        self.count = count
        self.weight = weight
        self.upperBound = upperBound
    }

    var document: UInt32 { position < count ? docs[position] : Self.end }
    var score: Float { weight * impacts[position] }

    mutating func next() { position += 1 }

    /// Moves to the first posting whose document is at least `target`: galloping then binary search, so skipping
    /// far ahead in a long list costs a logarithm, not a scan.
    mutating func advance(to target: UInt32) {
        guard position < count, docs[position] < target else { return }
        var low = position
        var step = 1
        var high = position + 1
        while high < count, docs[high] < target {
            low = high
            step <<= 1
            high = low + step
        }
        high = min(high, count)
        low += 1
        while low < high {
            let middle = (low + high) / 2
            if docs[middle] < target { low = middle + 1 } else { high = middle }
        }
        position = low
    }
}
