import Foundation
import Policy
import Setters
import Testing

@testable import Automation

/// A fixed report: one healthy object of each kind, one failing repository whose message and
/// tag carry markup and terminal escapes, as a hostile registry or manifest could.
enum StatusFixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let hostile = #"<script>alert("x")</script> & 'y'"#

    static func condition(_ status: String, _ reason: String, _ message: String, ago: Double = 60) -> Condition {
        Condition(status: status, reason: reason, message: message, lastTransitionTime: now.addingTimeInterval(-ago))
    }

    static var report: StatusReport {
        StatusReport(
            config: .init(directory: "/config", loadedAt: now.addingTimeInterval(-300), lastError: nil, warnings: []),
            shard: .init(index: 0, count: 1),
            imageRepositories: [
                RepositoryStatus(
                    namespace: "flux-system", name: "app", image: "registry.example/acme/app",
                    lastScanResult: .init(
                        tagCount: 42, scanTime: now.addingTimeInterval(-12), latestTags: ["1.1.0"],
                        revision: "sha256:abc"),
                    conditions: [condition("True", "Succeeded", "successful scan: found 42 tags")],
                    nextScan: now.addingTimeInterval(48)),
                RepositoryStatus(
                    namespace: "flux-system", name: "evil", image: "registry.example/acme/evil",
                    conditions: [
                        condition("False", "ScanFailed", "registry said \(hostile)\u{1B}[31m\nsecond line", ago: 90)
                    ],
                    consecutiveFailures: 3, nextScan: now.addingTimeInterval(20)),
            ],
            imagePolicies: [
                PolicyStatus(
                    namespace: "flux-system", name: "app", imageRepositoryRef: "flux-system/app",
                    latestRef: .init(name: "registry.example/acme/app", tag: "1.1.0", digest: "sha256:0123"),
                    decision: .init(
                        counts: .init(
                            candidates: 42, excluded: 0, filteredOut: 0, invalid: 0, outsideRange: 2, eligible: 40),
                        selected: "1.1.0",
                        tiedWith: [], summary: "42 tags, 2 outside the range, 40 eligible; selected 1.1.0"),
                    conditions: [
                        condition(
                            "True", "Succeeded", "Latest image tag for registry.example/acme/app resolved to 1.1.0")
                    ]),
                PolicyStatus(
                    namespace: "flux-system", name: "evil", imageRepositoryRef: "flux-system/evil",
                    conditions: [condition("False", "DependencyNotReady", "tag \(hostile)")]),
                PolicyStatus(namespace: "flux-system", name: "waiting", imageRepositoryRef: "flux-system/evil"),
            ],
            imageUpdateAutomations: [
                AutomationStatus(
                    namespace: "flux-system", name: "apps", lastPushCommit: "0123456789abcdef0123456789abcdef01234567",
                    lastPushTime: now.addingTimeInterval(-3_700),
                    conditions: [condition("True", "Succeeded", "repository up-to-date")],
                    nextRun: now.addingTimeInterval(540), shard: 0)
            ],
            recentFailures: [
                FailureRecord(
                    kind: "ImageRepository", namespace: "flux-system", name: "evil", reason: "ScanFailed",
                    message: "again \(hostile)",
                    time: now.addingTimeInterval(-30)),
                FailureRecord(
                    kind: "ImageUpdateAutomation", namespace: "flux-system", name: "apps",
                    reason: "ReconciliationFailed",
                    message: "push rejected", time: now.addingTimeInterval(-7_200)),
            ])
    }
}

@Suite("status rendering: times, truncation, tables")
struct StatusTextTests {
    @Test(arguments: [
        (0.0, "0s"), (0.9, "0s"), (45, "45s"), (60, "1m"), (190, "3m10s"), (599, "9m59s"), (625, "10m"), (3_599, "59m"),
        (3_600, "1h"), (7_500, "2h5m"),
        (86_400, "1d"), (97_200, "1d3h"), (-5, "0s"),
    ])
    func durations(seconds: Double, expected: String) {
        #expect(StatusFormatting.duration(seconds) == expected)
    }

    @Test func relativeTimes() {
        let now = StatusFixture.now
        #expect(StatusFormatting.ago(now.addingTimeInterval(-12), now: now) == "12s ago")
        #expect(StatusFormatting.ago(nil, now: now) == "-")
        #expect(StatusFormatting.next(now.addingTimeInterval(270), now: now) == "in 4m30s")
        #expect(StatusFormatting.next(now.addingTimeInterval(-3), now: now) == "due")
        #expect(StatusFormatting.next(nil, now: now, busy: "scanning") == "scanning")
    }

