//! Go's time.Parse: a time read by a layout (see layout.zig), with Go's
//! leniencies (any run of spaces matches a space, a fraction may follow the
//! seconds though the layout has none, "06" takes a sign) and its error texts.
//!
//! Without a zone in the value the time is UTC. A zone abbreviation counts
//! only when the local location (`local`, Go's time.Local) uses it; any other
//! abbreviation is read as UTC, as Go does.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const calendar = @import("calendar.zig");
const layout_mod = @import("layout.zig");
const quote = @import("quote.zig");
const instant = @import("instant.zig");
const zone = @import("zone.zig");

const Time = instant.Time;
const Location = zone.Location;
const Kind = layout_mod.Kind;

pub const Parsed = union(enum) {
    time: Time,
    /// Go's ParseError text, e.g. `parsing time "x" as "2006": cannot parse "x" as "2006"`.
    failure: []const u8,
};

/// What parsing has read so far; -1 marks a field not seen.
const Fields = struct {
    year: i64 = 0,
    month: i64 = -1,
    day: i64 = -1,
    yday: i64 = -1,
    hour: i64 = 0,
    minute: i64 = 0,
    second: i64 = 0,
    nsec: i64 = 0,
    am: bool = false,
    pm: bool = false,
    utc: bool = false,
    /// Seconds east of UTC; -1 also when "-00:00:01" was read, as in Go.
    zone_offset: i64 = -1,
    zone_name: []const u8 = "",
    /// What error.Range was about (Go's rangeErrString).
    out_of_range: []const u8 = "",

    fn rangeError(f: *Fields, what: []const u8) error{Range} {
        f.out_of_range = what;
        return error.Range;
    }
};

pub fn parse(allocator: Allocator, layout: []const u8, value: []const u8, local: *const Location) Allocator.Error!Parsed {
    var f: Fields = .{};
    var rest_layout = layout;
    var rest = value;
    while (true) {
        const chunk = layout_mod.next(rest_layout);
        const skipped = skip(rest, chunk.prefix);
        rest = skipped.rest;
        if (!skipped.matched) return cannotParse(allocator, layout, value, rest, chunk.prefix);
        if (chunk.element.kind == .none) {
            if (rest.len != 0) {
                const text = try quote.quote(allocator, rest);
                return withMessage(allocator, value, &.{ ": extra text: ", text });
            }
            break;
        }
        rest_layout = chunk.suffix;
        const hold = rest;
        readElement(&f, chunk.element, &rest, rest_layout) catch |err| switch (err) {
            error.Range => return withMessage(allocator, value, &.{ ": ", f.out_of_range, " out of range" }),
            error.Bad => return cannotParse(allocator, layout, value, hold, chunk.text),
        };
    }

    if (f.pm and f.hour < 12) {
        f.hour += 12;
    } else if (f.am and f.hour == 12) {
        f.hour = 0;
    }

    if (f.yday >= 0) {
        var yday = f.yday;
        var month: i64 = 0;
        var day: i64 = 0;
        if (calendar.isLeap(f.year)) {
            if (yday == 31 + 29) {
                month = 2;
                day = 29;
            } else if (yday > 31 + 29) {
                yday -= 1;
            }
        }
        if (yday < 1 or yday > 365) return withMessage(allocator, value, &.{": day-of-year out of range"});
        if (month == 0) {
            month = @divTrunc(yday - 1, 31) + 1;
            if (calendar.daysBefore(@intCast(month + 1)) < yday) month += 1;
            day = yday - calendar.daysBefore(@intCast(month));
        }
        if (f.month >= 0 and f.month != month) return withMessage(allocator, value, &.{": day-of-year does not match month"});
        f.month = month;
        if (f.day >= 0 and f.day != day) return withMessage(allocator, value, &.{": day-of-year does not match day"});
        f.day = day;
    } else {
        if (f.month < 0) f.month = 1;
        if (f.day < 0) f.day = 1;
    }
    assert(f.month >= 1 and f.month <= 12);
    if (f.day < 1 or f.day > calendar.daysIn(@intCast(f.month), f.year)) return withMessage(allocator, value, &.{": day out of range"});

    var t = Time.fromCivil(f.year, f.month, f.day, f.hour, f.minute, f.second, f.nsec, &Location.utc);
    if (f.utc) return .{ .time = t };
    if (f.zone_offset != -1) {
        t.addSec(-f.zone_offset);
        return .{ .time = t };
    }
    if (f.zone_name.len > 0) {
        // An abbreviation the local location does not know is read as UTC.
        if (local.lookupName(f.zone_name, t.unixSec())) |offset| t.addSec(-offset);
    }
    return .{ .time = t };
}

