import TestSupport
import Testing
import YAML

@testable import Setters

@Suite struct QuotingTests {
    @Test(arguments: [
        // Stay plain.
        ("v1.1", true), ("1.0.1", true), ("v1.0.1", true), ("ghcr.io/org/app:1.2.3", true),
        ("image:v1.0.0@sha256:6745aaad", true), ("sha256:abc", true), ("latest", true), ("1.2.3-rc.1", true),
        ("main-abc1234", true), ("it's", true), ("a\"b", true), ("a#b", true), ("a:b", true), ("20240101", false),
        ("yesterday", true), ("nullable", true), ("0x", true), ("1e", true), ("1_000x", true), ("2024-1", true),
        // YAML 1.1 numbers.
        ("1.10", false), ("1.0", false), ("1", false), ("-1", false), ("+1.5", false), ("0x1F", false), ("0o17", false),
        ("017", false), ("0b101", false), ("1_000", false), ("1:20", false), ("190:20:30.15", false), ("1e3", false),
        ("1.5e-3", false), ("6.8523015e+5", false), (".5", false), ("5.", false), (".inf", false), ("-.Inf", false),
        (".NaN", false),
        // Booleans and null in every YAML 1.1 spelling.
        ("true", false), ("False", false), ("YES", false), ("no", false), ("On", false), ("off", false), ("y", false),
        ("N", false), ("null", false), ("Null", false), ("~", false), ("", false),
        // Timestamps and syntax.
        ("2024-01-01", false), ("2001-12-14t21:59:43.10-05:00", false), ("2024-01-01 10:00", false),
        ("a: b", false), ("a #b", false), ("a:", false), (" a", false), ("a ", false), ("-a", false), ("?a", false),
        (":a", false), (",a", false), ("[a", false), ("]a", false), ("{a", false), ("}a", false), ("#a", false),
        ("&a", false), ("*a", false), ("!a", false), ("|a", false), (">a", false), ("'a", false), ("\"a", false),
        ("%a", false), ("@a", false), ("`a", false), ("a\tb", false), ("a\nb", false), ("a\u{7}b", false),
        ("a\u{2028}b", false), ("<<", false), ("=", false),
    ])
    func plainSafety(value: String, plain: Bool) {
        #expect(ScalarQuoting.isSafePlain(value) == plain)
    }

    @Test(arguments: [
        ("v1.1", YAMLScalarStyle.plain, "v1.1", YAMLScalarStyle.plain),
        ("1.1", .plain, "\"1.1\"", .doubleQuoted),
        ("1.1", .singleQuoted, "'1.1'", .singleQuoted),
        ("it's", .singleQuoted, "'it''s'", .singleQuoted),
        ("a\nb", .singleQuoted, "\"a\\nb\"", .doubleQuoted),
        ("say \"hi\" \\o/", .doubleQuoted, "\"say \\\"hi\\\" \\\\o/\"", .doubleQuoted),
        ("tab\there", .doubleQuoted, "\"tab\\there\"", .doubleQuoted),
        ("ü✓", .doubleQuoted, "\"ü✓\"", .doubleQuoted),
        ("\u{FEFF}\u{1}", .plain, "\"\\uFEFF\\x01\"", .doubleQuoted),
        ("x", .literal, "\"x\"", .doubleQuoted),
    ])
    func rendering(value: String, style: YAMLScalarStyle, text: String, newStyle: YAMLScalarStyle) {
        let (rendered, renderedStyle) = FileRewriter.render(value, keeping: style)
        #expect(rendered == text)
        #expect(renderedStyle == newStyle)
    }

    /// Whatever the value, the rendering reads back as exactly that value.
    @Test(arguments: [YAMLScalarStyle.plain, .singleQuoted, .doubleQuoted])
    func renderingRoundTrips(style: YAMLScalarStyle) throws {
        var generator = SplitMix(seed: 42)
        let alphabet: [Unicode.Scalar] =
            Array("ab1.:#- '\"\\\t\n@!&*{}[],?|>%`~0x".unicodeScalars)
            + ["\u{0}", "\u{7F}", "\u{85}", "\u{A0}", "\u{2028}", "\u{FEFF}", "ü", "🚀", "\u{1B}"]
        for _ in 0..<500 {
            var value = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 12) {
                value.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
            }
            let string = String(value)
            let (text, _) = FileRewriter.render(string, keeping: style)
            let stream = try YAMLParser().parse(Array("key: \(text) # c\n".utf8))
            #expect(stream.nodes.count == 3 && stream.nodes[2].scalarValue == string, "\(text.debugDescription)")
        }
    }
}
