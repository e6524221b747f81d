//! The "format" checks gojsonschema runs by default, each as Go decides it:
//! dates and times through time.Parse layouts, addresses through
//! net.ParseIP and net/mail, URIs through net/url.Parse, regexes through
//! regexp.Compile, and its own patterns for hostname, uuid, uri-template and
//! JSON pointers (written out as matchers here). Unknown formats pass.
const std = @import("std");
const Allocator = std.mem.Allocator;
const time = @import("../../time/mod.zig");
const gourl = @import("../../misc/gourl.zig");
const goip = @import("../../misc/goip.zig");
const regex = @import("../../regex/regex.zig");
const mail = @import("mail.zig");

const Format = enum {
    date,
    time,
    date_time,
    hostname,
    email,
    ipv4,
    ipv6,
    uri,
    uri_reference,
    uri_template,
    uuid,
    regex,
    json_pointer,
    relative_json_pointer,
};

const by_name = std.StaticStringMap(Format).initComptime(.{
    .{ "date", .date },
    .{ "time", .time },
    .{ "date-time", .date_time },
    .{ "hostname", .hostname },
    .{ "email", .email },
    .{ "idn-email", .email },
    .{ "ipv4", .ipv4 },
    .{ "ipv6", .ipv6 },
    .{ "uri", .uri },
    .{ "uri-reference", .uri_reference },
    .{ "iri", .uri },
    .{ "iri-reference", .uri_reference },
    .{ "uri-template", .uri_template },
    .{ "uuid", .uuid },
    .{ "regex", .regex },
    .{ "json-pointer", .json_pointer },
    .{ "relative-json-pointer", .relative_json_pointer },
});

/// FormatCheckers.IsFormat for a string value (other values always pass).
pub fn isFormat(allocator: Allocator, name: []const u8, s: []const u8) Allocator.Error!bool {
    const format = by_name.get(name) orelse return true;
    return switch (format) {
        .date => parsesAs(allocator, "2006-01-02", s),
        .time => try parsesAs(allocator, "15:04:05Z07:00", s) or try parsesAs(allocator, "15:04:05", s),
        .date_time => {
            for ([_][]const u8{ "15:04:05", "15:04:05Z07:00", "2006-01-02", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999999999Z07:00" }) |layout| {
                if (try parsesAs(allocator, layout, s)) return true;
            }
            return false;
        },
        .hostname => isHostname(s) and s.len < 256,
        .email => mail.isAddress(allocator, s),
        .ipv4 => goip.parseIP(s) != null and std.mem.indexOfScalar(u8, s, '.') != null,
        .ipv6 => goip.parseIP(s) != null and std.mem.indexOfScalar(u8, s, ':') != null,
        .uri => {
            const u = try parseUrl(allocator, s) orelse return false;
            return u.scheme.len > 0 and std.mem.indexOfScalar(u8, s, '\\') == null;
        },
        .uri_reference => (try parseUrl(allocator, s)) != null and std.mem.indexOfScalar(u8, s, '\\') == null,
        .uri_template => {
            const u = try parseUrl(allocator, s) orelse return false;
            if (std.mem.indexOfScalar(u8, s, '\\') != null) return false;
            return isUriTemplatePath(u.path);
        },
        .uuid => isUuid(s),
        .regex => {
            if (s.len == 0) return true;
            var diagnostic: regex.Diagnostic = .{};
            var re = regex.compileDiagnostic(allocator, s, &diagnostic) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Syntax => return false,
            };
            re.deinit(allocator);
            return true;
        },
        .json_pointer => isJsonPointer(s),
        .relative_json_pointer => isRelativeJsonPointer(s),
    };
}

fn parsesAs(allocator: Allocator, layout: []const u8, s: []const u8) Allocator.Error!bool {
    return switch (try time.parse.parse(allocator, layout, s, &time.Location.utc)) {
        .time => true,
        .failure => false,
    };
}

fn parseUrl(allocator: Allocator, s: []const u8) Allocator.Error!?gourl.URL {
    var message: []const u8 = "";
    return gourl.parse(allocator, s, &message) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.InvalidURL => null,
    };
}

