//! An instant with a location, as Go's time.Time (without a monotonic reading):
//! the calendar fields it shows in its location, Go's time.Date (which
//! normalizes out-of-range fields) and AddDate.
const std = @import("std");
const assert = std.debug.assert;
const calendar = @import("calendar.zig");
const zone = @import("zone.zig");

const Location = zone.Location;
const ns_per_second = 1_000_000_000;

pub const Time = struct {
    /// Seconds since January 1, year 1, 00:00:00 UTC (Go's internal count,
    /// which Go wraps rather than refuses on overflow).
    sec: i64,
    /// Nanoseconds within the second, [0, 1e9).
    nsec: u32,
    loc: *const Location,

    /// Go's time.Unix(0, ns).In(loc).
    pub fn fromUnixNano(ns: i64, loc: *const Location) Time {
        return .{
            .sec = @divFloor(ns, ns_per_second) + calendar.unix_to_internal,
            .nsec = @intCast(@mod(ns, ns_per_second)),
            .loc = loc,
        };
    }

    /// Go's time.Unix(sec, nsec) for nsec in [0, 1e9), wrapping as Go does.
    fn fromUnix(sec: i64, nsec: u32, loc: *const Location) Time {
        assert(nsec < ns_per_second);
        return .{ .sec = sec +% calendar.unix_to_internal, .nsec = nsec, .loc = loc };
    }

    pub fn unixSec(t: Time) i64 {
        return t.sec +% calendar.internal_to_unix;
    }

    /// The earliest and latest instants an int64 of Unix nanoseconds holds.
    pub const min_unix_nano: Time = fromUnixNano(std.math.minInt(i64), &Location.utc);
    pub const max_unix_nano: Time = fromUnixNano(std.math.maxInt(i64), &Location.utc);

    /// Nanoseconds since the Unix epoch, or null when they do not fit an int64
    /// (OPA's "time outside of valid range").
    pub fn unixNano(t: Time) ?i64 {
        if (t.before(min_unix_nano) or t.after(max_unix_nano)) return null;
        // Exact, though the product alone may wrap (at the minimum instant).
        return t.unixSec() *% ns_per_second +% t.nsec;
    }

    pub fn before(t: Time, u: Time) bool {
        return t.sec < u.sec or (t.sec == u.sec and t.nsec < u.nsec);
    }

    pub fn after(t: Time, u: Time) bool {
        return t.sec > u.sec or (t.sec == u.sec and t.nsec > u.nsec);
    }

    pub fn in(t: Time, loc: *const Location) Time {
        return .{ .sec = t.sec, .nsec = t.nsec, .loc = loc };
    }

    /// Go's addSec: adds `d` seconds, saturating instead of wrapping.
    pub fn addSec(t: *Time, d: i64) void {
        const sum, const overflow = @addWithOverflow(t.sec, d);
        if (overflow == 0) {
            t.sec = sum;
        } else {
            t.sec = if (d > 0) std.math.maxInt(i64) else -std.math.maxInt(i64);
        }
    }

    pub const Presentation = struct {
        /// Zone abbreviation in effect.
        name: []const u8,
        /// Seconds east of UTC.
        offset: i64,
        /// Local seconds since the absolute epoch (see calendar.zig).
        abs: u64,

        pub fn days(p: Presentation) u64 {
            return p.abs / calendar.seconds_per_day;
        }
    };

    /// The zone in effect and the local time, from which every calendar field follows.
    pub fn presentation(t: Time) Presentation {
        const sec = t.unixSec();
        const period = t.loc.lookup(sec);
        return .{
            .name = period.name,
            .offset = period.offset,
            .abs = @bitCast(sec +% period.offset +% calendar.unix_to_absolute),
        };
    }

    pub fn date(t: Time) calendar.Date {
        return calendar.dateFromAbsDays(t.presentation().days());
    }

    pub fn clock(t: Time) calendar.Clock {
        return calendar.clockFromAbsSeconds(t.presentation().abs);
    }

    pub fn weekday(t: Time) calendar.Weekday {
        return calendar.weekdayFromAbsDays(t.presentation().days());
    }

    /// Go's time.Date: the instant showing year-month-day hour:minute:second.nsec
    /// in `loc`, out-of-range fields carried over (October 32 is November 1).
    /// A local time skipped or repeated by a transition gets one of the two
    /// offsets, the one Go picks.
    pub fn fromCivil(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64, nsec: i64, loc: *const Location) Time {
        const y, const m0 = calendar.norm(year, month -% 1, 12);
        const s1, const ns = calendar.norm(second, nsec, ns_per_second);
        const min1, const s = calendar.norm(minute, s1, 60);
        const h1, const min = calendar.norm(hour, min1, 60);
        const d, const h = calendar.norm(day, h1, 24);

        const days: i64 = @bitCast(calendar.absDaysFromDate(y, @intCast(m0 + 1), d));
        var unix = days *% calendar.seconds_per_day +% (h * calendar.seconds_per_hour + min * 60 + s) +% calendar.absolute_to_unix;

        // Find the offset at the local time read as UTC; if the instant it
        // gives falls outside that zone's period, take the offset there.
        const guess = loc.lookup(unix);
        var offset = guess.offset;
        if (offset != 0) {
            const utc = unix -% offset;
            if (utc < guess.start or utc >= guess.end) offset = loc.lookup(utc).offset;
            unix -%= offset;
        }
        return fromUnix(unix, @intCast(ns), loc);
    }

    /// Go's AddDate: the same clock time `years`, `months` and `days` later,
    /// normalized as time.Date normalizes.
    pub fn addDate(t: Time, years: i64, months: i64, days: i64) Time {
        const d = t.date();
        const c = t.clock();
        return fromCivil(d.year +% years, @as(i64, d.month) +% months, @as(i64, d.day) +% days, c.hour, c.minute, c.second, t.nsec, t.loc);
    }
};

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

