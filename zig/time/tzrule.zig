//! POSIX TZ rule strings ("PST8PDT,M3.2.0,M11.1.0"), as Go's package time reads
//! the one that ends a TZif file: it gives the zone for every instant after the
//! file's last transition.
//!
//! Go's reading is followed exactly, including what it accepts beyond POSIX
//! (offsets up to 167 hours, ';' before the rules) and its answer for the start
//! and end of the period found, which time.Date uses near transitions.
const std = @import("std");
const assert = std.debug.assert;
const calendar = @import("calendar.zig");

const seconds_per_hour = calendar.seconds_per_hour;
const seconds_per_day = calendar.seconds_per_day;

/// The zone a rule string gives for an instant, with the period around it.
pub const Period = struct {
    name: []const u8,
    /// Seconds east of UTC.
    offset: i64,
    start: i64,
    end: i64,
    is_dst: bool,
};

pub const omega: i64 = std.math.maxInt(i64);

/// The zone in effect at `sec` (Unix seconds) by rule string `s`, the file's
/// last transition being at `last_transition`; null when Go cannot read `s`.
pub fn evaluate(s: []const u8, last_transition: i64, sec: i64) ?Period {
    var rest = s;
    var std_name = name(&rest) orelse return null;
    // The string gives offsets to add to local time to get UTC: negate.
    var std_offset = -(offset(&rest) orelse return null);
    if (rest.len == 0 or rest[0] == ',') {
        return .{ .name = std_name, .offset = std_offset, .start = last_transition, .end = omega, .is_dst = false };
    }

    var dst_name = name(&rest) orelse return null;
    var dst_offset: i64 = undefined;
    if (rest.len == 0 or rest[0] == ',') {
        dst_offset = std_offset + seconds_per_hour;
    } else {
        dst_offset = -(offset(&rest) orelse return null);
    }
    // tzcode's default rules when none follow the names.
    if (rest.len == 0) rest = ",M3.2.0,M11.1.0";
    if (rest[0] != ',' and rest[0] != ';') return null;
    rest = rest[1..];
    const start_rule = rule(&rest) orelse return null;
    if (rest.len == 0 or rest[0] != ',') return null;
    rest = rest[1..];
    const end_rule = rule(&rest) orelse return null;
    if (rest.len != 0) return null;

    // The year of `sec` (taken in UTC, as Go does) and where it starts.
    const abs: u64 = @bitCast(sec +% calendar.unix_to_absolute);
    const year_day = calendar.yearDayFromAbsDays(abs / seconds_per_day);
    const year = year_day.year;
    const since_year_start = (year_day.yday - 1) *% seconds_per_day +% @rem(sec, seconds_per_day);
    const year_start = sec -% since_year_start;

    var start = ruleTime(year, start_rule, std_offset);
    var end = ruleTime(year, end_rule, dst_offset);
    var dst_is_dst = true;
    var std_is_dst = false;
    // Southern hemisphere: daylight time spans the new year, so the labels swap.
    if (end < start) {
        std.mem.swap(i64, &start, &end);
        std.mem.swap([]const u8, &std_name, &dst_name);
        std.mem.swap(i64, &std_offset, &dst_offset);
        std.mem.swap(bool, &std_is_dst, &dst_is_dst);
    }
    // Go's bounds are exact near a transition and otherwise the year's.
    if (since_year_start < start) {
        return .{ .name = std_name, .offset = std_offset, .start = year_start, .end = start +% year_start, .is_dst = std_is_dst };
    } else if (since_year_start >= end) {
        return .{ .name = std_name, .offset = std_offset, .start = end +% year_start, .end = year_start +% 365 * seconds_per_day, .is_dst = std_is_dst };
    } else {
        return .{ .name = dst_name, .offset = dst_offset, .start = start +% year_start, .end = end +% year_start, .is_dst = dst_is_dst };
    }
}

/// A zone abbreviation: "<...>" or at least three characters up to a digit, ',', '-' or '+'.
fn name(s: *[]const u8) ?[]const u8 {
    const text = s.*;
    if (text.len == 0) return null;
    if (text[0] == '<') {
        const close = std.mem.indexOfScalarPos(u8, text, 1, '>') orelse return null;
        s.* = text[close + 1 ..];
        return text[1..close];
    }
    const stop = std.mem.indexOfAny(u8, text, "0123456789,-+") orelse text.len;
    if (stop < 3) return null;
    s.* = text[stop..];
    return text[0..stop];
}

/// [+-]hh[:mm[:ss]] in seconds, hours up to 24*7 as tzcode allows.
fn offset(s: *[]const u8) ?i64 {
    var text = s.*;
    if (text.len == 0) return null;
    var negative = false;
    if (text[0] == '+' or text[0] == '-') {
        negative = text[0] == '-';
        text = text[1..];
    }
    var total = seconds_per_hour * (number(&text, 0, 24 * 7) orelse return null);
    if (text.len > 0 and text[0] == ':') {
        text = text[1..];
        total += 60 * (number(&text, 0, 59) orelse return null);
        if (text.len > 0 and text[0] == ':') {
            text = text[1..];
            total += number(&text, 0, 59) orelse return null;
        }
    }
    s.* = text;
    return if (negative) -total else total;
}

const Rule = struct {
    kind: enum { julian, day_of_year, month_week_day },
    day: i64 = 0,
    week: i64 = 0,
    month: i64 = 0,
    /// Local time of day of the transition, in seconds.
    time: i64 = 2 * seconds_per_hour,
};

