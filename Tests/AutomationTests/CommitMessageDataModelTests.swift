import Template
import Testing

@testable import Automation

/// One template and what Flux's data model gave in Go 1.19 `text/template` + Sprig 3.2.3 (outputs
/// recorded by running Go on the same data, not written by hand).
enum GoCase: Sendable, CustomStringConvertible {
    case output(String, String)
    case execError(String, String)
    case parseError(String, String)

    var template: String {
        switch self {
        case .output(let t, _), .execError(let t, _), .parseError(let t, _): return t
        }
    }
    var description: String { template }

    func check(_ data: TemplateValue) {
        do {
            let out = try MessageTemplate(template).render(data)
            switch self {
            case .output(_, let expected): #expect(out == expected)
            default: Issue.record("expected an error, rendered \(out)")
            }
        } catch {
            switch self {
            case .execError(_, let message): #expect(error.message == message)
            case .parseError(_, let message): #expect(error.message.hasSuffix(": " + message))
            case .output: Issue.record("unexpected error: \(error)")
            }
        }
    }
}

/// The Go program's data: one ConfigMap change in a.yaml, automation flux-system/podinfo.
func goOracleData(values: [String: String]?) -> TemplateValue {
    CommitMessageData(
        automationNamespace: "flux-system", automationName: "podinfo",
        changes: [
            .init(
                file: "a.yaml", apiVersion: "v1", kind: "ConfigMap", namespace: "", name: "settings",
                oldValue: "1", newValue: "2", setter: "s")
        ],
        values: values
    ).templateValue
}