    @Test(arguments: [
        ("short", 10, "short"), ("exactly10!", 10, "exactly10!"), ("eleven char", 10, "eleven ch…"), ("abc", 1, "…"),
        ("abc", 0, ""), ("héllo wörld", 6, "héllo…"),
    ])
    func truncation(text: String, width: Int, expected: String) {
        #expect(TextTable.truncate(text, to: width) == expected)
    }

    @Test(arguments: [
        ("plain", "plain"), ("two\nlines", "two lines"), ("tab\there", "tab here"),
        ("\u{1B}[31mred", "\u{FFFD}[31mred"),
        ("c1\u{9B}x", "c1\u{FFFD}x"),
    ])
    func controlCharactersNeverReachTheTerminal(text: String, expected: String) {
        #expect(TextTable.oneLine(text) == expected)
    }

    @Test func columnsAlignAndTheWidestShrinkableColumnGivesWayFirst() {
        let table = TextTable(
            columns: [
                .init("NAME", shrinkableTo: 6, shrinksLast: true), .init("N", rightAligned: true),
                .init("MESSAGE", shrinkableTo: 8),
            ],
            rows: [
                ["ns/short", "7", "ok"],
                ["ns/a-rather-long-name", "123", "a message much longer than the terminal is wide"],
            ])
        #expect(
            table.render() == """
                NAME                     N  MESSAGE
                ns/short                 7  ok
                ns/a-rather-long-name  123  a message much longer than the terminal is wide

                """)
        let narrow = table.render(width: 40)
        for line in narrow.split(separator: "\n") { #expect(line.count <= 40, "\(line)") }
        #expect(narrow.contains("ns/a-rather-long-name"), "the name keeps its width while the message can shrink")
        #expect(narrow.contains("a message m…"))
        #expect(narrow.contains("…"))
        // Too narrow for every minimum: columns stop at their minimum rather than vanish.
        let tiny = table.render(width: 10).split(separator: "\n")
        #expect(tiny[2].hasPrefix("ns/a-…"))
    }

    @Test func theTableHasTheThreeSectionsWithTheirFacts() {
        let text = StatusTable.render(StatusFixture.report, now: StatusFixture.now)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("IMAGEREPOSITORY") && $0.contains("LAST SCAN") && $0.contains("NEXT SCAN") })
        #expect(
            lines.contains { $0.hasPrefix("IMAGEPOLICY") && $0.contains("LATEST IMAGE") && $0.contains("DECISION") })
        #expect(
            lines.contains {
                $0.hasPrefix("IMAGEUPDATEAUTOMATION") && $0.contains("LAST COMMIT") && $0.contains("NEXT RUN")
            })
        let app = lines.first { $0.hasPrefix("flux-system/app ") && $0.contains("42") }
        #expect(
            app?.contains("12s ago") == true && app?.contains("in 48s") == true
                && app?.contains("Succeeded: successful scan") == true)
        #expect(
            lines.contains {
                $0.contains("registry.example/acme/app:1.1.0@sha256:0123") && $0.contains("selected 1.1.0")
            })
        #expect(
            lines.contains { $0.contains("0123456789ab ") && $0.contains("1h1m ago") && $0.contains("in 9m") },
            "\(text)")
        #expect(
            lines.contains {
                $0.hasPrefix("flux-system/evil") && $0.contains("False")
                    && $0.contains("ScanFailed: registry said <script>")
            })
        #expect(
            lines.contains {
                $0.hasPrefix("flux-system/waiting") && $0.contains("waiting for ImageRepository flux-system/evil")
            })
        #expect(!text.contains("\u{1B}"), "no escape sequence from a message reaches the terminal")
        #expect(!text.contains("\nsecond line"), "a message stays on its row")
    }

    /// 72 columns is the narrowest that holds every fixed column (counts, times, READY) with
    /// names and messages at their minimum; narrower terminals wrap rather than lose a column.
    @Test(arguments: [72, 80, 100, 132])
    func narrowTerminalsKeepEveryLineWithinTheWidth(width: Int) {
        let text = StatusTable.render(StatusFixture.report, now: StatusFixture.now, width: width)
        for line in text.split(separator: "\n") { #expect(line.count <= width, "\(width): \(line)") }
        #expect(text.contains("…") == (width < 132), "cut only when needed")
        #expect(text.contains("flux-system/app"))
    }

    @Test func theStatusReportRoundTripsThroughItsJSON() throws {
        let decoded = try StatusReport.decode(try StatusFixture.report.json())
        #expect(decoded.imageRepositories.map(\.name) == ["app", "evil"])
        #expect(decoded.imagePolicies.first?.latestRef?.digest == "sha256:0123")
        #expect(decoded.imageUpdateAutomations.first?.lastPushTime == StatusFixture.now.addingTimeInterval(-3_700))
        #expect(decoded.recentFailures?.map(\.name) == ["evil", "apps"])
        // An older daemon's report, without the failure history, still reads.
        var json =
            try JSONSerialization.jsonObject(with: Data(try StatusFixture.report.json())) as? [String: Any] ?? [:]
        json["recentFailures"] = nil
        #expect(try StatusReport.decode(Array(JSONSerialization.data(withJSONObject: json))).recentFailures == nil)
    }
}