test "unix nanoseconds round-trip to the int64 limits" {
    for ([_]i64{ 0, 1, -1, 1496455200000000000, std.math.minInt(i64), std.math.maxInt(i64) }) |ns| {
        try testing.expectEqual(@as(?i64, ns), Time.fromUnixNano(ns, &Location.utc).unixNano());
    }
    var t = Time.max_unix_nano;
    t.nsec += 1;
    try testing.expectEqual(@as(?i64, null), t.unixNano());
    t = Time.min_unix_nano;
    t.nsec -= 1;
    try testing.expectEqual(@as(?i64, null), t.unixNano());
}

test "calendar fields in UTC and in a zone" {
    const t = Time.fromUnixNano(1517814000 * ns_per_second, &Location.utc);
    try testing.expectEqual(calendar.Date{ .year = 2018, .month = 2, .day = 5 }, t.date());
    try testing.expectEqual(calendar.Clock{ .hour = 7, .minute = 0, .second = 0 }, t.clock());
    // Five hours earlier in New York, still February 5.
    const ny = t.in(&zone.test_new_york);
    try testing.expectEqual(calendar.Date{ .year = 2018, .month = 2, .day = 5 }, ny.date());
    try testing.expectEqual(calendar.Clock{ .hour = 2, .minute = 0, .second = 0 }, ny.clock());
    try testing.expectEqual(calendar.Weekday.monday, ny.weekday());
    const late = Time.fromUnixNano(1517814000 * ns_per_second - 3 * 3600 * ns_per_second, &zone.test_new_york);
    try testing.expectEqual(calendar.Date{ .year = 2018, .month = 2, .day = 4 }, late.date());
    try testing.expectEqual(calendar.Weekday.sunday, late.weekday());
}

test "time.Date normalizes and add_date follows it" {
    const t = Time.fromCivil(2018, 10, 32, 0, 0, 0, 0, &Location.utc);
    try testing.expectEqual(calendar.Date{ .year = 2018, .month = 11, .day = 1 }, t.date());
    const start = Time.fromUnixNano(1585852421593912000, &Location.utc);
    try testing.expectEqual(@as(?i64, 1705257221593912000), start.addDate(3, 9, 12).unixNano());
    try testing.expectEqual(@as(?i64, 1551465221593912000), start.addDate(-1, -1, -1).unixNano());
    // OPA: time.add_date(0, 9223372036854775807, 0, 0) (years) wraps to -31487616000000000.
    const epoch = Time.fromUnixNano(0, &Location.utc);
    try testing.expectEqual(@as(?i64, -31487616000000000), epoch.addDate(std.math.maxInt(i64), 0, 0).unixNano());
    try testing.expectEqual(@as(?i64, null), epoch.addDate(2262, 1, 1).unixNano());
    try testing.expectEqual(@as(?i64, 9223286400000000000), epoch.addDate(0, 0, 106751).unixNano());
    try testing.expectEqual(@as(?i64, null), epoch.addDate(0, 0, 106752).unixNano());
    // Extremes wrap without trapping.
    const max = std.math.maxInt(i64);
    const min = std.math.minInt(i64);
    _ = epoch.addDate(max, max, max).unixNano();
    _ = epoch.addDate(min, min, min).unixNano();
    _ = epoch.in(&zone.test_new_york).addDate(max, min, max).unixNano();
}

test "time.Date across a daylight saving transition" {
    // 2018-03-11 02:30 does not exist in New York: Go gives 01:30 EST.
    const t = Time.fromCivil(2018, 3, 11, 2, 30, 0, 0, &zone.test_new_york);
    try testing.expectEqual(@as(i64, 1520749800), t.unixSec());
    try testing.expectEqual(@as(u5, 1), t.clock().hour);
    // 2018-11-04 01:30 happens twice: Go gives the first, in EDT.
    try testing.expectEqual(@as(i64, 1541309400), Time.fromCivil(2018, 11, 4, 1, 30, 0, 0, &zone.test_new_york).unixSec());
}

test "addSec saturates" {
    var t = Time.fromUnixNano(0, &Location.utc);
    t.addSec(std.math.maxInt(i64));
    try testing.expectEqual(@as(i64, std.math.maxInt(i64)), t.sec);
}
