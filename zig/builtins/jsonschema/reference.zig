//! JSON references as gojsonschema keeps them (github.com/xeipuuv/gojsonreference):
//! a Go net/url URL whose fragment is a JSON pointer. Schema ids and $refs
//! are resolved against their base with URL.ResolveReference, and refs are
//! looked up by URL.String(), so both follow Go's rules here (the parsing and
//! its error texts come from misc/gourl.zig).
const std = @import("std");
const Allocator = std.mem.Allocator;
const gourl = @import("../../misc/gourl.zig");

pub const Reference = struct {
    scheme: []const u8 = "",
    opaque_part: []const u8 = "",
    /// Raw userinfo (before '@'), when the authority has one.
    user: ?[]const u8 = null,
    host: []const u8 = "",
    omit_host: bool = false,
    /// The path as written (escaped form).
    raw_path: []const u8 = "",
    raw_query: []const u8 = "",
    force_query: bool = false,
    /// Unescaped fragment: the JSON pointer text.
    fragment: []const u8 = "",
    raw_fragment: []const u8 = "",

    /// JsonReference.IsCanonical (never a file path here: file URLs count as
    /// canonical only with an absolute path, as on Linux).
    pub fn isCanonical(r: Reference) bool {
        if (std.mem.eql(u8, r.scheme, "file")) return std.mem.startsWith(u8, r.raw_path, "/");
        return r.scheme.len > 0 and r.host.len > 0;
    }

    /// URL.String().
    pub fn string(r: Reference, allocator: Allocator) Allocator.Error![]const u8 {
        var out: std.ArrayList(u8) = .empty;
        if (r.scheme.len > 0) {
            try out.appendSlice(allocator, r.scheme);
            try out.append(allocator, ':');
        }
        if (r.opaque_part.len > 0) {
            try out.appendSlice(allocator, r.opaque_part);
        } else {
            if (r.scheme.len > 0 or r.host.len > 0 or r.user != null) {
                if (!(r.omit_host and r.host.len == 0 and r.user == null)) {
                    if (r.host.len > 0 or r.raw_path.len > 0 or r.user != null) try out.appendSlice(allocator, "//");
                    if (r.user) |u| {
                        try out.appendSlice(allocator, u);
                        try out.append(allocator, '@');
                    }
                    try out.appendSlice(allocator, r.host);
                }
            }
            const path = try escapedPath(allocator, r.raw_path);
            if (path.len > 0 and path[0] != '/' and r.host.len > 0) try out.append(allocator, '/');
            if (out.items.len == 0) {
                const segment = path[0 .. std.mem.indexOfScalar(u8, path, '/') orelse path.len];
                if (std.mem.indexOfScalar(u8, segment, ':') != null) try out.appendSlice(allocator, "./");
            }
            try out.appendSlice(allocator, path);
        }
        if (r.force_query or r.raw_query.len > 0) {
            try out.append(allocator, '?');
            try out.appendSlice(allocator, r.raw_query);
        }
        if (r.fragment.len > 0) {
            try out.append(allocator, '#');
            try out.appendSlice(allocator, try escapeIfInvalid(allocator, r.raw_fragment, r.fragment, .fragment));
        }
        return out.items;
    }

    /// The reference without its fragment, as a string (the document's key).
    pub fn documentString(r: Reference, allocator: Allocator) Allocator.Error![]const u8 {
        var copy = r;
        copy.fragment = "";
        copy.raw_fragment = "";
        return copy.string(allocator);
    }

    /// JsonReference.Inherits: `child` resolved against this reference
    /// (fragment dropped), re-parsed from its string.
    pub fn inherits(r: Reference, allocator: Allocator, child: Reference, message: *[]const u8) Error!Reference {
        var base = r;
        base.fragment = "";
        base.raw_fragment = "";
        const resolved = try resolve(allocator, base, child);
        return parse(allocator, try resolved.string(allocator), message);
    }
};

pub const Error = error{ OutOfMemory, InvalidURL };

