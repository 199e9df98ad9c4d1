import CrewDocuments
import Foundation
import Testing

/// `Timestamp.parse` reads crew's own form without a formatter; it must agree with ISO 8601 everywhere.
@Suite struct TimestampTests {
    let reference: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    @Test func itAgreesWithISO8601AcrossFourCenturies() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let seconds = Double(Int64.random(in: -2_208_988_800...7_258_118_400, using: &generator))
            let date = Date(timeIntervalSince1970: seconds + Double(Int.random(in: 0...999, using: &generator)) / 1000)
            let text = Timestamp.iso8601(date)
            let parsed = Timestamp.parse(text)
            #expect(parsed == reference.date(from: text), "\(text)")
            #expect(abs((parsed?.timeIntervalSince1970 ?? 0) - date.timeIntervalSince1970) < 0.0006, "\(text)")
        }
    }

    @Test func edgesAndBadDatesAreReadAsISO8601ReadsThem() {
        for text in [
            "2024-02-29T23:59:59.999Z", "2000-02-29T00:00:00.000Z", "2026-12-05T03:08:31.183+01:00",
            "1969-12-31T23:59:59.500Z", "1600-03-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
        ] {
            #expect(Timestamp.parse(text) != nil && Timestamp.parse(text) == reference.date(from: text), "\(text)")
        }
        // Crew's reader also takes no fraction, or another count of digits.
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.parse("2026-12-05T03:08:31.1Z") == Timestamp.parse("2026-12-05T03:08:31.100Z"))
        // The proleptic Gregorian calendar all the way down (a formatter switches to Julian before 1582).
        #expect(Timestamp.parse("0001-01-01T00:00:00.000Z")?.timeIntervalSince1970 == -62_135_596_800)
        for bad in [
            "2023-02-29T00:00:00.000Z", "1900-02-29T00:00:00.000Z", "2026-13-01T00:00:00.000Z",
            "2026-04-31T00:00:00.000Z", "2026-12-05T24:00:00.000Z", "2026-12-05T03:60:00.000Z", "2026-12-05 03:08:31Z",
            "2026-12-05T03:08:31.Z", "２026-12-05T03:08:31.000Z", "yesterday", "",
        ] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}
