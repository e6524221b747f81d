//! Go's Time.Format: a time written out by a layout (see layout.zig).
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const calendar = @import("calendar.zig");
const layout_mod = @import("layout.zig");
const instant = @import("instant.zig");

const Time = instant.Time;
const Element = layout_mod.Element;

pub fn format(allocator: Allocator, t: Time, layout: []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.ensureTotalCapacity(allocator, layout.len + 10);
    const p = t.presentation();
    const date = calendar.dateFromAbsDays(p.days());
    const clock = calendar.clockFromAbsSeconds(p.abs);
    const f: Fields = .{ .p = p, .date = date, .clock = clock, .nsec = t.nsec };
    var rest = layout;
    while (rest.len > 0) {
        const chunk = layout_mod.next(rest);
        try out.appendSlice(allocator, chunk.prefix);
        if (chunk.element.kind == .none) break;
        rest = chunk.suffix;
        try appendElement(allocator, &out, chunk.element, f);
    }
    return out.toOwnedSlice(allocator);
}

const Fields = struct {
    p: Time.Presentation,
    date: calendar.Date,
    clock: calendar.Clock,
    nsec: u32,
};

fn appendElement(allocator: Allocator, out: *std.ArrayList(u8), element: Element, f: Fields) Allocator.Error!void {
    const year = f.date.year;
    const hour: i64 = f.clock.hour;
    const hour12 = if (@mod(hour, 12) == 0) 12 else @mod(hour, 12);
    switch (element.kind) {
        .none => {}, // The caller stops at the end of the layout.
        .year => try appendInt(allocator, out, @rem(if (year < 0) -%year else year, 100), 2),
        .long_year => try appendInt(allocator, out, year, 4),
        .month => try out.appendSlice(allocator, calendar.short_month_names[f.date.month - 1]),
        .long_month => try out.appendSlice(allocator, calendar.long_month_names[f.date.month - 1]),
        .num_month => try appendInt(allocator, out, f.date.month, 0),
        .zero_month => try appendInt(allocator, out, f.date.month, 2),
        .week_day => try out.appendSlice(allocator, calendar.short_day_names[@intFromEnum(calendar.weekdayFromAbsDays(f.p.days()))]),
        .long_week_day => try out.appendSlice(allocator, calendar.weekdayFromAbsDays(f.p.days()).name()),
        .day => try appendInt(allocator, out, f.date.day, 0),
        .under_day => {
            if (f.date.day < 10) try out.append(allocator, ' ');
            try appendInt(allocator, out, f.date.day, 0);
        },
        .zero_day => try appendInt(allocator, out, f.date.day, 2),
        .under_year_day, .zero_year_day => {
            const yday = calendar.yearDayFromAbsDays(f.p.days()).yday;
            if (element.kind == .zero_year_day) return appendInt(allocator, out, yday, 3);
            if (yday < 100) try out.append(allocator, ' ');
            if (yday < 10) try out.append(allocator, ' ');
            try appendInt(allocator, out, yday, 0);
        },
        .hour => try appendInt(allocator, out, hour, 2),
        .hour12 => try appendInt(allocator, out, hour12, 0),
        .zero_hour12 => try appendInt(allocator, out, hour12, 2),
        .minute => try appendInt(allocator, out, f.clock.minute, 0),
        .zero_minute => try appendInt(allocator, out, f.clock.minute, 2),
        .second => try appendInt(allocator, out, f.clock.second, 0),
        .zero_second => try appendInt(allocator, out, f.clock.second, 2),
        .pm => try out.appendSlice(allocator, if (hour >= 12) "PM" else "AM"),
        .pm_lower => try out.appendSlice(allocator, if (hour >= 12) "pm" else "am"),
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
        => try appendOffset(allocator, out, element.kind, f.p.offset),
        .tz => {
            if (f.p.name.len > 0) return out.appendSlice(allocator, f.p.name);
            // A zone without a name shows as -0700.
            try appendOffset(allocator, out, .num_tz, f.p.offset);
        },
        .frac_second0, .frac_second9 => try appendFraction(allocator, out, element, f.nsec),
    }
}

/// A numeric offset; minutes are whole (truncated toward zero) and the sign
/// is that of the minutes, as Go writes them.
fn appendOffset(allocator: Allocator, out: *std.ArrayList(u8), kind: layout_mod.Kind, offset: i64) Allocator.Error!void {
    if (offset == 0 and kind.isIso8601()) return out.append(allocator, 'Z');
    var minutes = @divTrunc(offset, 60);
    var seconds = offset;
    if (minutes < 0) {
        try out.append(allocator, '-');
        minutes = -minutes;
        seconds = -seconds;
    } else {
        try out.append(allocator, '+');
    }
    try appendInt(allocator, out, @divTrunc(minutes, 60), 2);
    const colon = switch (kind) {
        .iso8601_colon_tz, .num_colon_tz, .iso8601_colon_seconds_tz, .num_colon_seconds_tz => true,
        else => false,
    };
    if (colon) try out.append(allocator, ':');
    if (kind != .num_short_tz and kind != .iso8601_short_tz) try appendInt(allocator, out, @rem(minutes, 60), 2);
    switch (kind) {
        .iso8601_seconds_tz, .num_seconds_tz, .iso8601_colon_seconds_tz, .num_colon_seconds_tz => {
            if (colon) try out.append(allocator, ':');
            try appendInt(allocator, out, @rem(seconds, 60), 2);
        },
        else => {},
    }
}

