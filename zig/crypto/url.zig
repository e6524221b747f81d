//! The parts of a URL that AWS request signing reads (host, escaped path,
//! raw query), parsed as Go's net/url Parse parses them, with its errors.
const std = @import("std");
const Allocator = std.mem.Allocator;
const quoted = @import("go_quote.zig").quoted;
const ip = @import("ip.zig");

/// Go's url.URL.
pub const Url = struct {
    scheme: []const u8 = "",
    opaque_part: []const u8 = "",
    user: ?Userinfo = null,
    /// Host and port (unescaped), e.g. "example.com:8080".
    host: []const u8 = "",
    /// The path, unescaped.
    path: []const u8 = "",
    /// The path as written, when escaping `path` would not reproduce it.
    raw_path: []const u8 = "",
    omit_host: bool = false,
    force_query: bool = false,
    raw_query: []const u8 = "",
    fragment: []const u8 = "",
    raw_fragment: []const u8 = "",
};

pub const Userinfo = struct {
    username: []const u8,
    password: ?[]const u8,
};

pub const Result = union(enum) {
    ok: Url,
    failed: Failure,
};

/// Go's url.Error: `parse <quoted url>: <reason>`.
pub const Failure = struct {
    /// The URL Go names: without the fragment, unless the fragment failed.
    url: []const u8,
    reason: []const u8,
};

const Inner = union(enum) { ok: Url, failed: []const u8 };

/// Go's url.Parse. The error text omits Go's `parse "<url>": ` prefix,
/// whose URL excludes the fragment unless the fragment is what failed.
pub fn parse(allocator: Allocator, raw: []const u8) Allocator.Error!Result {
    const hash = std.mem.indexOfScalar(u8, raw, '#');
    const without_fragment = if (hash) |i| raw[0..i] else raw;
    var u = switch (try parseWithoutFragment(allocator, without_fragment)) {
        .ok => |u| u,
        .failed => |reason| return .{ .failed = .{ .url = without_fragment, .reason = reason } },
    };
    const fragment = if (hash) |i| raw[i + 1 ..] else "";
    if (fragment.len == 0) return .{ .ok = u };
    switch (try unescape(allocator, fragment, .fragment)) {
        .ok => |f| {
            u.fragment = f;
            const escaped = try escape(allocator, f, .fragment);
            u.raw_fragment = if (std.mem.eql(u8, escaped, fragment)) "" else fragment;
        },
        .failed => |reason| return .{ .failed = .{ .url = raw, .reason = reason } },
    }
    return .{ .ok = u };
}

fn failed(text: []const u8) Inner {
    return .{ .failed = text };
}

