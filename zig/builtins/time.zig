//! Builtins of the time family (see builtin.zig for the interface).
//!
//! OPA computes these with Go's package time, and Go's behaviour is part of
//! the answer: layouts, normalization (October 32 is November 1), the
//! wrap-around of huge add_date counts, error texts. zig/time/ reproduces
//! that package; this file reads OPA's operands and words OPA's errors.
//!
//! A timestamp operand is a number of nanoseconds since the Unix epoch, or
//! [ns, zone] or [ns, zone, layout]. The zone is "UTC" or "" (UTC), "Local"
//! (the host's zone, see zig/time/tzdb.zig) or an IANA name read from the
//! system's zoneinfo database. time.now_ns is the evaluator's.
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const strings = @import("strings.zig");
const time = @import("../time/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Number = value_mod.Number;
const Time = time.Time;
const Location = time.Location;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "time.parse_ns", .arity = 2, .func = parseNs },
    .{ .name = "time.parse_rfc3339_ns", .arity = 1, .func = parseRfc3339Ns },
    .{ .name = "time.parse_duration_ns", .arity = 1, .func = parseDurationNs },
    .{ .name = "time.format", .arity = 1, .func = format },
    .{ .name = "time.date", .arity = 1, .func = date },
    .{ .name = "time.clock", .arity = 1, .func = clock },
    .{ .name = "time.weekday", .arity = 1, .func = weekday },
    .{ .name = "time.add_date", .arity = 4, .func = addDate },
    .{ .name = "time.diff", .arity = 2, .func = diff },
};

fn parseNs(ctx: *Context, args: []const Value) Error!Value {
    const layout = try stringOperand(ctx, args, 0);
    const text = try stringOperand(ctx, args, 1);
    return parseWith(ctx, time.layout.named.get(layout) orelse layout, text);
}

fn parseRfc3339Ns(ctx: *Context, args: []const Value) Error!Value {
    return parseWith(ctx, time.layout.rfc3339, try stringOperand(ctx, args, 0));
}

fn parseWith(ctx: *Context, layout: []const u8, text: []const u8) Error!Value {
    const local = try time.tzdb.local(ctx.allocator);
    return switch (try time.parse.parse(ctx.allocator, layout, text, local)) {
        .failure => |message| ctx.builtinError("{s}", .{message}),
        .time => |t| unixNanoValue(ctx, t),
    };
}

fn parseDurationNs(ctx: *Context, args: []const Value) Error!Value {
    return switch (try time.duration.parse(ctx.allocator, try stringOperand(ctx, args, 0))) {
        .failure => |message| ctx.builtinError("{s}", .{message}),
        .ns => |ns| intValue(ns),
    };
}

fn format(ctx: *Context, args: []const Value) Error!Value {
    const operand = try timeOperand(ctx, args[0]);
    const layout = if (operand.layout.len == 0)
        time.layout.rfc3339_nano
    else
        time.layout.named.get(operand.layout) orelse operand.layout;
    return .{ .string = try time.format.format(ctx.allocator, operand.time, layout) };
}

fn date(ctx: *Context, args: []const Value) Error!Value {
    const d = (try timeOperand(ctx, args[0])).time.date();
    return intArray(ctx, &.{ d.year, d.month, d.day });
}

fn clock(ctx: *Context, args: []const Value) Error!Value {
    const c = (try timeOperand(ctx, args[0])).time.clock();
    return intArray(ctx, &.{ c.hour, c.minute, c.second });
}

fn weekday(ctx: *Context, args: []const Value) Error!Value {
    return .{ .string = (try timeOperand(ctx, args[0])).time.weekday().name() };
}

fn addDate(ctx: *Context, args: []const Value) Error!Value {
    const t = (try timeOperand(ctx, args[0])).time;
    const years = try intOperand(ctx, args, 1);
    const months = try intOperand(ctx, args, 2);
    const days = try intOperand(ctx, args, 3);
    return unixNanoValue(ctx, t.addDate(years, months, days));
}

