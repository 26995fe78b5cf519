import Testing

@testable import Template

/// Expected values from running the template with Go 1.19 text/template and Debian's Sprig
/// 3.2.3 (`HermeticTxtFuncMap`, plus Sprig 3.3.0's `sha512sum`), template name "message".
struct SprigCase: Sendable, CustomStringConvertible {
    var template: String
    var expected: String
    init(_ template: String, _ expected: String) {
        self.template = template
        self.expected = expected
    }
    var description: String { template }
}

let sprigOutputs: [SprigCase] = [
    .init("{{ regexReplaceAll \"[0-9]+\" \"build-12\" \"N\" }}", "build-N"),
    .init("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}", "-W-xxW-"),
    .init("{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }}", "---"),
    .init("{{ regexReplaceAllLiteral \"a(x*)b\" \"-ab-axxb-\" \"${1}\" }}", "-${1}-${1}-"),
    .init("{{ regexReplaceAll \"x*\" \"abc\" \"-\" }}", "-a-b-c-"),
    .init("{{ regexFind \"[a-z]+[0-9]\" \"abc1def2\" }}", "abc1"),
    .init("{{ regexFindAll \"[a-z][0-9]\" \"a1b2c3\" -1 }}", "[a1 b2 c3]"),
    .init("{{ regexFindAll \"[a-z][0-9]\" \"a1b2c3\" 2 }}", "[a1 b2]"),
    .init("{{ regexFindAll \"x*\" \"abc\" -1 }}", "[   ]"),
    .init("{{ regexMatch \"^v[0-9]+\" \"v12\" }}", "true"),
    .init("{{ regexMatch \"(\" \"x\" }}", "false"),
    .init("{{ regexSplit \"z+\" \"pizza\" -1 }}", "[pi a]"),
    .init("{{ regexSplit \"z+\" \"pizza\" 1 }}", "[pizza]"),
    .init("{{ regexSplit \"\" \"abc\" -1 }}", "[a b c]"),
    .init("{{ regexQuoteMeta \"1.2+[x]\" }}", "1\\.2\\+\\[x\\]"),
    .init("{{ regexReplaceAll \"(?P<major>\\\\d+)\\\\.(\\\\d+)\" \"v1.2\" \"${major}-$2\" }}", "v1-2"),
    .init("{{ slice (list 1 2 3 4) 1 3 }}", "[2 3]"),
    .init("{{ slice (list 1 2 3 4) 2 }}", "[3 4]"),
    .init("{{ slice (list) 1 }}", "<no value>"),
    .init("{{ b64dec \"aGk\" }}", "illegal base64 data at input byte 0"),
    .init("{{ b64dec \"aGk=\" }}", "hi"),
    .init("{{ b64dec \"a===\" }}", "illegal base64 data at input byte 1"),
    .init("{{ b64dec \"aGk=x\" }}", "illegal base64 data at input byte 4"),
    .init("{{ b64dec \"!!\" }}", "illegal base64 data at input byte 0"),
    .init("{{ b64enc \"hi there\" }}", "aGkgdGhlcmU="),
    .init("{{ b32enc \"hi\" }}", "NBUQ===="),
    .init("{{ b32dec \"NBUQ====\" }}", "hi"),
    .init("{{ lower \"İSTANBUL\" }}", "istanbul"),
    .init("{{ upper \"straße ᾳ\" }}", "STRAßE ᾼ"),
    .init("{{ title \"hello wORLD ǆx ß\" }}", "Hello WORLD ǅx ß"),
    .init("{{ untitle \"Hello World\" }}", "hello world"),
    .init("{{ swapcase \"Hello wORLD\" }}", "hELLO World"),
    .init("{{ camelcase \"http_server_Name\" }}", "HttpServerName"),
    .init("{{ camelcase \"_complex__case_\" }}", "_Complex_Case_"),
    .init("{{ snakecase \"HTTPServerName2x\" }}", "http_server_name_2x"),
    .init("{{ kebabcase \"FirstName Last\" }}", "first-name-last"),
    .init("{{ snakecase \"Bld4Floor3rd\" }}", "bld4_floor_3rd"),
    .init("{{ trunc 3 \"abcdef\" }}", "abc"),
    .init("{{ trunc -2 \"abcdef\" }}", "ef"),
    .init("{{ trunc 10 \"abc\" }}", "abc"),
    .init("{{ substr 1 3 \"abcdef\" }}", "bc"),
    .init("{{ substr -1 3 \"abcdef\" }}", "abc"),
    .init("{{ substr 2 -1 \"abcdef\" }}", "cdef"),
    .init("{{ abbrev 5 \"hello world\" }}", "he..."),
    .init("{{ abbrevboth 5 10 \"1234 5678 9123\" }}", "...5678..."),
    .init("{{ initials \"First Try\" }}", "FT"),
    .init("{{ wrap 5 \"Hello world how are you\" }}", "Hello\nworld\nhow\nare\nyou"),
    .init("{{ wrapWith 5 \"\\t\" \"Hello World\" }}", "Hello\tWorld"),
    .init("{{ wrapWith 3 \"|\" \"abcdefgh\" }}", "abc|def|gh"),
    .init("{{ nospace \" h e\\tl l o \" }}", "hello"),
    .init("{{ trim \"  x  \" }}", "x"),
    .init("{{ trimAll \"$\" \"$5.00$\" }}", "5.00"),
    .init("{{ trimall \"$\" \"$5$\" }}", "5"),
    .init("{{ plural \"one\" \"many\" 2 }}", "many"),
    .init("{{ plural \"one\" \"many\" 1 }}", "one"),
    .init("{{ quote \"a\" 1 nil true }}", "\"a\" \"1\" \"true\""),
    .init("{{ squote \"a\" 1 nil }}", "'a' '1'"),
    .init("{{ cat \"a\" nil 1 2.5 }}", "a 1 2.5"),
    .init("{{ indent 2 \"a\\nb\" }}", "  a\n  b"),
    .init("{{ nindent 2 \"a\" }}", "\n  a"),
    .init("{{ replace \"a\" \"b\" \"banana\" }}", "bbnbnb"),
    .init("{{ repeat 3 \"ab\" }}", "ababab"),
    .init("{{ contains \"an\" \"banana\" }}", "true"),
    .init("{{ hasPrefix \"ba\" \"banana\" }}", "true"),
    .init("{{ hasSuffix \"na\" \"banana\" }}", "true"),
    .init("{{ split \",\" \"a,b\" }}", "map[_0:a _1:b]"),
    .init("{{ splitn \",\" 2 \"a,b,c\" }}", "map[_0:a _1:b,c]"),
    .init("{{ (splitn \",\" 2 \"a,b,c\")._1 }}", "b,c"),
    .init("{{ splitList \",\" \"a,b,c\" }}", "[a b c]"),
    .init("{{ toStrings (list 1 \"a\" nil 2.5) }}", "[1 a 2.5]"),
    .init("{{ join \"-\" (list 1 \"a\" nil) }}", "1-a"),
    .init("{{ sortAlpha (list \"b\" \"a\" \"C\") }}", "[C a b]"),
    .init("{{ sortAlpha \"x\" }}", "[x]"),
    .init("{{ toString 1.5 }}", "1.5"),
    .init("{{ atoi \"42\" }}", "42"),
    .init("{{ atoi \"0x10\" }}", "0"),
    .init("{{ atoi \"99999999999999999999\" }}", "9223372036854775807"),
    .init("{{ int \"0x1F\" }}", "31"),
    .init("{{ int \"010\" }}", "8"),
    .init("{{ int \"1_000\" }}", "1000"),
    .init("{{ int \"3.00\" }}", "3"),
    .init("{{ int \"3.5\" }}", "0"),
    .init("{{ int 3.9 }}", "3"),
    .init("{{ int64 \"-12\" }}", "-12"),
    .init("{{ float64 \"1.5e3\" }}", "1500"),
    .init("{{ float64 \"x\" }}", "0"),
    .init("{{ int true }}", "1"),
    .init("{{ toDecimal \"777\" }}", "511"),
    .init("{{ toDecimal 18 }}", "0"),
    .init("{{ add 1 2 \"3\" }}", "6"),
    .init("{{ add1 5 }}", "6"),
    .init("{{ sub 5 7 }}", "-2"),
    .init("{{ div 7 2 }}", "3"),
    .init("{{ mod 7 3 }}", "1"),
    .init("{{ mul 2 3 4 }}", "24"),
    .init("{{ max 1 5 3 }}", "5"),
    .init("{{ biggest 1 5 }}", "5"),
    .init("{{ min 4 2 8 }}", "2"),
    .init("{{ maxf 1.5 2 }}", "2"),
    .init("{{ minf 1.5 2 }}", "1.5"),
    .init("{{ addf 0.1 0.2 }}", "0.3"),
    .init("{{ add1f 1.5 }}", "2.5"),
    .init("{{ subf 1.5 0.25 }}", "1.25"),
    .init("{{ mulf 1.1 3 }}", "3.3"),
    .init("{{ divf 10 3 }}", "3.3333333333333335"),
    .init("{{ floor 1.7 }}", "1"),
    .init("{{ ceil 1.2 }}", "2"),
    .init("{{ round 3.14159 2 }}", "3.14"),
    .init("{{ round 2.5 0 }}", "3"),
    .init("{{ round 1.45 1 0.4 }}", "1.5"),
    .init("{{ until 5 }}", "[0 1 2 3 4]"),
    .init("{{ until -3 }}", "[0 -1 -2]"),
    .init("{{ untilStep 0 10 3 }}", "[0 3 6 9]"),
    .init("{{ untilStep 10 0 -4 }}", "[10 6 2]"),
    .init("{{ seq 5 }}", "1 2 3 4 5"),
    .init("{{ seq 3 1 }}", "3 2 1"),
    .init("{{ seq 1 2 9 }}", "1 3 5 7 9"),
    .init("{{ seq 0 }}", "1 0"),
    .init("{{ list 1 \"a\" nil }}", "[1 a <nil>]"),
    .init("{{ tuple 1 2 }}", "[1 2]"),
    .init("{{ append (list 1 2) 3 }}", "[1 2 3]"),
    .init("{{ push (list 1) \"x\" }}", "[1 x]"),
    .init("{{ prepend (list 1 2) 0 }}", "[0 1 2]"),
    .init("{{ first (list 3 4) }}", "3"),
    .init("{{ first (list) }}", "<no value>"),
    .init("{{ last (list 3 4) }}", "4"),
    .init("{{ rest (list 1 2 3) }}", "[2 3]"),
    .init("{{ rest (list) }}", "[]"),
    .init("{{ initial (list 1 2 3) }}", "[1 2]"),
    .init("{{ reverse (list 1 2 3) }}", "[3 2 1]"),
    .init("{{ uniq (list 1 2 1 \"a\" \"a\") }}", "[1 2 a]"),
    .init("{{ without (list 1 2 3 2) 2 }}", "[1 3]"),
    .init("{{ has 2 (list 1 2) }}", "true"),
    .init("{{ has 2 nil }}", "false"),
    .init("{{ compact (list 0 1 \"\" \"a\" nil false) }}", "[1 a]"),
    .init("{{ concat (list 1) (list 2 3) }}", "[1 2 3]"),
    .init("{{ chunk 2 (list 1 2 3 4 5) }}", "[[1 2] [3 4] [5]]"),
    .init("{{ chunk 2 (list) }}", "[]"),
    .init("{{ dict \"a\" 1 \"b\" }}", "map[a:1 b:]"),
    .init("{{ get (dict \"a\" 1) \"a\" }}", "1"),
    .init("{{ get (dict \"a\" 1) \"z\" }}", ""),
    .init("{{ set (dict \"a\" 1) \"b\" 2 }}", "map[a:1 b:2]"),
    .init("{{ unset (dict \"a\" 1 \"b\" 2) \"a\" }}", "map[b:2]"),
    .init("{{ hasKey (dict \"a\" 1) \"a\" }}", "true"),
    .init("{{ pluck \"a\" (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3) }}", "[1 3]"),
    .init("{{ keys (dict \"b\" 1 \"a\" 2) | sortAlpha }}", "[a b]"),
    .init("{{ pick (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" }}", "map[a:1 c:3]"),
    .init("{{ omit (dict \"a\" 1 \"b\" 2 \"c\" 3) \"a\" \"c\" }}", "map[b:2]"),
    .init(
        "{{ merge (dict \"a\" 1 \"n\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" 3 \"n\" (dict \"y\" 2)) }}",
        "map[a:1 b:3 n:map[x:1 y:2]]"),
    .init(
        "{{ mergeOverwrite (dict \"a\" 1 \"n\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" 3 \"n\" (dict \"x\" 5)) }}",
        "map[a:2 b:3 n:map[x:5]]"),
    .init("{{ merge (dict \"a\" \"\") (dict \"a\" \"x\") }}", "map[a:x]"),
    .init("{{ values (dict \"a\" 1) }}", "[1]"),
    .init("{{ dig \"a\" \"b\" \"def\" (dict \"a\" (dict \"b\" \"found\")) }}", "found"),
    .init("{{ dig \"a\" \"z\" \"def\" (dict \"a\" (dict \"b\" \"found\")) }}", "def"),
    .init("{{ deepCopy (list 1 (dict \"a\" 2)) }}", "[1 map[a:2]]"),
    .init("{{ toJson (dict \"a\" (list 1 2.5 \"<x>\") \"b\" nil) }}", "{\"a\":[1,2.5,\"\\u003cx\\u003e\"],\"b\":null}"),
    .init(
        "{{ toPrettyJson (dict \"a\" (list 1 2) \"b\" (dict)) }}", "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}"),
    .init("{{ toRawJson (dict \"a\" \"<x>&\") }}", "{\"a\":\"<x>&\"}"),
    .init("{{ toJson 1e21 }}", "1e+21"),
    .init("{{ toJson 0.000001 }}", "0.000001"),
    .init("{{ fromJson \"{\\\"a\\\":[1,2.5,\\\"x\\\",true,null]}\" }}", "map[a:[1 2.5 x true <nil>]]"),
    .init("{{ (fromJson \"{\\\"a\\\":3}\").a | typeOf }}", "float64"),
    .init("{{ fromJson \"{\" }}", "<no value>"),
    .init("{{ mustToJson (list 1) }}", "[1]"),
    .init("{{ default \"x\" \"\" }}", "x"),
    .init("{{ default \"x\" \"y\" }}", "y"),
    .init("{{ default \"x\" 0 }}", "x"),
    .init("{{ default \"x\" }}", "x"),
    .init("{{ empty (list) }}", "true"),
    .init("{{ empty (dict \"a\" 1) }}", "false"),
    .init("{{ coalesce \"\" 0 \"z\" }}", "z"),
    .init("{{ coalesce \"\" 0 }}", "<no value>"),
    .init("{{ all 1 \"a\" (list 1) }}", "true"),
    .init("{{ all 1 \"\" }}", "false"),
    .init("{{ any \"\" 0 \"a\" }}", "true"),
    .init("{{ any \"\" 0 }}", "false"),
    .init("{{ ternary \"yes\" \"no\" true }}", "yes"),
    .init(
        "{{ typeOf \"s\" }} {{ typeOf 1 }} {{ typeOf 1.5 }} {{ typeOf true }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf nil }}",
        "string int float64 bool []interface {} map[string]interface {} <nil>"),
    .init(
        "{{ kindOf \"s\" }} {{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf (list) }} {{ kindOf (dict) }} {{ kindOf nil }}",
        "string int float64 slice map invalid"),
    .init("{{ typeIs \"string\" \"x\" }} {{ typeIsLike \"int\" 1 }} {{ kindIs \"slice\" (list) }}", "true true true"),
    .init("{{ deepEqual (list 1 (dict \"a\" 2)) (list 1 (dict \"a\" 2)) }}", "true"),
    .init("{{ deepEqual 1 \"1\" }}", "false"),
    .init(
        "{{ base \"/a/b.txt\" }} {{ dir \"/a/b.txt\" }} {{ clean \"a//b/../c/.\" }} {{ ext \"x.tar.gz\" }} {{ isAbs \"/x\" }}",
        "b.txt /a a/c .gz true"),
    .init("{{ base \"\" }} {{ dir \"x\" }} {{ clean \"/../a\" }} {{ base \"/\" }} {{ dir \"/a/\" }}", ". . /a / /a"),
    .init(
        "{{ osBase \"/a/b\" }} {{ osDir \"a/b\" }} {{ osClean \"./x\" }} {{ osExt \"a.b\" }} {{ osIsAbs \"x\" }}",
        "b a x .b false"),
    .init(
        "{{ urlParse \"https://user:pw@example.com:8080/p/a%20b?q=1#frag\" }}",
        "map[fragment:frag host:example.com:8080 hostname:example.com opaque: path:/p/a b query:q=1 scheme:https userinfo:user:pw]"
    ),
    .init(
        "{{ urlParse \"mailto:joe@example.com\" }}",
        "map[fragment: host: hostname: opaque:joe@example.com path: query: scheme:mailto userinfo:]"),
    .init(
        "{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"example.com\" \"path\" \"/a b\" \"query\" \"x=1\") }}",
        "https://example.com/a%20b?x=1"),
    .init("{{ sha1sum \"abc\" }}", "a9993e364706816aba3e25717850c26c9cd0d89d"),
    .init("{{ sha256sum \"abc\" }}", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    .init(
        "{{ sha512sum \"abc\" }}",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
    ),
    .init("{{ adler32sum \"Wikipedia\" }}", "300286872"),
    .init("{{ semver \"1.2.3-beta.1+meta\" }}", "1.2.3-beta.1+meta"),
    .init("{{ (semver \"v1.2.3\").Major }}", "1"),
    .init("{{ (semver \"1.2\").Minor }}", "2"),
    .init("{{ semverCompare \">=1.2.0\" \"1.3.0\" }}", "true"),
    .init("{{ semverCompare \"^1.2\" \"2.0.0\" }}", "false"),
    .init("{{ semverCompare \">=1.2.0\" \"1.3.0-rc.1\" }}", "false"),
    .init("{{ duration \"90\" }}", "1m30s"),
    .init("{{ duration \"3661\" }}", "1h1m1s"),
    .init("{{ duration 90 }}", "0s"),
    .init("{{ duration \"0\" }}", "0s"),
    .init("{{ lower \"ÀÉÎ\" }} {{ upper \"àéî\" }}", "àéî ÀÉÎ"),
    .init("{{ hello }}", "Hello!"),
    .init("{{ regexFindAll \"a*\" \"baaab\" -1 }}", "[ aaa ]"),
    .init("{{ regexReplaceAll \"a*\" \"baaab\" \"-\" }}", "-b-b-"),
    .init("{{ regexReplaceAll \"\" \"héllo\" \".\" }}", ".h.é.l.l.o."),
    .init("{{ regexFindAll \".\" \"héllo\" 3 }}", "[h é l]"),
    .init("{{ regexSplit \"a*\" \"baaac\" -1 }}", "[b c]"),
    .init("{{ regexSplit \",\" \"\" -1 }}", "[]"),
    .init("{{ regexSplit \"\" \"\" -1 }}", "[]"),
    .init("{{ regexFindAll \"x\" \"abc\" 0 }}", "[]"),
    .init("{{ regexReplaceAll \"(a)(b)?\" \"ac\" \"[$2|$1|$$|$x|${1}0|$10]\" }}", "[|a|$||a0|]c"),
    .init("{{ regexReplaceAll \"(?i)HELLO\" \"say hello\" \"bye\" }}", "say bye"),
    .init("{{ regexFind \"\\\\bfoo\\\\b\" \"a foo b\" }}", "foo"),
    .init("{{ regexMatch \"^$\" \"\" }}", "true"),
    .init("{{ regexReplaceAll \"$\" \"line\\n\" \"!\" }}", "line\n!"),
    .init("{{ mustRegexSplit \"x*\" \"axbxxc\" 2 }}", "[a bxxc]"),
    .init(
        "{{ int \"0b101\" }} {{ int \"0o17\" }} {{ int \"-0x10\" }} {{ int \"+7\" }} {{ int \"1__0\" }} {{ int \"_1\" }} {{ int \"0x\" }} {{ int \"0\" }} {{ int \"00\" }}",
        "5 15 -16 7 0 0 0 0 0"),
    .init(
        "{{ int \"9223372036854775808\" }} {{ int64 \"-9223372036854775808\" }} {{ int \" 1\" }} {{ int \"1e3\" }}",
        "0 -9223372036854775808 0 0"),
    .init(
        "{{ float64 \"inf\" }} {{ float64 \"1e400\" }} {{ float64 \"0x1p-2\" }} {{ float64 \"1_0\" }} {{ float64 true }} {{ float64 nil }}",
        "+Inf 0 0.25 10 1 0"),
    .init("{{ int (list 1) }} {{ float64 (dict) }} {{ int nil }}", "0 0 0"),
    .init("{{ add 1 2.9 }} {{ add \"a\" 1 }} {{ mul 2 \"3\" }} {{ sub 1.5 0.4 }}", "3 1 6 1"),
    .init("{{ mod -7 3 }} {{ div -7 2 }}", "-1 -3"),
    .init("{{ max 1 }} {{ min \"5\" 3.5 }}", "1 3"),
    .init(
        "{{ addf 1 \"2.5\" }} {{ mulf 0.1 0.1 }} {{ subf 0.3 0.1 }} {{ divf 1 3 }} {{ divf 2 3 }} {{ divf 10 4 }}",
        "3.5 0.01 0.2 0.3333333333333333 0.6666666666666667 2.5"),
    .init("{{ round -2.5 0 }} {{ round 1.005 2 }} {{ floor \"2.7\" }} {{ ceil -0.5 }}", "-3 1 2 -0"),
    .init(
        "{{ toJson 1.0 }} {{ toJson 100000000000000000000.0 }} {{ toJson -0.0000001 }} {{ toJson 123456789.125 }} {{ toJson \"\\u2028\" }} {{ toJson \"é\\t\" }}",
        "1 100000000000000000000 -1e-7 123456789.125 \"\\u2028\" \"é\\t\""),
    .init("{{ toPrettyJson (list) }} {{ toPrettyJson (list (dict \"a\" 1)) }}", "[] [\n  {\n    \"a\": 1\n  }\n]"),
    .init("{{ toJson (dict \"b\" 1 \"a\" (dict \"d\" 2 \"c\" 3)) }}", "{\"a\":{\"c\":3,\"d\":2},\"b\":1}"),
    .init("{{ fromJson \"[1e2, -0.5, \\\"\\\\u00e9\\\\n\\\"]\" }}", "[100 -0.5 é\n]"),
    .init("{{ fromJson \"\\\"s\\\"\" }} {{ fromJson \"null\" }} {{ fromJson \"true\" }}", "s <no value> true"),
    .init("{{ b64dec \"aGk=\\naGk=\" }}", "illegal base64 data at input byte 5"),
    .init("{{ b64dec \"aG\\nk=\" }}", "hi"),
    .init("{{ b64dec \"aGk==\" }}", "illegal base64 data at input byte 4"),
    .init("{{ b64dec \"aA==\" }}", "h"),
    .init("{{ b64dec \"aA=\" }}", "illegal base64 data at input byte 3"),
    .init("{{ b64dec \"a\" }}", "illegal base64 data at input byte 0"),
    .init("{{ b64dec \"\" }}", ""),
    .init("{{ b32dec \"NBUQ\" }}", "illegal base32 data at input byte 0"),
    .init("{{ b32dec \"NB======\" }}", "h"),
    .init("{{ b32enc \"hello world\" }}", "NBSWY3DPEB3W64TMMQ======"),
    .init("{{ b32dec \"NBSWY3DP\" }}", "hello"),
    .init("{{ title \"hello-world o'neil 3rd_x\" }} {{ title \"ßa\" }}", "Hello-World O'Neil 3rd_x ßa"),
    .init("{{ swapcase \"hello World ǅ\" }}", "HELLO wORLD ǆ"),
    .init("{{ untitle \"ABC DEF\" }}", "aBC dEF"),
    .init(
        "{{ camelcase \"some words-here\" }} {{ camelcase \"x\" }} {{ camelcase \"__\" }} {{ camelcase \"ALL_CAPS\" }}",
        "SomeWordsHere X ___ AllCaps"),
    .init(
        "{{ snakecase \"FirstName\" }} {{ snakecase \"HTTPServer\" }} {{ snakecase \"NoHTTPS\" }} {{ snakecase \"GO_PATH\" }} {{ snakecase \"GO PATH\" }} {{ snakecase \"http2xx\" }} {{ snakecase \"HTTP20xOK\" }} {{ snakecase \"Duration2m3s\" }} {{ snakecase \"a.b-c\" }} {{ snakecase \"ÀbcDéf\" }}",
        "first_name http_server no_https go_path go_path http_2xx http_20x_ok duration_2m3s a.b_c àbc_déf"),
    .init(
        "{{ kebabcase \"HTTPServer\" }} {{ kebabcase \"some_words\" }} {{ kebabcase \"x  y\" }}",
        "http-server some-words x--y"),
    .init("{{ abbrev 3 \"hello\" }} {{ abbrev 20 \"hello\" }} {{ abbrev 4 \"hello\" }}", "hello hello h..."),
    .init(
        "{{ abbrevboth 0 5 \"hello world\" }} {{ abbrevboth 3 7 \"abcdefghijklmno\" }} {{ abbrevboth 10 7 \"abcdefghijklmno\" }}",
        "he... abcd... ...k..."),
    .init(
        "{{ wrap 10 \"The quick brown fox jumps\" }} {{ wrap 0 \"a b\" }} {{ wrap 3 \"abcdefg hij\" }}",
        "The quick\nbrown fox\njumps a\nb abcdefg\nhij"),
    .init("{{ wrapWith 10 \"<br>\" \"The quick brown fox jumps\" }}", "The quick<br>brown fox<br>jumps"),
    .init("{{ initials \"  a  b \" }}", "ab"),
    .init("{{ trimAll \"ab\" \"abxba\" }} {{ trim \"\\u00a0x\\u2003\" }}", "x x"),
    .init("{{ indent 0 \"a\" }}", "a"),
    .init("{{ repeat 0 \"x\" }}", ""),
    .init("{{ quote }} {{ squote (list 1) }} {{ cat }}", " '[1]' "),
    .init(
        "{{ splitList \"\" \"abc\" }} {{ splitn \",\" 0 \"a,b\" }} {{ splitn \",\" -1 \"a,b\" }} {{ splitn \"\" 2 \"abc\" }}",
        "[a b c] map[] map[_0:a _1:b] map[_0:a _1:bc]"),
    .init("{{ join \", \" \"abc\" }} {{ join \",\" 5 }} {{ toStrings \"x\" }} {{ toStrings nil }}", "abc 5 [x] []"),
    .init("{{ sortAlpha (list 3 1 \"b\" nil) }}", "[1 3 b]"),
    .init("{{ until 0 }} {{ untilStep 0 10 0 }} {{ untilStep 0 -3 1 }} {{ untilStep 5 1 -2 }}", "[] [] [] [5 3]"),
    .init(
        "{{ seq }} {{ seq 1 5 1 }} {{ seq 5 -2 1 }} {{ seq 1 1 }} {{ seq -3 }} {{ seq 1 0 5 }}",
        " 1 5 3 1 1 1 0 -1 -2 -3 "),
    .init("{{ chunk 3 (list 1 2 3 4 5 6) }}", "[[1 2 3] [4 5 6]]"),
    .init("{{ last (list) }}", "<no value>"),
    .init("{{ initial (list) }}", "[]"),
    .init("{{ slice (list 1 2 3) \"1\" }}", "[2 3]"),
    .init("{{ has nil (list 1 nil) }} {{ has \"1\" (list 1) }} {{ has (list 1) (list (list 1)) }}", "true false true"),
    .init("{{ without (list 1 \"1\" 2.0 2) 1 2 }}", "[1 2]"),
    .init("{{ uniq (list 1 1.0 \"1\") }}", "[1 1 1]"),
    .init("{{ concat }}", "[]"),
    .init("{{ dict }} {{ dict 1 2 }} {{ dict nil 1 }}", "map[] map[1:2] map[<nil>:1]"),
    .init("{{ get (dict) \"\" }}", ""),
    .init("{{ pluck \"a\" }} {{ keys }} {{ keys (dict \"a\" 1) (dict \"b\" 2) }}", "[] [] [a b]"),
    .init("{{ pick (dict \"a\" 1) \"z\" }}", "map[]"),
    .init("{{ merge (dict) (dict \"a\" (list 1)) (dict \"a\" (list 2)) }}", "map[a:[1]]"),
    .init("{{ mergeOverwrite (dict \"a\" (list 1)) (dict \"a\" (list 2 3)) }}", "map[a:[2 3]]"),
    .init("{{ mergeOverwrite (dict \"a\" 1) (dict \"a\" 0) }}", "map[a:0]"),
    .init("{{ mergeOverwrite (dict \"a\" (dict \"x\" 1)) (dict \"a\" \"s\") }}", "map[a:s]"),
    .init("{{ merge (dict \"a\" (dict \"x\" 1)) (dict \"a\" \"s\") }}", "map[a:map[x:1]]"),
    .init("{{ merge (dict \"a\" \"s\") (dict \"a\" (dict \"x\" 1)) }}", "map[a:s]"),
    .init("{{ dig \"x\" \"def\" (dict \"a\" 1) }}", "def"),
    .init(
        "{{ default 5 nil }} {{ default \"d\" (list) }} {{ default \"d\" (dict \"a\" 1) }} {{ default \"d\" false }} {{ default \"d\" 0.0 }}",
        "5 d map[a:1] d d"),
    .init(
        "{{ empty nil }} {{ empty 0 }} {{ empty \"0\" }} {{ empty 0.0 }} {{ empty false }}", "true true false true true"
    ),
    .init("{{ all }} {{ any }}", "true false"),
    .init("{{ ternary 1 2 false }}", "2"),
    .init(
        "{{ kindOf true }} {{ typeOf (semver \"1.0.0\") }} {{ kindOf (semver \"1.0.0\") }} {{ typeIsLike \"semver.Version\" (semver \"1.0.0\") }}",
        "bool *semver.Version ptr true"),
    .init("{{ deepEqual (dict \"a\" 1) (dict \"a\" 1.0) }} {{ deepEqual nil nil }}", "false true"),
    .init(
        "{{ ext \"a/b\" }} {{ ext \"a.b/c\" }} {{ ext \".bashrc\" }} {{ base \"a/b/\" }} {{ dir \"\" }} {{ dir \"/\" }} {{ clean \"a/../..\" }} {{ clean \"../../a/\" }} {{ clean \"//a\" }} {{ isAbs \"\" }}",
        "  .bashrc b . / .. ../../a /a false"),
    .init(
        "{{ urlParse \"http://[::1]:80/x?y#z\" }}",
        "map[fragment:z host:[::1]:80 hostname:::1 opaque: path:/x query:y scheme:http userinfo:]"),
    .init(
        "{{ urlParse \"/just/a/path?q\" }}",
        "map[fragment: host: hostname: opaque: path:/just/a/path query:q scheme: userinfo:]"),
    .init(
        "{{ urlParse \"example.com:8080\" }}",
        "map[fragment: host: hostname: opaque:8080 path: query: scheme:example.com userinfo:]"),
    .init(
        "{{ urlParse \"https://a.com/a%2Fb#f%20g\" }}",
        "map[fragment:f g host:a.com hostname:a.com opaque: path:/a/b query: scheme:https userinfo:]"),
    .init(
        "{{ urlParse \"HTTP://Example.com\" }}",
        "map[fragment: host:Example.com hostname:Example.com opaque: path: query: scheme:http userinfo:]"),
    .init("{{ urlJoin (dict \"scheme\" \"mailto\" \"opaque\" \"joe@example.com\") }}", "mailto:joe@example.com"),
    .init("{{ urlJoin (dict \"host\" \"h\" \"path\" \"p\") }}", "//h/p"),
    .init(
        "{{ urlJoin (dict \"scheme\" \"https\" \"host\" \"h\" \"userinfo\" \"u:p\" \"fragment\" \"a b\") }}",
        "https://u:p@h#a%20b"),
    .init("{{ urlJoin (dict \"path\" \"a:b\") }}", "./a:b"),
    .init("{{ urlJoin (dict) }}", ""),
    .init("{{ semver \"01.2.3\" }}", "1.2.3"),
    .init(
        "{{ (semver \"1.2.3-rc.1+b5\").Prerelease }} {{ (semver \"1.2.3-rc.1+b5\").Metadata }} {{ (semver \"v1.2\").Original }}",
        "rc.1 b5 v1.2"),
    .init(
        "{{ semverCompare \"~1.2.0\" \"1.2.9\" }} {{ semverCompare \"1.2.x\" \"1.3.0\" }} {{ semverCompare \">= 1.0, < 2.0\" \"1.5.0\" }} {{ semverCompare \"1.0.0 - 2.0.0\" \"2.0.0\" }} {{ semverCompare \"<2 || >3\" \"3.5.0\" }} {{ semverCompare \">=1.0.0-0\" \"1.0.0-rc1\" }} {{ semverCompare \"*\" \"1.0.0-rc1\" }}",
        "true false true true false true false"),
    .init("{{ sha1sum \"\" }} {{ adler32sum \"\" }}", "da39a3ee5e6b4b0d3255bfef95601890afd80709 1"),
    .init(
        "{{ sha512sum \"The quick brown fox jumps over the lazy dog, twice and a little more to exceed one block of 128 bytes in length for good measure!\" }}",
        "4ca1546637d23f3a29ec59f58e4341b178e872060de632736783f58176a6f189c362b4d378576cf435bac67101c43b635c8ac0f766b9af9c9dd6f770bcdcedaa"
    ),
    .init(
        "{{ duration \"-61\" }} {{ duration \"x\" }} {{ duration \"86400\" }} {{ duration 1.5 }}", "-1m1s 0s 24h0m0s 0s"
    ),
    .init("{{ plural \"a\" \"b\" 0 }}", "b"),
    .init("{{ contains \"\" \"\" }} {{ hasPrefix \"\" \"x\" }}", "true true"),
    .init("{{ replace \"\" \"-\" \"ab\" }}", "-a-b-"),
    .init("{{ nindent 1 \"a\\nb\" }}", "\n a\n b"),
    .init("{{ list 1 2 | len }}", "2"),
    .init("{{ toString (list 1 \"a\") }} {{ toString nil }} {{ toString true }}", "[1 a] <nil> true"),
    .init(
        "{{ atoi \"\" }} {{ atoi \"-5\" }} {{ atoi \"+5\" }} {{ atoi \"5.0\" }} {{ atoi \"-99999999999999999999\" }}",
        "0 -5 5 0 -9223372036854775808"),
    .init("{{ toDecimal \"8\" }} {{ toDecimal \"-17\" }} {{ toDecimal 1.5 }}", "0 -15 0"),
    .init("{{ len (randInt 1 2 | toString) }}", "1"),
    .init("{{ shuffle \"\" }}{{ len (shuffle \"abc\") }}", "3"),
    .init(
        "{{ durationRound \"2h5m\" }} {{ durationRound \"-90s\" }} {{ durationRound \"1.5h\" }} {{ durationRound \"400h\" }} {{ durationRound \"9000h\" }} {{ durationRound \"1s\" }} {{ durationRound \"1.001s\" }} {{ durationRound \"x\" }} {{ durationRound 5 }} {{ durationRound \"1h30m20.5s\" }} {{ durationRound \"36µs\" }} {{ durationRound \".5m\" }} {{ durationRound \"5\" }} {{ durationRound \"\" }}",
        "2h 1m 1h 16d 1y 0s 1s 0s 0s 1h 0s 30s 0s 0s"),
    .init(
        "{{ upper \"ŉǰﬀǅꭰı\" }} {{ lower \"ẞǅKΣ\" }} {{ title \"ǰx ǳy ꭰz\" }} {{ swapcase \"ǰ ǆ ß\" }}",
        "ŉǰﬀǄᎠI ßǆkσ ǰx ǲy Ꭰz ǰ ǅ ß"),
    .init("{{ toJson (float64 \"NaN\") }}|{{ toPrettyJson (list (float64 \"inf\")) }}|", "||"),
    .init(
        "{{ merge (dict) (dict \"a\" nil) }} {{ mergeOverwrite (dict \"a\" 1) (dict \"a\" nil) }} {{ merge (dict \"a\" (dict)) (dict \"a\" (dict \"x\" 1)) }} {{ mergeOverwrite (dict \"a\" (list 1)) (dict \"a\" (list)) }} {{ merge (dict \"a\" (list)) (dict \"a\" (list 1)) }} {{ merge (dict \"a\" 1) (dict \"b\" 2) (dict \"a\" 3 \"c\" 4) }}",
        "map[] map[a:<nil>] map[a:map[x:1]] map[a:[]] map[a:[1]] map[a:1 b:2 c:4]"),
]