let goFluxNilValuesCases: [GoCase] = [
    .output("{{ toJson (index .Changed.FileChanges \"zz\") }}|{{ toJson .Changed.Objects }}", "|"),
    .output(
        "{{ .AutomationObject }}|{{ .AutomationObject.String }}|{{ .AutomationObject.MarshalLog }}",
        "flux-system/podinfo|flux-system/podinfo|{podinfo flux-system}"),
    .output(
        "{{ printf \"%v|%+v|%#v|%T|%s|%q|%x|%d\" .AutomationObject .AutomationObject .AutomationObject .AutomationObject .AutomationObject .AutomationObject .AutomationObject .AutomationObject }}",
        "flux-system/podinfo|flux-system/podinfo|types.NamespacedName{Namespace:\"flux-system\", Name:\"podinfo\"}|types.NamespacedName|flux-system/podinfo|\"flux-system/podinfo\"|666c75782d73797374656d2f706f64696e666f|{%!d(string=flux-system) %!d(string=podinfo)}"
    ),
    .output(
        "{{ printf \"%T|%#v|%+v\" .AutomationObject.MarshalLog .AutomationObject.MarshalLog .AutomationObject.MarshalLog }}",
        "struct { Name string \"json:\\\"name\\\"\"; Namespace string \"json:\\\"namespace,omitempty\\\"\" }|struct { Name string \"json:\\\"name\\\"\"; Namespace string \"json:\\\"namespace,omitempty\\\"\" }{Name:\"podinfo\", Namespace:\"flux-system\"}|{Name:podinfo Namespace:flux-system}"
    ),
    .output(
        "{{ toJson .AutomationObject }}|{{ toJson .AutomationObject.MarshalLog }}",
        "{\"Namespace\":\"flux-system\",\"Name\":\"podinfo\"}|{\"name\":\"podinfo\",\"namespace\":\"flux-system\"}"),
    .output(
        "{{ printf \"%+v|%#v|%T\" .Changed .Changed .Changed }}",
        "{FileChanges:map[a.yaml:map[{ResourceIdentifier:{TypeMeta:{APIVersion:v1 Kind:ConfigMap} NameMeta:{Name:settings Namespace:}}}:[{OldValue:1 NewValue:2 Setter:s}]]]}|update.Result{FileChanges:map[string]update.ObjectChanges{\"a.yaml\":update.ObjectChanges{update.ObjectIdentifier{ResourceIdentifier:yaml.ResourceIdentifier{TypeMeta:yaml.TypeMeta{APIVersion:\"v1\", Kind:\"ConfigMap\"}, NameMeta:yaml.NameMeta{Name:\"settings\", Namespace:\"\"}}}:[]update.Change{update.Change{OldValue:\"1\", NewValue:\"2\", Setter:\"s\"}}}}}|update.Result"
    ),
    .output(
        "{{ range $k, $v := .Changed.Objects }}{{ toJson $k }}|{{ $k }}|{{ printf \"%+v|%#v|%T\" $k $k $k }}|{{ $k.TypeMeta }}|{{ $k.ResourceIdentifier }}|{{ $k.NameMeta.Name }}|{{ $k.ResourceIdentifier.TypeMeta.Kind }}|{{ $k.APIVersion }}{{ end }}",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"settings\"}|{{{v1 ConfigMap} {settings }}}|{ResourceIdentifier:{TypeMeta:{APIVersion:v1 Kind:ConfigMap} NameMeta:{Name:settings Namespace:}}}|update.ObjectIdentifier{ResourceIdentifier:yaml.ResourceIdentifier{TypeMeta:yaml.TypeMeta{APIVersion:\"v1\", Kind:\"ConfigMap\"}, NameMeta:yaml.NameMeta{Name:\"settings\", Namespace:\"\"}}}|update.ObjectIdentifier|{v1 ConfigMap}|{{v1 ConfigMap} {settings }}|settings|ConfigMap|v1"
    ),
    .output(
        "{{ range $k, $v := .Changed.Objects }}{{ toJson $k.ResourceIdentifier }}|{{ toJson $k.TypeMeta }}|{{ toJson $v }}{{ end }}",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"settings\"}|{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}|[{\"OldValue\":\"1\",\"NewValue\":\"2\",\"Setter\":\"s\"}]"
    ),
    .output(
        "{{ toJson .Changed.Changes }}|{{ toJson .Changed.FileChanges }}|{{ toJson .Changed }}",
        "[{\"OldValue\":\"1\",\"NewValue\":\"2\",\"Setter\":\"s\"}]||"),
    .output(
        "{{ printf \"%T|%T|%T\" .Changed.FileChanges .Changed.Objects (index .Changed.FileChanges \"a.yaml\") }}",
        "map[string]update.ObjectChanges|update.ObjectChanges|update.ObjectChanges"),
    .output(
        "{{ printf \"%#v\" .Changed.Objects }}",
        "update.ObjectChanges{update.ObjectIdentifier{ResourceIdentifier:yaml.ResourceIdentifier{TypeMeta:yaml.TypeMeta{APIVersion:\"v1\", Kind:\"ConfigMap\"}, NameMeta:yaml.NameMeta{Name:\"settings\", Namespace:\"\"}}}:[]update.Change{update.Change{OldValue:\"1\", NewValue:\"2\", Setter:\"s\"}}}"
    ),
    .output(
        "{{ index .Changed.FileChanges \"zz\" }}|{{ printf \"%#v\" (index .Changed.FileChanges \"zz\") }}|{{ len (index .Changed.FileChanges \"zz\") }}",
        "map[]|update.ObjectChanges(nil)|0"),
    .execError(
        "{{ index .Changed.Objects \"x\" }}",
        "template: message:1:3: executing \"message\" at <index .Changed.Objects \"x\">: error calling index: value has type string; should be update.ObjectIdentifier"
    ),
    .output("{{ .Changed.FileChanges.x }}|{{ .Changed.FileChanges.x.y }}", "<no value>|<no value>"),
    .execError(
        "{{ .Changed.Objects.x }}",
        "template: message:1:11: executing \"message\" at <.Changed.Objects.x>: can't evaluate field x in type update.ObjectChanges"
    ),
    .output(
        "{{ .Values }}|{{ len .Values }}|{{ printf \"%v|%#v|%T\" .Values .Values .Values }}|{{ toJson .Values }}",
        "map[]|0|map[]|map[string]string(nil)|map[string]string|null"),
    .output(
        "{{ index .Values \"team\" }}|{{ .Values.team }}|{{ if .Values }}t{{ else }}f{{ end }}|{{ range .Values }}x{{ else }}none{{ end }}",
        "|<no value>|f|none"),
    .execError(
        "{{ keys .Values }}",
        "template: message:1:8: executing \"message\" at <.Values>: wrong type for value; expected map[string]interface {}; got map[string]string"
    ),
    .execError(
        "{{ hasKey .Values \"a\" }}",
        "template: message:1:10: executing \"message\" at <.Values>: wrong type for value; expected map[string]interface {}; got map[string]string"
    ),
    .execError(
        "{{ get .Values \"a\" }}",
        "template: message:1:7: executing \"message\" at <.Values>: wrong type for value; expected map[string]interface {}; got map[string]string"
    ),
    .execError(
        "{{ index .Values 1 }}",
        "template: message:1:3: executing \"message\" at <index .Values 1>: error calling index: value has type int; should be string"
    ),
    .execError(
        "{{ index .Values nil }}",
        "template: message:1:3: executing \"message\" at <index .Values nil>: error calling index: value is nil; should be of type string"
    ),
    .output("{{ eq .AutomationObject.Name \"podinfo\" }}|{{ .AutomationObject.Namespace }}", "true|flux-system"),
    .output("ok{{ if false }}{{ .Updated }}{{ end }}", "ok"),
]
let goFluxValuesCases: [GoCase] = [
    .output(
        "{{ .Values }}|{{ len .Values }}|{{ printf \"%v|%#v|%T\" .Values .Values .Values }}|{{ toJson .Values }}",
        "map[team:x]|1|map[team:x]|map[string]string{\"team\":\"x\"}|map[string]string|{\"team\":\"x\"}"),
    .output(
        "{{ index .Values \"team\" }}|{{ index .Values \"nope\" }}|{{ .Values.team }}|{{ .Values.nope }}|{{ if .Values }}t{{ else }}f{{ end }}|{{ range $k, $v := .Values }}{{ $k }}={{ $v }}{{ end }}",
        "x||x|<no value>|t|team=x"),
    .execError(
        "{{ hasKey .Values \"team\" }}",
        "template: message:1:10: executing \"message\" at <.Values>: wrong type for value; expected map[string]interface {}; got map[string]string"
    ),
]
let goFluxEmptyValuesCases: [GoCase] = [
    .output(
        "{{ .Values }}|{{ len .Values }}|{{ printf \"%v|%#v|%T\" .Values .Values .Values }}|{{ toJson .Values }}",
        "map[]|0|map[]|map[string]string{}|map[string]string|{}"),
    .output(
        "{{ index .Values \"team\" }}|{{ index .Values \"nope\" }}|{{ .Values.team }}|{{ .Values.nope }}|{{ if .Values }}t{{ else }}f{{ end }}|{{ range $k, $v := .Values }}{{ $k }}={{ $v }}{{ end }}",
        "||<no value>|<no value>|f|"),
    .execError(
        "{{ hasKey .Values \"team\" }}",
        "template: message:1:10: executing \"message\" at <.Values>: wrong type for value; expected map[string]interface {}; got map[string]string"
    ),
]

