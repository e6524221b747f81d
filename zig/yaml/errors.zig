//! How a YAML failure is reported: go-yaml v2's `yaml: line N: problem`.
//!
//! go-yaml numbers lines oddly and OPA users see it verbatim: a scanner error
//! reports the problem's 1-based line, a parser error its 0-based line, and a
//! mark on line 0 falls back to the context mark (0-based) or to no line.
const std = @import("std");

pub const Mark = struct {
    /// Characters (not bytes) from the start of the input.
    index: usize = 0,
    line: usize = 0,
    column: usize = 0,
};

/// `json`: sigs.k8s.io/yaml's own errors, printed without go-yaml's prefix.
pub const Kind = enum { reader, scanner, parser, other, json };

pub const Error = error{ OutOfMemory, Yaml };

pub const Diagnostic = struct {
    kind: Kind = .other,
    problem_mark: Mark = .{},
    context_mark: Mark = .{},
    buffer: [160]u8 = undefined,
    len: usize = 0,

    /// Records a problem; the message is truncated if long.
    pub fn set(d: *Diagnostic, kind: Kind, problem_mark: Mark, context_mark: Mark, comptime fmt: []const u8, args: anytype) Error {
        d.kind = kind;
        d.problem_mark = problem_mark;
        d.context_mark = context_mark;
        const written = std.fmt.bufPrint(&d.buffer, fmt, args) catch blk: {
            @memcpy(d.buffer[d.buffer.len - 3 ..], "...");
            break :blk d.buffer[0..];
        };
        d.len = written.len;
        return error.Yaml;
    }

    /// A failure without a position (go-yaml's failf): "yaml: <message>".
    pub fn fail(d: *Diagnostic, comptime fmt: []const u8, args: anytype) Error {
        return d.set(.other, .{}, .{}, fmt, args);
    }

    /// A failure outside go-yaml (key conversion, JSON encoding): no prefix.
    pub fn failJson(d: *Diagnostic, comptime fmt: []const u8, args: anytype) Error {
        return d.set(.json, .{}, .{}, fmt, args);
    }

    pub fn problem(d: *const Diagnostic) []const u8 {
        return d.buffer[0..d.len];
    }

    /// go-yaml's line for this error, or null when it prints none.
    pub fn line(d: *const Diagnostic) ?usize {
        switch (d.kind) {
            .reader, .other, .json => return null,
            .scanner, .parser => {},
        }
        if (d.problem_mark.line != 0) {
            return if (d.kind == .scanner) d.problem_mark.line + 1 else d.problem_mark.line;
        }
        if (d.context_mark.line != 0) return d.context_mark.line;
        return null;
    }

    /// The full message, e.g. "yaml: line 1: did not find expected ',' or ']'".
    pub fn format(d: *const Diagnostic, w: *std.Io.Writer) std.Io.Writer.Error!void {
        if (d.kind != .json) try w.writeAll("yaml: ");
        if (d.line()) |n| try w.print("line {d}: ", .{n});
        try w.writeAll(d.problem());
    }
};

test "line numbering follows go-yaml" {
    var d: Diagnostic = .{};
    try std.testing.expectError(error.Yaml, @as(Error!void, d.set(.scanner, .{ .line = 2 }, .{}, "could not find expected ':'", .{})));
    try std.testing.expectEqual(@as(?usize, 3), d.line());
    try std.testing.expectError(error.Yaml, @as(Error!void, d.set(.parser, .{ .line = 1 }, .{}, "did not find expected ',' or ']'", .{})));
    try std.testing.expectEqual(@as(?usize, 1), d.line());
    try std.testing.expectError(error.Yaml, @as(Error!void, d.set(.scanner, .{}, .{ .line = 4 }, "x", .{})));
    try std.testing.expectEqual(@as(?usize, 4), d.line());
    try std.testing.expectError(error.Yaml, @as(Error!void, d.set(.scanner, .{}, .{}, "x", .{})));
    try std.testing.expectEqual(@as(?usize, null), d.line());
}
