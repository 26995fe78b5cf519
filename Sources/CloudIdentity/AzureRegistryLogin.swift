import Registry

/// Azure registry login (see RegistryIdentity).
struct AzureRegistryLogin {
    let http: HTTPClient
    let environment: IdentityEnvironment

    /// The credentials for `registry` and how long they stay valid.
    func login(registry: String) async throws(IdentityError) -> (RegistryCredentials, Duration) {
        throw IdentityError(.noCredentials, "provider not implemented yet")
    }
}
