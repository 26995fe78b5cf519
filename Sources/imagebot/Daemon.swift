import ArgumentParser
import Automation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The options of `imagebot run` that only the daemon uses.
struct DaemonOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Address of the HTTP server (health, metrics, status, webhooks).", valueName: "host:port"))
    var listen = ":8080"

    @Option(help: "Log format: text, or json (one object per line).")
    var logFormat: LogFormat = .text

    @Option(
        help: ArgumentHelp(
            "File holding the token POST /hooks/<name> must present (Authorization: Bearer or ?token=).",
            valueName: "path"))
    var hookTokenFile: String?

    @Option(
        name: .customLong("notify-url"),
        help: ArgumentHelp("POST a JSON event here on every push and every failure; repeatable.", valueName: "url"))
    var notifyURLs: [String] = []

    @Option(help: "Number of replicas sharing the automations.")
    var shardCount = 1

    @Option(help: "This replica's shard (default: the hostname's -N suffix, as in a StatefulSet).")
    var shardIndex: Int?

    @Option(help: ArgumentHelp("Allow file:// GitRepository URLs (true|false).", valueName: "bool"))
    var allowFileRemotes = true

    @Option(help: "Repositories scanned at the same time.")
    var maxConcurrentScans = 8

    @Option(help: "Automations run at the same time.")
    var maxConcurrentAutomations = 4

    @Option(help: ArgumentHelp("Seconds in-flight pushes may take to finish after SIGTERM.", valueName: "seconds"))
    var shutdownGrace = 30

    func validate() throws {
        guard shardCount >= 1 else { throw ValidationError("--shard-count must be at least 1") }
        if let shardIndex, !(0..<shardCount).contains(shardIndex) {
            throw ValidationError("--shard-index \(shardIndex) is outside 0..<\(shardCount)")
        }
        _ = try DaemonHTTP.bindAddress(listen)
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `imagebot run` without `--once`: the controller and the HTTP server in one service group;
/// SIGTERM/SIGINT drain (in-flight pushes finish, bounded) and exit 0.
struct DaemonLauncher {
    let configuration: ConfigOptions
    let daemon: DaemonOptions

    func run() async throws {
        let format = daemon.logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .json: JSONLogHandler(label: label)
            case .text: StreamLogHandler.standardError(label: label)
            }
        }
        let logger = Logger(label: "imagebot")
        let metrics = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: metrics)
        factory.durationHistogramBuckets["imagebot_tag_to_commit_seconds"] = [
            1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
        ].map { .seconds($0) }
        factory.durationHistogramBuckets["imagebot_automation_duration_seconds"] = [
            0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
        ].map { .milliseconds(Int64($0 * 1000)) }
        MetricsSystem.bootstrap(factory)

        let hostname = Self.hostname()
        var shard = ShardAssignment(count: daemon.shardCount, index: daemon.shardIndex ?? 0)
        if daemon.shardIndex == nil, daemon.shardCount > 1 {
            guard let index = ShardAssignment.index(fromHostname: hostname), index < daemon.shardCount else {
                printToStandardError(
                    "imagebot run: --shard-count \(daemon.shardCount) needs --shard-index (the hostname '\(hostname)' has no -N suffix below \(daemon.shardCount))"
                )
                throw ExitStatus.usage
            }
            shard.index = index
        }
        var hookToken: [UInt8]?
        if let path = daemon.hookTokenFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                printToStandardError("imagebot run: --hook-token-file \(path): cannot read the file")
                throw ExitStatus.usage
            }
            let token = String(
                String(decoding: data, as: UTF8.self).split(whereSeparator: { $0.isWhitespace }).first ?? "")
            guard !token.isEmpty else {
                printToStandardError("imagebot run: --hook-token-file \(path) is empty")
                throw ExitStatus.usage
            }
            hookToken = Array(token.utf8)
        }

        var options = AutomationController.Options(
            configDirectory: configuration.configDirectory, stateDirectory: configuration.resolvedStateDirectory,
            secretsDirectory: configuration.secretsDir)
        options.shard = shard
        options.allowFileRemotes = daemon.allowFileRemotes
        options.maxConcurrentScans = max(1, daemon.maxConcurrentScans)
        options.maxConcurrentAutomations = max(1, daemon.maxConcurrentAutomations)
        options.shutdownGrace = .seconds(max(0, daemon.shutdownGrace))
        options.instance = hostname
        try? FileManager.default.createDirectory(atPath: options.stateDirectory, withIntermediateDirectories: true)
        let notifier = daemon.notifyURLs.isEmpty ? nil : Notifier(urls: daemon.notifyURLs, logger: logger)
        let controller = AutomationController(options: options, logger: logger, notifier: notifier)

        let (host, port) = try DaemonHTTP.bindAddress(daemon.listen)
        let app = Application(
            router: DaemonHTTP.router(controller: controller, metrics: metrics, hookToken: hookToken),
            configuration: .init(address: .hostname(host, port: port), serverName: "imagebot"),
            onServerRunning: { channel in
                logger.info(
                    "listening",
                    metadata: [
                        "address": "\(channel.localAddress?.ipAddress ?? host)",
                        "port": "\(channel.localAddress?.port ?? port)",
                    ])
            },
            logger: logger)
        // Shut down in reverse order: the controller drains first, the HTTP server answers until it has.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: ControllerService(controller: controller))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info(
            "starting",
            metadata: [
                "config": "\(options.configDirectory)", "state_dir": "\(options.stateDirectory)",
                "shard": "\(shard.index)/\(shard.count)",
                "listen": "\(daemon.listen)", "notify_receivers": "\(daemon.notifyURLs.count)",
            ])
        try await group.run()
        logger.info("stopped")
    }

    static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "imagebot" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The controller as a lifecycle service: graceful shutdown asks it to drain.
struct ControllerService: Service {
    let controller: AutomationController

    func run() async throws {
        await withGracefulShutdownHandler {
            await controller.run()
        } onGracefulShutdown: {
            controller.shutdown()
        }
    }
}