/// [years, months, days, hours, minutes, seconds] between two times, both
/// read in the first one's zone, each field borrowing from the next larger.
fn diff(ctx: *Context, args: []const Value) Error!Value {
    var t1 = (try timeOperand(ctx, args[0])).time;
    var t2 = (try timeOperand(ctx, args[1])).time.in(t1.loc);
    if (t1.after(t2)) std.mem.swap(Time, &t1, &t2);
    const d1 = t1.date();
    const d2 = t2.date();
    const c1 = t1.clock();
    const c2 = t2.clock();

    var years = d2.year - d1.year;
    var months = @as(i64, d2.month) - d1.month;
    var days = @as(i64, d2.day) - d1.day;
    var hours = @as(i64, c2.hour) - c1.hour;
    var minutes = @as(i64, c2.minute) - c1.minute;
    var seconds = @as(i64, c2.second) - c1.second;
    if (seconds < 0) {
        seconds += 60;
        minutes -= 1;
    }
    if (minutes < 0) {
        minutes += 60;
        hours -= 1;
    }
    if (hours < 0) {
        hours += 24;
        days -= 1;
    }
    if (days < 0) {
        // Borrow the length of the first time's month.
        days += time.calendar.daysIn(d1.month, d1.year);
        months -= 1;
    }
    if (months < 0) {
        months += 12;
        years -= 1;
    }
    return intArray(ctx, &.{ years, months, days, hours, minutes, seconds });
}

// ---------------------------------------------------------------------------
// Operands

const TimeOperand = struct {
    time: Time,
    /// The third element of [ns, zone, layout], or "".
    layout: []const u8,
};

/// OPA's tzTime: a number of nanoseconds, or [ns], [ns, zone], [ns, zone,
/// layout]. Every complaint names operand 1, whichever operand it is.
fn timeOperand(ctx: *Context, v: Value) Error!TimeOperand {
    const expected = "either number (ns) or [number (ns), string (tz)]";
    var ns: Number = undefined;
    var loc: *const Location = &Location.utc;
    var layout: []const u8 = "";
    switch (v) {
        .number => |n| ns = n,
        .array => |items| {
            if (items.len == 0) return ctx.operandError(1, expected, v);
            ns = switch (items[0]) {
                .number => |n| n,
                else => return ctx.operandError(1, "number", items[0]),
            };
            if (items.len > 1) {
                loc = try location(ctx, switch (items[1]) {
                    .string => |s| s,
                    else => return ctx.operandError(1, "string", items[1]),
                });
            }
            if (items.len > 2) {
                layout = switch (items[2]) {
                    .string => |s| s,
                    else => return ctx.operandError(1, "string", items[2]),
                };
            }
        },
        else => return ctx.operandError(1, expected, v),
    }
    const unix_nano = nanoseconds(ns) orelse return ctx.builtinError("timestamp too big", .{});
    return .{ .time = Time.fromUnixNano(unix_nano, loc), .layout = layout };
}

fn location(ctx: *Context, name: []const u8) Error!*const Location {
    if (name.len == 0 or std.mem.eql(u8, name, "UTC")) return &Location.utc;
    if (std.mem.eql(u8, name, "Local")) return time.tzdb.local(ctx.allocator);
    return switch (try time.tzdb.load(ctx.allocator, name)) {
        .location => |loc| loc,
        .failure => |message| ctx.builtinError("{s}", .{message}),
    };
}

/// The number as an int64 the way OPA converts it: rounded to a 64-bit
/// mantissa (Go's big.Float default), then taken only if that is an integer
/// in range. So 1e3 and 1234567890123456789.01 are accepted, 1.5 is not.
fn nanoseconds(n: Number) ?i64 {
    const big = switch (n) {
        .int => |i| return i,
        .big => |big| big,
    };
    if (big.decimal.isZero()) return 0;
    // f80 has exactly the 64-bit mantissa; its exponent range covers every
    // value that could be in range.
    const f = std.fmt.parseFloat(f80, big.text) catch return null;
    if (!std.math.isFinite(f) or f == 0 or @trunc(f) != f) return null;
    const limit: f80 = 0x1p63;
    if (f < -limit or f >= limit) return null;
    return @intFromFloat(f);
}

fn stringOperand(ctx: *Context, args: []const Value, index: usize) Error![]const u8 {
    return switch (args[index]) {
        .string => |s| s,
        else => ctx.operandError(index + 1, "string", args[index]),
    };
}

