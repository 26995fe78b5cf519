import Foundation
import TestServers
import Testing

@Suite("imagebot dry-run --automation: the exact commit run --once would push", .serialized)
struct AutomationPreviewTests {
    @Test func previewsTheCommitWithoutPushing() throws {
        let registry = try LocalRegistry()
        try registry.push("acme/app", ["1.0.0", "1.1.0"])
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let options = [
            "--config", fleet.config.path, "--secrets-dir", fleet.secrets.path, "--state-dir",
            fleet.root.appendingPathComponent("state").path,
        ]
        let before = try git(["--git-dir", fleet.remote.path, "rev-parse", "main"])

        let preview = try ImagebotBinary.run(["dry-run", "--automation", "flux-system/apps"] + options)
        #expect(preview.status == 0, "\(preview.stderr)")
        let diffEnd = preview.stdout.range(
            of: "\ncommit message (ImageUpdateAutomation flux-system/apps, branch main):\n")
        #expect(diffEnd != nil, "\(preview.stdout)")
        let diff = String(preview.stdout[..<(diffEnd?.lowerBound ?? preview.stdout.endIndex)])
        #expect(
            diff == """
                --- a/apps/deploy.yaml
                +++ b/apps/deploy.yaml
                @@ -2,5 +2,5 @@
                \u{20}
                 spec:
                   containers:
                -    - image: \(registry.host)/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}
                +    - image: \(registry.host)/acme/app:1.1.0 # {"$imagepolicy": "flux-system:app"}
                     - image: busybox:1.36   # not marked

                """, "paths from the repository root; outside.yaml is not under update.path")
        #expect(
            preview.stdout.contains(
                "    Automation: flux-system/apps\n    - \(registry.host)/acme/app:1.0.0 -> \(registry.host)/acme/app:1.1.0 (flux-system:app)\n"
            ))
        #expect(preview.stderr.contains("ImageUpdateAutomation flux-system/apps: would commit 1 file on "))
        #expect(try git(["--git-dir", fleet.remote.path, "rev-parse", "main"]) == before, "nothing pushed")

        // The previewed commit is the one run --once pushes.
        let json = try ImagebotBinary.run(
            ["dry-run", "--automation", "flux-system/apps", "--output", "json", "--exit-code"] + options)
        #expect(json.status == 1, "--exit-code: changes pending")
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let previewed = report?["commitMessage"] as? String
        #expect(report?["files"] as? [String] == ["apps/deploy.yaml"])
        #expect(try ImagebotBinary.run(["run", "--once"] + options).status == 0)
        #expect(
            try git(["--git-dir", fleet.remote.path, "log", "-1", "--format=%B", "main"]) == (previewed ?? "") + "\n")

        let upToDate = try ImagebotBinary.run(["dry-run", "--automation", "flux-system/apps", "--exit-code"] + options)
        #expect(upToDate.status == 0)
        #expect(upToDate.stdout.isEmpty)
        #expect(upToDate.stderr.contains("no changes: every marked value under ./apps is up to date"))
    }

    @Test func unknownAutomationAndBadCombinations() throws {
        let registry = try LocalRegistry()
        let fleet = try Fleet(registry: registry)
        defer { try? FileManager.default.removeItem(at: fleet.root) }
        let unknown = try ImagebotBinary.run([
            "dry-run", "--automation", "flux-system/nope", "--config", fleet.config.path,
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("ImageUpdateAutomation flux-system/nope not found"))
        #expect(unknown.stderr.contains("(have: flux-system/apps)"))
        let withPath = try ImagebotBinary.run([
            "dry-run", "--automation", "flux-system/apps", "--config", fleet.config.path, ".",
        ])
        #expect(withPath.status == 2)
        #expect(withPath.stderr.contains("drop PATH"))
    }
}