/// ^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])(\.(same))*$
fn isHostname(s: []const u8) bool {
    var labels = std.mem.splitScalar(u8, s, '.');
    while (labels.next()) |label| {
        if (label.len == 0 or label.len > 63) return false;
        for (label) |c| if (!std.ascii.isAlphanumeric(c) and c != '-') return false;
        if (label[0] == '-' or label[label.len - 1] == '-') return false;
    }
    return true;
}

/// ^(?i)[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$
fn isUuid(s: []const u8) bool {
    if (s.len != 36) return false;
    for (s, 0..) |c, i| switch (i) {
        8, 13, 18, 23 => if (c != '-') return false,
        else => if (!std.ascii.isHex(c)) return false,
    };
    return true;
}

/// ^([^{]*({[^}]*})?)*$ : every '{' is closed by a later '}'.
fn isUriTemplatePath(path: []const u8) bool {
    var open = false;
    for (path) |c| {
        if (open) {
            if (c == '}') open = false;
        } else if (c == '{') {
            open = true;
        }
    }
    return !open;
}

/// (?:/(?:[^~/]|~0|~1)*)* from `s` to its end.
fn isPointerTail(s: []const u8) bool {
    if (s.len > 0 and s[0] != '/') return false;
    var i: usize = 0;
    while (i < s.len) : (i += 1) {
        if (s[i] == '~') {
            if (i + 1 >= s.len or (s[i + 1] != '0' and s[i + 1] != '1')) return false;
            i += 1;
        }
    }
    return true;
}

fn isJsonPointer(s: []const u8) bool {
    return isPointerTail(s);
}

/// ^(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~0|~1)*)*)$
fn isRelativeJsonPointer(s: []const u8) bool {
    var i: usize = 0;
    while (i < s.len and std.ascii.isDigit(s[i])) i += 1;
    if (i == 0) return false;
    if (s[0] == '0' and i > 1) return false;
    const rest = s[i..];
    if (std.mem.eql(u8, rest, "#")) return true;
    return isPointerTail(rest);
}

test "formats as gojsonschema checks them" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const cases = [_]struct { []const u8, []const u8, bool }{
        .{ "date", "2024-02-29", true },
        .{ "date", "2023-02-29", false },
        .{ "date", "2024-1-01", false },
        .{ "time", "12:30:00", true },
        .{ "time", "12:30:00+02:00", true },
        .{ "time", "25:00:00", false },
        .{ "date-time", "2024-01-01T12:00:00Z", true },
        .{ "date-time", "2024-01-01T12:00:00.123+01:00", true },
        .{ "date-time", "2024-01-01", true },
        .{ "date-time", "2024-01-01 12:00:00", false },
        .{ "hostname", "example.com", true },
        .{ "hostname", "-bad.com", false },
        .{ "hostname", "a..b", false },
        .{ "email", "a@b.c", true },
        .{ "email", "nope", false },
        .{ "ipv4", "10.0.0.1", true },
        .{ "ipv4", "::1", false },
        .{ "ipv4", "::ffff:10.0.0.1", true },
        .{ "ipv6", "::1", true },
        .{ "ipv6", "10.0.0.1", false },
        .{ "uri", "http://x/y", true },
        .{ "uri", "/relative", false },
        .{ "uri", "http://x/a\\b", false },
        .{ "uri-reference", "/relative", true },
        .{ "uri-reference", "%zz", false },
        .{ "uri-template", "http://x/{id}", true },
        .{ "uri-template", "http://x/{id", false },
        .{ "uuid", "123e4567-E89B-12d3-a456-426614174000", true },
        .{ "uuid", "123e4567e89b12d3a456426614174000", false },
        .{ "regex", "a+(", false },
        .{ "regex", "", true },
        .{ "regex", "^[a-z]+$", true },
        .{ "json-pointer", "/a~0b/c~1d", true },
        .{ "json-pointer", "/a~2", false },
        .{ "json-pointer", "a", false },
        .{ "relative-json-pointer", "0#", true },
        .{ "relative-json-pointer", "1/a", true },
        .{ "relative-json-pointer", "01", false },
        .{ "unknown-format", "anything", true },
    };
    for (cases) |case| {
        std.testing.expectEqual(case[2], try isFormat(a, case[0], case[1])) catch |err| {
            std.debug.print("format {s} of {s}\n", .{ case[0], case[1] });
            return err;
        };
    }
}
