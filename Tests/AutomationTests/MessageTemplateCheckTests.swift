import Foundation
import Testing

@testable import Automation

/// Item 9: a message template that cannot render is a config error at load time, at the
/// template's file:line:column, with Flux's message; it stalls only its automation.
@Suite("config loading: every messageTemplate is rendered once")
struct MessageTemplateCheckTests {
    static let updatedMessage =
        "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
    static let imageResultMessage =
        "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"

    struct Case: Sendable, CustomTestStringConvertible {
        var template: String
        /// The start of the diagnostic's message after `spec.git.commit.messageTemplate: `; nil: no problem.
        var problem: String?
        var testDescription: String { template }
    }

    // Each holds whether `.Updated` is refused when parsing or when rendering, and whatever
    // the template's name in Go-style messages.
    static let cases: [Case] = [
        .init(template: "{{ .Updated.Images }}", problem: updatedMessage),
        .init(template: "{{ range .Updated.Images }}- {{ . }}\\n{{ end }}", problem: updatedMessage),
        .init(template: "{{ .Changed.ImageResult }}", problem: imageResultMessage),
        .init(template: "{{ len 3 }}", problem: "failed to run template from spec: template: "),
        .init(template: "{{ template \\\"missing\\\" }}", problem: "failed to run template from spec: template: "),
        .init(template: "{{ .Changed.Nope }}", problem: "failed to run template from spec: template: "),
        .init(template: "{{ index .Changed.Changes 5 }}", problem: "failed to run template from spec: template: "),
        .init(template: "{{ .Nope", problem: "unable to create commit message template from spec: template: "),
        .init(template: "{{ nope 1 }}", problem: "unable to create commit message template from spec: template: "),
        .init(template: "{{ range .Changed.Changes }}{{ .NewValue }} ({{ .Setter }}){{ end }}", problem: nil),
        .init(template: "{{ .AutomationObject }}: {{ .Values.env | default \\\"dev\\\" | upper }}", problem: nil),
        .init(template: "{{ (index .Changed.Changes 1).NewValue }} {{ len .Changed.Objects }}", problem: nil),
        .init(template: "", problem: nil),
    ]

    static func manifests(template: String) -> String {
        """
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: fleet, namespace: apps}
        spec: {url: https://git.example/fleet.git, interval: 1m}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageUpdateAutomation
        metadata: {name: auto, namespace: apps}
        spec:
          interval: 10m
          sourceRef: {kind: GitRepository, name: fleet}
          git:
            commit:
              author: {email: bot@example.com}
              messageTemplate: "\(template)"
              messageTemplateValues: {env: prod}
        ---
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImageUpdateAutomation
        metadata: {name: other, namespace: apps}
        spec:
          interval: 10m
          sourceRef: {kind: GitRepository, name: fleet}
          git: {commit: {author: {email: bot@example.com}}}

        """
    }

    static func load(_ yaml: String) -> Configuration {
        var configuration = Configuration()
        ConfigLoader.load(bytes: Array(yaml.utf8), file: "config.yaml", into: &configuration)
        ConfigLoader.validateReferences(&configuration)
        ConfigLoader.validateMessageTemplates(&configuration)
        return configuration
    }

    @Test(arguments: cases)
    func template(_ c: Case) throws {
        let configuration = Self.load(Self.manifests(template: c.template))
        let key = ObjectKey(namespace: "apps", name: "auto")
        guard let problem = c.problem else {
            #expect(configuration.diagnostics.isEmpty, "\(configuration.diagnostics)")
            #expect(configuration.stalledAutomations.isEmpty)
            return
        }
        let diagnostic = try #require(configuration.errors.first, "no error for \(c.template)")
        #expect(configuration.errors.count == 1, "\(configuration.errors)")
        // The template's value: line 15, column 24 (after `messageTemplate: `).
        #expect(diagnostic.location == SourceLocation(file: "config.yaml", line: 15, column: 24))
        #expect(diagnostic.object == "ImageUpdateAutomation apps/auto")
        #expect(diagnostic.message.hasPrefix("spec.git.commit.messageTemplate: " + problem), "\(diagnostic.message)")
        // Only that automation stops: the error does not block the configuration.
        #expect(configuration.stalledAutomations[key] == diagnostic)
        #expect(configuration.blockingErrors.isEmpty)
        #expect(configuration.automations.count == 2)
    }

    @Test("the representative data carries the automation's values")
    func values() {
        let ok = Self.load(Self.manifests(template: "{{ if ne .Values.env \\\"prod\\\" }}{{ len 3 }}{{ end }}"))
        #expect(ok.diagnostics.isEmpty, "\(ok.diagnostics)")
        let failing = Self.load(
            Self.manifests(template: "{{ if eq .Values.env \\\"prod\\\" }}{{ len 3 }}{{ end }}{{ .Values.nope }}"))
        #expect(
            failing.errors.first?.message.contains("failed to run template from spec: ") == true, "\(failing.errors)")
    }

    @Test("other errors still block the whole configuration")
    func blocking() {
        let configuration = Self.load(
            Self.manifests(template: "{{ .Updated }}").replacingOccurrences(of: "name: fleet}", with: "name: nope}"))
        #expect(configuration.errors.count == 3, "\(configuration.errors)")
        #expect(configuration.blockingErrors.count == 2)
    }
}
