import Testing

@testable import Template

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(floatLiteral value: Double) { self = .float(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    init(dictionaryLiteral elements: (TemplateValue, TemplateValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { a, _ in a }))
    }
}

let person = TemplateValue.record(
    TemplateRecord(
        typeName: "main.Person", fields: ["Name": "Ann", "Age": 42], fieldOrder: ["Name", "Age"]))

let sample: TemplateValue = [
    "s": "Hello", "e": "", "n": 3, "z": 0, "f": 1.5, "t": true,
    "list": ["b", "a", "c"], "nums": [1, 2, 3], "empty": [], "m": ["b": 2, "a": 1],
    "nested": ["x": ["y": "deep"]], "nil": .null, "csv": "a,b,c", "path": "  spaced  ", "rec": person,
]

struct RenderCase: Sendable, CustomStringConvertible {
    var template: String
    var expected: String
    init(_ template: String, _ expected: String) {
        self.template = template
        self.expected = expected
    }
    var description: String { template }
}

let renderCases: [RenderCase] = [
    // trim markers and comments
    .init("a  {{- 1 -}}  b", "a1b"),
    .init("a \n\t{{- .s }}\n", "aHello\n"),
    .init("a\n{{- /* c */ -}}\nb", "ab"),
    .init("{{/* comment */}}x", "x"),
    .init("{{-3}}", "-3"),
    .init("x {{- 3}} {{3 -}} y", "x3 3y"),
    // pipelines
    .init("{{ .s | lower }}", "hello"),
    .init(#"{{ "abc" | printf "%s-%s" "x" }}"#, "x-abc"),
    .init(#"{{ .s | printf "%q" }}"#, "\"Hello\""),
    .init(#"{{ (print "a" "b") | upper }}"#, "AB"),
    .init("{{ (index .nested \"x\").y }}", "deep"),
    // variables
    .init("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"),
    .init("{{ $x := .s }}{{ range .list }}{{ $x }}{{ end }}", "HelloHelloHello"),
    .init("{{ range .list }}{{ $.s }}{{ . }}{{ end }}", "HellobHelloaHelloc"),
    .init("{{ $c := 0 }}{{ range .nums }}{{ $c = . }}{{ end }}{{ $c }}", "3"),
    .init("{{ with .s }}{{ $y := . }}{{ $y }}{{ end }}", "Hello"),
    // range
    .init("{{ range $i, $v := .list }}{{ $i }}={{ $v }} {{ end }}", "0=b 1=a 2=c "),
    .init("{{ range $k, $v := .m }}{{ $k }}:{{ $v }},{{ end }}", "a:1,b:2,"),
    .init("{{ range $v := .m }}{{ $v }}{{ end }}", "12"),
    .init("{{ range .empty }}x{{ else }}none{{ end }}", "none"),
    .init("{{ range .missing }}x{{ else }}none{{ end }}", "none"),
    .init("{{ range 3 }}{{ . }}{{ end }}", "012"),
    .init("{{ range $i := 3 }}{{ $i }}{{ end }}", "012"),
    .init("{{ range 0 }}x{{ else }}zero{{ end }}", "zero"),
    .init("{{ range .nums }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ end }}", "13"),
    .init("{{ range .nums }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}", "1"),
    .init(
        "{{ range $k, $v := .nested }}{{ range $k2, $v2 := $v }}{{ $k }}.{{ $k2 }}={{ $v2 }}{{ end }}{{ end }}",
        "x.y=deep"),
    // if / with
    .init("{{ if .e }}a{{ else if .z }}b{{ else if .n }}c{{ else }}d{{ end }}", "c"),
    .init(
        "{{ if .empty }}T{{ else }}F{{ end }}{{ if .m }}T{{ end }}{{ if .nil }}T{{ else }}F{{ end }}{{ if .f }}T{{ end }}{{ if \"0\" }}T{{ end }}{{ if .rec }}T{{ end }}",
        "FTFTTT"),
    .init("{{ with .nested.x }}{{ .y }}{{ end }}", "deep"),
    .init("{{ with .e }}x{{ else }}empty{{ end }}", "empty"),
    .init("{{ with .e }}x{{ else with .s }}{{ . }}{{ end }}", "Hello"),
    .init("{{ if $v := .n }}{{ $v }}{{ end }}", "3"),
    // define / template / block
    .init("{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" .s }}{{ template \"t\" 5 }}", "[Hello][5]"),
    .init("{{ define \"t\" }}{{ . }}{{ end }}{{ template \"t\" }}", "<no value>"),
    .init("{{ block \"b\" .n }}<{{ . }}>{{ end }}", "<3>"),
    .init(
        "{{ define \"r\" }}{{ if gt . 0 }}{{ . }}{{ template \"r\" (len (slice \"xxxxx\" 0 (print (len (slice \"xxxxxxxxx\" 1 .))) )) }}{{ end }}{{ end }}x",
        "x"),
    // fields and printing
    .init("{{ .nested.x.y }}|{{ .rec.Name }}|{{ .rec.Age }}", "deep|Ann|42"),
    .init("{{ .missing }}|{{ .missing.deeper }}|{{ .nil }}", "<no value>|<no value>|<no value>"),
    .init(
        "{{ .m }}|{{ .list }}|{{ .rec }}|{{ .f }}|{{ .t }}|{{ .empty }}", "map[a:1 b:2]|[b a c]|{Ann 42}|1.5|true|[]"),
    .init("{{ 1e6 }}|{{ 100000.0 }}|{{ 0.00001 }}|{{ -2.5 }}|{{ 1.0 }}", "1e+06|100000|1e-05|-2.5|1"),
    .init("{{ 0x1F }}|{{ 1_000 }}|{{ 'a' }}|{{ 0o17 }}|{{ 0b101 }}", "31|1000|97|15|5"),
    .init("{{ `raw\\n` }}|{{ \"esc\\t\\u00e9\" }}", "raw\\n|esc\t\u{e9}"),
    .init("{{ list 1 nil \"a\" }}", "[1 <nil> a]"),
    // and / or / not
    .init("{{ and 1 0 \"x\" }}|{{ and 1 \"x\" }}|{{ or 0 \"\" \"y\" }}|{{ or 0 \"\" }}|{{ not .e }}", "0|x|y||true"),
    .init("{{ or 1 .nil.x }}|{{ and 0 .nil.x }}", "1|0"),
    .init("{{ .e | or \"fallback\" }}", "fallback"),
    // comparisons
    .init(
        "{{ eq .s \"x\" \"Hello\" }}|{{ ne 1 2 }}|{{ lt 1 2 }}|{{ le 2 2 }}|{{ gt \"b\" \"a\" }}|{{ ge 1.5 2.5 }}",
        "true|true|true|true|true|false"),
    .init("{{ eq .missing \"x\" }}|{{ eq .rec .rec }}|{{ eq .n 3 }}", "false|true|true"),
    // len / index / slice
    .init("{{ len .list }}{{ len .s }}{{ len .m }}{{ len \"é\" }}", "3522"),
    .init(
        "{{ index .list 1 }}|{{ index .m \"b\" }}|{{ index .nested \"x\" \"y\" }}|{{ index .m \"zz\" }}|{{ index .s 0 }}",
        "a|2|deep|<no value>|72"),
    .init("{{ slice .list 1 }}|{{ slice .list }}|{{ slice .list 0 1 2 }}", "[a c]|[b a c]|[b]"),
    // print family
    .init("{{ print 1 2 \"a\" 3 \"b\" \"c\" }}", "1 2a3bc"),
    .init("{{ println 1 \"a\" }}", "1 a\n"),
    .init("{{ print .missing }}", "<nil>"),
    .init(
        #"{{ printf "%5s|%-5s|%.2f|%d|%05d|%x|%X|%t|%%|%v|%q" "ab" "cd" 3.14159 42 42 255 "hi" true .list "q" }}"#,
        "   ab|cd   |3.14|42|00042|ff|6869|true|%|[b a c]|\"q\""),
    .init(
        #"{{ printf "%d" "x" }}|{{ printf "%s %s" "a" }}|{{ printf "%s" "a" "b" }}"#,
        "%!d(string=x)|a %!s(MISSING)|a%!(EXTRA string=b)"),
    .init(#"{{ printf "%v %v %+d %.1s" .f 2.0 5 "xyz" }}"#, "1.5 2 +5 x"),
    .init(
        #"{{ printf "%8.3f|%e|%g|%c|%-4d|" 3.14159 1234.5678 0.000012 'x' 7 }}"#,
        "   3.142|1.234568e+03|1.2e-05|x|7   |"),
    // html / js / urlquery
    .init(#"{{ html "<a href=\"x\">&'" }}"#, "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"),
    .init(#"{{ js "it's <b> \"q\" =\n" }}"#, #"it\'s \u003Cb\u003E \"q\" \u003D\u000A"#),
    .init(
        #"{{ urlquery "a b&c=d/é" }}|{{ html .missing }}|{{ html 1 2 }}"#, "a+b%26c%3Dd%2F%C3%A9|&lt;no value&gt;|1 2"),
    .init(
        #"{{ printf "%s|%d" .missing nil }}|{{ printf "%q" "a\u00a0\x01é" }}"#, #"%!s(<nil>)|%!d(<nil>)|"a\u00a0\x01é""#
    ),
    // sprig: strings
    .init("{{ upper \"straße\" }}|{{ lower \"ΣΑΣ\" }}", "STRAßE|σασ"),
    .init("{{ title \"hello wORLD foo-bar\" }}|{{ upper .s }}|{{ lower \"ÀB\" }}", "Hello WORLD Foo-Bar|HELLO|àb"),
    .init(
        "[{{ trim .path }}]|{{ trimAll \"$\" \"$$5.00$\" }}|{{ trimPrefix \"He\" .s }}|{{ trimSuffix \"lo\" .s }}|{{ .s | trimPrefix \"x\" }}",
        "[spaced]|5.00|llo|Hel|Hello"),
    .init(
        "{{ replace \"l\" \"L\" .s }}|{{ .s | replace \"Hello\" \"Bye\" }}|{{ replace \"\" \"-\" \"ab\" }}",
        "HeLLo|Bye|-a-b-"),
    .init(
        "{{ trunc 3 .s }}|{{ trunc -2 .s }}|{{ trunc 10 .s }}|{{ trunc -10 .s }}|{{ trunc 0 .s }}",
        "Hel|lo|Hello|Hello|"),
    .init(
        "{{ contains \"ell\" .s }}|{{ hasPrefix \"He\" .s }}|{{ hasSuffix \"x\" .s }}|{{ contains \"\" .s }}",
        "true|true|false|true"),
    .init("{{ repeat 3 \"ab\" }}|{{ repeat 0 \"ab\" }}", "ababab|"),
    .init(#"{{ quote "a\"b" 1 }}|{{ squote "a" nil "b" }}|{{ cat "a" 1 nil "b" }}"#, #""a\"b" "1"|'a' 'b'|a 1 b"#),
    .init("{{ nospace \" a b\\tc \" }}|{{ indent 2 \"a\\nb\" }}|{{ nindent 2 \"a\" }}", "abc|  a\n  b|\n  a"),
    .init(
        "{{ sha1sum \"abc\" }}|{{ sha256sum \"\" }}",
        "a9993e364706816aba3e25717850c26c9cd0d89d|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    .init(
        "{{ b64enc \"hello world\" }}|{{ b64dec \"aGVsbG8gd29ybGQ=\" }}|{{ b64dec \"!!\" }}",
        "aGVsbG8gd29ybGQ=|hello world|illegal base64 data at input byte 0"),
    .init("{{ toString 5 }}|{{ toString .list }}|{{ toString .rec }}|{{ toString nil }}", "5|[b a c]|{Ann 42}|<nil>"),
    .init(
        #"{{ toJson .m }}|{{ toJson "<&>\n" }}|{{ toJson .rec }}|{{ toJson .list }}|{{ toJson .f }}|{{ toJson nil }}|{{ toJson 1e21 }}|{{ toJson 0.0000001 }}"#,
        #"{"a":1,"b":2}|"\u003c\u0026\u003e\n"|{"Name":"Ann","Age":42}|["b","a","c"]|1.5|null|1e+21|1e-7"#),
    // sprig: defaults and logic
    .init(
        "{{ default \"x\" .e }}|{{ default \"x\" .s }}|{{ .missing | default \"d\" }}|{{ default \"x\" .z }}|{{ default \"x\" .rec }}",
        "x|Hello|d|x|{Ann 42}"),
    .init("{{ empty .e }}|{{ empty .rec }}|{{ empty .missing }}|{{ empty .nums }}", "true|false|true|false"),
    .init("{{ coalesce .e .z .s }}|{{ coalesce .e }}", "Hello|<no value>"),
    .init("{{ ternary \"y\" \"n\" true }}|{{ false | ternary \"y\" \"n\" }}", "y|n"),
    // sprig: lists and dicts
    .init("{{ list 1 \"a\" }}|{{ first .list }}|{{ last .list }}|{{ first .empty }}", "[1 a]|b|c|<no value>"),
    .init(
        "{{ uniq (list 1 2 1 \"a\" \"a\") }}|{{ sortAlpha .list }}|{{ .list | sortAlpha | join \",\" }}|{{ join \"-\" .nums }}",
        "[1 2 a]|[a b c]|a,b,c|1-2-3"),
    .init(
        "{{ (split \",\" .csv)._1 }}|{{ split \",\" .csv }}|{{ splitList \",\" .csv }}|{{ splitList \"\" \"ab\" }}",
        "b|map[_0:a _1:b _2:c]|[a b c]|[a b]"),
    .init(
        "{{ keys .m | sortAlpha }}|{{ $d := dict \"k\" \"v\" \"n\" 1 }}{{ get $d \"k\" }}{{ get $d \"zz\" }}{{ hasKey $d \"n\" }}|{{ (dict \"a\" \"b\").a }}|{{ dict \"odd\" }}",
        "[a b]|vtrue|b|map[odd:]"),
]

struct ErrorCase: Sendable, CustomStringConvertible {
    var template: String
    var kind: TemplateError.Kind
    var line: Int
    var column: Int
    var message: String
    init(_ template: String, _ kind: TemplateError.Kind, _ line: Int, _ column: Int, _ message: String) {
        self.template = template
        self.kind = kind
        self.line = line
        self.column = column
        self.message = message
    }
    var description: String { template }
}

let errorCases: [ErrorCase] = [
    // parse errors
    .init("{{ .s", .parse, 1, 0, "template: message:1: unclosed action"),
    .init("a\n{{ foo }}", .parse, 2, 3, #"template: message:2: function "foo" not defined"#),
    .init("{{ $x }}", .parse, 1, 3, #"template: message:1: undefined variable "$x""#),
    .init(
        "{{ $x = 1 }}", .execute, 1, 8, #"template: message:1:8: executing "message" at <1>: undefined variable: $x"#),
    .init("{{ if .s }}x", .parse, 1, 12, "template: message:1: unexpected EOF"),
    .init("x\n\n  {{ end }}", .parse, 3, 5, "template: message:3: unexpected {{end}}"),
    .init("{{ else }}", .parse, 1, 3, "template: message:1: unexpected {{else}}"),
    .init("{{ break }}", .parse, 1, 3, "template: message:1: {{break}} outside {{range}}"),
    .init("{{ .s }\n", .parse, 1, 6, #"template: message:1: unexpected "}" in operand"#),
    .init(#"{{ "abc }}"#, .parse, 1, 3, "template: message:1: unterminated quoted string"),
    .init("{{/* x */ }}", .parse, 1, 0, "template: message:1: comment ends before closing delimiter"),
    .init("{{/* x ", .parse, 1, 0, "template: message:1: unclosed comment"),
    .init("{{ 3x }}", .parse, 1, 3, #"template: message:1: bad number syntax: "3x""#),
    .init("{{ . | 3 }}", .parse, 1, 7, "template: message:1: non executable command in pipeline stage 2"),
    .init("{{ }}", .parse, 1, 3, "template: message:1: missing value for command"),
    .init(
        #"{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}"#, .parse, 1, 36,
        #"template: message:1: template: multiple definition of template "a""#),
    .init("{{ if .s }}{{ else with .s }}{{ end }}", .parse, 1, 14, "template: message:1: unexpected <with> in else"),
    .init("{{ ( .s }}", .parse, 1, 8, "template: message:1: unclosed left paren"),
    .init("{{ (.s -}}", .parse, 1, 8, "template: message:1: unclosed left paren"),
    .init("{{ .s ) }}", .parse, 1, 6, #"template: message:1: unexpected ")" in command"#),
    // execution errors
    .init(
        "line1\n  {{ .nil.x }}", .execute, 2, 9,
        #"template: message:2:9: executing "message" at <.nil.x>: nil pointer evaluating interface {}.x"#),
    .init(
        "{{ .rec.Nope }}", .execute, 1, 7,
        #"template: message:1:7: executing "message" at <.rec.Nope>: can't evaluate field Nope in type main.Person"#),
    .init(
        "{{ .s.x }}", .execute, 1, 5,
        #"template: message:1:5: executing "message" at <.s.x>: can't evaluate field x in type string"#),
    .init(
        #"{{ lt 1 "a" }}"#, .execute, 1, 3,
        #"template: message:1:3: executing "message" at <lt 1 "a">: error calling lt: incompatible types for comparison"#
    ),
    .init(
        "{{ eq 1 1.0 }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <eq 1 1.0>: error calling eq: incompatible types for comparison"#
    ),
    .init(
        "{{ lt true false }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <lt true false>: error calling lt: invalid type for comparison"#
    ),
    .init(
        #"{{ template "nope" }}"#, .execute, 1, 12,
        #"template: message:1:12: executing "message" at <{{template "nope"}}>: template "nope" not defined"#),
    .init(
        "{{ index .list 5 }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <index .list 5>: error calling index: index out of range: 5"#),
    .init(
        "{{ len 3 }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <len 3>: error calling len: len of type int"#),
    .init(
        "{{ lower 5 }}", .execute, 1, 9, #"template: message:1:9: executing "message" at <5>: expected string; found 5"#
    ),
    .init(
        "{{ lower .n }}", .execute, 1, 9,
        #"template: message:1:9: executing "message" at <.n>: wrong type for value; expected string; got int"#),
    .init(
        "{{ lower .missing }}", .execute, 1, 9,
        #"template: message:1:9: executing "message" at <.missing>: invalid value; expected string"#),
    .init(
        #"{{ trunc "a" .s }}"#, .execute, 1, 9,
        #"template: message:1:9: executing "message" at <"a">: expected integer; found "a""#),
    .init(
        "{{ first .s }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <first .s>: error calling first: Cannot find first on type string"#
    ),
    .init(
        "{{ lower }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <lower>: wrong number of args for lower: want 1 got 0"#),
    .init(
        "{{ range .s }}{{ end }}", .execute, 1, 9,
        #"template: message:1:9: executing "message" at <.s>: range can't iterate over Hello"#),
    .init("{{ nil }}", .execute, 1, 3, #"template: message:1:3: executing "message" at <nil>: nil is not a command"#),
    .init(
        "{{ .s 1 }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <.s>: s is not a method but has arguments"#),
    .init(
        "{{ eq .list .list }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <eq .list .list>: error calling eq: non-comparable type [b a c]: []interface {}"#
    ),
    .init(
        "{{ repeat -1 \"x\" }}", .execute, 1, 3,
        #"template: message:1:3: executing "message" at <repeat -1 "x">: error calling repeat: strings: negative Repeat count"#
    ),
    .init(
        "{{ define \"d\" }}\n {{ .x }}{{ end }}{{ template \"d\" 1 }}", .execute, 2, 4,
        #"template: message:2:4: executing "d" at <.x>: can't evaluate field x in type int"#),
]

@Suite struct TemplateEngineTests {
    @Test(arguments: renderCases)
    func renders(_ c: RenderCase) throws {
        let out = try MessageTemplate(c.template).render(sample)
        #expect(out == c.expected)
    }

    @Test(arguments: errorCases)
    func fails(_ c: ErrorCase) {
        do {
            let t = try MessageTemplate(c.template)
            let out = try t.render(sample)
            Issue.record("expected an error, rendered \(out)")
        } catch {
            #expect(error.kind == c.kind)
            #expect(error.line == c.line)
            #expect(error.column == c.column)
            #expect(error.description == c.message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func nilDataBehavesLikeGo() throws {
        #expect(try MessageTemplate("{{ . }}|{{ .A.B }}|{{ $ }}").render(.null) == "<no value>|<no value>|<no value>")
    }

    @Test func templateNameAppearsInErrors() {
        #expect(throws: TemplateError.self) {
            try MessageTemplate("{{ .x.y }}", name: "commit message").render(["x": 1])
        }
        do {
            _ = try MessageTemplate("{{ .x.y }}", name: "commit message").render(["x": 1])
        } catch {
            #expect(error.message.hasPrefix("template: commit message:1:5: executing \"commit message\" at <.x.y>"))
        }
    }
}