/// The fraction of a second: `digits` digits (at most 9 are written), or for
/// the ".999" form the digits without trailing zeros, and nothing for zero.
fn appendFraction(allocator: Allocator, out: *std.ArrayList(u8), element: Element, nsec: u32) Allocator.Error!void {
    assert(nsec < 1_000_000_000);
    const trim = element.kind == .frac_second9;
    if (trim and (element.digits == 0 or nsec == 0)) return;
    var digits: [9]u8 = undefined;
    _ = std.fmt.bufPrint(&digits, "{d:0>9}", .{nsec}) catch unreachable; // 9 digits fit.
    var shown: []const u8 = digits[0..@min(element.digits, 9)];
    if (element.digits > 9) shown = &digits;
    if (trim) shown = std.mem.trimRight(u8, shown, "0");
    if (trim and shown.len == 0) return;
    try out.append(allocator, element.separator);
    try out.appendSlice(allocator, shown);
}

/// Go's appendInt: the decimal form of x, its digits zero-padded to `width`.
fn appendInt(allocator: Allocator, out: *std.ArrayList(u8), x: i64, width: usize) Allocator.Error!void {
    if (x < 0) try out.append(allocator, '-');
    var buffer: [20]u8 = undefined;
    const digits = std.fmt.bufPrint(&buffer, "{d}", .{@abs(x)}) catch unreachable; // 20 bytes fit any u64.
    if (digits.len < width) try out.appendNTimes(allocator, '0', width - digits.len);
    try out.appendSlice(allocator, digits);
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const zone = @import("zone.zig");

fn expectFormat(ns: i64, loc: *const zone.Location, layout: []const u8, want: []const u8) !void {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const got = try format(arena.allocator(), Time.fromUnixNano(ns, loc), layout);
    testing.expectEqualStrings(want, got) catch |err| {
        std.debug.print("layout {s}\n", .{layout});
        return err;
    };
}

const utc = &zone.Location.utc;
const ny = &zone.test_new_york;
const sample: i64 = 1670006453141828752; // 2022-12-02T18:40:53.141828752Z

test "Go's named layouts" {
    try expectFormat(sample, utc, layout_mod.rfc3339_nano, "2022-12-02T18:40:53.141828752Z");
    try expectFormat(sample, utc, layout_mod.rfc3339, "2022-12-02T18:40:53Z");
    try expectFormat(sample, ny, layout_mod.rfc3339_nano, "2022-12-02T13:40:53.141828752-05:00");
    try expectFormat(sample, ny, layout_mod.named.get("RFC1123Z").?, "Fri, 02 Dec 2022 13:40:53 -0500");
    try expectFormat(sample, ny, layout_mod.named.get("UnixDate").?, "Fri Dec  2 13:40:53 EST 2022");
    try expectFormat(sample, ny, layout_mod.named.get("RFC850").?, "Friday, 02-Dec-22 13:40:53 EST");
    try expectFormat(sample, utc, layout_mod.named.get("RFC1123").?, "Fri, 02 Dec 2022 18:40:53 UTC");
    try expectFormat(0, utc, layout_mod.rfc3339_nano, "1970-01-01T00:00:00Z");
}

test "every element" {
    try expectFormat(sample, ny, "January Jan 1 01 Monday Mon 2 _2 02 __2 002", "December Dec 12 12 Friday Fri 2  2 02 336 336");
    try expectFormat(sample, ny, "15 3 03 4 04 5 05 2006 06 PM pm", "13 1 01 40 40 53 53 2022 22 PM pm");
    try expectFormat(sample, ny, "Z0700 Z070000 Z07 Z07:00 Z07:00:00", "-0500 -050000 -05 -05:00 -05:00:00");
    try expectFormat(sample, utc, "Z0700 Z070000 Z07 Z07:00 Z07:00:00 -0700 -07:00:00", "Z Z Z Z Z +0000 +00:00:00");
    try expectFormat(sample, utc, ".0 ,00 .000000000000 .9 ,99999 .999999999999", ".1 ,14 .141828752 .1 ,14182 .141828752");
    try expectFormat(1_000_000, utc, "05.000 05.999 05.9", "00.001 00.001 00");
    try expectFormat(0, utc, "05.999 3PM __2", "00 12AM   1");
    // Local mean time is -4:56:02 in New York.
    try expectFormat(-3000000000 * 1_000_000_000, ny, "-07:00:00 Z0700 MST", "-04:56:02 -0456 LMT");
}
