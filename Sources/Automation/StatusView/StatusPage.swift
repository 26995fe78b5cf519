#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The daemon's `GET /` page: the status report as one server-rendered HTML document.
///
/// No JavaScript and no external assets (the page must work from a port-forward with no
/// internet and under a strict CSP); the browser reloads it every `refreshSeconds`. Every
/// value from the report passes through `HTML.escape`: names, tags, messages and URLs come
/// from users' manifests and from registries.
public enum StatusPage {
    /// How often the browser reloads the page.
    public static let refreshSeconds = 5

    /// The page for `report`, times relative to `now`.
    public static func render(_ report: StatusReport, now: Date) -> String {
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>imagebot status</title>
            <style>\(style)</style>
            </head>
            <body>

            """
        html += header(report, now: now)
        // What needs attention first, then the three tables of `flux get images all`, then
        // the history (failures since recovered included).
        html += failures(report, now: now)
        html += section("Image repositories", id: "repositories", repositories(report, now: now))
        html += section("Image policies", id: "policies", policies(report, now: now))
        html += section("Image update automations", id: "automations", automations(report, now: now))
        html += recentFailures(report, now: now)
        html += "</body>\n</html>\n"
        return html
    }

    // MARK: - Parts

    static func header(_ report: StatusReport, now: Date) -> String {
        var facts = ["as of \(time(now, now: now, relative: false))"]
        if report.shard.count > 1 { facts.append("shard \(report.shard.index) of \(report.shard.count)") }
        if let loaded = report.config.loadedAt {
            facts.append("config <code>\(e(report.config.directory))</code> loaded \(time(loaded, now: now))")
        } else {
            facts.append("config <code>\(e(report.config.directory))</code> not loaded yet")
        }
        facts.append("refreshes every \(refreshSeconds) s")
        var html = "<header>\n<h1>imagebot</h1>\n<p class=\"facts\">\(facts.joined(separator: " · "))</p>\n</header>\n"
        if let error = report.config.lastError {
            html +=
                "<p class=\"banner bad\">The latest config change was not applied (the last good config runs): \(e(error))</p>\n"
        }
        if !report.config.warnings.isEmpty {
            html +=
                "<details class=\"banner warn\"><summary>\(report.config.warnings.count) config warnings</summary><ul>"
            html += report.config.warnings.map { "<li>\(e($0))</li>" }.joined()
            html += "</ul></details>\n"
        }
        return html
    }

    /// Every object whose `Ready` is `False`, with its reason, since when, and the retry.
    static func failures(_ report: StatusReport, now: Date) -> String {
        struct Failure {
            var kind, name: String
            var condition: Condition
            var attempts: Int?
            var next: String
        }
        var list: [Failure] = []
        for repository in report.imageRepositories {
            guard let ready = repository.conditions.ready, ready.status == "False" else { continue }
            list.append(
                Failure(
                    kind: "ImageRepository", name: "\(repository.namespace)/\(repository.name)", condition: ready,
                    attempts: repository.consecutiveFailures,
                    next: StatusFormatting.next(repository.nextScan, now: now, busy: "scanning")))
        }
        for policy in report.imagePolicies {
            guard let ready = policy.conditions.ready, ready.status == "False" else { continue }
            list.append(
                Failure(
                    kind: "ImagePolicy", name: "\(policy.namespace)/\(policy.name)", condition: ready, attempts: nil,
                    next: nextEvaluation(policy, report, now: now)))
        }
        for automation in report.imageUpdateAutomations {
            guard let ready = automation.conditions.ready, ready.status == "False" else { continue }
            list.append(
                Failure(
                    kind: "ImageUpdateAutomation", name: "\(automation.namespace)/\(automation.name)", condition: ready,
                    attempts: automation.consecutiveFailures, next: StatusFormatting.next(automation.nextRun, now: now))
            )
        }
        guard !list.isEmpty else {
            return section("Failing now", id: "failures", "<p class=\"quiet\">No object is failing.</p>\n")
        }
        list.sort { $0.condition.lastTransitionTime > $1.condition.lastTransitionTime }
        let rows = list.map { failure in
            [
                e(failure.kind), "<strong class=\"name\">\(e(failure.name))</strong>", e(failure.condition.reason),
                "<span class=\"message\">\(e(failure.condition.message))</span>",
                time(failure.condition.lastTransitionTime, now: now),
                failure.attempts.map { "\($0)" } ?? "-", when(failure.next),
            ]
        }
        return section(
            "Failing now", id: "failures",
            table(
                id: "failures",
                ["Kind", "Name", "Reason", "Message", "Failing since", "Failures in a row", "Next try"], rows))
    }

    /// The daemon's failure history, newest first, with whether each object has recovered.
    static func recentFailures(_ report: StatusReport, now: Date) -> String {
        guard let records = report.recentFailures, !records.isEmpty else { return "" }
        let rows = records.map { record in
            let current = report.readiness(kind: record.kind, namespace: record.namespace, name: record.name)
            let state =
                current?.status == "True"
                ? "<span class=\"badge ok\">recovered</span>"
                : current?.status == "False"
                    ? "<span class=\"badge bad\">failing</span>" : "<span class=\"badge unknown\">unknown</span>"
            return [
                time(record.time, now: now), e(record.kind),
                "<strong class=\"name\">\(e("\(record.namespace)/\(record.name)"))</strong>",
                e(record.reason), "<span class=\"message\">\(e(record.message))</span>", state,
            ]
        }
        return section(
            "Recent failures", id: "recent-failures",
            table(id: "recent-failures", ["When", "Kind", "Name", "Reason", "Message", "Now"], rows))
    }

    static func repositories(_ report: StatusReport, now: Date) -> String {
        table(
            id: "repositories", ["Name", "Image", "Tags", "Last scan", "Ready", "Message", "Next scan"],
            report.imageRepositories.map { repository in
                let ready = repository.conditions.ready
                return [
                    "<strong class=\"name\">\(e("\(repository.namespace)/\(repository.name)"))</strong>",
                    "<code>\(e(repository.image))</code>",
                    repository.lastScanResult.map { "\($0.tagCount)" } ?? "-",
                    repository.lastScanResult.map { time($0.scanTime, now: now) } ?? "-",
                    badge(ready), message(ready),
                    when(StatusFormatting.next(repository.nextScan, now: now, busy: "scanning")),
                ]
            })
    }

    static func policies(_ report: StatusReport, now: Date) -> String {
        table(
            id: "policies", ["Name", "Latest image", "Ready", "Decision", "Next evaluation"],
            report.imagePolicies.map { policy in
                let ready = policy.conditions.ready
                let latest = policy.latestRef.map { "<code>\(e(StatusFormatting.image($0)))</code>" } ?? "-"
                let since =
                    policy.latestRefSince.map { "<br><span class=\"quiet\">since \(time($0, now: now))</span>" } ?? ""
                return [
                    "<strong class=\"name\">\(e("\(policy.namespace)/\(policy.name)"))</strong>",
                    latest + since,
                    badge(ready),
                    "<span class=\"message\">\(e(StatusTable.decision(policy, in: report)))</span>",
                    when(nextEvaluation(policy, report, now: now)),
                ]
            })
    }

    static func automations(_ report: StatusReport, now: Date) -> String {
        table(
            id: "automations", ["Name", "Last commit", "Last push", "Ready", "Message", "Next run"],
            report.imageUpdateAutomations.map { automation in
                let ready = automation.conditions.ready
                var text = message(ready)
                if !automation.diagnostics.isEmpty {
                    text +=
                        "<ul class=\"diagnostics\">" + automation.diagnostics.map { "<li>\(e($0))</li>" }.joined()
                        + "</ul>"
                }
                let commit =
                    automation.lastPushCommit.map {
                        "<code title=\"\(e($0))\">\(e(StatusFormatting.shortCommit($0)))</code>"
                    } ?? "-"
                return [
                    "<strong class=\"name\">\(e("\(automation.namespace)/\(automation.name)"))</strong>",
                    commit,
                    automation.lastPushTime.map { time($0, now: now) } ?? "-",
                    badge(ready), text,
                    when(StatusFormatting.next(automation.nextRun, now: now)),
                ]
            })
    }

    /// Policies are evaluated on each scan of their repository.
    static func nextEvaluation(_ policy: PolicyStatus, _ report: StatusReport, now: Date) -> String {
        guard let repository = report.repository(of: policy) else { return "-" }
        return "with scan, " + StatusFormatting.next(repository.nextScan, now: now, busy: "scanning")
    }

    // MARK: - HTML pieces (arguments are HTML already; callers escape values)

    static func e(_ text: String) -> String { HTML.escape(text) }

    static func section(_ title: String, id: String, _ body: String) -> String {
        "<section id=\"section-\(id)\">\n<h2>\(title)</h2>\n\(body)</section>\n"
    }

    static func table(id: String, _ headers: [String], _ rows: [[String]]) -> String {
        // Wide tables scroll sideways in their own box on narrow screens instead of squeezing
        // messages to a letter a line.
        var html =
            "<div class=\"scroll\">\n<table id=\"\(id)\">\n<thead><tr>" + headers.map { "<th>\($0)</th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
        if rows.isEmpty {
            html += "<tr><td colspan=\"\(headers.count)\" class=\"quiet\">none</td></tr>\n"
        }
        for row in rows {
            html += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table>\n</div>\n"
    }

    /// A scheduled time, kept on one line.
    static func when(_ text: String) -> String {
        "<span class=\"when\">\(e(text))</span>"
    }

    static func badge(_ condition: Condition?) -> String {
        let status = StatusFormatting.readiness(condition)
        let kind = status == "True" ? "ok" : status == "False" ? "bad" : "unknown"
        return "<span class=\"badge \(kind)\">\(e(status))</span>"
    }

    static func message(_ condition: Condition?) -> String {
        let text = StatusFormatting.reasonAndMessage(condition)
        return text.isEmpty ? "" : "<span class=\"message\">\(e(text))</span>"
    }

    /// `3m ago` with the exact UTC time on hover and in `datetime`.
    static func time(_ date: Date, now: Date, relative: Bool = true) -> String {
        let stamp = e(StatusFormatting.timestamp(date))
        return
            "<time datetime=\"\(stamp)\" title=\"\(stamp)\">\(relative ? e(StatusFormatting.ago(date, now: now)) : stamp)</time>"
    }

    static let style = """
        :root{color-scheme:light dark;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--head:#f6f8fa;--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--head:#161b22;--ok:#3fb950;--bad:#f85149;--warn:#d29922}}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:24px auto;padding:0 20px;max-width:1400px}
        header{display:flex;align-items:baseline;gap:16px;flex-wrap:wrap;border-bottom:1px solid var(--line);margin-bottom:8px}
        h1{font-size:22px;margin:0 0 8px}
        h2{font-size:16px;margin:24px 0 8px}
        .facts,.quiet{color:var(--muted)}
        .facts{margin:0 0 8px}
        table{border-collapse:collapse;width:100%;border:1px solid var(--line)}
        th,td{text-align:left;vertical-align:top;padding:6px 10px;border-bottom:1px solid var(--line)}
        th{background:var(--head);font-weight:600;white-space:nowrap}
        tbody tr:nth-child(even){background:color-mix(in srgb,var(--head) 60%,transparent)}
        td{overflow-wrap:break-word}
        .message,code{overflow-wrap:anywhere}
        .name,.badge,.when,time{white-space:nowrap}
        code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        .message{display:block;min-width:24ch;max-width:60ch}
        .scroll{overflow-x:auto}
        @media (max-width:800px){table{width:max-content}.message{max-width:40ch}}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
        .badge.ok{background:var(--ok)}
        .badge.bad{background:var(--bad)}
        .banner{padding:8px 12px;border-radius:6px;border:1px solid currentColor}
        .banner.bad{color:var(--bad)}
        .banner.warn{color:var(--warn)}
        ul.diagnostics{margin:4px 0 0;padding-left:18px;color:var(--warn)}
        """
}
