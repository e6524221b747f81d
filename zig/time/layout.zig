//! Go's layout strings: a layout spells the reference time
//! "Mon Jan 2 15:04:05 MST 2006" the way times should look, and each piece
//! of the reference time is an element to format or parse. This file finds
//! the elements exactly as Go's nextStdChunk does (its precedence and its
//! quirks: "Jan" is not the start of "Janet", "_2006" is a '_' and a year).
const std = @import("std");
const assert = std.debug.assert;

pub const Kind = enum {
    /// No element: the rest of the layout is literal text.
    none,
    long_month, // January
    month, // Jan
    num_month, // 1
    zero_month, // 01
    long_week_day, // Monday
    week_day, // Mon
    day, // 2
    under_day, // _2
    zero_day, // 02
    under_year_day, // __2
    zero_year_day, // 002
    hour, // 15
    hour12, // 3
    zero_hour12, // 03
    minute, // 4
    zero_minute, // 04
    second, // 5
    zero_second, // 05
    long_year, // 2006
    year, // 06
    pm, // PM
    pm_lower, // pm
    tz, // MST
    iso8601_tz, // Z0700
    iso8601_seconds_tz, // Z070000
    iso8601_short_tz, // Z07
    iso8601_colon_tz, // Z07:00
    iso8601_colon_seconds_tz, // Z07:00:00
    num_tz, // -0700
    num_seconds_tz, // -070000
    num_short_tz, // -07
    num_colon_tz, // -07:00
    num_colon_seconds_tz, // -07:00:00
    frac_second0, // .000 (trailing zeros kept)
    frac_second9, // .999 (trailing zeros dropped)

    /// The "Z" forms, which show UTC as "Z".
    pub fn isIso8601(kind: Kind) bool {
        return switch (kind) {
            .iso8601_tz, .iso8601_seconds_tz, .iso8601_short_tz, .iso8601_colon_tz, .iso8601_colon_seconds_tz => true,
            else => false,
        };
    }
};

pub const Element = struct {
    kind: Kind,
    /// For fractions: the count of digits, kept to 12 bits as Go packs it.
    digits: u12 = 0,
    /// For fractions: '.' or ','.
    separator: u8 = '.',
};

pub const Chunk = struct {
    /// Literal text before the element.
    prefix: []const u8,
    element: Element,
    /// The element as spelled in the layout.
    text: []const u8,
    suffix: []const u8,
};

/// The first element of `layout`, with the literal text around it.
pub fn next(layout: []const u8) Chunk {
    var i: usize = 0;
    while (i < layout.len) : (i += 1) {
        const rest = layout[i..];
        const found: ?struct { Element, usize } = switch (layout[i]) {
            'J' => if (startsWith(rest, "January"))
                .{ .{ .kind = .long_month }, 7 }
            else if (startsWith(rest, "Jan") and !startsWithLower(rest[3..]))
                .{ .{ .kind = .month }, 3 }
            else
                null,
            'M' => if (startsWith(rest, "Monday"))
                .{ .{ .kind = .long_week_day }, 6 }
            else if (startsWith(rest, "Mon") and !startsWithLower(rest[3..]))
                .{ .{ .kind = .week_day }, 3 }
            else if (startsWith(rest, "MST"))
                .{ .{ .kind = .tz }, 3 }
            else
                null,
            '0' => if (rest.len >= 2 and rest[1] >= '1' and rest[1] <= '6')
                .{ .{ .kind = zero_kinds[rest[1] - '1'] }, 2 }
            else if (startsWith(rest, "002"))
                .{ .{ .kind = .zero_year_day }, 3 }
            else
                null,
            '1' => if (startsWith(rest, "15")) .{ .{ .kind = .hour }, 2 } else .{ .{ .kind = .num_month }, 1 },
            '2' => if (startsWith(rest, "2006")) .{ .{ .kind = .long_year }, 4 } else .{ .{ .kind = .day }, 1 },
            '_' => if (startsWith(rest, "_2006"))
                // A literal '_' followed by the year.
                return .{ .prefix = layout[0 .. i + 1], .element = .{ .kind = .long_year }, .text = rest[1..5], .suffix = rest[5..] }
            else if (startsWith(rest, "_2"))
                .{ .{ .kind = .under_day }, 2 }
            else if (startsWith(rest, "__2"))
                .{ .{ .kind = .under_year_day }, 3 }
            else
                null,
            '3' => .{ .{ .kind = .hour12 }, 1 },
            '4' => .{ .{ .kind = .minute }, 1 },
            '5' => .{ .{ .kind = .second }, 1 },
            'P' => if (startsWith(rest, "PM")) .{ .{ .kind = .pm }, 2 } else null,
            'p' => if (startsWith(rest, "pm")) .{ .{ .kind = .pm_lower }, 2 } else null,
            '-' => zoneElement(rest, "-", .{ .num_seconds_tz, .num_colon_seconds_tz, .num_tz, .num_colon_tz, .num_short_tz }),
            'Z' => zoneElement(rest, "Z", .{ .iso8601_seconds_tz, .iso8601_colon_seconds_tz, .iso8601_tz, .iso8601_colon_tz, .iso8601_short_tz }),
            '.', ',' => fraction(rest),
            else => null,
        };
        if (found) |f| {
            const element, const len = f;
            return .{ .prefix = layout[0..i], .element = element, .text = rest[0..len], .suffix = rest[len..] };
        }
    }
    return .{ .prefix = layout, .element = .{ .kind = .none }, .text = "", .suffix = "" };
}

