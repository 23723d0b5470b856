/// The release of this build, reported by `--version`, the status API and the status page.
public enum GatewayVersion {
    public static let current = "0.4.0"
}