fn parseWithoutFragment(allocator: Allocator, raw: []const u8) Allocator.Error!Inner {
    for (raw) |b| if (b < ' ' or b == 0x7f) return failed("net/url: invalid control character in URL");
    var u: Url = .{};
    if (std.mem.eql(u8, raw, "*")) {
        u.path = "*";
        return .{ .ok = u };
    }
    var rest = raw;
    // Scheme: letters first, then letters, digits, '+', '-', '.'; up to ':'.
    for (raw, 0..) |c, i| {
        if (std.ascii.isAlphabetic(c)) continue;
        if (std.ascii.isDigit(c) or c == '+' or c == '-' or c == '.') {
            if (i == 0) break;
            continue;
        }
        if (c == ':') {
            if (i == 0) return failed("missing protocol scheme");
            u.scheme = try std.ascii.allocLowerString(allocator, raw[0..i]);
            rest = raw[i + 1 ..];
        }
        break;
    }
    if (std.mem.endsWith(u8, rest, "?") and std.mem.count(u8, rest, "?") == 1) {
        u.force_query = true;
        rest = rest[0 .. rest.len - 1];
    } else if (std.mem.indexOfScalar(u8, rest, '?')) |q| {
        u.raw_query = rest[q + 1 ..];
        rest = rest[0..q];
    }
    if (!std.mem.startsWith(u8, rest, "/")) {
        if (u.scheme.len > 0) {
            u.opaque_part = rest;
            return .{ .ok = u };
        }
        const segment = if (std.mem.indexOfScalar(u8, rest, '/')) |s| rest[0..s] else rest;
        if (std.mem.indexOfScalar(u8, segment, ':') != null) return failed("first path segment in URL cannot contain colon");
    }
    if ((u.scheme.len > 0 or !std.mem.startsWith(u8, rest, "///")) and std.mem.startsWith(u8, rest, "//")) {
        var authority = rest[2..];
        rest = "";
        if (std.mem.indexOfScalar(u8, authority, '/')) |s| {
            rest = authority[s..];
            authority = authority[0..s];
        }
        const at = std.mem.lastIndexOfScalar(u8, authority, '@');
        const host_part = if (at) |i| authority[i + 1 ..] else authority;
        switch (try parseHost(allocator, host_part)) {
            .ok => |h| u.host = h,
            .failed => |f| return failed(f),
        }
        if (at) |i| {
            const info = authority[0..i];
            if (!validUserinfo(info)) return failed("net/url: invalid userinfo");
            const colon = std.mem.indexOfScalar(u8, info, ':');
            const name = switch (try unescape(allocator, if (colon) |c| info[0..c] else info, .user_password)) {
                .ok => |n| n,
                .failed => |f| return failed(f),
            };
            var password: ?[]const u8 = null;
            if (colon) |c| switch (try unescape(allocator, info[c + 1 ..], .user_password)) {
                .ok => |pw| password = pw,
                .failed => |f| return failed(f),
            };
            u.user = .{ .username = name, .password = password };
        }
    } else if (u.scheme.len > 0 and std.mem.startsWith(u8, rest, "/")) {
        u.omit_host = true;
    }
    switch (try unescape(allocator, rest, .path)) {
        .ok => |p| u.path = p,
        .failed => |f| return failed(f),
    }
    const escaped = try escape(allocator, u.path, .path);
    u.raw_path = if (std.mem.eql(u8, escaped, rest)) "" else rest;
    return .{ .ok = u };
}

/// Go's URL.String.
pub fn string(allocator: Allocator, u: Url) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    if (u.scheme.len > 0) {
        try out.appendSlice(allocator, u.scheme);
        try out.append(allocator, ':');
    }
    if (u.opaque_part.len > 0) {
        try out.appendSlice(allocator, u.opaque_part);
    } else {
        if (u.scheme.len > 0 or u.host.len > 0 or u.user != null) {
            if (!(u.omit_host and u.host.len == 0 and u.user == null)) {
                if (u.host.len > 0 or u.path.len > 0 or u.user != null) try out.appendSlice(allocator, "//");
                if (u.user) |user| {
                    try out.appendSlice(allocator, try escape(allocator, user.username, .user_password));
                    if (user.password) |pw| {
                        try out.append(allocator, ':');
                        try out.appendSlice(allocator, try escape(allocator, pw, .user_password));
                    }
                    try out.append(allocator, '@');
                }
                if (u.host.len > 0) try out.appendSlice(allocator, try escape(allocator, u.host, .host));
            }
        }
        const path = try escapedPath(allocator, u);
        if (path.len > 0 and path[0] != '/' and u.host.len > 0) try out.append(allocator, '/');
        if (out.items.len == 0) {
            const segment = if (std.mem.indexOfScalar(u8, path, '/')) |i| path[0..i] else path;
            if (std.mem.indexOfScalar(u8, segment, ':') != null) try out.appendSlice(allocator, "./");
        }
        try out.appendSlice(allocator, path);
    }
    if (u.force_query or u.raw_query.len > 0) {
        try out.append(allocator, '?');
        try out.appendSlice(allocator, u.raw_query);
    }
    if (u.fragment.len > 0) {
        try out.append(allocator, '#');
        try out.appendSlice(allocator, try escapedFragment(allocator, u));
    }
    return out.items;
}

fn escapedFragment(allocator: Allocator, u: Url) Allocator.Error![]const u8 {
    if (u.raw_fragment.len > 0 and validEncodedMode(u.raw_fragment, .fragment)) {
        switch (try unescape(allocator, u.raw_fragment, .fragment)) {
            .ok => |f| if (std.mem.eql(u8, f, u.fragment)) return u.raw_fragment,
            .failed => {},
        }
    }
    return escape(allocator, u.fragment, .fragment);
}

