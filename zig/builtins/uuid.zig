//! Builtins of the uuid family (see builtin.zig for the interface):
//! uuid.rfc4122 (random version 4, one per key and evaluation) and
//! uuid.parse (OPA's internal/uuid over github.com/google/uuid v1.6.0).
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "uuid.rfc4122", .arity = 1, .func = rfc4122, .nondeterministic = true },
    .{ .name = "uuid.parse", .arity = 1, .func = parse },
};

/// A random version 4 UUID. The key only names the cached value (OPA accepts
/// any term there); the evaluator's per-evaluation cache makes equal keys
/// give equal UUIDs.
fn rfc4122(ctx: *Context, _: []const Value) Error!Value {
    var bytes: [16]u8 = undefined;
    std.crypto.random.bytes(&bytes);
    return .{ .string = try format(ctx.allocator, bytes) };
}

fn format(allocator: std.mem.Allocator, random: [16]u8) std.mem.Allocator.Error![]const u8 {
    var bytes = random;
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    const hex = std.fmt.bytesToHex(bytes, .lower);
    return std.fmt.allocPrint(allocator, "{s}-{s}-{s}-{s}-{s}", .{ hex[0..8], hex[8..12], hex[12..16], hex[16..20], hex[20..32] });
}

/// uuid.Parse: 36 characters with dashes, the same wrapped in 38 characters
/// (any two: only their length is checked), with a "urn:uuid:" prefix, or 32
/// hex digits.
fn decode(text: []const u8) ?[16]u8 {
    var uuid: [16]u8 = undefined;
    var s = text;
    switch (s.len) {
        36 => {},
        36 + 9 => {
            if (!std.ascii.eqlIgnoreCase(s[0..9], "urn:uuid:")) return null;
            s = s[9..];
        },
        36 + 2 => s = s[1..],
        32 => {
            _ = std.fmt.hexToBytes(&uuid, s) catch return null;
            return uuid;
        },
        else => return null,
    }
    if (s[8] != '-' or s[13] != '-' or s[18] != '-' or s[23] != '-') return null;
    const offsets = [16]usize{ 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34 };
    for (offsets, &uuid) |offset, *byte| {
        const pair = std.fmt.hexToBytes(byte[0..1], s[offset..][0..2]) catch return null;
        std.debug.assert(pair.len == 1);
    }
    return uuid;
}

fn variantName(uuid: [16]u8) []const u8 {
    if (uuid[8] & 0xc0 == 0x80) return "RFC4122";
    if (uuid[8] & 0xe0 == 0xc0) return "Microsoft";
    if (uuid[8] & 0xe0 == 0xe0) return "Future";
    return "Reserved";
}

/// The first byte of a MAC address: its local/global and multicast bits.
fn macVariables(first: u8) []const u8 {
    if (first & 0b11 == 0b11) return "local:multicast";
    if (first & 0b01 == 0b01) return "global:multicast";
    if (first & 0b10 == 0b10) return "local:unicast";
    return "global:unicast";
}

/// 100ns intervals between 1582-10-15 and the Unix epoch.
const gregorian_offset: i64 = 122192928000000000;

/// The embedded time in Unix nanoseconds, with Go's wrapping int64 arithmetic.
fn unixNanos(uuid: [16]u8) i64 {
    var t: i64 = std.mem.readInt(u32, uuid[0..4], .big);
    t |= @as(i64, std.mem.readInt(u16, uuid[4..6], .big)) << 32;
    t |= @as(i64, std.mem.readInt(u16, uuid[6..8], .big) & 0xfff) << 48;
    const since_epoch = t -% gregorian_offset;
    const nanos = @rem(since_epoch, 10_000_000) * 100;
    const seconds = @divTrunc(since_epoch, 10_000_000);
    return seconds *% 1_000_000_000 +% nanos;
}

fn parse(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    // An unparsable UUID has no value (not an error).
    const uuid = decode(args[0].string) orelse return error.Undefined;
    const allocator = ctx.allocator;
    const version = uuid[6] >> 4;

    var keys: std.ArrayList(Value) = .empty;
    var values: std.ArrayList(Value) = .empty;
    try keys.appendSlice(allocator, &.{ .{ .string = "version" }, .{ .string = "variant" } });
    try values.appendSlice(allocator, &.{ .{ .number = .fromInt(version) }, .{ .string = variantName(uuid) } });
    if (version == 1 or version == 2) {
        const node = uuid[10..16];
        const hex = std.fmt.bytesToHex(node.*, .lower);
        var mac: std.ArrayList(u8) = .empty;
        for (0..6) |i| {
            if (i > 0) try mac.append(allocator, '-');
            try mac.appendSlice(allocator, hex[2 * i ..][0..2]);
        }
        try keys.appendSlice(allocator, &.{ .{ .string = "time" }, .{ .string = "nodeid" }, .{ .string = "macvariables" }, .{ .string = "clocksequence" } });
        try values.appendSlice(allocator, &.{
            .{ .number = .fromInt(unixNanos(uuid)) },
            .{ .string = mac.items },
            .{ .string = macVariables(node[0]) },
            .{ .number = .fromInt(std.mem.readInt(u16, uuid[8..10], .big) & 0x3fff) },
        });
        if (version == 2) {
            const domain: []const u8 = switch (uuid[9]) {
                0 => "Person",
                1 => "Group",
                2 => "Org",
                else => |d| try std.fmt.allocPrint(allocator, "Domain{d}", .{d}),
            };
            try keys.appendSlice(allocator, &.{ .{ .string = "id" }, .{ .string = "domain" } });
            try values.appendSlice(allocator, &.{ .{ .number = .fromInt(std.mem.readInt(u32, uuid[0..4], .big)) }, .{ .string = domain } });
        }
    }
    const object = value_mod.order.objectFromUnsorted(allocator, keys.items, values.items, .reject, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => unreachable, // The keys above are distinct.
    };
    return .{ .object = object };
}

const test_support = @import("numbers.zig").test_support;

test "uuid.parse decodes versions 1 to 5" {
    // Expected values from OPA v1.19.0's conformance suite.
    try test_support.expectValue(builtins, "uuid.parse", &.{"\"000003e8-48b9-21ee-b200-325096b39f47\""},
        \\{"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast","nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122","version":2}
    );
    try test_support.expectValue(builtins, "uuid.parse", &.{"\"{00000000-0000-4000-8000-000000000000}\""},
        \\{"variant":"RFC4122","version":4}
    );
    try test_support.expectValue(builtins, "uuid.parse", &.{"\"urn:UUID:38074da4-0b00-388d-9c3c-362de965547a\""},
        \\{"variant":"RFC4122","version":3}
    );
    try test_support.expectValue(builtins, "uuid.parse", &.{"\"6bea8ef2d3d33cd184e09bab06a52ece\""},
        \\{"variant":"RFC4122","version":3}
    );
    try test_support.expectUndefined(builtins, "uuid.parse", &.{"\"00000000-0000-4000-8000-00000000000g\""});
    try test_support.expectUndefined(builtins, "uuid.parse", &.{"\"\""});
}

test "uuid.rfc4122 formats a version 4 UUID" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const text = try format(arena.allocator(), .{0xff} ** 16);
    try std.testing.expectEqualStrings("ffffffff-ffff-4fff-bfff-ffffffffffff", text);
}
