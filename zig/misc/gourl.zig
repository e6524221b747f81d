//! Go's net/url.Parse (Go 1.26, as OPA v1.19.0 is built: with
//! urlstrictcolons=0), for uri.parse and uri.is_valid: the components
//! OPA reads and the exact error texts.
const std = @import("std");
const Allocator = std.mem.Allocator;
const goip = @import("goip.zig");
const sprintf = @import("../builtins/sprintf.zig");

pub const URL = struct {
    scheme: []const u8 = "",
    opaque_part: []const u8 = "",
    /// host[:port], unescaped; IPv6 literals in brackets.
    host: []const u8 = "",
    path: []const u8 = "",
    /// The path as written, when escaping `path` would not give it back.
    raw_path: []const u8 = "",
    raw_query: []const u8 = "",
    fragment: []const u8 = "",

    /// URL.Hostname: the host without port and brackets.
    pub fn hostname(u: URL) []const u8 {
        return splitHostPort(u.host)[0];
    }

    /// URL.Port: the numeric port, or "".
    pub fn port(u: URL) []const u8 {
        return splitHostPort(u.host)[1];
    }
};

pub const Error = error{ OutOfMemory, InvalidURL };

const Mode = enum { path, host, zone, user_password, fragment };

/// shouldEscape: whether `c` must be %-encoded in a component.
fn shouldEscape(c: u8, mode: Mode) bool {
    if (std.ascii.isAlphanumeric(c)) return false;
    if (mode == .host or mode == .zone) switch (c) {
        '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '[', ']', '<', '>', '"' => return false,
        else => {},
    };
    switch (c) {
        '-', '_', '.', '~' => return false,
        '$', '&', '+', ',', '/', ':', ';', '=', '?', '@' => switch (mode) {
            .path => return c == '?',
            .user_password => return c == '@' or c == '/' or c == '?' or c == ':',
            .fragment => return false,
            .host, .zone => {},
        },
        else => {},
    }
    if (mode == .fragment) switch (c) {
        '!', '(', ')', '*' => return false,
        else => {},
    };
    return true;
}

fn isHex(c: u8) bool {
    return std.ascii.isHex(c);
}

fn unhex(c: u8) u8 {
    return std.fmt.charToDigit(c, 16) catch unreachable; // Callers check isHex.
}

