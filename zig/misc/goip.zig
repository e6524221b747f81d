//! Go's net.IP, net.IPMask and net.IPNet as OPA's net.* builtins use them,
//! and the net/netip address grammar behind net.ParseIP and net.ParseCIDR.
//!
//! Go's IPs and masks are byte slices whose length decides their meaning (4:
//! IPv4, 16: IPv6 or IPv4-mapped IPv6, anything else: "invalid", printed
//! "?<hex>" or "<nil>"). `Bytes` keeps that model, lengths included, because
//! OPA's CIDR merging builds odd lengths and its answers depend on them.
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const sprintf = @import("../builtins/sprintf.zig");

/// A Go byte slice of at most `capacity` bytes; length 0 stands for nil.
pub const Bytes = struct {
    pub const capacity = 32;

    buf: [capacity]u8 = @splat(0),
    len: u8 = 0,

    pub const nil: Bytes = .{};

    pub fn from(s: []const u8) Bytes {
        assert(s.len <= capacity);
        var b: Bytes = .{ .len = @intCast(s.len) };
        @memcpy(b.buf[0..s.len], s);
        return b;
    }

    pub fn slice(b: *const Bytes) []const u8 {
        return b.buf[0..b.len];
    }

    pub fn isNil(b: Bytes) bool {
        return b.len == 0;
    }

    /// b[start..], as Go's b[start:].
    pub fn tail(b: Bytes, start: usize) Bytes {
        return from(b.slice()[start..]);
    }

    /// append(prefix, b...); error.Overflow beyond `capacity`.
    pub fn prepend(b: Bytes, prefix: []const u8) error{Overflow}!Bytes {
        if (prefix.len + b.len > capacity) return error.Overflow;
        var out: Bytes = .{ .len = @intCast(prefix.len + b.len) };
        @memcpy(out.buf[0..prefix.len], prefix);
        @memcpy(out.buf[prefix.len..out.len], b.slice());
        return out;
    }

    pub fn eql(a: Bytes, b: Bytes) bool {
        return std.mem.eql(u8, a.slice(), b.slice());
    }

    /// bytes.Compare.
    pub fn order(a: Bytes, b: Bytes) std.math.Order {
        return std.mem.order(u8, a.slice(), b.slice());
    }
};

pub const IP = Bytes;
pub const Mask = Bytes;

pub const IPNet = struct {
    ip: IP,
    mask: Mask,
};

