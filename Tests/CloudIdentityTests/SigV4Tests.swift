import Foundation
import TestServers
import Testing

@testable import CloudIdentity

/// AWS's SigV4 test suite (a subset, see testdata/sigv4/README.md): each `.req` is signed and
/// the canonical request, string to sign and Authorization header compared with the suite's.
@Suite struct SigV4Tests {
    static let directory = packageRoot.appendingPathComponent("testdata/sigv4")
    static let cases: [String] =
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path))
        .map { $0.filter { !$0.contains(".") && $0 != "LICENSE" && $0 != "NOTICE" }.sorted() } ?? []
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")

    @Test func suiteIsPresent() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func vector(_ name: String) throws {
        func read(_ ext: String) throws -> String {
            try String(contentsOf: Self.directory.appendingPathComponent("\(name)/\(name).\(ext)"), encoding: .utf8)
        }
        let request = try Self.parse(read("req"))
        var credentials = Self.credentials
        // The suite signs this case with a session token that only its canonical request shows.
        if name == "get-vanilla-with-session-token" {
            credentials.sessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        }
        let signature = SigV4(region: "us-east-1", service: "service")
            .sign(request, credentials: credentials, time: AWSTime(seconds: 0))
        #expect(signature.canonicalRequest == (try read("creq")))
        #expect(signature.stringToSign == (try read("sts")))
        #expect(signature.authorization == (try read("authz")))
        #expect(signature.headers.last?.name == "Authorization")
    }

    /// A `.req`: request line, `Name:value` headers, a blank line and the body.
    static func parse(_ text: String) throws -> SigV4.Request {
        let (head, body): (Substring, Substring) = {
            if let blank = text.range(of: "\n\n") { return (text[..<blank.lowerBound], text[blank.upperBound...]) }
            return (text[...], "")
        }()
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false)
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " ") else {
            throw SandboxError.failed("bad request line \(requestLine)")
        }
        let target = requestLine[requestLine.index(after: firstSpace)..<lastSpace]
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let headers = lines.filter { !$0.isEmpty }.map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (name: String(line[..<colon]), value: String(line[line.index(after: colon)...]))
        }
        return SigV4.Request(
            method: String(requestLine[..<firstSpace]), path: String(path[0]),
            query: path.count > 1 ? String(path[1]) : "",
            headers: headers, body: Array(body.utf8))
    }
}

@Suite struct AWSTimeTests {
    @Test(arguments: [
        ("2015-08-30T12:36:00Z", "20150830T123600Z", Int64(1_440_938_160)),
        ("2024-02-29T23:59:59.123Z", "20240229T235959Z", Int64(1_709_251_199)),
        ("1970-01-01T02:00:00+02:00", "19700101T000000Z", Int64(0)),
    ])
    func parsesAndFormats(_ iso: String, _ amz: String, _ seconds: Int64) throws {
        let time = try #require(AWSTime(iso8601: iso))
        #expect(time.seconds == seconds)
        #expect(time.amzDate == amz)
    }

    @Test(arguments: ["", "2015-08-30", "2015-13-30T12:36:00Z", "2015-08-30T12:36:00", "2015-08-30T12:36:00Zjunk"])
    func rejects(_ text: String) {
        #expect(AWSTime(iso8601: text) == nil)
    }
}

@Suite struct SigV4HeaderTests {
    /// S3's payload header is opt-in (the ECR and STS calls the SDKs make do not send it); when
    /// on, it is sent and signed.
    @Test func contentSHA256IsSignedWhenAsked() {
        let request = SigV4.Request(
            method: "POST", path: "/", query: "", headers: [(name: "Host", value: "example.amazonaws.com")],
            body: Array("{}".utf8))
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token")
        let plain = SigV4(region: "us-east-1", service: "ecr").sign(
            request, credentials: credentials, time: AWSTime(seconds: 0))
        #expect(plain.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        #expect(!plain.headers.contains { $0.name == "X-Amz-Content-Sha256" })
        var s3 = SigV4(region: "us-east-1", service: "s3")
        s3.addsContentSHA256 = true
        let signed = s3.sign(request, credentials: credentials, time: AWSTime(seconds: 0))
        #expect(
            signed.authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"))
        #expect(
            signed.headers.contains {
                $0.name == "X-Amz-Content-Sha256"
                    && $0.value == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
            })
        #expect(signed.headers.contains { $0.name == "X-Amz-Date" && $0.value == "19700101T000000Z" })
    }
}
