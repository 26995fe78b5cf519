import _CryptoExtras

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The JWT a GitHub App signs to call the API as itself (RS256, PKCS#1 v1.5 over SHA-256).
enum GitHubAppJWT {
    /// Claims as Flux sets them: `iat` 30 s in the past for clock drift, `exp` 2 minutes after
    /// `iat` (the JWT is used at once; GitHub allows at most 10 minutes), `iss` the app ID.
    static let driftAllowance: Int64 = 30
    static let lifetime: Int64 = 120

    /// The signed JWT for `appID` at `now`.
    static func make(appID: Int64, privateKeyPEM: [UInt8], now: Date) throws(IdentityError) -> String {
        let key = try privateKey(from: privateKeyPEM)
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down)) - driftAllowance
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let claims = #"{"iat":\#(issuedAt),"exp":\#(issuedAt + lifetime),"iss":"\#(appID)"}"#
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let signature: [UInt8]
        do {
            signature = Array(
                try key.signature(for: Array(signingInput.utf8), padding: .insecurePKCS1v1_5).rawRepresentation)
        } catch {
            throw IdentityError(.invalidCredentials, "GitHub App: signing the app JWT failed")
        }
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The RSA key in `pem`; the error never quotes it.
    static func privateKey(from pem: [UInt8]) throws(IdentityError) -> _RSA.Signing.PrivateKey {
        do {
            return try _RSA.Signing.PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        } catch {
            throw IdentityError(.invalidCredentials, "githubAppPrivateKey is not a valid RSA private key in PEM form")
        }
    }
}