const Parser = struct {
    allocator: Allocator,
    /// Go's error text once parsing failed.
    failure: ?[]const u8 = null,

    fn fail(p: *Parser, comptime fmt: []const u8, args: anytype) Error {
        p.failure = try std.fmt.allocPrint(p.allocator, fmt, args);
        return error.InvalidURL;
    }

    fn quote(p: *Parser, s: []const u8) Error![]const u8 {
        return sprintf.quote(p.allocator, s);
    }

    /// unescape: decodes %XX (rejecting what `mode` forbids) and, for no mode
    /// used here, '+'.
    fn unescape(p: *Parser, s: []const u8, mode: Mode) Error![]const u8 {
        var escapes: usize = 0;
        var i: usize = 0;
        while (i < s.len) {
            switch (s[i]) {
                '%' => {
                    escapes += 1;
                    if (i + 2 >= s.len or !isHex(s[i + 1]) or !isHex(s[i + 2])) {
                        const bad = s[i..][0..@min(3, s.len - i)];
                        return p.fail("invalid URL escape {s}", .{try p.quote(bad)});
                    }
                    const triple = s[i..][0..3];
                    if (mode == .host and unhex(s[i + 1]) < 8 and !std.mem.eql(u8, triple, "%25")) {
                        return p.fail("invalid URL escape {s}", .{try p.quote(triple)});
                    }
                    if (mode == .zone) {
                        const v = unhex(s[i + 1]) << 4 | unhex(s[i + 2]);
                        if (!std.mem.eql(u8, triple, "%25") and v != ' ' and shouldEscape(v, .host)) {
                            return p.fail("invalid URL escape {s}", .{try p.quote(triple)});
                        }
                    }
                    i += 3;
                },
                else => {
                    if ((mode == .host or mode == .zone) and s[i] < 0x80 and shouldEscape(s[i], mode)) {
                        return p.fail("invalid character {s} in host name", .{try p.quote(s[i .. i + 1])});
                    }
                    i += 1;
                },
            }
        }
        if (escapes == 0) return s;
        var out = try std.ArrayList(u8).initCapacity(p.allocator, s.len - 2 * escapes);
        i = 0;
        while (i < s.len) : (i += 1) {
            if (s[i] == '%') {
                out.appendAssumeCapacity(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
                i += 2;
            } else {
                out.appendAssumeCapacity(s[i]);
            }
        }
        return out.items;
    }

    /// url.Parse.
    fn parseURL(p: *Parser, raw: []const u8) Error!URL {
        const hash = std.mem.indexOfScalar(u8, raw, '#');
        const before = raw[0 .. hash orelse raw.len];
        var u = p.parseReference(before) catch |err| return p.wrap(err, before);
        if (hash) |h| {
            const fragment = raw[h + 1 ..];
            if (fragment.len > 0) u.fragment = p.unescape(fragment, .fragment) catch |err| return p.wrap(err, raw);
        }
        return u;
    }

    /// url.Error.Error(): `parse "<url>": <cause>`.
    fn wrap(p: *Parser, err: Error, url: []const u8) Error {
        if (err == error.OutOfMemory) return error.OutOfMemory;
        const cause = p.failure orelse "";
        p.failure = try std.fmt.allocPrint(p.allocator, "parse {s}: {s}", .{ try p.quote(url), cause });
        return error.InvalidURL;
    }

    /// url.parse(raw, viaRequest=false).
    fn parseReference(p: *Parser, raw: []const u8) Error!URL {
        for (raw) |c| {
            if (c < ' ' or c == 0x7f) return p.fail("net/url: invalid control character in URL", .{});
        }
        var u: URL = .{};
        if (std.mem.eql(u8, raw, "*")) {
            u.path = "*";
            return u;
        }
        var rest = raw;
        if (try p.scheme(raw)) |split| {
            u.scheme = try std.ascii.allocLowerString(p.allocator, split[0]);
            rest = split[1];
        }
        if (std.mem.endsWith(u8, rest, "?") and std.mem.count(u8, rest, "?") == 1) {
            rest = rest[0 .. rest.len - 1]; // ForceQuery
        } else if (std.mem.indexOfScalar(u8, rest, '?')) |q| {
            u.raw_query = rest[q + 1 ..];
            rest = rest[0..q];
        }
        if (!std.mem.startsWith(u8, rest, "/")) {
            if (u.scheme.len > 0) {
                // Rootless paths after a scheme are opaque.
                u.opaque_part = rest;
                return u;
            }
            const segment = rest[0 .. std.mem.indexOfScalar(u8, rest, '/') orelse rest.len];
            if (std.mem.indexOfScalar(u8, segment, ':') != null) {
                return p.fail("first path segment in URL cannot contain colon", .{});
            }
        }
        if ((u.scheme.len > 0 or !std.mem.startsWith(u8, rest, "///")) and std.mem.startsWith(u8, rest, "//")) {
            var authority = rest[2..];
            rest = "";
            if (std.mem.indexOfScalar(u8, authority, '/')) |slash| {
                rest = authority[slash..];
                authority = authority[0..slash];
            }
            u.host = try p.parseAuthority(authority);
        }
        u.path = try p.unescape(rest, .path);
        if (!escapesTo(u.path, rest)) u.raw_path = rest;
        return u;
    }

    /// getScheme: a letter then letters, digits, '+', '-' or '.', before ':'.
    fn scheme(p: *Parser, raw: []const u8) Error!?struct { []const u8, []const u8 } {
        for (raw, 0..) |c, i| {
            if (std.ascii.isAlphabetic(c)) continue;
            if (std.ascii.isDigit(c) or c == '+' or c == '-' or c == '.') {
                if (i == 0) return null;
                continue;
            }
            if (c == ':') {
                if (i == 0) return p.fail("missing protocol scheme", .{});
                return .{ raw[0..i], raw[i + 1 ..] };
            }
            return null;
        }
        return null;
    }

    /// parseAuthority: the host; the user information is only validated.
    fn parseAuthority(p: *Parser, authority: []const u8) Error![]const u8 {
        const at = std.mem.lastIndexOfScalar(u8, authority, '@');
        const host = try p.parseHost(if (at) |i| authority[i + 1 ..] else authority);
        const userinfo = authority[0 .. at orelse return host];
        if (!validUserinfo(userinfo)) return p.fail("net/url: invalid userinfo", .{});
        if (std.mem.indexOfScalar(u8, userinfo, ':')) |colon| {
            _ = try p.unescape(userinfo[0..colon], .user_password);
            _ = try p.unescape(userinfo[colon + 1 ..], .user_password);
        } else {
            _ = try p.unescape(userinfo, .user_password);
        }
        return host;
    }

    /// parseHost: host[:port], an IPv6 literal (with zone) in brackets.
    fn parseHost(p: *Parser, host: []const u8) Error![]const u8 {
        if (std.mem.lastIndexOfScalar(u8, host, '[')) |open| {
            if (open > 0) return p.fail("invalid IP-literal", .{});
            const close = std.mem.lastIndexOfScalar(u8, host, ']') orelse return p.fail("missing ']' in host", .{});
            const colon_port = host[close + 1 ..];
            if (!validOptionalPort(colon_port)) return p.fail("invalid port {s} after host", .{try p.quote(colon_port)});
            const unescaped_port = try p.unescape(colon_port, .host);
            const name = host[1..close];
            // "%25" starts a zone, which may escape more than a host.
            const unescaped_name = if (std.mem.indexOf(u8, name, "%25")) |zone|
                try std.mem.concat(p.allocator, u8, &.{ try p.unescape(name[0..zone], .host), try p.unescape(name[zone..], .zone) })
            else
                try p.unescape(name, .host);
            var diagnostic: goip.AddrError = undefined;
            const addr = goip.parseAddrDiagnostic(unescaped_name, &diagnostic) orelse
                return p.fail("invalid host: {s}", .{try diagnostic.format(p.allocator, unescaped_name)});
            if (addr.is4) return p.fail("invalid IP-literal", .{});
            return std.mem.concat(p.allocator, u8, &.{ "[", unescaped_name, "]", unescaped_port });
        }
        // With urlstrictcolons=0 the port follows the last colon.
        if (std.mem.lastIndexOfScalar(u8, host, ':')) |colon| {
            const colon_port = host[colon..];
            if (!validOptionalPort(colon_port)) return p.fail("invalid port {s} after host", .{try p.quote(colon_port)});
        }
        return p.unescape(host, .host);
    }
};

/// Whether escape(path, encodePath) == raw, without building it.
fn escapesTo(path: []const u8, raw: []const u8) bool {
    var j: usize = 0;
    for (path) |c| {
        if (shouldEscape(c, .path)) {
            const hex = "0123456789ABCDEF";
            if (j + 3 > raw.len or raw[j] != '%' or raw[j + 1] != hex[c >> 4] or raw[j + 2] != hex[c & 15]) return false;
            j += 3;
        } else {
            if (j >= raw.len or raw[j] != c) return false;
            j += 1;
        }
    }
    return j == raw.len;
}

/// validOptionalPort: "" or ':' then digits.
fn validOptionalPort(port: []const u8) bool {
    if (port.len == 0) return true;
    if (port[0] != ':') return false;
    for (port[1..]) |c| {
        if (!std.ascii.isDigit(c)) return false;
    }
    return true;
}

/// validUserinfo: RFC 3986 userinfo characters, plus '@' (Go tolerates it).
/// Non-ASCII runes are refused.
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

/// splitHostPort: a valid ":port" suffix split off, brackets removed.
fn splitHostPort(host_port: []const u8) struct { []const u8, []const u8 } {
    var host = host_port;
    var port: []const u8 = "";
    if (std.mem.lastIndexOfScalar(u8, host, ':')) |colon| {
        if (validOptionalPort(host[colon..])) {
            port = host[colon + 1 ..];
            host = host[0..colon];
        }
    }
    if (std.mem.startsWith(u8, host, "[") and std.mem.endsWith(u8, host, "]")) host = host[1 .. host.len - 1];
    return .{ host, port };
}

/// url.Parse. On error.InvalidURL, `message` is Go's error text.
pub fn parse(allocator: Allocator, raw: []const u8, message: *[]const u8) Error!URL {
    var p: Parser = .{ .allocator = allocator };
    return p.parseURL(raw) catch |err| {
        if (err == error.InvalidURL) message.* = p.failure orelse "";
        return err;
    };
}

const testing = std.testing;

fn expectURL(raw: []const u8, want: URL) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    const u = try parse(arena.allocator(), raw, &message);
    inline for (@typeInfo(URL).@"struct".fields) |field| {
        try testing.expectEqualStrings(@field(want, field.name), @field(u, field.name));
    }
}