/// gojsonreference.NewJsonReference: url.Parse, keeping the raw parts.
/// On error.InvalidURL, `message` is Go's error text.
pub fn parse(allocator: Allocator, text: []const u8, message: *[]const u8) Error!Reference {
    const u = try gourl.parse(allocator, text, message);
    var r: Reference = .{ .scheme = u.scheme, .opaque_part = u.opaque_part, .host = u.host, .raw_query = u.raw_query, .fragment = u.fragment };
    const hash = std.mem.indexOfScalar(u8, text, '#');
    if (hash) |h| r.raw_fragment = text[h + 1 ..];
    var rest = text[0 .. hash orelse text.len];
    if (u.scheme.len > 0) rest = rest[u.scheme.len + 1 ..];
    if (std.mem.endsWith(u8, rest, "?") and std.mem.count(u8, rest, "?") == 1) {
        r.force_query = true;
        rest = rest[0 .. rest.len - 1];
    } else if (std.mem.indexOfScalar(u8, rest, '?')) |q| {
        rest = rest[0..q];
    }
    if (u.opaque_part.len > 0) return r;
    if ((u.scheme.len > 0 or !std.mem.startsWith(u8, rest, "///")) and std.mem.startsWith(u8, rest, "//")) {
        var authority = rest[2..];
        rest = "";
        if (std.mem.indexOfScalar(u8, authority, '/')) |slash| {
            rest = authority[slash..];
            authority = authority[0..slash];
        }
        if (std.mem.lastIndexOfScalar(u8, authority, '@')) |at| r.user = authority[0..at];
    } else if (u.scheme.len > 0 and std.mem.startsWith(u8, rest, "/")) {
        r.omit_host = true;
    }
    r.raw_path = rest;
    return r;
}

/// URL.ResolveReference.
fn resolve(allocator: Allocator, base: Reference, ref: Reference) Allocator.Error!Reference {
    var url = ref;
    if (ref.scheme.len == 0) url.scheme = base.scheme;
    if (ref.scheme.len > 0 or ref.host.len > 0 or ref.user != null) {
        url.raw_path = try resolvePath(allocator, try escapedPath(allocator, ref.raw_path), "");
        return url;
    }
    if (ref.opaque_part.len > 0) {
        url.user = null;
        url.host = "";
        url.raw_path = "";
        return url;
    }
    if (ref.raw_path.len == 0 and !ref.force_query and ref.raw_query.len == 0) {
        url.raw_query = base.raw_query;
        if (ref.fragment.len == 0) {
            url.fragment = base.fragment;
            url.raw_fragment = base.raw_fragment;
        }
    }
    if (ref.raw_path.len == 0 and base.opaque_part.len > 0) {
        url.opaque_part = base.opaque_part;
        url.user = null;
        url.host = "";
        url.raw_path = "";
        return url;
    }
    url.host = base.host;
    url.user = base.user;
    url.raw_path = try resolvePath(allocator, try escapedPath(allocator, base.raw_path), try escapedPath(allocator, ref.raw_path));
    return url;
}

/// net/url's resolvePath: RFC 3986 merge and dot-segment removal.
fn resolvePath(allocator: Allocator, base: []const u8, ref: []const u8) Allocator.Error![]const u8 {
    var full: []const u8 = undefined;
    if (ref.len == 0) {
        full = base;
    } else if (ref[0] != '/') {
        const i = if (std.mem.lastIndexOfScalar(u8, base, '/')) |slash| slash + 1 else 0;
        full = try std.mem.concat(allocator, u8, &.{ base[0..i], ref });
    } else {
        full = ref;
    }
    if (full.len == 0) return "";
    var dst: std.ArrayList(u8) = .empty;
    try dst.append(allocator, '/');
    var elem: []const u8 = "";
    var remaining = full;
    var found = true;
    var first = true;
    while (found) {
        if (std.mem.indexOfScalar(u8, remaining, '/')) |slash| {
            elem = remaining[0..slash];
            remaining = remaining[slash + 1 ..];
        } else {
            elem = remaining;
            remaining = "";
            found = false;
        }
        if (std.mem.eql(u8, elem, ".")) {
            first = false;
            continue;
        }
        if (std.mem.eql(u8, elem, "..")) {
            if (std.mem.lastIndexOfScalar(u8, dst.items[1..], '/')) |i| {
                dst.shrinkRetainingCapacity(i + 1);
            } else {
                dst.shrinkRetainingCapacity(1);
            }
            first = dst.items.len == 1;
        } else {
            if (!first) try dst.append(allocator, '/');
            try dst.appendSlice(allocator, elem);
            first = false;
        }
    }
    if (std.mem.eql(u8, elem, ".") or std.mem.eql(u8, elem, "..")) try dst.append(allocator, '/');
    if (dst.items.len > 1 and dst.items[1] == '/') return dst.items[1..];
    return dst.items;
}

