//! net.cidr_merge's algorithm: OPA's builtinNetCIDRMerge and its
//! internal/cidr/merge package (after github.com/netaddr/netaddr), ported
//! with their byte-slice quirks, because the answers depend on them:
//! IPv4 ranges are kept in IPv4-mapped form, big.Int.Bytes() drops leading
//! zero bytes, and networks built from those keep whatever length results.
//!
//! Where OPA v1.19.0 panics (and its process dies), e.g. merging adjacent
//! IPv6 networks whose first byte is zero, `merge` returns error.Unsupported.
const std = @import("std");
const Allocator = std.mem.Allocator;
const goip = @import("goip.zig");

const Bytes = goip.Bytes;
const IP = goip.IP;
const IPNet = goip.IPNet;

pub const Error = error{ OutOfMemory, Unsupported };

/// Go's math/big integers here never exceed the 32-byte slices they come from.
const Big = u256;

const v4_mapped_prefix = [12]u8{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
const default_ipv4 = IP.from(&(v4_mapped_prefix ++ [4]u8{ 0, 0, 0, 0 }));
const default_ipv6 = IP.from(&@as([16]u8, @splat(0)));
const upper_ipv4 = IP.from(&(v4_mapped_prefix ++ [4]u8{ 255, 255, 255, 255 }));
const upper_ipv6 = IP.from(&@as([16]u8, @splat(0xff)));
const ipv4_leading_zeroes = [10]u8{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

/// big.Int.SetBytes.
fn setBytes(b: Bytes) Big {
    var n: Big = 0;
    for (b.slice()) |byte| n = (n << 8) | byte;
    return n;
}

/// big.Int.Bytes: big-endian without leading zero bytes (empty for 0).
fn bigBytes(n: Big) Bytes {
    var out: Bytes = .{};
    const len: usize = (256 - @as(usize, @clz(n)) + 7) / 8;
    out.len = @intCast(len);
    var rest = n;
    var i = len;
    while (i > 0) {
        i -= 1;
        out.buf[i] = @truncate(rest);
        rest >>= 8;
    }
    return out;
}

const Range = struct {
    first: IP,
    last: IP,
    /// The input network when the range was not merged.
    network: ?IPNet,
};

/// Merges networks into the fewest covering ones (evalNetCIDRMerge).
pub fn merge(allocator: Allocator, networks: []const IPNet) Error![]IPNet {
    if (networks.len == 0) return &.{};
    var ranges: std.ArrayList(Range) = .empty;
    try ranges.ensureTotalCapacity(allocator, networks.len);
    for (networks) |n| {
        const first, const last = try addressRange(n);
        ranges.appendAssumeCapacity(.{ .first = first, .last = last, .network = n });
    }
    mergeRanges(&ranges);
    var result: std.ArrayList(IPNet) = .empty;
    for (ranges.items) |r| {
        if (r.network) |n| {
            try result.append(allocator, n);
        } else {
            try rangeToCIDRs(allocator, &result, r.first, r.last);
        }
    }
    return result.items;
}

fn lessThan(_: void, a: Range, b: Range) bool {
    return switch (a.last.order(b.last)) {
        .lt => true,
        .gt => false,
        .eq => a.first.order(b.first) == .lt,
    };
}

/// mergeCIDRs: sorted by last address then first, then adjacent or
/// overlapping neighbours merged from the end.
fn mergeRanges(ranges: *std.ArrayList(Range)) void {
    // Go's sort is not stable, but ranges that tie on both addresses always
    // merge below, so the order among them never shows.
    std.sort.pdq(Range, ranges.items, {}, lessThan);
    var i = ranges.items.len;
    while (i > 1) {
        i -= 1;
        const previous_ip = previousIP(ranges.items[i].first);
        const before = ranges.items[i - 1];
        if (previous_ip.order(before.last) != .gt) {
            const first = if (before.first.order(ranges.items[i].first) == .lt) before.first else ranges.items[i].first;
            ranges.items[i - 1] = .{ .first = first, .last = ranges.items[i].last, .network = null };
            _ = ranges.orderedRemove(i);
        }
    }
}

/// GetAddressRange: first and last address, IPv4 ones IPv4-mapped.
fn addressRange(n: IPNet) Error!struct { IP, IP } {
    var first = goip.maskIP(n.ip, n.mask);
    var last = first;
    if (!goip.to4(first).isNil()) {
        first = first.prepend(&v4_mapped_prefix) catch return error.Unsupported;
        last = last.prepend(&v4_mapped_prefix) catch return error.Unsupported;
    }
    const m = n.mask.slice();
    for (0..m.len) |i| {
        // lastIP[IPv6len-i-1]: out of range panics in Go.
        if (16 - i - 1 >= last.len) return error.Unsupported;
        last.buf[16 - i - 1] |= ~m[m.len - i - 1];
    }
    return .{ first, last };
}

/// GetPreviousIP: one less (within the IPv4 bytes for IPv4), the zero
/// addresses unchanged.
fn previousIP(ip: IP) IP {
    if (goip.equal(ip, default_ipv4) or goip.equal(ip, default_ipv6)) return ip;
    var previous = ip;
    const lower_bound: usize = if (goip.to4(ip).isNil()) 0 else 16 - 4;
    var overflow = false;
    var i: usize = ip.len;
    while (i > lower_bound) {
        i -= 1;
        if (overflow or i == ip.len - 1) previous.buf[i] -%= 1;
        overflow = ip.buf[i] == 0 and previous.buf[i] == 255;
    }
    return previous;
}

/// getNextIP: one more, for 4- and 16-byte IPs only; the top addresses unchanged.
fn nextIP(ip: IP) IP {
    if (goip.equal(ip, upper_ipv4) or goip.equal(ip, upper_ipv6)) return ip;
    var next = ip;
    switch (ip.len) {
        4 => std.mem.writeInt(u32, next.buf[0..4], std.mem.readInt(u32, ip.buf[0..4], .big) +% 1, .big),
        16 => {
            const low = std.mem.readInt(u64, ip.buf[8..16], .big) +% 1;
            std.mem.writeInt(u64, next.buf[8..16], low, .big);
            if (low == 0) {
                std.mem.writeInt(u64, next.buf[0..8], std.mem.readInt(u64, ip.buf[0..8], .big) +% 1, .big);
            }
        },
        else => {},
    }
    return next;
}

/// createSpanningCIDR: the smallest network holding both addresses.
fn spanningCIDR(lowest: IP, highest_in: IP) Error!IPNet {
    const is_ipv4 = !goip.to4(lowest).isNil();
    const bit_len: u32 = if (is_ipv4) 32 else 128;
    var mask_size = bit_len;
    const lowest_big = setBytes(lowest);
    var highest_big = setBytes(highest_in);
    while (mask_size > 0 and lowest_big < highest_big) {
        mask_size -= 1;
        // And with -(1 << k): clears the k low bits.
        const k: u9 = @intCast(bit_len - mask_size);
        highest_big &= ~((@as(Big, 1) << @intCast(k)) - 1);
    }
    var highest = bigBytes(highest_big);
    if (is_ipv4) highest = highest.prepend(&ipv4_leading_zeroes) catch return error.Unsupported;
    if (highest.len == 0) highest = .{ .len = @intCast(bit_len / 8) };
    return .{ .ip = highest, .mask = goip.cidrMask(mask_size, bit_len) };
}

/// partitionCIDR's left and right parts (the middle is never used).
const Partition = struct { left: []IPNet, right: []IPNet };

fn partition(allocator: Allocator, target: IPNet, exclude: IPNet) Error!Partition {
    const target_is_ipv4 = !goip.to4(target.ip).isNil();
    const target_first, const target_last = try addressRange(target);
    const exclude_first, const exclude_last = try addressRange(exclude);
    const target_size, _ = goip.maskSize(target.mask);
    const exclude_size, _ = goip.maskSize(exclude.mask);

    const whole = try allocator.alloc(IPNet, 1);
    whole[0] = target;
    if (exclude_last.order(target_first) == .lt) return .{ .left = &.{}, .right = whole };
    if (target_last.order(exclude_first) == .lt) return .{ .left = whole, .right = &.{} };
    if (target_size >= exclude_size) return .{ .left = &.{}, .right = &.{} };

    var left: std.ArrayList(IPNet) = .empty;
    var right: std.ArrayList(IPNet) = .empty;
    const bit_len: u32 = if (target_is_ipv4) 32 else 128;
    var new_prefix_len = target_size + 1;
    // Go shifts by the wrapped uint and runs out of memory.
    if (new_prefix_len > bit_len) return error.Unsupported;
    var lower = setBytes(target_first);
    var upper = setBytes(goip.to16(target_first)) +% (@as(Big, 1) << @intCast(bit_len - new_prefix_len));
    while (exclude_size >= new_prefix_len) {
        const upper_bytes = try paddedBytes(upper, target_is_ipv4);
        const lower_bytes = try paddedBytes(lower, target_is_ipv4);
        var matched: Big = undefined;
        if (exclude_first.order(upper_bytes) != .lt) {
            try left.append(allocator, .{ .ip = lower_bytes, .mask = goip.cidrMask(new_prefix_len, bit_len) });
            matched = upper;
        } else {
            try right.append(allocator, .{ .ip = upper_bytes, .mask = goip.cidrMask(new_prefix_len, bit_len) });
            matched = lower;
        }
        new_prefix_len += 1;
        if (new_prefix_len > bit_len) break;
        lower = matched;
        upper = matched +% (@as(Big, 1) << @intCast(bit_len - new_prefix_len));
    }
    return .{ .left = left.items, .right = right.items };
}

/// An integer as partitionCIDR turns it back into an IP: after ten zero
/// bytes for IPv4, left-padded to 16 bytes for IPv6 (where a longer one
/// makes Go panic).
fn paddedBytes(n: Big, ipv4: bool) Error!Bytes {
    const b = bigBytes(n);
    if (ipv4) return b.prepend(&ipv4_leading_zeroes) catch error.Unsupported;
    if (b.len > 16) return error.Unsupported;
    const zeros: [16]u8 = @splat(0);
    return b.prepend(zeros[0 .. 16 - b.len]) catch unreachable; // 16 bytes fit.
}

/// RangeToCIDRs: networks covering first..last exactly.
fn rangeToCIDRs(allocator: Allocator, out: *std.ArrayList(IPNet), first: IP, last: IP) Error!void {
    var spanning = try spanningCIDR(first, last);
    const spanning_first, const spanning_last = try addressRange(spanning);
    if (spanning_first.order(first) == .lt) {
        const previous = previousIP(first);
        const bit_len: u32 = if (goip.to4(previous).isNil()) 128 else 32;
        const parts = try partition(allocator, spanning, .{ .ip = previous, .mask = goip.cidrMask(bit_len, bit_len) });
        if (parts.right.len == 0) return error.Unsupported; // right[0] panics in Go.
        spanning = parts.right[0];
        try out.appendSlice(allocator, parts.right[1..]);
    }
    if (spanning_last.order(last) == .gt) {
        const next = nextIP(last);
        const bit_len: u32 = if (goip.to4(next).isNil()) 128 else 32;
        const parts = try partition(allocator, spanning, .{ .ip = next, .mask = goip.cidrMask(bit_len, bit_len) });
        try out.appendSlice(allocator, parts.left);
    } else {
        try out.append(allocator, spanning);
    }
}

const testing = std.testing;

fn expectMerged(inputs: []const []const u8, want: []const []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var networks: std.ArrayList(IPNet) = .empty;
    for (inputs) |text| {
        if (goip.parseCIDR(text)) |parsed| {
            try networks.append(a, parsed[1]);
        } else {
            const ip = goip.parseIP(text).?;
            try networks.append(a, .{ .ip = ip, .mask = goip.defaultMask(ip) });
        }
    }
    const merged = try merge(a, networks.items);
    var got: std.ArrayList([]const u8) = .empty;
    for (merged) |n| try got.append(a, try goip.netString(a, n));
    std.mem.sort([]const u8, got.items, {}, struct {
        fn lt(_: void, x: []const u8, y: []const u8) bool {
            return std.mem.order(u8, x, y) == .lt;
        }
    }.lt);
    try testing.expectEqual(want.len, got.items.len);
    for (want, got.items) |w, g| try testing.expectEqualStrings(w, g);
}

test "merge as OPA v1.19.0" {
    try expectMerged(&.{ "192.0.128.0/24", "192.0.129.0/24" }, &.{"192.0.128.0/23"});
    try expectMerged(&.{ "192.0.2.112/30", "192.0.2.116/31", "192.0.2.118/31" }, &.{"192.0.2.112/29"});
    try expectMerged(&.{ "192.0.2.112/31", "192.0.2.116/31", "192.0.2.118/31" }, &.{ "192.0.2.112/31", "192.0.2.116/30" });
    try expectMerged(&.{ "192.0.2.112", "192.0.2.116/31", "192.0.2.118/31" }, &.{"192.0.2.0/24"});
    try expectMerged(&.{ "::/0", "fe80::1/128" }, &.{"::/0"});
    try expectMerged(&.{ "10.0.0.1", "224.0.0.1" }, &.{ "10.0.0.1/8", "224.0.0.1/24" });
    try expectMerged(&.{ "::ffff:1.2.3.0/120", "1.2.4.0/24" }, &.{ "1.2.3.0/24", "1.2.4.0/24" });
    try expectMerged(&.{ "::1/128", "::2/128" }, &.{ "::1/128", "::2/128" });
}

test "merge refuses what OPA panics on" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const networks = [_]IPNet{ goip.parseCIDR("::2/128").?[1], goip.parseCIDR("::3/128").?[1] };
    try testing.expectError(error.Unsupported, merge(a, &networks));
}