const zero_kinds = [6]Kind{ .zero_month, .zero_day, .zero_hour12, .zero_minute, .zero_second, .year };

/// Numeric zone forms after the sign (or 'Z'), longest spellings first as Go tries them.
fn zoneElement(rest: []const u8, comptime lead: []const u8, kinds: [5]Kind) ?struct { Element, usize } {
    const spellings = [5][]const u8{ lead ++ "070000", lead ++ "07:00:00", lead ++ "0700", lead ++ "07:00", lead ++ "07" };
    for (spellings, kinds) |spelling, kind| {
        if (startsWith(rest, spelling)) return .{ .{ .kind = kind }, spelling.len };
    }
    return null;
}

/// ".000" or ",999": a separator and a run of one repeated digit, 0 or 9, not
/// followed by another digit.
fn fraction(rest: []const u8) ?struct { Element, usize } {
    if (rest.len < 2 or (rest[1] != '0' and rest[1] != '9')) return null;
    const digit = rest[1];
    var end: usize = 1;
    while (end < rest.len and rest[end] == digit) end += 1;
    if (end < rest.len and std.ascii.isDigit(rest[end])) return null;
    const kind: Kind = if (digit == '0') .frac_second0 else .frac_second9;
    return .{ .{ .kind = kind, .digits = @truncate(end - 1), .separator = rest[0] }, end };
}

fn startsWith(s: []const u8, prefix: []const u8) bool {
    return std.mem.startsWith(u8, s, prefix);
}

fn startsWithLower(s: []const u8) bool {
    return s.len > 0 and std.ascii.isLower(s[0]);
}

/// The layouts OPA accepts by name (Go's constants).
pub const named = std.StaticStringMap([]const u8).initComptime(.{
    .{ "ANSIC", "Mon Jan _2 15:04:05 2006" },
    .{ "UnixDate", "Mon Jan _2 15:04:05 MST 2006" },
    .{ "RubyDate", "Mon Jan 02 15:04:05 -0700 2006" },
    .{ "RFC822", "02 Jan 06 15:04 MST" },
    .{ "RFC822Z", "02 Jan 06 15:04 -0700" },
    .{ "RFC850", "Monday, 02-Jan-06 15:04:05 MST" },
    .{ "RFC1123", "Mon, 02 Jan 2006 15:04:05 MST" },
    .{ "RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700" },
    .{ "RFC3339", rfc3339 },
    .{ "RFC3339Nano", rfc3339_nano },
});

pub const rfc3339 = "2006-01-02T15:04:05Z07:00";
pub const rfc3339_nano = "2006-01-02T15:04:05.999999999Z07:00";

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn expectKinds(layout: []const u8, want: []const Kind) !void {
    var rest = layout;
    for (want) |kind| {
        const chunk = next(rest);
        testing.expectEqual(kind, chunk.element.kind) catch |err| {
            std.debug.print("layout {s} at {s}\n", .{ layout, rest });
            return err;
        };
        rest = chunk.suffix;
    }
    try testing.expectEqual(Kind.none, next(rest).element.kind);
}

test "elements of Go's named layouts" {
    try expectKinds(rfc3339, &.{ .long_year, .zero_month, .zero_day, .hour, .zero_minute, .zero_second, .iso8601_colon_tz });
    try expectKinds(rfc3339_nano, &.{ .long_year, .zero_month, .zero_day, .hour, .zero_minute, .zero_second, .frac_second9, .iso8601_colon_tz });
    try expectKinds(named.get("UnixDate").?, &.{ .week_day, .month, .under_day, .hour, .zero_minute, .zero_second, .tz, .long_year });
    try expectKinds(named.get("RFC850").?, &.{ .long_week_day, .zero_day, .month, .year, .hour, .zero_minute, .zero_second, .tz });
    try expectKinds("01/02 03:04:05PM '06 -0700", &.{ .zero_month, .zero_day, .zero_hour12, .zero_minute, .zero_second, .pm, .year, .num_tz });
    try expectKinds("__2 002 Z070000 -07:00:00 -07 pm", &.{ .under_year_day, .zero_year_day, .iso8601_seconds_tz, .num_colon_seconds_tz, .num_short_tz, .pm_lower });
}

test "Go's tokenizing quirks" {
    // "Janet" and "Month" are not Jan and Mon; "_2006" is a literal '_' then the year.
    const janet = next("Janet 2");
    try testing.expectEqualStrings("Janet ", janet.prefix);
    try testing.expectEqual(Kind.day, janet.element.kind);
    const under = next("x_2006y");
    try testing.expectEqualStrings("x_", under.prefix);
    try testing.expectEqualStrings("2006", under.text);
    try testing.expectEqualStrings("y", under.suffix);
    // A fraction must not run into more digits: ".0001" ends in a month, "01".
    try expectKinds(".0001", &.{.zero_month});
    const frac = next(",000000000000x");
    try testing.expectEqual(Kind.frac_second0, frac.element.kind);
    try testing.expectEqual(@as(u12, 12), frac.element.digits);
    try testing.expectEqual(@as(u8, ','), frac.element.separator);
    try testing.expectEqual(Kind.none, next("no elements here").element.kind);
}