const Mode = enum { path, fragment };

fn shouldEscape(c: u8, mode: Mode) bool {
    if (std.ascii.isAlphanumeric(c)) return false;
    switch (c) {
        '-', '_', '.', '~' => return false,
        '$', '&', '+', ',', '/', ':', ';', '=', '?', '@' => return mode == .path and c == '?',
        '!', '(', ')', '*' => return mode != .fragment,
        else => return true,
    }
}

/// validEncoded: only characters that need no escaping, and '%'.
fn validEncoded(s: []const u8, mode: Mode) bool {
    for (s) |c| switch (c) {
        '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '[', ']', '%' => {},
        else => if (shouldEscape(c, mode)) return false,
    };
    return true;
}

fn escape(allocator: Allocator, s: []const u8, mode: Mode) Allocator.Error![]const u8 {
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

/// Percent-decoding of text already validated by url.Parse.
fn unescape(allocator: Allocator, s: []const u8) Allocator.Error![]const u8 {
    if (std.mem.indexOfScalar(u8, s, '%') == null) return s;
    var out: std.ArrayList(u8) = .empty;
    var i: usize = 0;
    while (i < s.len) : (i += 1) {
        if (s[i] == '%' and i + 2 < s.len and std.ascii.isHex(s[i + 1]) and std.ascii.isHex(s[i + 2])) {
            try out.append(allocator, std.fmt.parseInt(u8, s[i + 1 .. i + 3], 16) catch unreachable);
            i += 2;
        } else {
            try out.append(allocator, s[i]);
        }
    }
    return out.items;
}

/// URL.EscapedPath for a path written as `raw`.
fn escapedPath(allocator: Allocator, raw: []const u8) Allocator.Error![]const u8 {
    if (std.mem.eql(u8, raw, "*")) return raw;
    return escapeIfInvalid(allocator, raw, try unescape(allocator, raw), .path);
}

fn escapeIfInvalid(allocator: Allocator, raw: []const u8, decoded: []const u8, mode: Mode) Allocator.Error![]const u8 {
    if (validEncoded(raw, mode)) return raw;
    return escape(allocator, decoded, mode);
}

// ---------------------------------------------------------------------------
// Tests (expected strings from Go 1.26's net/url).

const testing = std.testing;

fn expectResolved(base: []const u8, child: []const u8, want: []const u8) !void {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var message: []const u8 = "";
    const b = try parse(a, base, &message);
    const c = try parse(a, child, &message);
    const r = try b.inherits(a, c, &message);
    try testing.expectEqualStrings(want, try r.string(a));
}

test "references resolve as Go's URL.ResolveReference" {
    try expectResolved("", "#/definitions/a", "#/definitions/a");
    try expectResolved("", "#", "");
    try expectResolved("", "x.json", "/x.json");
    try expectResolved("http://example.com/root.json", "#/definitions/a", "http://example.com/root.json#/definitions/a");
    try expectResolved("http://example.com/a/root.json#/x", "item.json", "http://example.com/a/item.json");
    try expectResolved("http://example.com/a/b/root.json", "../c/./d.json#frag", "http://example.com/a/c/d.json#frag");
    try expectResolved("http://example.com/root.json", "urn:x:y", "urn:x:y");
    try expectResolved("", "#/definitions/a b", "#/definitions/a%20b");
    try expectResolved("http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema");
}

test "canonical references" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    try testing.expect((try parse(arena.allocator(), "http://example.com/x", &message)).isCanonical());
    try testing.expect(!(try parse(arena.allocator(), "/x.json", &message)).isCanonical());
    try testing.expect((try parse(arena.allocator(), "file:///x.json", &message)).isCanonical());
    try testing.expectError(error.InvalidURL, parse(arena.allocator(), "%zz", &message));
    try testing.expectEqualStrings("parse \"%zz\": invalid URL escape \"%zz\"", message);
}