/// Go's URL.EscapedPath.
pub fn escapedPath(allocator: Allocator, u: Url) Allocator.Error![]const u8 {
    if (u.raw_path.len > 0 and validEncodedMode(u.raw_path, .path)) {
        switch (try unescape(allocator, u.raw_path, .path)) {
            .ok => |p| if (std.mem.eql(u8, p, u.path)) return u.raw_path,
            .failed => {},
        }
    }
    if (std.mem.eql(u8, u.path, "*")) return "*";
    return escape(allocator, u.path, .path);
}

fn parseHost(allocator: Allocator, host: []const u8) Allocator.Error!Result2 {
    if (std.mem.lastIndexOfScalar(u8, host, '[')) |open| {
        if (open > 0) return .{ .failed = "invalid IP-literal" };
        const close = std.mem.lastIndexOfScalar(u8, host, ']') orelse return .{ .failed = "missing ']' in host" };
        const colon_port = host[close + 1 ..];
        if (!validOptionalPort(colon_port)) return .{ .failed = try std.fmt.allocPrint(allocator, "invalid port {f} after host", .{quoted(colon_port)}) };
        if (close < 1) return .{ .failed = "invalid host" };
        const name = host[1..close];
        const unescaped = switch (try unescape(allocator, name, .zone)) {
            .ok => |n| n,
            .failed => |f| return .{ .failed = f },
        };
        const address = ip.parse(unescaped) orelse return .{ .failed = try std.fmt.allocPrint(allocator, "invalid host: ParseAddr({f}): unable to parse IP", .{quoted(unescaped)}) };
        if (address.is4) return .{ .failed = "invalid IP-literal" };
        return .{ .ok = try std.mem.concat(allocator, u8, &.{ "[", unescaped, "]", colon_port }) };
    }
    if (std.mem.indexOfScalar(u8, host, ':')) |first| {
        _ = first;
        // With several colons the port follows the last one (OPA's Go
        // build keeps urlstrictcolons off, for every scheme).
        const colon_port = host[std.mem.lastIndexOfScalar(u8, host, ':').?..];
        if (!validOptionalPort(colon_port)) return .{ .failed = try std.fmt.allocPrint(allocator, "invalid port {f} after host", .{quoted(colon_port)}) };
    }
    return switch (try unescape(allocator, host, .host)) {
        .ok => |h| .{ .ok = h },
        .failed => |f| .{ .failed = f },
    };
}

const Result2 = union(enum) { ok: []const u8, failed: []const u8 };

fn validOptionalPort(port: []const u8) bool {
    if (port.len == 0) return true;
    if (port[0] != ':') return false;
    for (port[1..]) |b| if (b < '0' or b > '9') return false;
    return true;
}

fn validUserinfo(s: []const u8) bool {
    for (s) |c| {
        if (std.ascii.isAlphanumeric(c)) continue;
        switch (c) {
            '-', '.', '_', ':', '~', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%', '@' => {},
            else => return false,
        }
    }
    return true;
}

const Mode = enum { path, host, zone, user_password, fragment };

/// Go's shouldEscape for the modes used here (net/url encoding_table.go).
fn shouldEscape(c: u8, mode: Mode) bool {
    if (std.ascii.isAlphanumeric(c)) return false;
    return switch (mode) {
        .path => switch (c) {
            '$', '&', '+', ',', '-', '.', '/', ':', ';', '=', '@', '_', '~' => false,
            else => true,
        },
        .host, .zone => switch (c) {
            '!', '"', '$', '&', '\'', '(', ')', '*', '+', ',', '-', '.', ':', ';', '<', '=', '>', '[', ']', '_', '~' => false,
            else => true,
        },
        .user_password => switch (c) {
            '$', '&', '+', ',', '-', '.', ';', '=', '_', '~' => false,
            else => true,
        },
        .fragment => switch (c) {
            '!', '$', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '=', '?', '@', '_', '~' => false,
            else => true,
        },
    };
}

fn validEncodedMode(s: []const u8, mode: Mode) bool {
    for (s) |c| switch (c) {
        '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '%' => {},
        else => if (shouldEscape(c, mode)) return false,
    };
    return true;
}

