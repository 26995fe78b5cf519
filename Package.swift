// swift-tools-version:6.1
// The module layout follows ARCHITECTURE.md: one C module per system library, one Swift
// module per pipeline stage, a thin executable.
import PackageDescription

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")

let package = Package(
    name: "imagebot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "imagebot", targets: ["imagebot"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        // RSA (RS256) for GitHub App JWTs; 4.x is the version Hummingbird's graph already resolves.
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        // No default traits: "FullFoundation" links full Foundation and its ICU data into every
        // command (start-up +10 ms, +9 MB RSS) and "ConfigurationSupport" swift-configuration;
        // imagebot needs neither.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        // Deque for AsyncSemaphore's waiters; the version Hummingbird's graph already resolves.
        .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
    ],
    targets: [
        // C declarations; headers and link flags come from pkg-config (`make deps` installs them).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CGit2", pkgConfig: "libgit2", providers: [.apt(["libgit2-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),

        // A general YAML reader with byte spans; the rewriter and the config loader share it.
        .target(name: "YAML", dependencies: ["CYAML"], swiftSettings: strict),

        // What several stages need and none owns: digests, base64, bytewise string order,
        // atomic file replacement.
        .target(
            name: "Basics", dependencies: [.product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict),

        // Pipeline stages.
        .target(name: "Policy", dependencies: ["CPCRE2", "Basics"], swiftSettings: strict),
        .target(name: "Registry", dependencies: ["CCurl", "Basics", logging, metrics], swiftSettings: strict),
        .target(name: "Setters", dependencies: ["YAML", "Basics"], swiftSettings: strict),
        .target(name: "Committer", dependencies: ["CGit2", "Basics"], swiftSettings: strict),
        // Go text/template with Sprig's hermetic functions (semver and RE2 regexps from Policy);
        // knows nothing of Flux's data.
        .target(name: "Template", dependencies: ["Basics", "Policy"], swiftSettings: strict),

        // Workload identities: registry logins for spec.provider aws/gcp/azure and GitHub App
        // installation tokens for Git. Its HTTP goes through Registry's libcurl client.
        .target(
            name: "CloudIdentity",
            dependencies: ["Registry", "Basics", .product(name: "_CryptoExtras", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "Automation",
            dependencies: [
                "YAML", "Basics", "Policy", "Registry", "Setters", "Committer", "Template", "CloudIdentity", logging,
                metrics,
            ],
            swiftSettings: strict),

        // The executable and its benchmark companion. The executable imports Automation and no
        // other stage (ARCHITECTURE.md, "The executable's imports").
        .executableTarget(
            name: "imagebot",
            dependencies: [
                "Automation", logging, metrics,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ImagebotBench", dependencies: ["Policy", "Automation", "Template", "TestSupport"],
            swiftSettings: strict),

        // Deterministic inputs shared by tests and benchmarks.
        .target(name: "TestSupport", swiftSettings: strict),

        // Loopback servers and fixtures shared by tests: smart-HTTP and SSH Git servers, a
        // docker-registry, the built `imagebot` binary and a seeded fleet repository.
        .target(name: "TestServers", swiftSettings: strict),

        // Tests mirror modules; CommandTests and EndToEndTests drive the built `imagebot` binary
        // (they depend on it so it is built first). Every target lists exactly the modules it
        // imports.
        .testTarget(name: "YAMLTests", dependencies: ["YAML"], swiftSettings: strict),
        .testTarget(name: "PolicyTests", dependencies: ["Policy", "Basics", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RegistryTests", dependencies: ["Registry", "Basics", "TestSupport", logging], swiftSettings: strict),
        .testTarget(
            name: "CommitterTests", dependencies: ["Committer", "Basics", "TestServers"], swiftSettings: strict),
        .testTarget(name: "TemplateTests", dependencies: ["Template"], swiftSettings: strict),
        .testTarget(
            name: "CloudIdentityTests", dependencies: ["CloudIdentity", "Registry", "Basics", "TestServers"],
            swiftSettings: strict),
        .testTarget(name: "BasicsTests", dependencies: ["Basics"], swiftSettings: strict),
        .testTarget(
            name: "SettersTests", dependencies: ["Setters", "YAML", "Basics", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "AutomationTests",
            dependencies: ["Automation", "Policy", "Registry", "Setters", "Committer", "Template"],
            swiftSettings: strict),
        .testTarget(name: "CommandTests", dependencies: ["imagebot", "TestServers"], swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["imagebot", "TestServers", "TestSupport"], swiftSettings: strict),
        // deploy/: the Kubernetes manifests parse and say what the daemon needs.
        .testTarget(name: "DeployTests", dependencies: ["YAML"], swiftSettings: strict),
    ]
)

// libFuzzer targets (`make fuzz`): only with IMAGEBOT_FUZZ=1, built with -sanitize=fuzzer.
if ProcessInfo.processInfo.environment["IMAGEBOT_FUZZ"] != nil {
    package.targets += [
        .target(name: "FuzzSupport", swiftSettings: strict),
        .executableTarget(
            name: "FuzzSetters", dependencies: ["FuzzSupport", "Setters", "YAML"], swiftSettings: strict),
        .executableTarget(name: "FuzzConfig", dependencies: ["FuzzSupport", "Automation"], swiftSettings: strict),
        .executableTarget(name: "FuzzSemver", dependencies: ["FuzzSupport", "Policy"], swiftSettings: strict),
        .executableTarget(
            name: "FuzzFilter", dependencies: ["FuzzSupport", "Policy", "Basics"], swiftSettings: strict),
        .executableTarget(
            name: "FuzzTemplate", dependencies: ["FuzzSupport", "Template", "Automation"], swiftSettings: strict),
        .executableTarget(name: "FuzzDockerConfig", dependencies: ["FuzzSupport", "Registry"], swiftSettings: strict),
        // The Link check compares with libcurl's own URL parser (an oracle, not production use).
        .executableTarget(
            name: "FuzzHeaders", dependencies: ["FuzzSupport", "Registry", "CCurl"], swiftSettings: strict),
        .executableTarget(name: "FuzzTagList", dependencies: ["FuzzSupport", "Registry"], swiftSettings: strict),
    ]
}
