extension Ticket {
    /// The ticket without its history: what a listing row carries (the history is kept, once, in
    /// the store's ticket history).
    public var summary: Ticket {
        var copy = self
        copy.history = []
        return copy
    }
}