const ElementError = error{ Range, Bad };

fn readElement(f: *Fields, element: layout_mod.Element, rest: *[]const u8, rest_layout: []const u8) ElementError!void {
    const value = rest.*;
    switch (element.kind) {
        .none => {},
        .year => {
            if (value.len < 2) return error.Bad;
            rest.* = value[2..];
            const y = atoi(value[0..2]) orelse return error.Bad;
            f.year = if (y >= 69) y + 1900 else y + 2000;
        },
        .long_year => {
            if (value.len < 4 or !isDigit(value, 0)) return error.Bad;
            rest.* = value[4..];
            f.year = atoi(value[0..4]) orelse return error.Bad;
        },
        .month, .long_month => {
            const names: []const []const u8 = if (element.kind == .month) &calendar.short_month_names else &calendar.long_month_names;
            f.month = @as(i64, @intCast(try lookup(names, rest))) + 1;
        },
        .num_month, .zero_month => {
            f.month = try getnum(rest, element.kind == .zero_month);
            if (f.month <= 0 or f.month > 12) return f.rangeError("month");
        },
        .week_day => _ = try lookup(&calendar.short_day_names, rest),
        .long_week_day => _ = try lookup(&calendar.long_day_names, rest),
        .day, .under_day, .zero_day => {
            if (element.kind == .under_day and value.len > 0 and value[0] == ' ') rest.* = value[1..];
            // Any one or two digits: the date is checked once complete.
            f.day = try getnum(rest, element.kind == .zero_day);
        },
        .under_year_day, .zero_year_day => {
            if (element.kind == .under_year_day) {
                for (0..2) |_| {
                    if (rest.len > 0 and rest.*[0] == ' ') rest.* = rest.*[1..];
                }
            }
            f.yday = try getnum3(rest, element.kind == .zero_year_day);
        },
        .hour => {
            f.hour = try getnum(rest, false);
            if (f.hour >= 24) return f.rangeError("hour");
        },
        .hour12, .zero_hour12 => {
            f.hour = try getnum(rest, element.kind == .zero_hour12);
            if (f.hour > 12) return f.rangeError("hour");
        },
        .minute, .zero_minute => {
            f.minute = try getnum(rest, element.kind == .zero_minute);
            if (f.minute >= 60) return f.rangeError("minute");
        },
        .second, .zero_second => {
            f.second = try getnum(rest, element.kind == .zero_second);
            if (f.second >= 60) return f.rangeError("second");
            // A fraction in the value though the layout has none next.
            const after = rest.*;
            if (after.len >= 2 and isSeparator(after[0]) and isDigit(after, 1)) {
                switch (layout_mod.next(rest_layout).element.kind) {
                    .frac_second0, .frac_second9 => {},
                    else => {
                        var n: usize = 2;
                        while (isDigit(after, n)) n += 1;
                        rest.* = after[n..];
                        f.nsec = try nanoseconds(f, after, n);
                    },
                }
            }
        },
        .pm, .pm_lower => {
            if (value.len < 2) return error.Bad;
            rest.* = value[2..];
            const upper = element.kind == .pm;
            if (std.mem.eql(u8, value[0..2], if (upper) "PM" else "pm")) {
                f.pm = true;
            } else if (std.mem.eql(u8, value[0..2], if (upper) "AM" else "am")) {
                f.am = true;
            } else {
                return error.Bad;
            }
        },
        .iso8601_tz,
        .iso8601_seconds_tz,
        .iso8601_short_tz,
        .iso8601_colon_tz,
        .iso8601_colon_seconds_tz,
        .num_tz,
        .num_seconds_tz,
        .num_short_tz,
        .num_colon_tz,
        .num_colon_seconds_tz,
        => {
            if (element.kind.isIso8601() and value.len >= 1 and value[0] == 'Z') {
                rest.* = value[1..];
                f.utc = true;
                return;
            }
            f.zone_offset = try numericZone(f, element.kind, rest);
        },
        .tz => {
            if (std.mem.startsWith(u8, value, "UTC")) {
                rest.* = value[3..];
                f.utc = true;
                return;
            }
            const n = zoneNameLength(value) orelse return error.Bad;
            f.zone_name = value[0..n];
            rest.* = value[n..];
        },
        .frac_second0 => {
            // Exactly as many digits as the layout has.
            const n = @as(usize, element.digits) + 1;
            if (value.len < n) return error.Bad;
            rest.* = value[n..];
            f.nsec = try nanoseconds(f, value, n);
        },
        .frac_second9 => {
            // Optional, and any number of digits.
            if (value.len < 2 or !isSeparator(value[0]) or !isDigit(value, 1)) return;
            var n: usize = 2;
            while (isDigit(value, n)) n += 1;
            rest.* = value[n..];
            f.nsec = try nanoseconds(f, value, n);
        },
    }
}

