import GatewayCore

/// A validated configuration together with where each of its keys was written.
///
/// The daemon hands `configuration` to the pipeline stages and keeps `sourceMap` for the checks that
/// can only run later (format options the adapters understand, directories the store creates), so
/// those errors still name the file, line and key path.
public struct LoadedConfiguration: Sendable, Hashable {
    public var configuration: GatewayConfiguration
    public var sourceMap: ConfigSourceMap

    public init(configuration: GatewayConfiguration, sourceMap: ConfigSourceMap) {
        self.configuration = configuration
        self.sourceMap = sourceMap
    }
}
