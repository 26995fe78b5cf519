#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The claims imagebot reads from JWTs it is handed (a projected service-account token, an ACR
/// refresh token), without verifying them: the issuer verifies them; imagebot only needs to
/// know when they expire.
struct JWTClaims: Decodable {
    /// Expiry, seconds since 1970.
    var exp: Double?
    /// Issued at, seconds since 1970.
    var iat: Double?

    /// The claims of a compact JWT, or nil when `token` is not one.
    init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(JWTClaims.self, from: Data(payload))
        else { return nil }
        self = claims
    }

    /// The expiry as a date.
    var expiry: Date? { exp.map { Date(timeIntervalSince1970: $0) } }
}