/// A numeric zone offset in seconds east of UTC, in the form `kind` spells.
fn numericZone(f: *Fields, kind: Kind, rest: *[]const u8) ElementError!i64 {
    const value = rest.*;
    // Where the sign, hours, minutes and seconds are, and the length.
    const shape: struct { len: usize, minutes: ?usize, seconds: ?usize, colons: []const usize } = switch (kind) {
        .iso8601_colon_tz, .num_colon_tz => .{ .len = 6, .minutes = 4, .seconds = null, .colons = &.{3} },
        .iso8601_short_tz, .num_short_tz => .{ .len = 3, .minutes = null, .seconds = null, .colons = &.{} },
        .iso8601_colon_seconds_tz, .num_colon_seconds_tz => .{ .len = 9, .minutes = 4, .seconds = 7, .colons = &.{ 3, 6 } },
        .iso8601_seconds_tz, .num_seconds_tz => .{ .len = 7, .minutes = 3, .seconds = 5, .colons = &.{} },
        else => .{ .len = 5, .minutes = 3, .seconds = null, .colons = &.{} },
    };
    if (value.len < shape.len) return error.Bad;
    for (shape.colons) |at| {
        if (value[at] != ':') return error.Bad;
    }
    rest.* = value[shape.len..];
    // Go reads the fields until one fails (leaving it and the rest 0), and
    // reports a range failure before a bad field or sign.
    var bad = false;
    const hours = twoDigits(value[1..3], &bad);
    const minutes = if (shape.minutes) |at| twoDigits(value[at .. at + 2], &bad) else 0;
    const seconds = if (shape.seconds) |at| twoDigits(value[at .. at + 2], &bad) else 0;
    // Go allows 24 hours, 60 minutes and 60 seconds; the last check wins.
    if (seconds > 60) return f.rangeError("time zone offset second");
    if (minutes > 60) return f.rangeError("time zone offset minute");
    if (hours > 24) return f.rangeError("time zone offset hour");
    if (bad) return error.Bad;
    const offset = (hours * 60 + minutes) * 60 + seconds;
    return switch (value[0]) {
        '+' => offset,
        '-' => -offset,
        else => error.Bad,
    };
}

