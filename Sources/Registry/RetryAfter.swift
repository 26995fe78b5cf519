/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
enum RetryAfter {
    /// The delay in seconds the header asks for, relative to `now` (Unix seconds); nil if unparseable.
    /// A date in the past yields 0.
    static func delay(_ header: String, now: Double) -> Double? {
        let value = Substring(header).trimmingSpaces()
        guard !value.isEmpty, value.utf8.count <= 64 else { return nil }
        if value.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Clamp absurd values instead of overflowing.
            return value.count > 9 ? 1e9 : Double(value).map { max(0, $0) }
        }
        guard let date = httpDate(value) else { return nil }
        return max(0, date - now)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`)
    /// and asctime (`Sun Nov  6 08:49:37 1994`) into Unix seconds.
    static func httpDate(_ value: Substring) -> Double? {
        let fields = value.split(whereSeparator: { $0 == " " || $0 == "," })
        var day: Int?
        var month: Int?
        var year: Int?
        var time: Substring?
        if fields.count == 4, fields[3] == "GMT" {
            if fields[1].contains("-") {  // RFC 850
                let dmy = fields[1].split(separator: "-")
                guard dmy.count == 3 else { return nil }
                day = Int(dmy[0])
                month = monthIndex(dmy[1])
                year = Int(dmy[2]).map { $0 < 100 ? ($0 < 70 ? 2000 + $0 : 1900 + $0) : $0 }
                time = fields[2]
            } else {
                return nil
            }
        } else if fields.count == 6, fields[5] == "GMT" {  // IMF-fixdate
            day = Int(fields[1])
            month = monthIndex(fields[2])
            year = Int(fields[3])
            time = fields[4]
        } else if fields.count == 5 {  // asctime
            month = monthIndex(fields[1])
            day = Int(fields[2])
            time = fields[3]
            year = Int(fields[4])
        }
        guard let day, let month, let year, let time, (1...31).contains(day), (1970...9999).contains(year) else {
            return nil
        }
        let hms = time.split(separator: ":").map { Int($0) }
        guard hms.count == 3, let h = hms[0], let m = hms[1], let s = hms[2], h < 24, m < 60, s < 61 else {
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86400 + h * 3600 + m * 60 + s)
    }

    private static func monthIndex(_ s: Substring) -> Int? {
        months.firstIndex(of: s.lowercased()).map { $0 + 1 }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 for a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
