import Testing

@testable import Template

/// Where imagebot deliberately differs from Sprig (see README, "Commit message templates").
@Suite struct SprigDecisionTests {
    /// Sprig 3.3.0's HermeticTxtFuncMap: genericMap minus nonhermeticFunctions (functions.go).
    static let hermeticNames: [String] = [
        "abbrev", "abbrevboth", "add", "add1", "add1f", "addf", "adler32sum", "ago", "all", "any", "append", "atoi",
        "b32dec", "b32enc", "b64dec", "b64enc", "base", "bcrypt", "biggest", "buildCustomCert", "camelcase", "cat",
        "ceil", "chunk", "clean", "coalesce", "compact", "concat", "contains", "decryptAES", "deepCopy",
        "deepEqual", "default", "derivePassword", "dict", "dig", "dir", "div", "divf", "duration", "durationRound",
        "empty", "encryptAES", "ext", "fail", "first", "float64", "floor", "fromJson", "genCA", "genCAWithKey",
        "genPrivateKey", "genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
        "get", "has", "hasKey", "hasPrefix", "hasSuffix", "hello", "htpasswd", "indent", "initial", "initials",
        "int", "int64", "isAbs", "join", "kebabcase", "keys", "kindIs", "kindOf", "last", "list", "lower", "max",
        "maxf", "merge", "mergeOverwrite", "min", "minf", "mod", "mul", "mulf", "mustAppend", "mustChunk",
        "mustCompact", "mustDateModify", "mustDeepCopy", "mustFirst", "mustFromJson", "mustHas", "mustInitial",
        "mustLast", "mustMerge", "mustMergeOverwrite", "mustPrepend", "mustPush", "mustRegexFind",
        "mustRegexFindAll", "mustRegexMatch", "mustRegexReplaceAll", "mustRegexReplaceAllLiteral", "mustRegexSplit",
        "mustRest", "mustReverse", "mustSlice", "mustToDate", "mustToJson", "mustToPrettyJson", "mustToRawJson",
        "mustUniq", "mustWithout", "must_date_modify", "nindent", "nospace", "omit", "osBase", "osClean", "osDir",
        "osExt", "osIsAbs", "pick", "pluck", "plural", "prepend", "push", "quote", "randInt", "regexFind",
        "regexFindAll", "regexMatch", "regexQuoteMeta", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit",
        "repeat", "replace", "rest", "reverse", "round", "semver", "semverCompare", "seq", "set", "sha1sum",
        "sha256sum", "sha512sum", "shuffle", "slice", "snakecase", "sortAlpha", "split", "splitList", "splitn",
        "squote", "sub", "subf", "substr", "swapcase", "ternary", "title", "toDate", "toDecimal", "toJson",
        "toPrettyJson", "toRawJson", "toString", "toStrings", "trim", "trimAll", "trimPrefix", "trimSuffix",
        "trimall", "trunc", "tuple", "typeIs", "typeIsLike", "typeOf", "uniq", "unixEpoch", "unset", "until",
        "untilStep", "untitle", "upper", "urlJoin", "urlParse", "values", "without", "wrap", "wrapWith",
    ]

    @Test func everyHermeticFunctionIsDefined() {
        #expect(Self.hermeticNames.count == 194)
        let missing = Self.hermeticNames.filter { MessageTemplate.functions[$0] == nil }
        #expect(missing.isEmpty, "missing: \(missing)")
    }

    @Test func nonHermeticFunctionsAreNotDefined() {
        for name in [
            "now", "date", "dateInZone", "env", "expandenv", "uuidv4", "randAlpha", "randBytes", "getHostByName",
        ] {
            #expect(MessageTemplate.functions[name] == nil, "\(name)")
        }
    }

