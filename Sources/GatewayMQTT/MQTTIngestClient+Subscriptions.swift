import CMosquitto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MQTTIngestClient {
    /// Replaces the subscription list (a configuration reload changed the routes): the loop
    /// unsubscribes what is gone and subscribes what is new between two batches, and every later
    /// CONNACK subscribes the new list. Thread-safe; returns immediately.
    ///
    /// Done on the loop thread, not here, because the connection is confined to it; and between
    /// batches, so that a batch is never split across two subscription lists. The caller swaps the
    /// decoder first: a message of a new filter then always finds its route, and one of a removed
    /// filter that was already on its way is quarantined (kept), never dropped.
    public func replaceSubscriptions(_ subscriptions: [MQTTSubscription]) {
        state.withLock { state in
            state.requestedSubscriptions = subscriptions
            state.wake?.wake()
        }
    }

    /// The list asked for since the last call, if any.
    func takeRequestedSubscriptions() -> [MQTTSubscription]? {
        state.withLock { state in
            defer { state.requestedSubscriptions = nil }
            return state.requestedSubscriptions
        }
    }
}

extension IngestConnection {
    /// Makes the live connection's subscriptions `wanted`: UNSUBSCRIBE for filters that are gone,
    /// SUBSCRIBE for new ones and for those whose QoS changed. Before the CONNACK it only records
    /// the list, which the CONNACK then subscribes.
    func applySubscriptions(_ wanted: [MQTTSubscription]) {
        let current = subscriptions
        subscriptions = wanted
        guard accepted else { return }
        let wantedFilters = Set(wanted.map(\.filter))
        let gone = current.map(\.filter).filter { !wantedFilters.contains($0) }
        let added = wanted.filter { !current.contains($0) }
        if !gone.isEmpty {
            var cStrings: [UnsafeMutablePointer<CChar>?] = gone.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            let rc = cStrings.withUnsafeMutableBufferPointer { buffer in
                mosquitto_unsubscribe_multiple(handle, nil, Int32(gone.count), buffer.baseAddress, nil)
            }
            if let error = MQTTError.check(rc, "mosquitto_unsubscribe_multiple") {
                logger.error("MQTT unsubscribe failed", metadata: metadata(["mqtt.filters": "\(gone)", "error": "\(error)"]))
            } else {
                logger.info("MQTT unsubscribed", metadata: metadata(["mqtt.filters": "\(gone)"]))
            }
        }
        if !added.isEmpty { subscribe(added) }
    }
}
