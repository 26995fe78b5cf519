import Testing
@testable import Committer

/// The single change of Flux's controller test fixture (testdata/appconfig).
let fluxChange = CommitMessageData.Change(
    file: "deploy.yaml", apiVersion: "apps/v1", kind: "Deployment", namespace: "", name: "test",
    oldValue: "helloworld:1.0.0", newValue: "helloworld:v1.0.0", setter: "ns:policy")

let fluxData = CommitMessageData(
    automationNamespace: "ns", automationName: "update-test", changes: [fluxChange],
    values: ["cluster": "prod", "testing": "yes"])

struct FluxExample: Sendable, CustomStringConvertible {
    var name: String
    var template: String
    var expected: String
    var description: String { name }
}

let fluxExamples: [FluxExample] = [
    FluxExample(name: "commit summary (v1 port of testCommitTemplate)", template: """
        Commit summary

        Automation: {{ .AutomationObject }}

        Files:
        {{ range $filename, $_ := .Changed.FileChanges -}}
        - {{ $filename }}
        {{ end -}}

        Objects:
        {{ range $resource, $_ := .Changed.Objects -}}
        {{ if eq $resource.Kind "Deployment" -}}
        - {{ $resource.Kind | lower }} {{ $resource.Name | lower }}
        {{ else -}}
        - {{ $resource.Kind }} {{ $resource.Name }}
        {{ end -}}
        {{ end -}}

        Images:
        {{ range .Changed.Changes -}}
        - {{ .NewValue }} ({{ .Setter }})
        {{ end -}}

        """, expected: """
        Commit summary

        Automation: ns/update-test

        Files:
        - deploy.yaml
        Objects:
        - deployment test
        Images:
        - helloworld:v1.0.0 (ns:policy)

        """),
    FluxExample(name: "nested FileChanges (ResultV2)", template: """
        Commit summary with ResultV2

        Automation: {{ .AutomationObject }}

        {{ range $filename, $objchange := .Changed.FileChanges -}}
        - File: {{ $filename }}
        {{- range $obj, $changes := $objchange }}
          - Object: {{ $obj.Kind }}/{{ $obj.Namespace }}/{{ $obj.Name }}
            Changes:
        {{- range $_ , $change := $changes }}
            - {{ $change.OldValue }} -> {{ $change.NewValue }} ({{ $change.Setter }})
        {{ end -}}
        {{ end -}}
        {{ end -}}

        """, expected: """
        Commit summary with ResultV2

        Automation: ns/update-test

        - File: deploy.yaml
          - Object: Deployment//test
            Changes:
            - helloworld:1.0.0 -> helloworld:v1.0.0 (ns:policy)

        """),
    FluxExample(name: "values", template: """
        Commit summary

        Automation: {{ .AutomationObject }}

        Cluster: {{ index .Values "cluster" }}
        Testing: {{ .Values.testing }}

        """, expected: """
        Commit summary

        Automation: ns/update-test

        Cluster: prod
        Testing: yes

        """),
    FluxExample(name: "docs: Changes and Files", template: """
        Automated image update

        Changes:
        {{ range .Changed.Changes -}}
        - {{ .OldValue }} -> {{ .NewValue }}
        {{ end -}}

        Files:
        {{ range $filename, $_ := .Changed.FileChanges -}}
        - {{ $filename }}
        {{ end -}}
        """, expected: """
        Automated image update

        Changes:
        - helloworld:1.0.0 -> helloworld:v1.0.0
        Files:
        - deploy.yaml

        """),
    FluxExample(name: "Gerrit Change-Id (sha256sum | trunc | toString)",
                template: "Update\n\nChange-Id: I{{ .Changed.Changes | toString | sha256sum | trunc 40 }}",
                expected: "Update\n\nChange-Id: I860f98071cdaaff5b50944b9e26073ae8dc39bb0"),
    FluxExample(name: "default message", template: MessageTemplate.defaultCommitMessage,
                expected: "Update from image update automation"),
]

@Suite struct TemplateFluxTests {
    @Test(arguments: fluxExamples)
    func fluxExample(_ example: FluxExample) throws {
        let out = try MessageTemplate(example.template).render(fluxData.templateValue)
        #expect(out == example.expected)
    }

    @Test func emptySpecUsesDefaultMessage() throws {
        #expect(try MessageTemplate.forSpec(nil).render(fluxData.templateValue) == CommitMessageData.defaultCommitMessage)
        #expect(try MessageTemplate.forSpec("").render(.null) == "Update from image update automation")
    }

    @Test func dataModelPrinting() throws {
        let render = { (s: String) throws -> String in try MessageTemplate(s).render(fluxData.templateValue) }
        #expect(try render("{{ .Changed.Changes }}") == "[{helloworld:1.0.0 helloworld:v1.0.0 ns:policy}]")
        #expect(try render("{{ .Changed }}") == "{map[deploy.yaml:map[{{{apps/v1 Deployment} {test }}}:[{helloworld:1.0.0 helloworld:v1.0.0 ns:policy}]]]}")
        #expect(try render("{{ .AutomationObject.Namespace }}|{{ .AutomationObject.Name }}") == "ns|update-test")
        #expect(try render("{{ .Values }}") == "map[cluster:prod testing:yes]")
        #expect(try render("{{ .Values.missing }}") == "<no value>")
        #expect(try render("{{ len .Changed.Objects }}") == "1")
    }

    @Test func objectsSortFieldByFieldAndChangesDeduplicate() throws {
        func c(_ file: String, _ kind: String, _ name: String, _ old: String, _ new: String) -> CommitMessageData.Change {
            .init(file: file, apiVersion: "apps/v1", kind: kind, namespace: "default", name: name, oldValue: old, newValue: new, setter: "s")
        }
        let data = CommitMessageData(automationNamespace: "a", automationName: "b", changes: [
            c("z.yaml", "StatefulSet", "db", "1", "2"),
            c("a.yaml", "Deployment", "web", "1", "2"),
            c("a.yaml", "Deployment", "api", "3", "4"),
            c("b.yaml", "Deployment", "web", "5", "6"),
        ], values: [:])
        let t = try MessageTemplate("""
            {{ range $id, $ch := .Changed.Objects }}{{ $id.Kind }}/{{ $id.Name }}:{{ range $ch }} {{ .OldValue }}>{{ .NewValue }}{{ end }};{{ end }}
            {{ range .Changed.Changes }}{{ .OldValue }}>{{ .NewValue }},{{ end }}
            {{ range $f, $_ := .Changed.FileChanges }}{{ $f }} {{ end }}
            """)
        #expect(try t.render(data.templateValue) == """
            Deployment/api: 3>4;Deployment/web: 1>2 5>6;StatefulSet/db: 1>2;
            1>2,3>4,5>6,
            a.yaml b.yaml z.yaml 
            """)
    }
}