/// Go's unescape for the path, host and zone modes.
fn unescape(allocator: Allocator, s: []const u8, mode: Mode) Allocator.Error!Result2 {
    var percents: usize = 0;
    var i: usize = 0;
    while (i < s.len) {
        switch (s[i]) {
            '%' => {
                percents += 1;
                if (i + 2 >= s.len or !std.ascii.isHex(s[i + 1]) or !std.ascii.isHex(s[i + 2])) {
                    const bad = s[i..@min(s.len, i + 3)];
                    return .{ .failed = try std.fmt.allocPrint(allocator, "invalid URL escape {f}", .{quoted(bad)}) };
                }
                const v = hexValue(s[i + 1]) << 4 | hexValue(s[i + 2]);
                const is_25 = std.mem.eql(u8, s[i..][0..3], "%25");
                if (mode == .host and hexValue(s[i + 1]) < 8 and !is_25) {
                    return .{ .failed = try std.fmt.allocPrint(allocator, "invalid URL escape {f}", .{quoted(s[i..][0..3])}) };
                }
                if (mode == .zone and !is_25 and v != ' ' and shouldEscape(v, .host)) {
                    return .{ .failed = try std.fmt.allocPrint(allocator, "invalid URL escape {f}", .{quoted(s[i..][0..3])}) };
                }
                i += 3;
            },
            else => |c| {
                if ((mode == .host or mode == .zone) and c < 0x80 and shouldEscape(c, mode)) {
                    return .{ .failed = try std.fmt.allocPrint(allocator, "invalid character {f} in host name", .{quoted(s[i..][0..1])}) };
                }
                i += 1;
            },
        }
    }
    if (percents == 0) return .{ .ok = s };
    var out = try allocator.alloc(u8, s.len - 2 * percents);
    var n: usize = 0;
    i = 0;
    while (i < s.len) : (n += 1) {
        if (s[i] == '%') {
            out[n] = hexValue(s[i + 1]) << 4 | hexValue(s[i + 2]);
            i += 3;
        } else {
            out[n] = s[i];
            i += 1;
        }
    }
    return .{ .ok = out };
}

fn hexValue(c: u8) u8 {
    return std.fmt.charToDigit(c, 16) catch 0;
}

fn escape(allocator: Allocator, s: []const u8, mode: Mode) Allocator.Error![]const u8 {
    var count: usize = 0;
    for (s) |c| if (shouldEscape(c, mode)) {
        count += 1;
    };
    if (count == 0) return s;
    var out: std.ArrayList(u8) = .empty;
    for (s) |c| {
        if (shouldEscape(c, mode)) {
            try out.print(allocator, "%{X:0>2}", .{c});
        } else {
            try out.append(allocator, c);
        }
    }
    return out.items;
}

const testing = std.testing;

test "parses hosts, paths and queries like Go" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const u = (try parse(a, "https://example.com:8443/a b/c?x=1&y=2#frag")).ok;
    try testing.expectEqualStrings("example.com:8443", u.host);
    try testing.expectEqualStrings("x=1&y=2", u.raw_query);
    try testing.expectEqualStrings("/a%20b/c", try escapedPath(a, u));
    const kept = (try parse(a, "http://h/a%2Fb")).ok;
    try testing.expectEqualStrings("/a%2Fb", try escapedPath(a, kept));
    try testing.expectEqualStrings("missing protocol scheme", (try parse(a, "://x")).failed.reason);
    try testing.expectEqualStrings("invalid port \":x\" after host", (try parse(a, "http://h:x/")).failed.reason);
    try testing.expectEqualStrings("invalid URL escape \"%zz\"", (try parse(a, "http://h/%zz")).failed.reason);
    const full = (try parse(a, "spiffe://us%65r:pw@x/y?q#f%20g")).ok;
    try testing.expectEqualStrings("user", full.user.?.username);
    try testing.expectEqualStrings("f g", full.fragment);
    try testing.expectEqualStrings("spiffe://user:pw@x/y?q#f%20g", try string(a, full));
    try testing.expectEqualStrings("mailto:a@b", try string(a, (try parse(a, "mailto:a@b")).ok));
}
