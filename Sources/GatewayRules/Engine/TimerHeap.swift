import GatewayCore

/// A binary min-heap of event-time timers: "look at target `target` at time `due`". Ties break on
/// the target, so timers due at the same instant run in a deterministic order.
///
/// Entries are hints, not promises: the owner keeps the due time of its one live entry and ignores
/// an entry whose time no longer matches (lazy deletion). Not persisted: the engine rebuilds it from
/// the trackers' and sites' due times after a restore.
struct TimerHeap: Sendable {
    struct Entry: Sendable, Comparable {
        var due: EpochMillis
        /// ≥ 0: a tracker index; < 0: a site, `-(index + 1)`.
        var target: Int

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due != rhs.due ? lhs.due < rhs.due : lhs.target < rhs.target
        }
    }

    private var items: [Entry] = []

    var first: Entry? { items.first }

    mutating func push(_ entry: Entry) {
        items.append(entry)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { break }
            items.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
