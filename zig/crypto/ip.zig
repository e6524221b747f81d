//! IP address text as Go's netip.ParseAddr reads it: dotted-decimal IPv4
//! without leading zeros, IPv6 with at most one "::", an optional trailing
//! IPv4 part, and an optional zone after '%'.
const std = @import("std");

pub const Addr = struct {
    /// IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d), as As16 does.
    bytes: [16]u8,
    is4: bool,
    has_zone: bool,

    /// The 4 or 16 bytes Go's net.IP holds for the address.
    pub fn slice(a: *const Addr) []const u8 {
        return if (a.is4) a.bytes[12..16] else &a.bytes;
    }
};

/// Go's netip.ParseAddr; null where it returns an error.
pub fn parse(s: []const u8) ?Addr {
    if (std.mem.indexOfScalar(u8, s, ':') != null) return parse6(s);
    var out: Addr = .{ .bytes = mapped_prefix ++ [_]u8{0} ** 4, .is4 = true, .has_zone = false };
    if (!parse4(s, out.bytes[12..16])) return null;
    return out;
}

const mapped_prefix = [_]u8{0} ** 10 ++ [_]u8{ 0xff, 0xff };

fn parse4(s: []const u8, out: *[4]u8) bool {
    var fields: usize = 0;
    var it = std.mem.splitScalar(u8, s, '.');
    while (it.next()) |field| {
        if (fields == 4 or field.len == 0 or field.len > 3) return false;
        if (field.len > 1 and field[0] == '0') return false;
        var v: u16 = 0;
        for (field) |c| {
            if (c < '0' or c > '9') return false;
            v = v * 10 + (c - '0');
        }
        if (v > 255) return false;
        out[fields] = @intCast(v);
        fields += 1;
    }
    return fields == 4;
}

fn parse6(input: []const u8) ?Addr {
    var s = input;
    var out: Addr = .{ .bytes = [_]u8{0} ** 16, .is4 = false, .has_zone = false };
    if (std.mem.indexOfScalar(u8, s, '%')) |z| {
        if (z == s.len - 1) return null;
        out.has_zone = true;
        s = s[0..z];
    }
    var groups: [8]u16 = undefined;
    var count: usize = 0;
    var ellipsis: ?usize = null;
    var i: usize = 0;
    if (std.mem.startsWith(u8, s, "::")) {
        ellipsis = 0;
        i = 2;
        if (s.len == 2) return expand(&out, &groups, 0, ellipsis);
    }
    while (i < s.len) {
        // An embedded IPv4 address ends the text and fills two groups.
        const rest = s[i..];
        if (std.mem.indexOfScalar(u8, rest, '.') != null and std.mem.indexOfScalar(u8, rest, ':') == null) {
            if (count > 6) return null;
            var v4: [4]u8 = undefined;
            if (!parse4(rest, &v4)) return null;
            groups[count] = @as(u16, v4[0]) << 8 | v4[1];
            groups[count + 1] = @as(u16, v4[2]) << 8 | v4[3];
            count += 2;
            i = s.len;
            break;
        }
        var j = i;
        var v: u32 = 0;
        while (j < s.len and j - i < 5 and std.ascii.isHex(s[j])) : (j += 1) {
            v = v * 16 + (std.fmt.charToDigit(s[j], 16) catch unreachable); // isHex checked.
        }
        if (j == i or j - i > 4 or count == 8) return null;
        groups[count] = @intCast(v);
        count += 1;
        if (j == s.len) {
            i = j;
            break;
        }
        if (s[j] != ':') return null;
        if (j + 1 < s.len and s[j + 1] == ':') {
            if (ellipsis != null) return null;
            ellipsis = count;
            i = j + 2;
            if (i == s.len) break;
        } else {
            i = j + 1;
            if (i == s.len) return null;
        }
    }
    return expand(&out, &groups, count, ellipsis);
}

fn expand(out: *Addr, groups: *const [8]u16, count: usize, ellipsis: ?usize) ?Addr {
    var full: [8]u16 = [_]u16{0} ** 8;
    if (ellipsis) |e| {
        if (count >= 8) return null;
        for (0..e) |k| full[k] = groups[k];
        const tail = count - e;
        for (0..tail) |k| full[8 - tail + k] = groups[e + k];
    } else {
        if (count != 8) return null;
        full = groups.*;
    }
    for (full, 0..) |g, k| {
        out.bytes[2 * k] = @intCast(g >> 8);
        out.bytes[2 * k + 1] = @truncate(g);
    }
    return out.*;
}

const testing = std.testing;

test "parses addresses as netip does" {
    try testing.expectEqualSlices(u8, "\x0a\x01\x02\x03", parse("10.1.2.3").?.slice());
    try testing.expect(parse("010.1.2.3") == null);
    try testing.expect(parse("1.2.3") == null);
    try testing.expect(parse("256.1.1.1") == null);
    const v6 = parse("2001:db8::1").?;
    try testing.expectEqualSlices(u8, "\x20\x01\x0d\xb8" ++ "\x00" ** 11 ++ "\x01", v6.slice());
    try testing.expect(parse("::").?.is4 == false);
    try testing.expect(parse("::ffff:1.2.3.4") != null);
    try testing.expect(parse("1::2::3") == null);
    try testing.expect(parse("1:2:3:4:5:6:7:8:9") == null);
    try testing.expect(parse("fe80::1%eth0").?.has_zone);
    try testing.expect(parse("12345::") == null);
    try testing.expect(parse("1:") == null);
}