/// Jn (1-365, no leap day), n (0-365) or Mm.w.d, then an optional /time.
fn rule(s: *[]const u8) ?Rule {
    var text = s.*;
    if (text.len == 0) return null;
    var r: Rule = undefined;
    if (text[0] == 'J') {
        text = text[1..];
        r = .{ .kind = .julian, .day = number(&text, 1, 365) orelse return null };
    } else if (text[0] == 'M') {
        text = text[1..];
        const month = number(&text, 1, 12) orelse return null;
        if (text.len == 0 or text[0] != '.') return null;
        text = text[1..];
        const week = number(&text, 1, 5) orelse return null;
        if (text.len == 0 or text[0] != '.') return null;
        text = text[1..];
        const day = number(&text, 0, 6) orelse return null;
        r = .{ .kind = .month_week_day, .day = day, .week = week, .month = month };
    } else {
        r = .{ .kind = .day_of_year, .day = number(&text, 0, 365) orelse return null };
    }
    if (text.len > 0 and text[0] == '/') {
        text = text[1..];
        r.time = offset(&text) orelse return null;
    }
    s.* = text;
    return r;
}

/// A run of digits with a value in [min, max].
fn number(s: *[]const u8, min: i64, max: i64) ?i64 {
    const text = s.*;
    var value: i64 = 0;
    var i: usize = 0;
    while (i < text.len and std.ascii.isDigit(text[i])) : (i += 1) {
        value = value * 10 + (text[i] - '0');
        if (value > max) return null;
    }
    if (i == 0 or value < min) return null;
    s.* = text[i..];
    return value;
}

/// Seconds from the start of `year` (UTC) to the transition of rule `r` in a
/// zone `utc_offset` seconds east of UTC.
fn ruleTime(year: i64, r: Rule, utc_offset: i64) i64 {
    const leap = calendar.isLeap(year);
    var seconds: i64 = 0;
    switch (r.kind) {
        .julian => {
            seconds = (r.day - 1) * seconds_per_day;
            if (leap and r.day >= 60) seconds += seconds_per_day;
        },
        .day_of_year => seconds = r.day * seconds_per_day,
        .month_week_day => {
            const month: u4 = @intCast(r.month);
            // Day of the week of the first of the month, by Zeller's congruence.
            const m1 = @mod(r.month + 9, 12) + 1;
            const y0 = if (r.month <= 2) year -% 1 else year;
            const y1 = @divTrunc(y0, 100);
            const y2 = @rem(y0, 100);
            var dow = @rem(@divTrunc(26 * m1 - 2, 10) + 1 + y2 + @divTrunc(y2, 4) + @divTrunc(y1, 4) -% 2 *% y1, 7);
            if (dow < 0) dow += 7;
            // First such weekday of the month, then week-1 weeks on while in the month.
            var d = r.day - dow;
            if (d < 0) d += 7;
            var i: i64 = 1;
            while (i < r.week) : (i += 1) {
                if (d + 7 >= calendar.daysIn(month, year)) break;
                d += 7;
            }
            d += calendar.daysBefore(month);
            if (leap and r.month > 2) d += 1;
            seconds = d * seconds_per_day;
        },
    }
    return seconds + r.time - utc_offset;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

test "US rules: standard and daylight time of 2024" {
    const la = "PST8PDT,M3.2.0,M11.1.0";
    // 2024-03-10T10:00:00Z is 02:00 PST, the switch to PDT.
    const march = evaluate(la, 0, 1710064800).?;
    try testing.expectEqualStrings("PDT", march.name);
    try testing.expectEqual(@as(i64, -7 * 3600), march.offset);
    try testing.expectEqual(@as(i64, 1710064800), march.start);
    const before = evaluate(la, 0, 1710064799).?;
    try testing.expectEqualStrings("PST", before.name);
    try testing.expectEqual(@as(i64, 1710064800), before.end);
    // 2024-11-03T09:00:00Z is 02:00 PDT, back to PST.
    try testing.expectEqualStrings("PST", evaluate(la, 0, 1730624400).?.name);
    try testing.expectEqualStrings("PDT", evaluate(la, 0, 1730624399).?.name);
}

test "southern hemisphere and fixed zones" {
    const sydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
    const january = evaluate(sydney, 0, 1704067200).?; // 2024-01-01
    try testing.expectEqualStrings("AEDT", january.name);
    try testing.expectEqual(@as(i64, 11 * 3600), january.offset);
    try testing.expect(january.is_dst);
    const july = evaluate(sydney, 0, 1719792000).?;
    try testing.expectEqualStrings("AEST", july.name);
    try testing.expect(!july.is_dst);
    const kolkata = evaluate("IST-5:30", 42, 1).?;
    try testing.expectEqual(@as(i64, 5 * 3600 + 1800), kolkata.offset);
    try testing.expectEqual(@as(i64, 42), kolkata.start);
    try testing.expectEqual(omega, kolkata.end);
    try testing.expectEqualStrings("-03", evaluate("<-03>3", 0, 0).?.name);
}

test "strings Go refuses" {
    // "EST" alone has no offset; months stop at 12; both rules are needed.
    for ([_][]const u8{ "", "AB5", "<AB", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0", "EST5EDT,M3.2.0,M11.1.0x", "EST999" }) |s| {
        try testing.expect(evaluate(s, 0, 0) == null);
    }
}
