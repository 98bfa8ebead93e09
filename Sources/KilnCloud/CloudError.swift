import Foundation

/// Why a cloud call failed, in the terms OpenStack's APIs use, so the REST layer can answer
/// with the right status and Heat's failure reasons read as they would against a real cloud.
public struct CloudError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// 400: the request is malformed or names something inconsistent.
        case badRequest
        /// 403 (Nova, Cinder's 413, Neutron's 409 are mapped to it): a quota would be exceeded.
        case quotaExceeded
        /// 404
        case notFound
        /// 409: the object is in a state that forbids the action, or an address is taken.
        case conflict
        /// 500/503: the cloud failed (including injected faults).
        case serverError
        /// The object reached an error state while it was awaited, or did not settle in time.
        case failedState
        /// 401: credentials rejected.
        case unauthorized
    }

    public var kind: Kind
    public var message: String
    /// The HTTP status a REST API answers with (and a real cloud answered with).
    public var httpStatus: Int

    public init(_ kind: Kind, _ message: String, httpStatus: Int? = nil) {
        self.kind = kind
        self.message = message
        self.httpStatus = httpStatus ?? Self.defaultStatus(kind)
    }

    public var description: String { message }

    static func defaultStatus(_ kind: Kind) -> Int {
        switch kind {
        case .badRequest: 400
        case .quotaExceeded: 403
        case .notFound: 404
        case .conflict: 409
        case .serverError, .failedState: 500
        case .unauthorized: 401
        }
    }

    public static func notFound(_ what: String, _ id: String) -> CloudError {
        CloudError(.notFound, "\(what) \(id) could not be found.")
    }
}