let goFluxMoreCases: [GoCase] = [
    .output("{{ eq .AutomationObject .AutomationObject }}", "true"),
    .execError(
        "{{ eq .AutomationObject 1 }}",
        "template: message:1:3: executing \"message\" at <eq .AutomationObject 1>: error calling eq: incompatible types for comparison"
    ),
    .output("{{ eq .Values nil }}", "true"),
    .output("{{ eq .Values .Values }}", "true"),
    .execError(
        "{{ eq .Changed .Changed }}",
        "template: message:1:3: executing \"message\" at <eq .Changed .Changed>: error calling eq: non-comparable type {map[a.yaml:map[{{{v1 ConfigMap} {settings }}}:[{1 2 s}]]]}: update.Result"
    ),
    .output(
        "{{ range $id, $ch := .Changed.Objects }}{{ eq $id $id }}{{ eq $id.TypeMeta $id.TypeMeta }}{{ end }}",
        "truetrue"),
    .output("{{ eq nil nil }}", "true"),
    .execError(
        "{{ eq (dict) (dict) }}",
        "template: message:1:3: executing \"message\" at <eq (dict) (dict)>: error calling eq: non-comparable type map[]: map[string]interface {}"
    ),
    .output("{{ ne .AutomationObject .AutomationObject.MarshalLog }}", "true"),
    .execError(
        "{{ lt .AutomationObject .AutomationObject }}",
        "template: message:1:3: executing \"message\" at <lt .AutomationObject .AutomationObject>: error calling lt: invalid type for comparison"
    ),
    .output("{{ if .Changed.Objects }}y{{ end }}{{ with .Values }}y{{ else }}n{{ end }}", "yn"),
    .output("{{ range $i, $c := .Changed.Changes }}{{ $i }}{{ $c.Setter }}{{ end }}", "0s"),
    .output(
        "{{ len .Changed.Changes }}|{{ index .Changed.Changes 0 }}|{{ slice .Changed.Changes 0 1 }}",
        "1|{1 2 s}|[{1 2 s}]"),
    .execError(
        "{{ index .AutomationObject \"x\" }}",
        "template: message:1:3: executing \"message\" at <index .AutomationObject \"x\">: error calling index: can't index item of type types.NamespacedName"
    ),
    .execError(
        "{{ .AutomationObject.String \"x\" }}",
        "template: message:1:20: executing \"message\" at <.AutomationObject.String>: wrong number of args for String: want 0 got 1"
    ),
    .execError(
        "{{ .AutomationObject.Name \"x\" }}",
        "template: message:1:20: executing \"message\" at <.AutomationObject.Name>: Name has arguments but cannot be invoked as function"
    ),
    .execError(
        "{{ .Values.team \"x\" }}",
        "template: message:1:10: executing \"message\" at <.Values.team>: team is not a method but has arguments"),
    .output(
        "{{ empty .Values }}|{{ default \"d\" .Values }}|{{ toString .Values }}|{{ empty .AutomationObject }}",
        "true|d|map[]|false"),
    .output("{{ printf \"%v\" .Changed.Objects | len }}", "45"),
    .output(
        "{{ html .AutomationObject }}|{{ js .Values }}|{{ urlquery .Changed.Changes }}|{{ print .Values .AutomationObject }}",
        "flux-system/podinfo|map[]|%5B%7B1+2+s%7D%5D|map[] flux-system/podinfo"),
]

