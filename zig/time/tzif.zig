//! TZif, the time zone information format of the IANA database (RFC 8536),
//! read as Go's time.LoadLocationFromTZData reads it: the 64-bit body of a
//! version 2+ file (or the 32-bit one of version 1), the zones, the
//! transitions and the footer's TZ rule string. Whatever Go refuses is
//! error.Malformed ("malformed time zone information").
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const zone_mod = @import("zone.zig");

const Location = zone_mod.Location;
const Zone = zone_mod.Zone;
const Transition = zone_mod.Transition;

pub const Error = error{ Malformed, OutOfMemory };

/// A cursor over the file; reading past the end fails.
const Reader = struct {
    data: []const u8,

    fn bytes(r: *Reader, n: u64) Error![]const u8 {
        if (n > r.data.len) return error.Malformed;
        const len: usize = @intCast(n);
        defer r.data = r.data[len..];
        return r.data[0..len];
    }

    fn big32(r: *Reader) Error!u32 {
        return std.mem.readInt(u32, (try r.bytes(4))[0..4], .big);
    }

    fn counts(r: *Reader) Error!Counts {
        var c: Counts = undefined;
        inline for (std.meta.fields(Counts)) |field| @field(c, field.name) = try r.big32();
        return c;
    }
};

/// The header's six counts, in file order.
const Counts = struct {
    utc_local: u32,
    std_wall: u32,
    leap: u32,
    time: u32,
    zone: u32,
    char: u32,
};

