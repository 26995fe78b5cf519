import Basics
import Logging
import Synchronization

extension RegistryClient {
    /// Chooses http or https for a registry the way go-containerregistry does for hosts that
    /// may be plain HTTP (`transport/ping.go`: localhost, `*.localhost`, loopback, RFC 1918,
    /// and `insecure: true`): https first, verified; plain http only when https does not work.
    /// Stricter than ggcr in one case: a server that speaks TLS with a certificate we do not
    /// trust is an error, never a reason to fall back to plain HTTP. Every other host is https.
    ///
    /// What the probe learns (a TLS server, or a plain-HTTP server on that port) is remembered
    /// per registry; a probe that could not connect at all is not, and decides nothing.
    func resolveScheme(_ context: inout RequestContext) async throws(RegistryError) {
        context.scheme = "https"
        guard context.allowsPlainHTTP else { return }
        let registry = context.reference.registry
        if let known = schemes.withLock({ $0[registry] }) {
            context.scheme = known
            return
        }
        var transfer = context.options.transfer
        let remaining = context.remainingSeconds
        transfer.totalTimeout = min(transfer.totalTimeout, remaining)
        transfer.connectTimeout = min(transfer.connectTimeout, remaining)
        transfer.followRedirects = false
        let options = transfer
        // One probe per registry at a time: the scans that start together share it. It asks
        // first, unverified, whether the port speaks TLS at all (a plain-HTTP registry then costs
        // no CA store: loading the system bundle took 15% of a 200-repository scan's CPU), and
        // only a TLS server is probed again, verified, to learn whether it is trusted.
        let probe = probes.withLock { probes in
            if let running = probes[registry] { return running }
            let request = HTTPRequest(url: "https://\(registry)/v2/")
            let task = Task { [transport, semaphore = semaphore(for: registry)] in
                var unverified = options
                unverified.tlsProbe = true
                let speaksTLS = await semaphore.withPermit { await transport.send(request, options: unverified) }
                guard case .success = speaksTLS else {
                    Self.recordRequest(registry: registry, result: speaksTLS)
                    return speaksTLS
                }
                let result = await semaphore.withPermit { await transport.send(request, options: options) }
                Self.recordRequest(registry: registry, result: result)
                return result
            }
            probes[registry] = task
            return task
        }
        let result = await probe.value
        probes.withLock { _ = $0.removeValue(forKey: registry) }
        switch result {
        case .success:
            schemes.withLock { $0[registry] = "https" }
        case .failure(let error) where error.tlsFailure == .untrustedCertificate:
            throw RegistryError(
                code: .transport,
                message:
                    "\(registry) speaks TLS but its certificate is not trusted (\(error.curlError ?? "verification failed")); "
                    + "give its CA in spec.certSecretRef (ca.crt)", curlError: error.curlError)
        case .failure(let error) where error.tlsFailure == .handshake:
            schemes.withLock { $0[registry] = "http" }
            context.scheme = "http"
        case .failure:
            // Nothing answered on the https port (for a host without a port that is 443, while
            // http uses 80): try http for this operation and let its request report any error.
            context.scheme = "http"
        }
        logger?.debug("registry scheme chosen", metadata: ["registry": "\(registry)", "scheme": "\(context.scheme)"])
    }
}
