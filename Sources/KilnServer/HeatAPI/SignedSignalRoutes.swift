import Foundation
import Hummingbird
import KilnEngine
import KilnModel

/// `POST /v1/signal/{stack_id}/{resource}?Expires=...&SignatureMethod=HmacSHA256&Signature=...`:
/// a scaling policy's pre-signed `alarm_url` (Kiln's counterpart of heat-api-cfn's
/// `/v1/signal/...`). No token: the signature is the credential. A bad, expired or revoked
/// signature, or one made for another resource or stack, is answered 403 and changes nothing;
/// a good one delivers the body as the resource's signal (200, empty).
struct SignedSignalRoutes: Sendable {
    let engine: Engine

    func register(on router: Router<KilnRequestContext>) {
        router.post("v1/signal/:stack/:resource") { request, context in
            await respond(request, context)
        }
    }

    func respond(_ request: Request, _ context: KilnRequestContext) async -> Response {
        let segments = request.uri.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        let query = request.uri.queryParameters
        guard segments.count == 4, let expires = query["Expires"].flatMap({ Int(String($0)) }),
              let signature = query["Signature"].map(String.init),
              query["SignatureMethod"].map(String.init) ?? "HmacSHA256" == "HmacSHA256" else {
            return Self.forbidden
        }
        do {
            let body = try await request.jsonBody()
            let engine = self.engine
            let delivered = try await SignalDelivery.run {
                try await engine.signalWithSignature(
                    stackID: segments[2], resource: segments[3], expires: expires, signature: signature, data: body)
            }
            return delivered ? .empty(.ok) : Self.forbidden
        } catch {
            return HeatError(error).response
        }
    }

    static var forbidden: Response {
        HeatError(status: .forbidden, type: "SignatureError", message: "The request signature is not valid.").response
    }
}

/// A signal's work (a scaling policy's resize may take as long as its servers take to build)
/// runs on a task of its own: an alarm that stops waiting for the answer, or a client that
/// hangs up, never cancels a resize half way. The request still answers with its outcome, and
/// a graceful shutdown waits for it as for any background operation.
enum SignalDelivery {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let tracker = OperationTracker.current
        tracker?.started()
        let requestID = Engine.requestID
        let task = Task.detached {
            defer { tracker?.finished(nil) }
            return try await Engine.$requestID.withValue(requestID) { try await body() }
        }
        return try await task.value
    }
}
