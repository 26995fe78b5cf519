import Basics

extension RegistryClient {
    /// Media types we accept for a tag: indexes first so multi-arch images keep their index digest.
    static let manifestAccept = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    /// The manifest digest (`sha256:…`) a tag points to: `HEAD` and `Docker-Content-Digest`,
    /// falling back to `GET` and hashing the body when the header is missing.
    public func digest(of reference: ImageReference, tag: String, options: RegistryOptions = RegistryOptions())
        async throws(RegistryError) -> String
    {
        guard Self.isValidTag(tag) else {
            throw RegistryError(code: .invalidReference, message: "invalid tag '\(sanitize(tag, limit: 200))'")
                .with(image: reference.canonicalName)
        }
        var context = RequestContext(reference: reference, options: options)
        let headers = [(name: "Accept", value: Self.manifestAccept)]
        do throws(RegistryError) {
            try await resolveScheme(&context)
            let url = "\(context.baseURL)/v2/\(reference.repository)/manifests/\(tag)"
            let head = try await authorizedSend(HTTPRequest(method: "HEAD", url: url, headers: headers), context)
            if head.status == 200, let digest = head.header("docker-content-digest"), Self.isValidDigest(digest) {
                return digest
            }
            // 200 without a digest, or registries that refuse HEAD: fetch and hash.
            guard head.status == 200 || head.status == 405 || head.status == 400 else {
                throw responseError(head, method: "HEAD", url: url)
            }
            let get = try await authorizedSend(HTTPRequest(url: url, headers: headers), context)
            guard get.status == 200 else { throw responseError(get, method: "GET", url: url) }
            return "sha256:" + SHA256.hex(get.body)
        } catch {
            throw error.with(image: reference.canonicalName)
        }
    }

    /// Docker tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return false }
        func word(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
        }
        return word(first) && bytes.dropFirst().allSatisfy { word($0) || $0 == 0x2E || $0 == 0x2D }
    }

    /// `algorithm:hex`, e.g. `sha256:` + 64 lowercase hex digits.
    static func isValidDigest(_ digest: String) -> Bool {
        let parts = digest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty,
            parts[0].allSatisfy({ $0.isLetter || $0.isNumber || "+._-".contains($0) })
        else { return false }
        let hex = parts[1]
        if parts[0] == "sha256" && hex.utf8.count != 64 { return false }
        return hex.utf8.count >= 32 && hex.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