    /// Sprig cuts bytes and can split a character (Go writes the invalid UTF-8 into the
    /// commit); imagebot leaves the split character out.
    @Test(arguments: [
        ("{{ trunc 2 \"héllo\" }}", "h"),
        ("{{ trunc 3 \"héllo\" }}", "hé"),
        ("{{ trunc -4 \"héllo\" }}", "llo"),
        ("{{ substr 0 2 \"héllo\" }}", "h"),
        ("{{ substr 2 4 \"héllo\" }}", "l"),
        ("{{ abbrev 5 \"héllo world\" }}", "h..."),
    ])
    func byteCutsKeepWholeCharacters(_ c: (String, String)) throws {
        #expect(try MessageTemplate(c.0).render(.null) == c.1)
    }

    /// goutils reads each byte as a rune: Sprig's `nospace "a é"` gives "aÃ©" and
    /// `initials "émile"` "Ã"; imagebot works on characters.
    @Test(arguments: [
        ("{{ nospace \"a é\u{00A0}b\u{2003}c\" }}", "aébc"),
        ("{{ initials \"émile zola\" }}", "éz"),
    ])
    func nonASCIIIsNotMangled(_ c: (String, String)) throws {
        #expect(try MessageTemplate(c.0).render(.null) == c.1)
    }

    @Test(arguments: [
        "bcrypt", "htpasswd", "genPrivateKey", "genCA", "encryptAES", "decryptAES", "derivePassword", "toDate", "ago",
    ])
    func unsupportedFunctionsFailNamingThemselves(_ name: String) {
        do {
            _ = try MessageTemplate("{{ \(name) \"x\" }}").render(.null)
            Issue.record("\(name) rendered")
        } catch {
            #expect(error.message.contains("error calling \(name): \(name) is not supported"))
        }
    }

    /// Go's simple case mapping, not Swift's full one.
    @Test(arguments: [
        ("{{ lower \"İ\" }}", "i"),
        ("{{ upper \"ß\" }}", "ß"),
        ("{{ upper \"ﬁ\" }}", "ﬁ"),
        ("{{ title \"ǆemal ﬁx\" }}", "ǅemal ﬁx"),
    ])
    func goCaseMapping(_ c: (String, String)) throws {
        #expect(try MessageTemplate(c.0).render(.null) == c.1)
    }

    /// Sprig 3.3.0 where Debian's Sprig 3.2.3 differs: `camelcase` is xstrings 1.5's
    /// `ToPascalCase` (a word starting lower-case keeps its inner capitals; 3.2.3 gives
    /// `Somewords`), `sha512sum` is new, and mergo 1.0 lets `mergeOverwrite` put a map over a
    /// non-map value (mergo 0.3 kept `s`).
    @Test(arguments: [
        ("{{ camelcase \"someWords here\" }}", "SomeWordsHere"),
        ("{{ camelcase \"FROM CamelCase\" }}", "FromCamelCase"),
        ("{{ camelcase \"GOLANG_IS_GREAT\" }}", "GolangIsGreat"),
        ("{{ mergeOverwrite (dict \"a\" \"s\") (dict \"a\" (dict \"x\" 1)) }}", "map[a:map[x:1]]"),
        ("{{ sha512sum \"\" | trunc 16 }}", "cf83e1357eefb8bd"),
    ])
    func sprig330Behaviour(_ c: (String, String)) throws {
        #expect(try MessageTemplate(c.0).render(.null) == c.1)
    }

    /// Results that would outgrow the output limit fail before they are built.
    @Test(arguments: [
        "{{ until 100000000 }}",
        "{{ seq 100000000 }}",
        "{{ $s := repeat 60000 \"x\" }}{{ $l := list $s $s }}{{ join \"\" $l }}",
        "{{ $s := repeat 60000 \"x\" }}{{ toJson (list $s $s) }}",
        "{{ $s := repeat 60000 \"x\" }}{{ cat $s $s }}",
        "{{ $s := repeat 600 \"x \" }}{{ wrapWith 1 $s $s }}",
        "{{ regexReplaceAll \"\" (repeat 1000 \"x\") (repeat 100 \"y\") }}",
    ])
    func largeResultsHitTheLimit(_ template: String) {
        do {
            _ = try MessageTemplate(template).render(.null)
            Issue.record("rendered")
        } catch {
            #expect(error.kind == .limit)
        }
    }
}
