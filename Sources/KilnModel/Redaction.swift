extension Value {
    /// The value with every occurrence of each secret inside its strings replaced by
    /// `******`: hidden parameter values never reach what people and clients see.
    public func redacting(_ secrets: [String]) -> Value {
        guard !secrets.isEmpty else { return self }
        switch self {
        case .string(let text): return .string(Value.redact(text, secrets))
        case .list(let items): return .list(items.map { $0.redacting(secrets) })
        case .map(let map): return .map(map.mapValues { $0.redacting(secrets) })
        default: return self
        }
    }

    public static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty && out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: "******")
        }
        return out
    }
}