/// Exactly two digits; 0, and `bad` set, once any field has failed.
fn twoDigits(text: []const u8, bad: *bool) i64 {
    if (bad.*) return 0;
    var rest = text;
    return getnum(&rest, true) catch {
        bad.* = true;
        return 0;
    };
}

/// Go's parseTimeZone: the length of a zone abbreviation at the start of
/// `value`: ChST or MeST; GMT with an optional offset; a signed offset; or
/// three upper-case letters, or four or five ending in T (or WITA).
fn zoneNameLength(value: []const u8) ?usize {
    if (value.len < 3) return null;
    if (std.mem.startsWith(u8, value, "ChST") or std.mem.startsWith(u8, value, "MeST")) return 4;
    if (std.mem.startsWith(u8, value, "GMT")) return 3 + signedOffsetLength(value[3..]);
    if (value[0] == '+' or value[0] == '-') {
        const n = signedOffsetLength(value);
        return if (n > 0) n else null;
    }
    var upper: usize = 0;
    while (upper < 6 and upper < value.len and std.ascii.isUpper(value[upper])) upper += 1;
    return switch (upper) {
        3 => 3,
        4 => if (value[3] == 'T' or std.mem.startsWith(u8, value, "WITA")) 4 else null,
        5 => if (value[4] == 'T') 5 else null,
        else => null,
    };
}

/// A sign and an hour count up to 23; 0 when there is none.
fn signedOffsetLength(value: []const u8) usize {
    if (value.len == 0 or (value[0] != '+' and value[0] != '-')) return 0;
    const number = leadingInt(value[1..]) orelse return 0;
    if (number.len == 0 or number.value > 23) return 0;
    return 1 + number.len;
}

/// Go's skip: `prefix` must start `value`, a run of spaces in it matching any
/// run in `value` (even none at the end of `value`). On a mismatch, `rest` is
/// what remained of `value` there, which Go's error shows.
fn skip(value: []const u8, prefix: []const u8) struct { rest: []const u8, matched: bool } {
    var v = value;
    var p = prefix;
    while (p.len > 0) {
        if (p[0] == ' ') {
            if (v.len > 0 and v[0] != ' ') return .{ .rest = v, .matched = false };
            p = std.mem.trimLeft(u8, p, " ");
            v = std.mem.trimLeft(u8, v, " ");
            continue;
        }
        if (v.len == 0 or v[0] != p[0]) return .{ .rest = v, .matched = false };
        p = p[1..];
        v = v[1..];
    }
    return .{ .rest = v, .matched = true };
}

/// The index of the name (case-insensitive) that starts `rest`, consumed.
fn lookup(names: []const []const u8, rest: *[]const u8) error{Bad}!usize {
    for (names, 0..) |name, i| {
        if (rest.len >= name.len and std.ascii.eqlIgnoreCase(rest.*[0..name.len], name)) {
            rest.* = rest.*[name.len..];
            return i;
        }
    }
    return error.Bad;
}

/// One or two digits (exactly two when `fixed`), consumed.
fn getnum(rest: *[]const u8, fixed: bool) error{Bad}!i64 {
    const s = rest.*;
    if (!isDigit(s, 0)) return error.Bad;
    if (!isDigit(s, 1)) {
        if (fixed) return error.Bad;
        rest.* = s[1..];
        return s[0] - '0';
    }
    rest.* = s[2..];
    return @as(i64, s[0] - '0') * 10 + (s[1] - '0');
}

/// One to three digits (exactly three when `fixed`), consumed.
fn getnum3(rest: *[]const u8, fixed: bool) error{Bad}!i64 {
    const s = rest.*;
    var n: i64 = 0;
    var i: usize = 0;
    while (i < 3 and isDigit(s, i)) : (i += 1) n = n * 10 + (s[i] - '0');
    if (i == 0 or (fixed and i != 3)) return error.Bad;
    rest.* = s[i..];
    return n;
}