fn expectError(raw: []const u8, want: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    try testing.expectError(error.InvalidURL, parse(arena.allocator(), raw, &message));
    try testing.expectEqualStrings(want, message);
}

test "parse splits URLs as Go" {
    try expectURL("HTTPS://example.com:8080/api?q=1#top", .{ .scheme = "https", .host = "example.com:8080", .path = "/api", .raw_query = "q=1", .fragment = "top" });
    try expectURL("http://[::1]:80/a%2fb?x#y%20z", .{ .scheme = "http", .host = "[::1]:80", .path = "/a/b", .raw_path = "/a%2fb", .raw_query = "x", .fragment = "y z" });
    try expectURL("mailto:user@example.com", .{ .scheme = "mailto", .opaque_part = "user@example.com" });
    try expectURL("/a b", .{ .path = "/a b", .raw_path = "/a b" });
    try expectURL("//host/p?", .{ .host = "host", .path = "/p" });
    try expectURL("http://a:1:2/", .{ .scheme = "http", .host = "a:1:2", .path = "/" });
    try expectURL("*", .{ .path = "*" });
    try expectURL("", .{});
}

test "parse errors read as Go's" {
    try expectError("http://[invalid", "parse \"http://[invalid\": missing ']' in host");
    try expectError(":foo", "parse \":foo\": missing protocol scheme");
    try expectError("1a:b", "parse \"1a:b\": first path segment in URL cannot contain colon");
    try expectError("http://a b/", "parse \"http://a b/\": invalid character \" \" in host name");
    try expectError("http://h/%zz", "parse \"http://h/%zz\": invalid URL escape \"%zz\"");
    try expectError("http://h/#%", "parse \"http://h/#%\": invalid URL escape \"%\"");
    try expectError("http://[1.2.3.4]/", "parse \"http://[1.2.3.4]/\": invalid IP-literal");
    try expectError("http://[::1]x/", "parse \"http://[::1]x/\": invalid port \"x\" after host");
    try expectError("http://[zz]/", "parse \"http://[zz]/\": invalid host: ParseAddr(\"zz\"): unable to parse IP");
    try expectError("a\x01", "parse \"a\\x01\": net/url: invalid control character in URL");
}