/// Flux's data model exactly (issue 14 item 5): `types.NamespacedName` with its methods, object
/// identifiers embedding kyaml's `ResourceIdentifier`, typed maps, `.Values` nil when absent.
@Suite struct CommitMessageDataModelTests {
    @Test(arguments: goFluxNilValuesCases)
    func absentValues(_ c: GoCase) { c.check(goOracleData(values: nil)) }

    @Test(arguments: goFluxMoreCases)
    func comparisonsAndErrors(_ c: GoCase) { c.check(goOracleData(values: nil)) }

    @Test(arguments: goFluxValuesCases)
    func values(_ c: GoCase) { c.check(goOracleData(values: ["team": "x"])) }

    @Test(arguments: goFluxEmptyValuesCases)
    func emptyValues(_ c: GoCase) { c.check(goOracleData(values: [:])) }

    @Test func objectsWhoseNamesDifferOnlyInNormalisationStayApart() throws {
        func change(_ name: String) -> CommitMessageData.Change {
            .init(
                file: "a.yaml", apiVersion: "v1", kind: "ConfigMap", namespace: "", name: name, oldValue: "1",
                newValue: "2", setter: "s")
        }
        let data = CommitMessageData(
            automationNamespace: "a", automationName: "b",
            changes: [change("caf\u{E9}"), change("cafe\u{301}")], values: nil)
        let out = try MessageTemplate(
            "{{ len .Changed.Objects }}|{{ range $id, $_ := .Changed.Objects }}{{ len $id.Name }},{{ end }}"
        )
        .render(data.templateValue)
        #expect(out == "2|6,5,")
    }
}