/// OPA's IntOperand: an integer literal in int64 range ("1.0" is refused).
fn intOperand(ctx: *Context, args: []const Value, index: usize) Error!i64 {
    const n = switch (args[index]) {
        .number => |n| n,
        else => return ctx.operandError(index + 1, "number", args[index]),
    };
    return strings.atoi64(n) orelse
        ctx.typeError("operand {d} must be integer number but got floating-point number", .{index + 1});
}

// ---------------------------------------------------------------------------
// Results

fn unixNanoValue(ctx: *Context, t: Time) Error!Value {
    const ns = t.unixNano() orelse return ctx.builtinError("time outside of valid range", .{});
    return intValue(ns);
}

fn intValue(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

fn intArray(ctx: *Context, items: []const i64) Error!Value {
    const values = try ctx.allocator.alloc(Value, items.len);
    for (items, values) |item, *v| v.* = intValue(item);
    return .{ .array = values };
}

// ---------------------------------------------------------------------------
// Tests (expected values from OPA v1.19.0; zones need the host's database)

const test_support = @import("numbers.zig").test_support;

fn expectValue(name: []const u8, arguments: []const []const u8, want: []const u8) !void {
    return test_support.expectValue(builtins, name, arguments, want);
}

fn expectFailure(name: []const u8, arguments: []const []const u8, want: Error, message: []const u8) !void {
    return test_support.expectFailure(builtins, name, arguments, want, message);
}

fn hostHasZoneinfo() bool {
    std.fs.cwd().access("/usr/share/zoneinfo/America/New_York", .{}) catch return false;
    return true;
}

test "parse_ns, parse_rfc3339_ns and parse_duration_ns" {
    try expectValue("time.parse_ns", &.{ "\"2006-01-02T15:04:05Z07:00\"", "\"2017-06-02T19:00:00-07:00\"" }, "1496455200000000000");
    try expectValue("time.parse_ns", &.{ "\"RFC822Z\"", "\"02 Jun 17 19:00 -0700\"" }, "1496455200000000000");
    try expectValue("time.parse_rfc3339_ns", &.{"\"1677-09-21T00:12:43.145224192-00:00\""}, "-9223372036854775808");
    try expectValue("time.parse_duration_ns", &.{"\"1.5y2h\""}, "47311200000000000");
    try expectFailure("time.parse_rfc3339_ns", &.{"\"2262-04-11T23:47:16.854775808-00:00\""}, error.BuiltinError, "time outside of valid range");
    try expectFailure("time.parse_ns", &.{ "\"2006\"", "\"x\"" }, error.BuiltinError, "parsing time \"x\" as \"2006\": cannot parse \"x\" as \"2006\"");
    try expectFailure("time.parse_ns", &.{ "1", "\"x\"" }, error.TypeError, "operand 1 must be string but got number");
    try expectFailure("time.parse_ns", &.{ "\"2006\"", "null" }, error.TypeError, "operand 2 must be string but got null");
    try expectFailure("time.parse_duration_ns", &.{"\"x\""}, error.BuiltinError, "time: invalid duration \"x\"");
}

test "date, clock, weekday and format in UTC" {
    try expectValue("time.date", &.{"1517814000000000000"}, "[2018,2,5]");
    try expectValue("time.date", &.{"1582977600000000000"}, "[2020,2,29]");
    try expectValue("time.date", &.{"1e3"}, "[1970,1,1]");
    try expectValue("time.date", &.{"1234567890123456789.01"}, "[2009,2,13]");
    try expectValue("time.date", &.{"-9223372036854775808.4"}, "[1677,9,21]");
    try expectValue("time.date", &.{"[1517832000000000000, \"\"]"}, "[2018,2,5]");
    try expectValue("time.clock", &.{"1517832000000000000"}, "[12,0,0]");
    try expectValue("time.weekday", &.{"1518350400000000000"}, "\"Sunday\"");
    try expectValue("time.format", &.{"1670006453141828752"}, "\"2022-12-02T18:40:53.141828752Z\"");
    try expectValue("time.format", &.{"[1670006453141828752, \"UTC\", \"\"]"}, "\"2022-12-02T18:40:53.141828752Z\"");
    try expectValue("time.format", &.{"[0, \"UTC\", \"RFC1123\", 4]"}, "\"Thu, 01 Jan 1970 00:00:00 UTC\"");
}

test "timestamp operand errors" {
    const expected = "operand 1 must be either number (ns) or [number (ns), string (tz)] but got ";
    try expectFailure("time.date", &.{"\"x\""}, error.TypeError, expected ++ "string");
    try expectFailure("time.date", &.{"[]"}, error.TypeError, expected ++ "array");
    try expectFailure("time.clock", &.{"[\"1\"]"}, error.TypeError, "operand 1 must be number but got string");
    try expectFailure("time.weekday", &.{"[1, 2]"}, error.TypeError, "operand 1 must be string but got number");
    try expectFailure("time.format", &.{"[1, \"UTC\", 3]"}, error.TypeError, "operand 1 must be string but got number");
    try expectFailure("time.diff", &.{ "0", "null" }, error.TypeError, expected ++ "null");
    for ([_][]const u8{ "1.5", "1e30", "9223372036854775808", "1234567890123456789.1", "1e-5000" }) |ns| {
        try expectFailure("time.date", &.{ns}, error.BuiltinError, "timestamp too big");
    }
    try expectFailure("time.date", &.{"[0, \"../etc/passwd\"]"}, error.BuiltinError, "time: invalid location name");
}

test "add_date and diff" {
    try expectValue("time.add_date", &.{ "1585852421593912000", "3", "9", "12" }, "1705257221593912000");
    try expectValue("time.add_date", &.{ "0", "9223372036854775807", "0", "0" }, "-31487616000000000");
    try expectFailure("time.add_date", &.{ "0", "2262", "1", "1" }, error.BuiltinError, "time outside of valid range");
    try expectFailure("time.add_date", &.{ "-9223372036854775808", "0", "0", "-1" }, error.BuiltinError, "time outside of valid range");
    try expectFailure("time.add_date", &.{ "0", "1.0", "0", "0" }, error.TypeError, "operand 2 must be integer number but got floating-point number");
    try expectFailure("time.add_date", &.{ "0", "0", "\"1\"", "0" }, error.TypeError, "operand 3 must be number but got string");
    try expectFailure("time.add_date", &.{ "1.5", "0", "0", "0" }, error.BuiltinError, "timestamp too big");
    // 2020-02-02 to 2020-03-01; 2004-02-29 to 2005-03-01.
    try expectValue("time.diff", &.{ "1580601600000000000", "1583020800000000000" }, "[0,0,28,0,0,0]");
    try expectValue("time.diff", &.{ "1078012800000000000", "1109635200000000000" }, "[1,0,1,0,0,0]");
    try expectValue("time.diff", &.{ "61000000000", "0" }, "[0,0,0,0,1,1]");
}

test "zones from the host's database" {
    if (!hostHasZoneinfo()) return error.SkipZigTest;
    try expectValue("time.date", &.{"[1517814000000000000, \"America/Los_Angeles\"]"}, "[2018,2,4]");
    try expectValue("time.clock", &.{"[1517832000000000000, \"America/New_York\"]"}, "[7,0,0]");
    try expectValue("time.format", &.{"[1670006453141828752, \"Asia/Kolkata\"]"}, "\"2022-12-03T00:10:53.141828752+05:30\"");
    try expectValue("time.format", &.{"[1670006453141828752, \"Asia/Kolkata\", \"RFC1123Z\"]"}, "\"Sat, 03 Dec 2022 00:10:53 +0530\"");
    try expectValue("time.format", &.{"[1670006453141828752, \"Asia/Kolkata\", \"Mon Jan 02 15:04:05 -0700 2006\"]"}, "\"Sat Dec 03 00:10:53 +0530 2022\"");
    try expectValue("time.diff", &.{ "[60000000000, \"UTC\"]", "[0, \"Asia/Shanghai\"]" }, "[0,0,0,0,1,0]");
    try expectFailure("time.date", &.{"[0, \"Foo/Bar\"]"}, error.BuiltinError, "unknown time zone Foo/Bar");
    try expectFailure("time.format", &.{"[1.5, \"Nope\"]"}, error.BuiltinError, "unknown time zone Nope");
}