/// Parses `data` into a Location named `name`, allocated (with copies of the
/// names) in `allocator`.
pub fn parse(allocator: Allocator, name: []const u8, data: []const u8) Error!*const Location {
    var r: Reader = .{ .data = data };
    if (!std.mem.eql(u8, try r.bytes(4), "TZif")) return error.Malformed;
    const version: u8 = switch ((try r.bytes(16))[0]) {
        0 => 1,
        '2' => 2,
        '3' => 3,
        else => return error.Malformed,
    };
    var n = try r.counts();

    // Version 2+ repeats the data with 64-bit times after the 32-bit copy:
    // skip that copy and the second header's magic and version.
    var time_size: u64 = 4;
    if (version > 1) {
        const skip = @as(u64, n.time) * 5 + @as(u64, n.zone) * 6 + n.char + @as(u64, n.leap) * 8 +
            n.std_wall + n.utc_local + 4 + 16;
        _ = try r.bytes(skip);
        n = try r.counts();
        time_size = 8;
    }

    var times: Reader = .{ .data = try r.bytes(@as(u64, n.time) * time_size) };
    const zone_indices = try r.bytes(n.time);
    var zone_data: Reader = .{ .data = try r.bytes(@as(u64, n.zone) * 6) };
    const abbreviations = try r.bytes(n.char);
    _ = try r.bytes(@as(u64, n.leap) * (time_size + 4));
    _ = try r.bytes(n.std_wall);
    _ = try r.bytes(n.utc_local);

    // The footer: "\n<TZ rule string>\n".
    const rest = r.data;
    const extend: []const u8 = if (rest.len > 2 and rest[0] == '\n' and rest[rest.len - 1] == '\n')
        rest[1 .. rest.len - 1]
    else
        "";

    if (n.zone == 0) return error.Malformed;
    const zones = try allocator.alloc(Zone, n.zone);
    for (zones) |*zone| {
        const utc_offset: i32 = @bitCast(try zone_data.big32());
        const field = try zone_data.bytes(2);
        if (field[1] >= abbreviations.len) return error.Malformed;
        const abbreviation = abbreviations[field[1]..];
        const end = std.mem.indexOfScalar(u8, abbreviation, 0) orelse abbreviation.len;
        zone.* = .{ .name = try allocator.dupe(u8, abbreviation[0..end]), .offset = utc_offset, .is_dst = field[0] != 0 };
    }

    // A file without transitions (a fixed zone) gets one covering all time.
    const transitions = try allocator.alloc(Transition, @max(n.time, 1));
    if (n.time == 0) transitions[0] = .{ .when = zone_mod.alpha, .index = 0 };
    for (transitions[0..n.time], zone_indices) |*t, index| {
        const when: i64 = if (time_size == 8)
            @bitCast(std.mem.readInt(u64, (try times.bytes(8))[0..8], .big))
        else
            @as(i32, @bitCast(try times.big32()));
        if (index >= zones.len) return error.Malformed;
        t.* = .{ .when = when, .index = index };
    }

    const location = try allocator.create(Location);
    location.* = .{
        .name = try allocator.dupe(u8, name),
        .zones = zones,
        .transitions = transitions,
        .extend = try allocator.dupe(u8, extend),
    };
    return location;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn appendBig(buffer: *std.ArrayList(u8), comptime T: type, value: T) !void {
    var bytes: [@sizeOf(T)]u8 = undefined;
    std.mem.writeInt(T, &bytes, value, .big);
    try buffer.appendSlice(testing.allocator, &bytes);
}

/// Builds a version 2 file: an empty 32-bit copy, then the 64-bit data.
fn buildTestFile(buffer: *std.ArrayList(u8), zones: []const Zone, transitions: []const Transition, footer: []const u8) !void {
    const a = testing.allocator;
    var names: std.ArrayList(u8) = .empty;
    defer names.deinit(a);
    var name_index: [8]u8 = undefined;
    for (zones, 0..) |zone, i| {
        name_index[i] = @intCast(names.items.len);
        try names.appendSlice(a, zone.name);
        try names.append(a, 0);
    }
    const header = struct {
        fn write(b: *std.ArrayList(u8), counts: [6]u32) !void {
            try b.appendSlice(testing.allocator, "TZif2" ++ [_]u8{0} ** 15);
            for (counts) |c| try appendBig(b, u32, c);
        }
    };
    try header.write(buffer, .{ 0, 0, 0, 0, 1, 1 });
    try buffer.appendSlice(a, &[_]u8{ 0, 0, 0, 0, 0, 0, 0 }); // one zone, one NUL
    try header.write(buffer, .{ 0, 0, 0, @intCast(transitions.len), @intCast(zones.len), @intCast(names.items.len) });
    for (transitions) |t| try appendBig(buffer, i64, t.when);
    for (transitions) |t| try buffer.append(a, t.index);
    for (zones, 0..) |zone, i| {
        try appendBig(buffer, i32, @intCast(zone.offset));
        try buffer.appendSlice(a, &.{ @intFromBool(zone.is_dst), name_index[i] });
    }
    try buffer.appendSlice(a, names.items);
    try buffer.appendSlice(a, footer);
}

test "parses a version 2 file" {
    var file: std.ArrayList(u8) = .empty;
    defer file.deinit(testing.allocator);
    try buildTestFile(&file, zone_mod.test_new_york.zones, zone_mod.test_new_york.transitions, "\nEST5EDT,M3.2.0,M11.1.0\n");
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const loc = try parse(arena.allocator(), "America/New_York", file.items);
    try testing.expectEqualStrings("America/New_York", loc.name);
    try testing.expectEqualStrings("EST5EDT,M3.2.0,M11.1.0", loc.extend);
    try testing.expectEqual(@as(usize, 3), loc.zones.len);
    try testing.expectEqualStrings("EDT", loc.zones[1].name);
    try testing.expectEqual(@as(i64, -17762), loc.zones[0].offset);
    try testing.expectEqualDeep(zone_mod.test_new_york.transitions, loc.transitions);
    try testing.expectEqualStrings("EDT", loc.lookup(1530000000).name);
}

test "a fixed zone gets a transition covering all time" {
    var file: std.ArrayList(u8) = .empty;
    defer file.deinit(testing.allocator);
    try buildTestFile(&file, &.{.{ .name = "IST", .offset = 19800, .is_dst = false }}, &.{}, "\nIST-5:30\n");
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const loc = try parse(arena.allocator(), "x", file.items);
    try testing.expectEqual(@as(usize, 1), loc.transitions.len);
    try testing.expectEqual(zone_mod.alpha, loc.transitions[0].when);
    try testing.expectEqual(@as(i64, 19800), loc.lookup(0).offset);
}

test "malformed files" {
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expectError(error.Malformed, parse(a, "x", ""));
    try testing.expectError(error.Malformed, parse(a, "x", "TZif"));
    try testing.expectError(error.Malformed, parse(a, "x", "# zone.tab\n"));
    try testing.expectError(error.Malformed, parse(a, "x", "TZif4" ++ [_]u8{0} ** 39));
    // No zones at all.
    try testing.expectError(error.Malformed, parse(a, "x", "TZif" ++ [_]u8{0} ** 40));

    var file: std.ArrayList(u8) = .empty;
    defer file.deinit(testing.allocator);
    try buildTestFile(&file, zone_mod.test_new_york.zones, zone_mod.test_new_york.transitions, "");
    // Every truncation fails cleanly.
    var len: usize = 0;
    while (len < file.items.len) : (len += 1) {
        try testing.expectError(error.Malformed, parse(a, "x", file.items[0..len]));
    }
    // A transition to a zone that does not exist.
    const index_offset = file.items.len - 3 * 6 - "LMT\x00EDT\x00EST\x00".len - 3;
    file.items[index_offset] = 7;
    try testing.expectError(error.Malformed, parse(a, "x", file.items));
}