const v4_in_v6_prefix = [12]u8{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

// ---------------------------------------------------------------------------
// Parsing: netip.ParseAddr, net.ParseIP, net.ParseCIDR.

pub const Addr = struct {
    /// As16: IPv4 addresses in their IPv4-mapped form.
    bytes: [16]u8,
    is4: bool,
    zone: []const u8,
};

/// Why netip.ParseAddr refused its input: Go's message and the rest of the
/// input where it stopped ("at"), if it says so.
pub const AddrError = struct {
    message: []const u8,
    at: ?[]const u8 = null,

    /// parseAddrError.Error(): `ParseAddr("in"): message (at "rest")`.
    pub fn format(e: AddrError, allocator: Allocator, in: []const u8) Allocator.Error![]const u8 {
        var out: std.ArrayList(u8) = .empty;
        try out.appendSlice(allocator, "ParseAddr(");
        try out.appendSlice(allocator, try sprintf.quote(allocator, in));
        try out.appendSlice(allocator, "): ");
        try out.appendSlice(allocator, e.message);
        if (e.at) |at| {
            try out.appendSlice(allocator, " (at ");
            try out.appendSlice(allocator, try sprintf.quote(allocator, at));
            try out.append(allocator, ')');
        }
        return out.items;
    }
};

/// netip.ParseAddr: dotted IPv4 without leading zeros, or IPv6 with an
/// optional embedded IPv4 and an optional "%zone".
pub fn parseAddr(s: []const u8) ?Addr {
    var diagnostic: AddrError = undefined;
    return parseAddrDiagnostic(s, &diagnostic);
}

/// parseAddr, saying why when it fails.
pub fn parseAddrDiagnostic(s: []const u8, diagnostic: *AddrError) ?Addr {
    for (s) |c| switch (c) {
        '.' => {
            const v4 = parseIPv4(s, diagnostic) orelse return null;
            return .{ .bytes = v4_in_v6_prefix ++ v4, .is4 = true, .zone = "" };
        },
        ':' => return parseIPv6(s, diagnostic),
        '%' => return fail(diagnostic, "missing IPv6 address", null),
        else => {},
    };
    return fail(diagnostic, "unable to parse IP", null);
}

fn fail(diagnostic: *AddrError, message: []const u8, at: ?[]const u8) ?Addr {
    diagnostic.* = .{ .message = message, .at = at };
    return null;
}

fn parseIPv4(s: []const u8, diagnostic: *AddrError) ?[4]u8 {
    var fields: [4]u8 = undefined;
    var value: u16 = 0;
    var position: usize = 0;
    var digits: usize = 0;
    for (s, 0..) |c, i| {
        if (c >= '0' and c <= '9') {
            if (digits == 1 and value == 0) return failV4(diagnostic, "IPv4 field has octet with leading zero", null);
            value = value * 10 + (c - '0');
            digits += 1;
            if (value > 255) return failV4(diagnostic, "IPv4 field has value >255", null);
        } else if (c == '.') {
            if (i == 0 or i == s.len - 1 or s[i - 1] == '.') return failV4(diagnostic, "IPv4 field must have at least one digit", s[i..]);
            if (position == 3) return failV4(diagnostic, "IPv4 address too long", null);
            fields[position] = @intCast(value);
            position += 1;
            value = 0;
            digits = 0;
        } else return failV4(diagnostic, "unexpected character", s[i..]);
    }
    if (position < 3) return failV4(diagnostic, "IPv4 address too short", null);
    fields[3] = @intCast(value);
    return fields;
}

fn failV4(diagnostic: *AddrError, message: []const u8, at: ?[]const u8) ?[4]u8 {
    diagnostic.* = .{ .message = message, .at = at };
    return null;
}

fn parseIPv6(in: []const u8, diagnostic: *AddrError) ?Addr {
    var s = in;
    var zone: []const u8 = "";
    if (std.mem.indexOfScalar(u8, s, '%')) |i| {
        zone = s[i + 1 ..];
        s = s[0..i];
        if (zone.len == 0) return fail(diagnostic, "zone must be a non-empty string", null);
    }
    var ip: [16]u8 = @splat(0);
    var ellipsis: ?usize = null;
    if (s.len >= 2 and s[0] == ':' and s[1] == ':') {
        ellipsis = 0;
        s = s[2..];
        if (s.len == 0) return .{ .bytes = ip, .is4 = false, .zone = zone };
    }
    var i: usize = 0;
    while (i < 16) {
        var off: usize = 0;
        var acc: u32 = 0;
        while (off < s.len) : (off += 1) {
            const digit = std.fmt.charToDigit(s[off], 16) catch break;
            acc = (acc << 4) + digit;
            if (off > 3) return fail(diagnostic, "each group must have 4 or less digits", s);
            if (acc > 0xffff) return fail(diagnostic, "IPv6 field has value >=2^16", s);
        }
        if (off == 0) return fail(diagnostic, "each colon-separated field must have at least one digit", s);
        if (off < s.len and s[off] == '.') {
            if (ellipsis == null and i != 12) return fail(diagnostic, "embedded IPv4 address must replace the final 2 fields of the address", s);
            if (i + 4 > 16) return fail(diagnostic, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
            const v4 = parseIPv4(s, diagnostic) orelse return null;
            @memcpy(ip[i..][0..4], &v4);
            s = "";
            i += 4;
            break;
        }
        ip[i] = @intCast(acc >> 8);
        ip[i + 1] = @truncate(acc);
        i += 2;
        s = s[off..];
        if (s.len == 0) break;
        if (s[0] != ':') return fail(diagnostic, "unexpected character, want colon", s);
        if (s.len == 1) return fail(diagnostic, "colon must be followed by more characters", s);
        s = s[1..];
        if (s[0] == ':') {
            if (ellipsis != null) return fail(diagnostic, "multiple :: in address", s);
            ellipsis = i;
            s = s[1..];
            if (s.len == 0) break;
        }
    }
    if (s.len != 0) return fail(diagnostic, "trailing garbage after address", s);
    if (i < 16) {
        const e = ellipsis orelse return fail(diagnostic, "address string too short", null);
        const n = 16 - i;
        var j = i;
        while (j > e) {
            j -= 1;
            ip[j + n] = ip[j];
        }
        @memset(ip[e .. e + n], 0);
    } else if (ellipsis != null) return fail(diagnostic, "the :: must expand to at least one field of zeros", null);
    return .{ .bytes = ip, .is4 = false, .zone = zone };
}

/// net.ParseIP: 16 bytes (IPv4 mapped), or null; zones are refused.
pub fn parseIP(s: []const u8) ?IP {
    const addr = parseAddr(s) orelse return null;
    if (addr.zone.len > 0) return null;
    return IP.from(&addr.bytes);
}

/// net.ParseCIDR: the address (16 bytes) and its network (4-byte IP and mask
/// for IPv4, 16-byte ones otherwise).
pub fn parseCIDR(s: []const u8) ?struct { IP, IPNet } {
    const slash = std.mem.indexOfScalar(u8, s, '/') orelse return null;
    const addr = parseAddr(s[0..slash]) orelse return null;
    if (addr.zone.len > 0) return null;
    const bits: u8 = if (addr.is4) 32 else 128;
    const ones = dtoi(s[slash + 1 ..]) orelse return null;
    if (ones > bits) return null;
    const m = cidrMask(ones, bits);
    const ip = IP.from(&addr.bytes);
    return .{ ip, .{ .ip = maskIP(ip, m), .mask = m } };
}

/// net's dtoi over the whole string: decimal digits below 2^24.
fn dtoi(s: []const u8) ?u32 {
    if (s.len == 0) return null;
    var n: u32 = 0;
    for (s) |c| {
        if (c < '0' or c > '9') return null;
        n = n * 10 + (c - '0');
        if (n >= 0xffffff) return null;
    }
    return n;
}

// ---------------------------------------------------------------------------
// IP and mask operations.

/// IP.To4: the 4-byte form of an IPv4 or IPv4-mapped address, else nil.
pub fn to4(ip: IP) IP {
    if (ip.len == 4) return ip;
    if (ip.len == 16 and std.mem.eql(u8, ip.buf[0..12], &v4_in_v6_prefix)) return ip.tail(12);
    return .nil;
}

/// IP.To16.
pub fn to16(ip: IP) IP {
    if (ip.len == 4) return IP.from(&(v4_in_v6_prefix ++ ip.buf[0..4].*));
    if (ip.len == 16) return ip;
    return .nil;
}

/// net.CIDRMask; nil for impossible sizes.
pub fn cidrMask(ones: u32, bits: u32) Mask {
    if (bits != 32 and bits != 128) return .nil;
    if (ones > bits) return .nil;
    var m: Mask = .{ .len = @intCast(bits / 8) };
    var n = ones;
    for (m.buf[0..m.len]) |*byte| {
        if (n >= 8) {
            byte.* = 0xff;
            n -= 8;
        } else {
            byte.* = ~(@as(u8, 0xff) >> @intCast(n));
            n = 0;
        }
    }
    return m;
}

/// simpleMaskLength: the count of leading ones, null if not canonical.
fn maskLength(m: Mask) ?u32 {
    var n: u32 = 0;
    const bytes = m.slice();
    for (bytes, 0..) |byte, i| {
        if (byte == 0xff) {
            n += 8;
            continue;
        }
        n += @clz(~byte);
        if (byte << @intCast(@clz(~byte) % 8) != 0) return null;
        for (bytes[i + 1 ..]) |rest| {
            if (rest != 0) return null;
        }
        break;
    }
    return n;
}

/// IPMask.Size: (ones, bits), (0, 0) for a non-canonical mask.
pub fn maskSize(m: Mask) struct { u32, u32 } {
    const ones = maskLength(m) orelse return .{ 0, 0 };
    return .{ ones, @as(u32, m.len) * 8 };
}

/// IP.Mask: nil when the lengths do not fit together.
pub fn maskIP(ip_in: IP, mask_in: Mask) IP {
    var ip = ip_in;
    var m = mask_in;
    if (m.len == 16 and ip.len == 4 and std.mem.allEqual(u8, m.buf[0..12], 0xff)) m = m.tail(12);
    if (m.len == 4 and ip.len == 16 and std.mem.eql(u8, ip.buf[0..12], &v4_in_v6_prefix)) ip = ip.tail(12);
    if (ip.len != m.len) return .nil;
    var out: IP = .{ .len = ip.len };
    for (out.buf[0..out.len], ip.slice(), m.slice()) |*o, a, b| o.* = a & b;
    return out;
}

/// IP.DefaultMask: the classful mask of an IPv4 address.
pub fn defaultMask(ip: IP) Mask {
    const v4 = to4(ip);
    if (v4.isNil()) return .nil;
    const ones: u32 = if (v4.buf[0] < 0x80) 8 else if (v4.buf[0] < 0xc0) 16 else 24;
    return cidrMask(ones, 32);
}

/// IP.Equal: IPv4 and IPv4-mapped forms of one address are equal.
pub fn equal(a: IP, b: IP) bool {
    if (a.len == b.len) return a.eql(b);
    if (a.len == 4 and b.len == 16) return std.mem.eql(u8, b.buf[0..12], &v4_in_v6_prefix) and std.mem.eql(u8, a.buf[0..4], b.buf[12..16]);
    if (a.len == 16 and b.len == 4) return equal(b, a);
    return false;
}

/// networkNumberAndMask: null where Go returns nil, nil.
fn networkNumberAndMask(n: IPNet) ?struct { IP, Mask } {
    var ip = to4(n.ip);
    if (ip.isNil()) {
        ip = n.ip;
        if (ip.len != 16) return null;
    }
    var m = n.mask;
    switch (m.len) {
        4 => if (ip.len != 4) return null,
        16 => if (ip.len == 4) {
            m = m.tail(12);
        },
        else => return null,
    }
    return .{ ip, m };
}

/// IPNet.Contains.
pub fn contains(n: IPNet, ip_in: IP) bool {
    var nn: IP = .nil;
    var m: Mask = .nil;
    if (networkNumberAndMask(n)) |pair| nn, m = pair;
    var ip = ip_in;
    const v4 = to4(ip);
    if (!v4.isNil()) ip = v4;
    if (ip.len != nn.len) return false;
    for (nn.slice(), m.slice(), ip.slice()) |a, b, c| {
        if (a & b != c & b) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Text.

/// IP.String.
pub fn ipString(allocator: Allocator, ip: IP) Allocator.Error![]const u8 {
    if (ip.len == 0) return "<nil>";
    if (ip.len != 4 and ip.len != 16) return std.fmt.allocPrint(allocator, "?{x}", .{ip.slice()});
    const v4 = to4(ip);
    if (!v4.isNil()) return std.fmt.allocPrint(allocator, "{d}.{d}.{d}.{d}", .{ v4.buf[0], v4.buf[1], v4.buf[2], v4.buf[3] });
    var out: std.ArrayList(u8) = .empty;
    try appendIPv6(allocator, &out, ip.buf[0..16]);
    return out.items;
}

/// netip's RFC 5952 form: lowercase, the longest run (leftmost of equals) of
/// two or more zero groups as "::".
pub fn appendIPv6(allocator: Allocator, out: *std.ArrayList(u8), bytes: *const [16]u8) Allocator.Error!void {
    var groups: [8]u16 = undefined;
    for (&groups, 0..) |*g, i| g.* = std.mem.readInt(u16, bytes[2 * i ..][0..2], .big);
    var zero_start: usize = 255;
    var zero_end: usize = 255;
    for (0..8) |i| {
        var j = i;
        while (j < 8 and groups[j] == 0) j += 1;
        if (j - i >= 2 and j - i > zero_end -% zero_start) {
            zero_start = i;
            zero_end = j;
        }
    }
    var i: usize = 0;
    while (i < 8) : (i += 1) {
        if (i == zero_start) {
            try out.appendSlice(allocator, "::");
            i = zero_end;
            if (i >= 8) break;
        } else if (i > 0) {
            try out.append(allocator, ':');
        }
        try out.print(allocator, "{x}", .{groups[i]});
    }
}

/// IPNet.String.
pub fn netString(allocator: Allocator, n: IPNet) Allocator.Error![]const u8 {
    const nn, const m = networkNumberAndMask(n) orelse return "<nil>";
    const address = try ipString(allocator, nn);
    if (maskLength(m)) |ones| return std.fmt.allocPrint(allocator, "{s}/{d}", .{ address, ones });
    return std.fmt.allocPrint(allocator, "{s}/{x}", .{ address, m.slice() });
}

const testing = std.testing;

fn expectParsed(text: []const u8, want: ?[]const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const ip = parseIP(text);
    if (want) |w| {
        try testing.expectEqualStrings(w, try ipString(arena.allocator(), ip orelse return error.TestUnexpectedResult));
    } else {
        try testing.expect(ip == null);
    }
}

test "parseIP and ipString follow Go" {
    try expectParsed("10.0.0.1", "10.0.0.1");
    try expectParsed("::", "::");
    try expectParsed("::ffff:1.2.3.4", "1.2.3.4");
    try expectParsed("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    try expectParsed("1:0:0:2:0:0:0:3", "1:0:0:2::3");
    try expectParsed("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0");
    try expectParsed("0:0:1::", "0:0:1::");
    try expectParsed("::1.2.3.4", "::102:304");
    try expectParsed("01.2.3.4", null);
    try expectParsed("1.2.3", null);
    try expectParsed("1.2.3.256", null);
    try expectParsed("fe80::1%eth0", null);
    try expectParsed("1::2::3", null);
    try expectParsed("1:2:3:4:5:6:7:8:9", null);
    try expectParsed("12345::", null);
    try expectParsed("", null);
}

test "parseAddrDiagnostic says why, as netip does" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const cases = .{
        .{ "1.2.3", "ParseAddr(\"1.2.3\"): IPv4 address too short" },
        .{ "1:2::3:4.5.6.07", "ParseAddr(\"1:2::3:4.5.6.07\"): IPv4 field has octet with leading zero" },
        .{ "1..2.3", "ParseAddr(\"1..2.3\"): IPv4 field must have at least one digit (at \".2.3\")" },
        .{ "::1::", "ParseAddr(\"::1::\"): multiple :: in address (at \":\")" },
        .{ "invalid", "ParseAddr(\"invalid\"): unable to parse IP" },
        .{ "fe80::1%", "ParseAddr(\"fe80::1%\"): zone must be a non-empty string" },
    };
    inline for (cases) |case| {
        var diagnostic: AddrError = undefined;
        try testing.expect(parseAddrDiagnostic(case[0], &diagnostic) == null);
        try testing.expectEqualStrings(case[1], try diagnostic.format(arena.allocator(), case[0]));
    }
}

test "parseCIDR, contains and netString" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    _, const n = parseCIDR("192.168.1.77/24").?;
    try testing.expectEqualStrings("192.168.1.0/24", try netString(a, n));
    try testing.expect(contains(n, parseIP("192.168.1.200").?));
    try testing.expect(!contains(n, parseIP("192.168.2.1").?));
    _, const v6 = parseCIDR("2001:db8::1/32").?;
    try testing.expectEqualStrings("2001:db8::/32", try netString(a, v6));
    _, const mapped = parseCIDR("::ffff:1.2.3.4/120").?;
    try testing.expectEqualStrings("1.2.3.0/24", try netString(a, mapped));
    try testing.expect(contains(mapped, parseIP("1.2.3.9").?));
    try testing.expect(parseCIDR("192.168.1.1/33") == null);
    try testing.expect(parseCIDR("192.168.1.1") == null);
    try testing.expect(parseCIDR("192.168.1.1/") == null);
    try testing.expect(parseCIDR("192.168.1.1/024") != null);
    try testing.expectEqualStrings("10.1.2.3/8", try netString(a, .{ .ip = parseIP("10.1.2.3").?, .mask = defaultMask(parseIP("10.1.2.3").?) }));
}
