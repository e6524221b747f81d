//! gqlparser's errors (gqlerror) as text, and the message OPA derives from
//! that text (topdown/graphql.go formatGqlParserError).
//!
//! OPA never looks at the structured error: it splits `err.Error()` at colons
//! and, when the second and third parts are numbers, reads them as the
//! location. For a list of validation errors that text has every error on its
//! own line, so the "message" OPA reports then runs on into the later errors;
//! we reproduce the text and then apply OPA's exact string surgery.
const std = @import("std");
const Allocator = std.mem.Allocator;
const Position = @import("lexer.zig").Position;

/// One gqlerror.Error: a message and, usually, the location of its first node.
pub const Error = struct {
    message: []const u8,
    location: ?Position,

    /// gqlerror.Error.Error(): "input:LINE:COL: message" (no file name is ever set).
    pub fn format(e: Error, w: *std.Io.Writer) std.Io.Writer.Error!void {
        try w.writeAll("input");
        if (e.location) |location| try w.print(":{d}:{d}", .{ location.line, location.column });
        try w.writeAll(": ");
        try w.writeAll(e.message);
    }
};

/// gqlerror.ErrorPosf: a nil position still gives a location, -1:-1.
pub fn atPosition(position: ?Position) Position {
    return position orelse .{ .line = -1, .column = -1 };
}

/// The text of one error.
pub fn single(allocator: Allocator, e: Error) Allocator.Error![]const u8 {
    return std.fmt.allocPrint(allocator, "{f}", .{e});
}

/// gqlerror.List.Error(): each error's text followed by a newline.
pub fn list(allocator: Allocator, errors: []const Error) Allocator.Error![]const u8 {
    var out: std.Io.Writer.Allocating = .init(allocator);
    for (errors) |e| out.writer.print("{f}\n", .{e}) catch return error.OutOfMemory;
    return out.toOwnedSlice();
}

/// formatGqlParserError on an error's text: "MSG in GraphQL string at
/// location L:C" when the text carries a location, else "GraphQL parse error: TEXT".
pub fn opaMessage(allocator: Allocator, text: []const u8) Allocator.Error![]const u8 {
    var parts: [4][]const u8 = undefined;
    var count: usize = 0;
    var rest = text;
    while (count < 3) : (count += 1) {
        const colon = std.mem.indexOfScalar(u8, rest, ':') orelse break;
        parts[count] = rest[0..colon];
        rest = rest[colon + 1 ..];
    } else {
        parts[3] = rest;
        count = 4;
    }
    if (count == 4) {
        if (parseUint(parts[1])) |row| {
            if (parseUint(parts[2])) |column| {
                const trimmed = std.mem.trimStart(u8, parts[3], " ");
                const message = if (std.mem.endsWith(u8, trimmed, ".\n")) trimmed[0 .. trimmed.len - 2] else trimmed;
                return std.fmt.allocPrint(allocator, "{s} in GraphQL string at location {d}:{d}", .{ message, row, column });
            }
        }
    }
    return std.fmt.allocPrint(allocator, "GraphQL parse error: {s}", .{text});
}

/// strconv.ParseUint(s, 10, 64).
fn parseUint(s: []const u8) ?u64 {
    if (s.len == 0) return null;
    var value: u64 = 0;
    for (s) |c| {
        if (!std.ascii.isDigit(c)) return null;
        value = std.math.mul(u64, value, 10) catch return null;
        value = std.math.add(u64, value, c - '0') catch return null;
    }
    return value;
}

test "OPA's message for located and unlocated errors" {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const parse_error = try single(a, .{ .message = "Expected Name, found <EOF>", .location = .{ .line = 1, .column = 2 } });
    try std.testing.expectEqualStrings("Expected Name, found <EOF> in GraphQL string at location 1:2", try opaMessage(a, parse_error));

    const two = try list(a, &.{
        .{ .message = "First.", .location = .{ .line = 4, .column = 5 } },
        .{ .message = "Second.", .location = .{ .line = 6, .column = 7 } },
    });
    try std.testing.expectEqualStrings("First.\ninput:6:7: Second in GraphQL string at location 4:5", try opaMessage(a, two));

    const unlocated = try list(a, &.{.{ .message = "No place.", .location = null }});
    try std.testing.expectEqualStrings("GraphQL parse error: input: No place.\n", try opaMessage(a, unlocated));
    const negative = try single(a, .{ .message = "Bad.", .location = atPosition(null) });
    try std.testing.expectEqualStrings("GraphQL parse error: input:-1:-1: Bad.", try opaMessage(a, negative));
}