/// Templates whose execution fails, with Go's complete error text.
let sprigErrors: [SprigCase] = [
    .init(
        "{{ mustRegexMatch \"(\" \"x\" }}",
        "template: message:1:3: executing \"message\" at <mustRegexMatch \"(\" \"x\">: error calling mustRegexMatch: error parsing regexp: missing closing ): `(`"
    ),
    .init(
        "{{ regexFind \"(\" \"x\" }}",
        "template: message:1:3: executing \"message\" at <regexFind \"(\" \"x\">: error calling regexFind: regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
    ),
    .init(
        "{{ slice \"hello\" 1 3 }}",
        "template: message:1:3: executing \"message\" at <slice \"hello\" 1 3>: error calling slice: list should be type of slice or array but string"
    ),
    .init(
        "{{ slice (list 1 2) 1 5 }}",
        "template: message:1:3: executing \"message\" at <slice (list 1 2) 1 5>: error calling slice: reflect.Value.Slice: slice index out of bounds"
    ),
    .init(
        "{{ substr 5 2 \"abcdef\" }}",
        "template: message:1:3: executing \"message\" at <substr 5 2 \"abcdef\">: error calling substr: runtime error: slice bounds out of range [5:2]"
    ),
    .init(
        "{{ substr -1 9 \"abc\" }}",
        "template: message:1:3: executing \"message\" at <substr -1 9 \"abc\">: error calling substr: runtime error: slice bounds out of range [:9] with length 3"
    ),
    .init(
        "{{ div 1 0 }}",
        "template: message:1:3: executing \"message\" at <div 1 0>: error calling div: runtime error: integer divide by zero"
    ),
    .init(
        "{{ divf 1 0 }}",
        "template: message:1:3: executing \"message\" at <divf 1 0>: error calling divf: decimal division by 0"),
    .init(
        "{{ append \"x\" 1 }}",
        "template: message:1:3: executing \"message\" at <append \"x\" 1>: error calling append: Cannot push on type string"
    ),
    .init(
        "{{ append nil 1 }}",
        "template: message:1:3: executing \"message\" at <append nil 1>: error calling append: runtime error: invalid memory address or nil pointer dereference"
    ),
    .init(
        "{{ first \"abc\" }}",
        "template: message:1:3: executing \"message\" at <first \"abc\">: error calling first: Cannot find first on type string"
    ),
    .init(
        "{{ mustFirst 5 }}",
        "template: message:1:3: executing \"message\" at <mustFirst 5>: error calling mustFirst: Cannot find first on type int"
    ),
    .init(
        "{{ has 1 \"abc\" }}",
        "template: message:1:3: executing \"message\" at <has 1 \"abc\">: error calling has: Cannot find has on type string"
    ),
    .init(
        "{{ concat (list 1) 2 }}",
        "template: message:1:3: executing \"message\" at <concat (list 1) 2>: error calling concat: Cannot concat type int as list"
    ),
    .init(
        "{{ dig \"a\" \"b\" \"def\" (dict \"a\" 1) }}",
        "template: message:1:3: executing \"message\" at <dig \"a\" \"b\" \"def\" (dict \"a\" 1)>: error calling dig: interface conversion: interface {} is int, not map[string]interface {}"
    ),
    .init(
        "{{ mustFromJson \"{\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"{\">: error calling mustFromJson: unexpected end of JSON input"
    ),
    .init(
        "{{ mustFromJson \"[1,]\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"[1,]\">: error calling mustFromJson: invalid character ']' looking for beginning of value"
    ),
    .init(
        "{{ mustFromJson \"{\\\"a\\\" 1}\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"{\\\"a\\\" 1}\">: error calling mustFromJson: invalid character '1' after object key"
    ),
    .init(
        "{{ mustFromJson \"x\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"x\">: error calling mustFromJson: invalid character 'x' looking for beginning of value"
    ),
    .init(
        "{{ mustFromJson \"1 2\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"1 2\">: error calling mustFromJson: invalid character '2' after top-level value"
    ),
    .init(
        "{{ mustFromJson \"\\\"a\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"\\\"a\">: error calling mustFromJson: unexpected end of JSON input"
    ),
    .init(
        "{{ fail \"boom\" }}",
        "template: message:1:3: executing \"message\" at <fail \"boom\">: error calling fail: boom"),
    .init(
        "{{ semver \"x.y\" }}",
        "template: message:1:3: executing \"message\" at <semver \"x.y\">: error calling semver: Invalid Semantic Version"
    ),
    .init(
        "{{ semverCompare \"!!\" \"1.0.0\" }}",
        "template: message:1:3: executing \"message\" at <semverCompare \"!!\" \"1.0.0\">: error calling semverCompare: improper constraint: !!"
    ),
    .init(
        "{{ semverCompare \">1\" \"junk\" }}",
        "template: message:1:3: executing \"message\" at <semverCompare \">1\" \"junk\">: error calling semverCompare: Invalid Semantic Version"
    ),
    .init(
        "{{ mustRegexFindAll \"[\" \"x\" 1 }}",
        "template: message:1:3: executing \"message\" at <mustRegexFindAll \"[\" \"x\" 1>: error calling mustRegexFindAll: error parsing regexp: missing closing ]: `[`"
    ),
    .init(
        "{{ mustRegexReplaceAll \"a)\" \"x\" \"y\" }}",
        "template: message:1:3: executing \"message\" at <mustRegexReplaceAll \"a)\" \"x\" \"y\">: error calling mustRegexReplaceAll: error parsing regexp: unexpected ): `a)`"
    ),
    .init(
        "{{ regexSplit \"[\" \"x\" 1 }}",
        "template: message:1:3: executing \"message\" at <regexSplit \"[\" \"x\" 1>: error calling regexSplit: regexp: Compile(`[`): error parsing regexp: missing closing ]: `[`"
    ),
    .init(
        "{{ mustFromJson \"tru\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"tru\">: error calling mustFromJson: invalid character ' ' in literal true (expecting 'e')"
    ),
    .init(
        "{{ mustFromJson \"nul\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"nul\">: error calling mustFromJson: invalid character ' ' in literal null (expecting 'l')"
    ),
    .init(
        "{{ mustFromJson \"[1 2]\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"[1 2]\">: error calling mustFromJson: invalid character '2' after array element"
    ),
    .init(
        "{{ mustFromJson \"{\\\"a\\\":1,}\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"{\\\"a\\\":1,}\">: error calling mustFromJson: invalid character '}' looking for beginning of object key string"
    ),
    .init(
        "{{ mustFromJson \"{\\\"a\\\":1 \\\"b\\\":2}\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"{\\\"a\\\":1 \\\"b\\\":2}\">: error calling mustFromJson: invalid character '\"' after object key:value pair"
    ),
    .init(
        "{{ mustFromJson \"-\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"-\">: error calling mustFromJson: invalid character ' ' in numeric literal"
    ),
    .init(
        "{{ mustFromJson \"01\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"01\">: error calling mustFromJson: invalid character '1' after top-level value"
    ),
    .init(
        "{{ mustFromJson \"1.\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"1.\">: error calling mustFromJson: invalid character ' ' after decimal point in numeric literal"
    ),
    .init(
        "{{ mustFromJson \"\\\"\\\\x\\\"\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"\\\"\\\\x\\\"\">: error calling mustFromJson: invalid character 'x' in string escape code"
    ),
    .init(
        "{{ mustFromJson \"'a'\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"'a'\">: error calling mustFromJson: invalid character '\\'' looking for beginning of value"
    ),
    .init(
        "{{ mustFromJson \"\" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"\">: error calling mustFromJson: unexpected end of JSON input"
    ),
    .init(
        "{{ mustFromJson \"  \" }}",
        "template: message:1:3: executing \"message\" at <mustFromJson \"  \">: error calling mustFromJson: unexpected end of JSON input"
    ),
    .init(
        "{{ repeat -1 \"x\" }}",
        "template: message:1:3: executing \"message\" at <repeat -1 \"x\">: error calling repeat: strings: negative Repeat count"
    ),
    .init(
        "{{ chunk 0 (list 1) }}",
        "template: message:1:3: executing \"message\" at <chunk 0 (list 1)>: error calling chunk: runtime error: makeslice: len out of range"
    ),
    .init(
        "{{ first nil }}",
        "template: message:1:3: executing \"message\" at <first nil>: error calling first: runtime error: invalid memory address or nil pointer dereference"
    ),
    .init(
        "{{ uniq \"x\" }}",
        "template: message:1:3: executing \"message\" at <uniq \"x\">: error calling uniq: Cannot find uniq on type string"
    ),
    .init(
        "{{ without \"x\" 1 }}",
        "template: message:1:3: executing \"message\" at <without \"x\" 1>: error calling without: Cannot find without on type string"
    ),
    .init(
        "{{ reverse nil }}",
        "template: message:1:3: executing \"message\" at <reverse nil>: error calling reverse: runtime error: invalid memory address or nil pointer dereference"
    ),
    .init(
        "{{ compact 1 }}",
        "template: message:1:3: executing \"message\" at <compact 1>: error calling compact: Cannot compact on type int"
    ),
    .init(
        "{{ mustSlice \"x\" }}",
        "template: message:1:3: executing \"message\" at <mustSlice \"x\">: error calling mustSlice: list should be type of slice or array but string"
    ),
    .init(
        "{{ slice (list 1 2 3) -1 }}",
        "template: message:1:3: executing \"message\" at <slice (list 1 2 3) -1>: error calling slice: reflect.Value.Slice: slice index out of bounds"
    ),
    .init(
        "{{ concat nil }}",
        "template: message:1:3: executing \"message\" at <concat nil>: error calling concat: runtime error: invalid memory address or nil pointer dereference"
    ),
    .init(
        "{{ dig \"a\" (dict \"a\" 1) }}",
        "template: message:1:3: executing \"message\" at <dig \"a\" (dict \"a\" 1)>: error calling dig: dig needs at least three arguments"
    ),
    .init(
        "{{ dig 1 \"def\" (dict \"a\" 1) }}",
        "template: message:1:3: executing \"message\" at <dig 1 \"def\" (dict \"a\" 1)>: error calling dig: interface conversion: interface {} is int, not string"
    ),
    .init(
        "{{ dig \"a\" \"def\" \"notadict\" }}",
        "template: message:1:3: executing \"message\" at <dig \"a\" \"def\" \"notadict\">: error calling dig: interface conversion: interface {} is string, not map[string]interface {}"
    ),
    .init(
        "{{ dig \"a\" \"def\" nil }}",
        "template: message:1:3: executing \"message\" at <dig \"a\" \"def\" nil>: error calling dig: interface conversion: interface {} is nil, not map[string]interface {}"
    ),
    .init("{{ fail \"\" }}", "template: message:1:3: executing \"message\" at <fail \"\">: error calling fail: "),
    .init(
        "{{ urlParse \"https://example.com/%zz\" }}",
        "template: message:1:3: executing \"message\" at <urlParse \"https://example.com/%zz\">: error calling urlParse: unable to parse url: parse \"https://example.com/%zz\": invalid URL escape \"%zz\""
    ),
    .init(
        "{{ urlJoin (dict \"host\" 5) }}",
        "template: message:1:3: executing \"message\" at <urlJoin (dict \"host\" 5)>: error calling urlJoin: unable to parse host key, must be of type string, but int found"
    ),
    .init(
        "{{ semver \"v1\" }} {{ semver \"1.2.3.4\" }}",
        "template: message:1:21: executing \"message\" at <semver \"1.2.3.4\">: error calling semver: Invalid Semantic Version"
    ),
    .init(
        "{{ randInt 5 5 }}",
        "template: message:1:3: executing \"message\" at <randInt 5 5>: error calling randInt: invalid argument to Intn"
    ),
    .init(
        "{{ mustToJson (list 1 (float64 \"NaN\")) }}",
        "template: message:1:3: executing \"message\" at <mustToJson (list 1 (float64 \"NaN\"))>: error calling mustToJson: json: unsupported value: NaN"
    ),
    .init(
        "{{ toRawJson (float64 \"-inf\") }}",
        "template: message:1:3: executing \"message\" at <toRawJson (float64 \"-inf\")>: error calling toRawJson: json: unsupported value: -Inf"
    ),
    .init(
        "{{ mustToPrettyJson (dict \"a\" (float64 \"NaN\")) }}",
        "template: message:1:3: executing \"message\" at <mustToPrettyJson (dict \"a\" (float64 \"NaN\"))>: error calling mustToPrettyJson: json: unsupported value: NaN"
    ),
]

/// With data `{"s":"Hello","list":["b","a"],"m":{"a":"1"}}`, from the same Go program.
let sprigDataOutputs: [SprigCase] = [
    .init("{{ .missing | default \"d\" }}", "d"),
    .init("{{ default \"d\" .s }}", "Hello"),
    .init("{{ .list | first }}", "b"),
    .init("{{ .list | sortAlpha | join \",\" }}", "a,b"),
    .init("{{ hasKey .m \"a\" }}", "true"),
    .init("{{ .m | keys | first }}", "a"),
    .init("{{ empty .missing }}", "true"),
    .init("{{ .s | trunc 3 | upper }}", "HEL"),
    .init("{{ coalesce .missing .s }}", "Hello"),
    .init("{{ typeOf .missing }}", "<nil>"),
    .init("{{ kindOf .m }}", "map"),
    .init("{{ .list | has \"a\" }}", "true"),
    .init("{{ set .m \"b\" \"x\" }}", "map[a:1 b:x]"),
    .init("{{ toJson . }}", #"{"list":["b","a"],"m":{"a":"1"},"s":"Hello"}"#),
    .init("{{ dict \"k\" .missing }}", "map[k:<nil>]"),
    .init("{{ list .missing }}", "[<nil>]"),
    .init("{{ quote .missing }}", ""),
    .init("{{ get .m \"a\" | typeOf }}", "string"),
    .init("{{ index .m \"zz\" | default \"none\" }}", "none"),
]

let sprigData: TemplateValue = .map([
    .string("s"): .string("Hello"), .string("list"): .list([.string("b"), .string("a")]),
    .string("m"): .map([.string("a"): .string("1")]),
])

@Suite struct SprigFunctionTests {
    @Test(arguments: sprigDataOutputs)
    func rendersDataLikeSprig(_ c: SprigCase) throws {
        #expect(try MessageTemplate(c.template).render(sprigData) == c.expected)
    }

    /// Go's `set` changes the map in place; imagebot's values are immutable (README).
    @Test func setReturnsAChangedCopy() throws {
        #expect(try MessageTemplate("{{ $_ := set .m \"b\" \"x\" }}{{ .m }}").render(sprigData) == "map[a:1]")
        #expect(try MessageTemplate("{{ $m := set .m \"b\" \"x\" }}{{ $m }}").render(sprigData) == "map[a:1 b:x]")
    }

    @Test(arguments: sprigOutputs)
    func rendersLikeSprig(_ c: SprigCase) throws {
        #expect(try MessageTemplate(c.template).render(.null) == c.expected)
    }

    @Test(arguments: sprigErrors)
    func failsLikeSprig(_ c: SprigCase) throws {
        #expect(throws: TemplateError.self) { try MessageTemplate(c.template).render(.null) }
        do {
            _ = try MessageTemplate(c.template).render(.null)
        } catch {
            #expect(error.message == c.expected)
        }
    }
}
