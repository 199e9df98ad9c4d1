extension StringProtocol {
    /// Without leading and trailing white space (Unicode White_Space: spaces, tabs, line breaks). Foundation's
    /// `trimmingCharacters(in:)` goes through NSString, and its first call looks protocols up at run time: a scan of
    /// every conformance in the binary, paid by every run at start.
    ///
    /// Inlinable, so that it is specialised for `String` and `Substring` where it is called: generic, it walked
    /// characters through witness tables and looked `Index: Comparable` up at run time.
    @inlinable
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