/// The fraction `value[0..len]` (a separator, then digits) in nanoseconds;
/// digits past the ninth are dropped.
fn nanoseconds(f: *Fields, value: []const u8, len: usize) ElementError!i64 {
    assert(len >= 1 and len <= value.len);
    if (!isSeparator(value[0])) return error.Bad;
    const n = @min(len, 10);
    var ns = atoi(value[1..n]) orelse return error.Bad;
    // Go's atoi takes a sign: ".-5" is a negative fraction.
    if (ns < 0) return f.rangeError("fractional second");
    for (0..10 - n) |_| ns *= 10;
    return ns;
}

/// Go's atoi: an optional sign, then digits only ("" and "+" are 0).
fn atoi(s: []const u8) ?i64 {
    var digits = s;
    var negative = false;
    if (digits.len > 0 and (digits[0] == '-' or digits[0] == '+')) {
        negative = digits[0] == '-';
        digits = digits[1..];
    }
    const number = leadingInt(digits) orelse return null;
    if (number.len != digits.len) return null;
    const magnitude: i64 = @bitCast(number.value);
    return if (negative) -%magnitude else magnitude;
}

/// Go's leadingInt: the leading digits as an integer up to 2^63; null on overflow.
fn leadingInt(s: []const u8) ?struct { value: u64, len: usize } {
    var x: u64 = 0;
    var i: usize = 0;
    while (i < s.len and std.ascii.isDigit(s[i])) : (i += 1) {
        if (x > (1 << 63) / 10) return null;
        x = x * 10 + (s[i] - '0');
        if (x > 1 << 63) return null;
    }
    return .{ .value = x, .len = i };
}

fn isDigit(s: []const u8, i: usize) bool {
    return i < s.len and std.ascii.isDigit(s[i]);
}

fn isSeparator(c: u8) bool {
    return c == '.' or c == ',';
}

fn cannotParse(allocator: Allocator, layout: []const u8, value: []const u8, value_element: []const u8, layout_element: []const u8) Allocator.Error!Parsed {
    var out: std.ArrayList(u8) = .empty;
    try out.appendSlice(allocator, "parsing time ");
    try quote.append(allocator, &out, value);
    try out.appendSlice(allocator, " as ");
    try quote.append(allocator, &out, layout);
    try out.appendSlice(allocator, ": cannot parse ");
    try quote.append(allocator, &out, value_element);
    try out.appendSlice(allocator, " as ");
    try quote.append(allocator, &out, layout_element);
    return .{ .failure = try out.toOwnedSlice(allocator) };
}

fn withMessage(allocator: Allocator, value: []const u8, message: []const []const u8) Allocator.Error!Parsed {
    var out: std.ArrayList(u8) = .empty;
    try out.appendSlice(allocator, "parsing time ");
    try quote.append(allocator, &out, value);
    for (message) |part| try out.appendSlice(allocator, part);
    return .{ .failure = try out.toOwnedSlice(allocator) };
}

// ---------------------------------------------------------------------------
// Tests (expected values from Go 1.26's time.Parse)

const testing = std.testing;

fn expectTime(layout: []const u8, value: []const u8, want_unix_nano: i64) !void {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const parsed = try parse(arena.allocator(), layout, value, &zone.test_new_york);
    switch (parsed) {
        .time => |t| testing.expectEqual(@as(?i64, want_unix_nano), t.unixNano()) catch |err| {
            std.debug.print("parse({s}, {s})\n", .{ layout, value });
            return err;
        },
        .failure => |text| {
            std.debug.print("parse({s}, {s}): {s}\n", .{ layout, value, text });
            return error.TestUnexpectedResult;
        },
    }
}

