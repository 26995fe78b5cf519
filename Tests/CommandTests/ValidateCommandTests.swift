import Foundation
import TestServers
import Testing

@Suite("imagebot validate: a message template that cannot render")
struct ValidateCommandTests {
    static func configDirectory(template: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "imagebot-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
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
              messageTemplate: |
                Images:
                \(template)

        """.write(to: directory.appendingPathComponent("automation.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test(
        "`.Updated` (16 of 18 collected automations use `.Updated.Images`): exit 2, the template's place, Flux's message"
    )
    func removedUpdated() throws {
        let directory = try Self.configDirectory(template: "{{ range .Updated.Images }}- {{ . }}{{ end }}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ImagebotBinary.run(["validate", "--config", directory.path])
        #expect(result.status == 2)
        // Line 15, column 24: the `|` that starts the block scalar.
        let expected =
            "\(directory.path)/automation.yaml:15:24: error: ImageUpdateAutomation apps/auto: spec.git.commit.messageTemplate: "
            + "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template\n"
        #expect(result.stderr == expected)
        #expect(result.stdout.hasSuffix("; 1 errors, 0 warnings\n"), "\(result.stdout)")
    }

    @Test("a template that parses but cannot render: exit 2 with Go's execution error")
    func cannotRender() throws {
        let directory = try Self.configDirectory(template: "{{ len 3 }}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ImagebotBinary.run(["validate", "--config", directory.path])
        #expect(result.status == 2)
        #expect(
            result.stderr.hasPrefix(
                "\(directory.path)/automation.yaml:15:24: error: ImageUpdateAutomation apps/auto: "
                    + "spec.git.commit.messageTemplate: failed to run template from spec: template: "),
            "\(result.stderr)")
        #expect(result.stderr.contains(":2:3: executing "), "\(result.stderr)")
    }

    @Test("a template that renders: exit 0")
    func renders() throws {
        let directory = try Self.configDirectory(template: "{{ range .Changed.Changes }}- {{ .NewValue }}{{ end }}")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try ImagebotBinary.run(["validate", "--config", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }
}
