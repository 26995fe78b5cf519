import Automation
import Template

/// A 200-line commit message template of the shapes users write (Flux's documented loops over
/// `.Changed.FileChanges`, `.Changed.Objects` and `.Changed.Changes`, Sprig string and list
/// functions, `printf`, `toJson`), rendered over 1,000 changes in 250 files with the default
/// limits (64 KiB of output, a million steps).
func benchmarkCommitTemplate() throws {
    var changes: [CommitMessageData.Change] = []
    for n in 0..<1_000 {
        let app = "app-\(n % 400)"
        changes.append(
            CommitMessageData.Change(
                file: "apps/team-\(n % 25)/\(app)-\(n % 10).yaml", apiVersion: "apps/v1", kind: "Deployment",
                namespace: "team-\(n % 25)", name: app, oldValue: "1.\(n % 7).0", newValue: "1.\(n % 7).1",
                setter: "flux-system:\(app):tag"))
    }
    let data = CommitMessageData(
        automationNamespace: "flux-system", automationName: "fleet", changes: changes,
        values: ["cluster": "prod-eu-1", "team": "platform"])

    var lines = [
        "{{ $count := len .Changed.Changes -}}",
        "chore(images): {{ $count }} image updates on {{ .Values.cluster | upper }}",
        "",
        "Automation: {{ .AutomationObject }} ({{ .AutomationObject.Namespace }}/{{ .AutomationObject.Name }})",
        "Files: {{ len .Changed.FileChanges }}, objects: {{ len .Changed.Objects }}",
        "",
        "{{ range $file, $objects := .Changed.FileChanges -}}",
        "{{ $file | base }} {{ range $id, $list := $objects }}{{ $id.Kind | lower | trunc 3 }}{{ len $list }}{{ end }}",
        "{{ end -}}",
        "",
        "{{ range .Changed.Changes -}}",
        "{{ .NewValue }}",
        "{{ end -}}",
        // Accumulating with `append` costs a step per element copied (quadratic in the changes):
        // once is 500,000 steps over 1,000 changes, so this shape is here once, not per line.
        #"{{ $s := list }}{{ range .Changed.Changes }}{{ $s = append $s .Setter }}{{ end }}{{ $s | uniq | len }} setters"#,
    ]
    // The rest of the 200 lines: the summaries users build, each over the whole change list.
    let shapes = [
        #"{{ printf "%-12s %5d" "changes" (len .Changed.Changes) }}"#,
        #"{{ range $id, $_ := .Changed.Objects }}{{ if hasPrefix "app-1" $id.Name }}.{{ end }}{{ end }}"#,
        #"{{ .Values | toJson | sha256sum | trunc 12 }}"#,
        #"{{ range $i, $c := .Changed.Changes }}{{ if lt $i 3 }}{{ $c.OldValue }}->{{ $c.NewValue }} {{ end }}{{ end }}"#,
        #"{{ (index .Changed.Changes 0).Setter | replace ":" "/" | title }}"#,
        #"{{ regexReplaceAll "[0-9]+" .AutomationObject.Name "N" }} {{ semverCompare ">=1.0.0" "1.2.3" }}"#,
        #"{{ range $f, $_ := .Changed.FileChanges }}{{ if contains "team-1" $f }}+{{ end }}{{ end }}"#,
    ]
    var k = 0
    while lines.count < 200 {
        lines.append(shapes[k % shapes.count])
        k += 1
    }
    let source = lines.joined(separator: "\n")

    let clock = ContinuousClock()
    let runs = 21
    var parseSamples: [Double] = []
    var renderSamples: [Double] = []
    var output = ""
    for _ in 0..<runs {
        let start = clock.now
        let template = try CommitMessageData.template(forSpec: source)
        let parsed = clock.now
        output = try template.render(data.templateValue)
        parseSamples.append(milliseconds(parsed - start))
        renderSamples.append(milliseconds(clock.now - parsed))
    }
    print(
        "commit message template: \(lines.count) lines over \(changes.count) changes, default limits, median of \(runs) runs:"
    )
    print("  \(formatted(median(parseSamples))) ms  parse")
    print("  \(formatted(median(renderSamples))) ms  render (\(output.utf8.count) bytes of message)")
    print("target: at most 100 ms to parse and render (a commit is pushed once per run)")
}
