//! Values as OPA gets them from Go structs through encoding/json: []byte as
//! standard base64, *big.Int as an exact JSON number, time.Time as RFC 3339,
//! asn1.ObjectIdentifier as an array of numbers, net.IP as text, nil slices
//! and pointers as null. Shared by the X.509, CSR and key builtins.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const base64 = @import("base64.zig");
const der = @import("der.zig");

const Value = value_mod.Value;
const Object = value_mod.Object;
const Number = value_mod.Number;
const order = value_mod.order;
const big = std.math.big.int;

pub const Error = Allocator.Error;

/// Collects the members of a JSON object, then sorts them.
pub const ObjectBuilder = struct {
    allocator: Allocator,
    keys: std.ArrayList(Value) = .empty,
    values: std.ArrayList(Value) = .empty,

    pub fn init(allocator: Allocator) ObjectBuilder {
        return .{ .allocator = allocator };
    }

    pub fn put(b: *ObjectBuilder, key: []const u8, v: Value) Error!void {
        try b.keys.append(b.allocator, .{ .string = key });
        try b.values.append(b.allocator, v);
    }

    pub fn finish(b: *ObjectBuilder) Error!Value {
        const object = order.objectFromUnsorted(b.allocator, b.keys.items, b.values.items, .last_wins, null) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.DuplicateKey => unreachable, // last_wins never reports duplicates.
        };
        return .{ .object = object };
    }
};

pub fn emptyObject() Value {
    return .{ .object = &Object.empty };
}

pub fn string(s: []const u8) Value {
    return .{ .string = s };
}

pub fn boolean(b: bool) Value {
    return .{ .boolean = b };
}

pub fn int(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

/// A []byte field: base64, or null for nil.
pub fn bytes(allocator: Allocator, b: ?[]const u8) Error!Value {
    const data = b orelse return .null;
    return .{ .string = try base64.encodeStandard(allocator, data) };
}

/// A non-negative *big.Int from its big-endian magnitude.
pub fn bigInt(allocator: Allocator, magnitude: []const u8) Error!Value {
    const trimmed = der.trimLeadingZeros(magnitude);
    if (trimmed.len <= 7) {
        var v: i64 = 0;
        for (trimmed) |byte| v = (v << 8) | byte;
        return int(v);
    }
    const limbs = try allocator.alloc(std.math.big.Limb, big.calcTwosCompLimbCount(trimmed.len * 8));
    var m: big.Mutable = .{ .limbs = limbs, .len = 1, .positive = true };
    m.readTwosComplement(trimmed, trimmed.len * 8, .big, .unsigned);
    const text = try m.toConst().toStringAlloc(allocator, 10, .lower);
    const n = Number.parseLiteral(allocator, text) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => unreachable, // Decimal digits form a valid literal.
    };
    return .{ .number = n };
}

/// A slice of strings, or null for nil.
pub fn strings(allocator: Allocator, list: ?[]const []const u8) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |s, *v| v.* = .{ .string = s };
    return .{ .array = out };
}

/// An asn1.ObjectIdentifier: its arcs as numbers.
pub fn oid(allocator: Allocator, encoded: []const u8) Error!Value {
    var arcs: [128]u32 = undefined;
    const got = der.oidArcs(encoded, &arcs) catch return .null;
    const out = try allocator.alloc(Value, got.len);
    for (got, out) |arc, *v| v.* = int(arc);
    return .{ .array = out };
}

/// A slice of asn1.ObjectIdentifier, or null for nil.
pub fn oids(allocator: Allocator, list: ?[]const []const u8) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |o, *v| v.* = try oid(allocator, o);
    return .{ .array = out };
}

/// An x509.OID as its MarshalText gives it: dotted decimal, arcs of any size.
pub fn oidText(allocator: Allocator, encoded: []const u8) Error!Value {
    var out: std.ArrayList(u8) = .empty;
    var arc_bytes: std.ArrayList(u8) = .empty;
    var first = true;
    var start: usize = 0;
    for (encoded, 0..) |b, i| {
        if (b & 0x80 != 0) continue;
        const arc = try arcDecimal(allocator, encoded[start .. i + 1], &arc_bytes);
        if (first) {
            // The first subidentifier packs two arcs: 40·X + Y.
            first = false;
            const small = std.fmt.parseInt(u64, arc, 10) catch std.math.maxInt(u64);
            if (small < 80) {
                try out.print(allocator, "{d}.{d}", .{ small / 40, small % 40 });
            } else if (small != std.math.maxInt(u64)) {
                try out.print(allocator, "2.{d}", .{small - 80});
            } else {
                try out.appendSlice(allocator, "2.");
                try out.appendSlice(allocator, try subtractDecimal(allocator, arc, 80));
            }
        } else {
            try out.append(allocator, '.');
            try out.appendSlice(allocator, arc);
        }
        start = i + 1;
    }
    return .{ .string = out.items };
}

