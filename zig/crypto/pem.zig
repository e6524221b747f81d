//! PEM blocks found exactly as Go's encoding/pem Decode finds them, since
//! OPA's results depend on its quirks: what is skipped before a block, which
//! malformed blocks are passed over, and what `rest` remains afterwards.
const std = @import("std");
const Allocator = std.mem.Allocator;
const base64 = @import("base64.zig");

pub const Block = struct {
    type: []const u8,
    /// Whether the block had "Key: value" header lines.
    has_headers: bool,
    bytes: []const u8,
};

pub const Decoded = struct {
    /// Null when no block was found; `rest` is then the whole input.
    block: ?Block,
    rest: []const u8,
};

const pem_start = "\n-----BEGIN ";
const pem_end = "\n-----END ";
const pem_end_of_line = "-----";

/// Go's pem.Decode: the first well-formed block and the input after it.
pub fn decode(allocator: Allocator, data: []const u8) Allocator.Error!Decoded {
    const not_found: Decoded = .{ .block = null, .rest = data };
    var rest = data;
    // Offsets are signed: Go lets them go negative while skipping headers.
    var end_trailer_index: isize = 0;
    while (true) {
        if (end_trailer_index < 0 or end_trailer_index > rest.len) return not_found;
        rest = rest[@intCast(end_trailer_index)..];

        const end_found = std.mem.indexOf(u8, rest, pem_end) orelse return not_found;
        var end_index: isize = @intCast(end_found);
        end_trailer_index = end_index + pem_end.len;
        const begin_index = std.mem.lastIndexOf(u8, rest[0..end_found], pem_start[1..]) orelse continue;
        if (begin_index > 0 and rest[begin_index - 1] != '\n') continue;

        const skip: isize = @intCast(begin_index + pem_start.len - 1);
        rest = rest[@intCast(skip)..];
        end_index -= skip;
        end_trailer_index -= skip;

        var line = getLine(rest);
        var type_line = line.line;
        rest = line.rest;
        end_index -= @intCast(line.consumed);
        end_trailer_index -= @intCast(line.consumed);
        if (!std.mem.endsWith(u8, type_line, pem_end_of_line)) continue;
        type_line = type_line[0 .. type_line.len - pem_end_of_line.len];

        var has_headers = false;
        while (true) {
            if (rest.len == 0) return not_found;
            line = getLine(rest);
            const colon = std.mem.indexOfScalar(u8, line.line, ':') orelse break;
            _ = colon;
            has_headers = true;
            rest = line.rest;
            end_index -= @intCast(line.consumed);
            end_trailer_index -= @intCast(line.consumed);
        }

        if (has_headers and end_index < 0) continue;
        if (end_trailer_index < 0 or end_trailer_index > rest.len) continue;

        var end_trailer = rest[@intCast(end_trailer_index)..];
        const end_trailer_len = type_line.len + pem_end_of_line.len;
        if (end_trailer.len < end_trailer_len) continue;
        const rest_of_end_line = end_trailer[end_trailer_len..];
        end_trailer = end_trailer[0..end_trailer_len];
        if (!std.mem.startsWith(u8, end_trailer, type_line) or !std.mem.endsWith(u8, end_trailer, pem_end_of_line)) continue;
        if (getLine(rest_of_end_line).line.len != 0) continue;

        var bytes: []const u8 = &.{};
        if (end_index > 0) {
            const encoded = try removeSpacesAndTabs(allocator, rest[0..@intCast(end_index)]);
            switch (try base64.decode(allocator, encoded, .standard)) {
                .ok => |decoded| bytes = decoded,
                .corrupt => continue,
            }
        }
        // end_index may be negative only with headers, excluded above.
        const after = rest[@intCast(end_index + pem_end.len - 1)..];
        return .{
            .block = .{ .type = type_line, .has_headers = has_headers, .bytes = bytes },
            .rest = getLine(after).rest,
        };
    }
}

const Line = struct { line: []const u8, rest: []const u8, consumed: usize };

/// Go's getLine: the line without its "\n" or "\r\n", right-trimmed of
/// spaces and tabs.
fn getLine(data: []const u8) Line {
    var i: usize = undefined;
    var j: usize = undefined;
    if (std.mem.indexOfScalar(u8, data, '\n')) |nl| {
        i = nl;
        j = nl + 1;
        if (i > 0 and data[i - 1] == '\r') i -= 1;
    } else {
        i = data.len;
        j = data.len;
    }
    return .{ .line = std.mem.trimRight(u8, data[0..i], " \t"), .rest = data[j..], .consumed = j };
}

fn removeSpacesAndTabs(allocator: Allocator, data: []const u8) Allocator.Error![]const u8 {
    if (std.mem.indexOfAny(u8, data, " \t") == null) return data;
    var out = try allocator.alloc(u8, data.len);
    var n: usize = 0;
    for (data) |c| {
        if (c == ' ' or c == '\t') continue;
        out[n] = c;
        n += 1;
    }
    return out[0..n];
}

const testing = std.testing;

test "finds a block and the rest after it" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const text = "junk\n-----BEGIN THING-----\naGVs\nbG8=\n-----END THING-----\nmore";
    const d = try decode(arena.allocator(), text);
    try testing.expectEqualStrings("THING", d.block.?.type);
    try testing.expectEqualStrings("hello", d.block.?.bytes);
    try testing.expectEqualStrings("more", d.rest);
}

test "mismatched or truncated blocks are not found" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expect((try decode(a, "-----BEGIN A-----\naGVs\n-----END B-----\n")).block == null);
    try testing.expect((try decode(a, "-----BEGIN A-----\naGVs")).block == null);
    try testing.expect((try decode(a, "")).block == null);
    const bad = try decode(a, "-----BEGIN A-----\n*bad*\n-----END A-----\n");
    try testing.expect(bad.block == null);
}