fn expectFailure(layout: []const u8, value: []const u8, want: []const u8) !void {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const parsed = try parse(arena.allocator(), layout, value, &zone.test_new_york);
    switch (parsed) {
        .time => {
            std.debug.print("parse({s}, {s}) succeeded\n", .{ layout, value });
            return error.TestUnexpectedResult;
        },
        .failure => |text| try testing.expectEqualStrings(want, text),
    }
}

test "OPA's conformance layouts" {
    try expectTime(layout_mod.rfc3339, "2017-06-02T19:00:00-07:00", 1496455200000000000);
    try expectTime(layout_mod.rfc3339, "1677-09-21T00:12:43.145224192-00:00", std.math.minInt(i64));
    try expectTime(layout_mod.rfc3339, "2262-04-11T23:47:16.854775807-00:00", std.math.maxInt(i64));
    try expectTime("01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700", 1496455200000000000);
    try expectTime("02 Jan 06 15:04 -0700", "02 Jun 17 19:00 -0700", 1496455200000000000);
    try expectTime("2006-01-02", "2020-02-02", 1580601600000000000);
}

test "leniencies" {
    // Runs of spaces, a fraction the layout lacks, case-insensitive names.
    try expectTime("Jan _2  15:04:05 2006", "jAN  2 15:04:05.5 2006", 1136214245500000000);
    try expectTime("2006-01-02 15:04:05", "2006-01-02 15:04:05,123456789999", 1136214245123456789);
    try expectTime("2006 __2", "2006  33", 1138838400000000000);
    try expectTime("2006 002 3PM", "2020 060 12AM", 1582934400000000000);
    try expectTime("06", "-5", 788918400000000000);
    // A zone the local location uses is honored; one it does not, read as UTC.
    try expectTime("2006-01-02 15:04 MST", "2018-07-01 12:00 EDT", 1530460800000000000);
    try expectTime("2006-01-02 15:04 MST", "2018-07-01 12:00 CEST", 1530446400000000000);
    try expectTime("2006-01-02 15:04 MST", "2018-07-01 12:00 GMT+3", 1530446400000000000);
    // An offset of -1s is Go's "no offset" marker: the time is read as UTC.
    try expectTime("2006-01-02 Z07:00:00", "2020-01-01 -00:00:01", 1577836800000000000);
}

test "Go's error texts" {
    try expectFailure("2006", "x", "parsing time \"x\" as \"2006\": cannot parse \"x\" as \"2006\"");
    try expectFailure("2006-01-02", "2006-01-02x", "parsing time \"2006-01-02x\": extra text: \"x\"");
    try expectFailure("2006-01-02", "2006-13-02", "parsing time \"2006-13-02\": month out of range");
    try expectFailure("2006-01-02", "2006-02-30", "parsing time \"2006-02-30\": day out of range");
    try expectFailure("2006 002", "2006 366", "parsing time \"2006 366\": day-of-year out of range");
    try expectFailure("2006-01 002", "2020-03 060", "parsing time \"2020-03 060\": day-of-year does not match month");
    try expectFailure("15:04:05 -07:00", "10:00:00 +25:00", "parsing time \"10:00:00 +25:00\": time zone offset hour out of range");
    try expectFailure("-07:00", "x99:00", "parsing time \"x99:00\": time zone offset hour out of range");
    try expectFailure("-07:00", "+01:xx", "parsing time \"+01:xx\" as \"-07:00\": cannot parse \"+01:xx\" as \"-07:00\"");
    try expectFailure("2006-01-02 15", "2006-01-02 24", "parsing time \"2006-01-02 24\": hour out of range");
    try expectFailure("05.000", "00.-12", "parsing time \"00.-12\": fractional second out of range");
    try expectFailure("Jan 2", "Jan-2", "parsing time \"Jan-2\" as \"Jan 2\": cannot parse \"-2\" as \" \"");
    try expectFailure("2006\"", "µ", "parsing time \"\\xc2\\xb5\" as \"2006\\\"\": cannot parse \"\\xc2\\xb5\" as \"2006\"");
}
