import GatewayAlerting
import GatewayIngest

/// The rules stage is fed by the ingest loop (see `CommittedReadingsStage`).
extension RulesStage: CommittedReadingsStage {
    public var consumesReadings: Bool { evaluatesReadings }
}