/// The decimal value of one base-128 subidentifier.
fn arcDecimal(allocator: Allocator, encoded: []const u8, scratch: *std.ArrayList(u8)) Error![]const u8 {
    // Repack the 7-bit groups into a big-endian byte string.
    scratch.clearRetainingCapacity();
    const bit_count = encoded.len * 7;
    const byte_count = (bit_count + 7) / 8;
    try scratch.appendNTimes(allocator, 0, byte_count);
    var bit: usize = 0;
    var i = encoded.len;
    while (i > 0) {
        i -= 1;
        const group = encoded[i] & 0x7f;
        for (0..7) |k| {
            if (group & (@as(u8, 1) << @intCast(k)) != 0) {
                const pos = bit + k;
                scratch.items[byte_count - 1 - pos / 8] |= @as(u8, 1) << @intCast(pos % 8);
            }
        }
        bit += 7;
    }
    const v = try bigInt(allocator, scratch.items);
    var buffer: [20]u8 = undefined;
    return allocator.dupe(u8, v.number.literal(&buffer));
}

/// `decimal - small` for a decimal larger than u64 (only the first OID
/// arc needs it).
fn subtractDecimal(allocator: Allocator, decimal: []const u8, small: u8) Error![]const u8 {
    const out = try allocator.dupe(u8, decimal);
    var borrow: u16 = small;
    var i = out.len;
    while (i > 0 and borrow > 0) {
        i -= 1;
        const digit: u16 = out[i] - '0';
        const take = borrow % 10;
        borrow /= 10;
        if (digit >= take) {
            out[i] = @intCast('0' + digit - take);
        } else {
            out[i] = @intCast('0' + digit + 10 - take);
            borrow += 1;
        }
    }
    return std.mem.trimLeft(u8, out, "0");
}

/// time.Time's MarshalJSON (RFC 3339, offset as Z or ±hh:mm).
pub fn time(allocator: Allocator, year: i32, month: u8, day: u8, hour: u8, minute: u8, second: u8, offset_minutes: i16) Error!Value {
    var out: std.ArrayList(u8) = .empty;
    try out.print(allocator, "{d:0>4}-{d:0>2}-{d:0>2}T{d:0>2}:{d:0>2}:{d:0>2}", .{ @as(u32, @intCast(year)), month, day, hour, minute, second });
    if (offset_minutes == 0) {
        try out.append(allocator, 'Z');
    } else {
        const sign: u8 = if (offset_minutes < 0) '-' else '+';
        const abs = @abs(offset_minutes);
        try out.print(allocator, "{c}{d:0>2}:{d:0>2}", .{ sign, abs / 60, abs % 60 });
    }
    return .{ .string = out.items };
}

/// net.IP's MarshalText (its String for 4- and 16-byte addresses).
pub fn ip(allocator: Allocator, address: []const u8) Error!Value {
    return .{ .string = try ipString(allocator, address) };
}

pub fn ipString(allocator: Allocator, a: []const u8) Error![]const u8 {
    if (a.len == 0) return "";
    const v4: ?[]const u8 = if (a.len == 4)
        a
    else if (a.len == 16 and std.mem.allEqual(u8, a[0..10], 0) and a[10] == 0xff and a[11] == 0xff)
        a[12..16]
    else
        null;
    if (v4) |b| return std.fmt.allocPrint(allocator, "{d}.{d}.{d}.{d}", .{ b[0], b[1], b[2], b[3] });
    if (a.len != 16) return std.fmt.allocPrint(allocator, "?{x}", .{a});
    var groups: [8]u16 = undefined;
    for (&groups, 0..) |*g, i| g.* = @as(u16, a[2 * i]) << 8 | a[2 * i + 1];
    // The first longest run of two or more zero groups becomes "::".
    var best_start: usize = 8;
    var best_len: usize = 0;
    var i: usize = 0;
    while (i < 8) {
        if (groups[i] != 0) {
            i += 1;
            continue;
        }
        var j = i;
        while (j < 8 and groups[j] == 0) j += 1;
        if (j - i > best_len and j - i >= 2) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }
    var out: std.ArrayList(u8) = .empty;
    i = 0;
    while (i < 8) {
        if (i == best_start) {
            try out.appendSlice(allocator, "::");
            i += best_len;
            continue;
        }
        if (i > 0 and i != best_start + best_len) try out.append(allocator, ':');
        try out.print(allocator, "{x}", .{groups[i]});
        i += 1;
    }
    return out.items;
}

const testing = std.testing;

test "big integers and OIDs" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var buffer: [20]u8 = undefined;
    const n = try bigInt(a, "\x01\x00\x00\x00\x00\x00\x00\x00\x00");
    try testing.expectEqualStrings("18446744073709551616", n.number.literal(&buffer));
    try testing.expectEqual(@as(i64, 65537), (try bigInt(a, "\x01\x00\x01")).number.int);
    try testing.expectEqualStrings("2.5.29.32", (try oidText(a, "\x55\x1d\x20")).string);
    try testing.expectEqualStrings("1.2.840.113549", (try oidText(a, "\x2a\x86\x48\x86\xf7\x0d")).string);
}

test "IP addresses print as Go prints them" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expectEqualStrings("1.2.3.4", try ipString(a, "\x01\x02\x03\x04"));
    try testing.expectEqualStrings("2001:db8::1", try ipString(a, "\x20\x01\x0d\xb8" ++ "\x00" ** 11 ++ "\x01"));
    try testing.expectEqualStrings("::", try ipString(a, "\x00" ** 16));
    try testing.expectEqualStrings("1::2:0:3", try ipString(a, "\x00\x01" ++ "\x00" ** 8 ++ "\x00\x02\x00\x00\x00\x03"));
}
