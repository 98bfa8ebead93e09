import KilnModel
/// `digest: [algorithm, value]`: the hex digest of the value's bytes.
public struct Digest: TemplateFunction {
    let site: FunctionSite
    let arguments: Expression

    static let form = "a list [algorithm, value]"
    static let algorithms = HashAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")

    public static func parse(_ site: FunctionSite, _ parser: inout ExpressionParser) -> Digest? {
        if site.isCall(site.arguments, parser) {
            return Digest(site: site, arguments: parser.parse(site.arguments))
        }
        guard let items = site.list(&parser, counts: 2...2, form: form) else { return nil }
        for item in items where item.string == nil && !site.isCall(item, parser) {
            return site.reject(&parser, "the algorithm and the value must be strings", expected: "a string", at: item)
        }
        if let name = items[0].string, HashAlgorithm(rawValue: name.lowercased()) == nil {
            return site.reject(
                &parser, "unsupported algorithm", expected: "one of \(algorithms)", found: "'\(name)'", at: items[0])
        }
        return Digest(site: site, arguments: parser.parse(site.arguments))
    }

    public var children: [Expression] { [arguments] }

    public func evaluate(_ scope: EvaluationScope) throws -> Value? {
        guard case .list(let args) = try scope.value(of: arguments), args.count == 2,
              case .string(let name) = args[0], case .string(let text) = args[1]
        else { throw site.evaluationError("the arguments must be \(Digest.form) of strings") }
        guard let algorithm = HashAlgorithm(rawValue: name.lowercased()) else {
            throw site.evaluationError("the algorithm must be one of \(Digest.algorithms), found '\(name)'")
        }
        // Heat hashes the text encoded as Latin-1, so only code points up to U+00FF are allowed.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard scalar.value <= 0xFF else {
                throw site.evaluationError("the value cannot be encoded as Latin-1 (character U+\(String(scalar.value, radix: 16, uppercase: true)))")
            }
            bytes.append(UInt8(scalar.value))
        }
        return .string(algorithm.hexDigest(bytes))
    }
}