@Suite("status page: HTML escaping and content")
struct StatusPageTests {
    @Test(arguments: [
        ("plain", "plain"), ("<script>", "&lt;script&gt;"), ("a & b", "a &amp; b"),
        (#""q" 'a'"#, "&quot;q&quot; &#39;a&#39;"),
        ("</td><td>", "&lt;/td&gt;&lt;td&gt;"), ("bell\u{07}", "bell\u{FFFD}"), ("ünï", "ünï"),
    ])
    func escaping(text: String, expected: String) {
        #expect(HTML.escape(text) == expected)
    }

    @Test func thePageHasTheTablesRefreshAndNoScript() {
        let page = StatusPage.render(StatusFixture.report, now: StatusFixture.now)
        #expect(page.hasPrefix("<!doctype html>"))
        #expect(page.contains(#"<meta http-equiv="refresh" content="5">"#))
        for id in ["repositories", "policies", "automations", "failures", "recent-failures"] {
            #expect(page.contains(#"<table id="\#(id)">"#))
        }
        #expect(page.contains("registry.example/acme/app:1.1.0@sha256:0123"))
        #expect(page.contains("0123456789ab"))
        #expect(page.contains("in 9m"), "the automation's next run")
        #expect(page.contains("with scan, in 48s"), "a policy's next evaluation is its repository's next scan")
        #expect(!page.contains("<script"), "no script, hostile or otherwise")
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"))
        #expect(!page.contains("\u{1B}"))
        #expect(!page.contains("src=") && !page.contains("href=") && !page.contains("@import"), "no external assets")
    }

    @Test func failuresListEveryObjectNotReadyWithItsReason() {
        let page = StatusPage.render(StatusFixture.report, now: StatusFixture.now)
        guard let start = page.range(of: #"<table id="failures">"#),
            let end = page[start.upperBound...].range(of: "</table>")
        else {
            Issue.record("no failures table")
            return
        }
        let failures = String(page[start.lowerBound..<end.upperBound])
        #expect(
            failures.contains("ImageRepository") && failures.contains("ScanFailed") && failures.contains("1m30s ago"))
        #expect(failures.contains("ImagePolicy") && failures.contains("DependencyNotReady"))
        #expect(failures.contains("<td>3</td>"), "failures in a row")
        #expect(!failures.contains("ImageUpdateAutomation"), "a ready automation is no failure")
    }

    @Test func recentFailuresKeepThoseSinceRecoveredNewestFirst() throws {
        let page = StatusPage.render(StatusFixture.report, now: StatusFixture.now)
        let start = try #require(page.range(of: #"<table id="recent-failures">"#))
        let recent = String(page[start.lowerBound...].prefix { _ in true }.split(separator: "</table>").first ?? "")
        let evil = try #require(recent.range(of: "again &lt;script&gt;"))
        let apps = try #require(recent.range(of: "push rejected"))
        #expect(evil.lowerBound < apps.lowerBound, "newest first")
        #expect(recent.contains("2h ago") && recent.contains(">recovered<") && recent.contains(">failing<"))
        var old = StatusFixture.report
        old.recentFailures = nil
        #expect(
            !StatusPage.render(old, now: StatusFixture.now).contains("recent-failures"),
            "an older daemon has no history")
    }

    @Test func aHealthyFleetSaysSoAndAConfigErrorIsShown() {
        var report = StatusFixture.report
        report.imageRepositories.removeAll { $0.name != "app" }
        report.imagePolicies.removeAll { $0.name != "app" }
        report.config.lastError = "fleet.yaml:3: <b>bad</b>"
        let page = StatusPage.render(report, now: StatusFixture.now)
        #expect(page.contains("No object is failing."))
        #expect(page.contains("fleet.yaml:3: &lt;b&gt;bad&lt;/b&gt;"))
    }
}
