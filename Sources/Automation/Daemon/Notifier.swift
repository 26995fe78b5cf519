public import Logging
public import Registry

#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// An event in the shape of Flux's notification-controller events, so receivers written for
/// Flux (and Flux's own `Provider` endpoints) accept it.
public struct NotificationEvent: Sendable, Codable, Hashable {
    public struct InvolvedObject: Sendable, Codable, Hashable {
        public var kind, namespace, name, apiVersion: String
    }

    public var involvedObject: InvolvedObject
    /// "info" or "error".
    public var severity: String
    public var timestamp: Date
    public var message: String
    public var reason: String
    public var metadata: [String: String]
    public var reportingController = "imagebot"
    public var reportingInstance: String

    public init(
        kind: String, key: ObjectKey, severity: String, reason: String, message: String,
        metadata: [String: String] = [:], timestamp: Date, instance: String
    ) {
        let group = kind == "GitRepository" ? "source.toolkit.fluxcd.io/v1" : "image.toolkit.fluxcd.io/v1"
        involvedObject = InvolvedObject(kind: kind, namespace: key.namespace, name: key.name, apiVersion: group)
        self.severity = severity
        self.timestamp = timestamp
        self.message = message
        self.reason = reason
        self.metadata = metadata
        reportingInstance = instance
    }
}

/// Posts every event to each `--notify-url`, retrying failures (3 attempts, 1 s then 2 s
/// apart). A Slack incoming webhook gets Slack's message shape instead of the Flux event.
/// Sending never blocks the scheduler: each event goes out on its own task.
public final class Notifier: Sendable {
    public let urls: [String]
    private let client: WebhookClient
    private let logger: Logger
    private let retryDelays: [Duration]

    public init(urls: [String], logger: Logger, retryDelays: [Duration] = [.seconds(1), .seconds(2)]) {
        self.urls = urls
        self.client = WebhookClient()
        self.logger = logger
        self.retryDelays = retryDelays
    }

    /// Sends `event` to every URL; returns when each has been delivered or given up on.
    public func send(_ event: NotificationEvent) async {
        await withTaskGroup(of: Void.self) { group in
            for url in urls {
                group.addTask { await self.deliver(event, to: url) }
            }
        }
    }

    private func deliver(_ event: NotificationEvent, to url: String) async {
        let body: [UInt8]
        do {
            body = Self.isSlack(url) ? try Self.slackPayload(event) : try Self.fluxPayload(event)
        } catch {
            logger.error("notification could not be encoded", metadata: ["error": "\(error)"])
            return
        }
        var lastProblem = ""
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                do { try await Task.sleep(for: retryDelays[attempt - 1]) } catch { return }
            }
            do {
                let status = try await client.post(body, to: url)
                if (200..<300).contains(status) { return }
                lastProblem = "HTTP \(status)"
                // A client error will not get better by retrying.
                if (400..<500).contains(status) && status != 429 { break }
            } catch {
                lastProblem = error.description
            }
        }
        logger.warning(
            "notification not delivered",
            metadata: [
                "receiver": "\(WebhookClient.host(of: url))", "reason": "\(event.reason)", "error": "\(lastProblem)",
            ])
    }

    /// A Slack incoming webhook (`https://hooks.slack.com/services/…`, or any URL whose path is
    /// `/services/…` as Slack-compatible receivers such as Mattermost use).
    public static func isSlack(_ url: String) -> Bool {
        WebhookClient.host(of: url) == "hooks.slack.com" || WebhookClient.path(of: url).hasPrefix("/services/")
    }

    static func fluxPayload(_ event: NotificationEvent) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(event))
    }

    /// Slack's attachment message: a colour by severity, the object as the author line.
    static func slackPayload(_ event: NotificationEvent) throws -> [UInt8] {
        struct Field: Encodable {
            var title, value: String
            var short = false
        }
        // Property names are the service's JSON field names.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        struct Attachment: Encodable {
            var color, author_name, title, text: String
            var mrkdwn_in = ["text"]
            var fields: [Field]
        }
        struct Message: Encodable {
            var username = "imagebot"
            var text: String
            var attachments: [Attachment]
        }
        let object = event.involvedObject
        let message = Message(
            text: "\(object.kind) \(object.namespace)/\(object.name): \(event.reason)",
            attachments: [
                Attachment(
                    color: event.severity == "error" ? "danger" : "good",
                    author_name: "\(object.kind.lowercased())/\(object.name).\(object.namespace)",
                    title: event.reason, text: event.message,
                    fields: event.metadata.sorted { $0.key < $1.key }.map { Field(title: $0.key, value: $0.value) })
            ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(message))
    }
}
