//! Differential test runner, Zig side (see README.md): prints the engine's
//! answers for a cases file in go_runner.go's format.
const std = @import("std");
const regex = @import("regex");

pub fn main() !void {
    var gpa_state: std.heap.DebugAllocator(.{}) = .init;
    defer _ = gpa_state.deinit();
    const gpa = gpa_state.allocator();
    const args = try std.process.argsAlloc(gpa);
    defer std.process.argsFree(gpa, args);
    const data = try std.fs.cwd().readFileAlloc(gpa, args[1], 1 << 30);
    defer gpa.free(data);

    var out_buf: [1 << 16]u8 = undefined;
    var out_writer = std.fs.File.stdout().writer(&out_buf);
    const out = &out_writer.interface;
    defer out.flush() catch {};

    var lines = std.mem.splitScalar(u8, data, '\n');
    var n: usize = 0;
    while (lines.next()) |line| {
        if (line.len == 0) continue;
        var arena_state: std.heap.ArenaAllocator = .init(gpa);
        defer arena_state.deinit();
        const arena = arena_state.allocator();
        var fields = std.mem.splitScalar(u8, line, '\t');
        const pat = try unhex(arena, fields.next().?);
        var inputs: std.ArrayList([]const u8) = .empty;
        if (fields.next()) |list| if (list.len > 0) {
            var it = std.mem.splitScalar(u8, list, ',');
            while (it.next()) |h| try inputs.append(arena, try unhex(arena, h));
        };
        try out.print("case {d} {x}\n", .{ n, pat });
        n += 1;
        var d: regex.Diagnostic = .{};
        try out.print("valid {}\n", .{try regex.isValid(gpa, pat, &d)});
        var re = regex.compileDiagnostic(gpa, pat, &d) catch |err| switch (err) {
            error.Syntax => {
                const msg = try std.fmt.allocPrint(arena, "{f}", .{d});
                try out.print("err {x}\n", .{msg});
                continue;
            },
            else => return err,
        };
        defer re.deinit(gpa);
        try out.writeAll("prog ");
        var dump: std.Io.Writer.Allocating = .init(arena);
        try re.prog.dump(&dump.writer);
        for (dump.written()) |c| try out.writeByte(if (c == '\n') '|' else c);
        try out.print("\nsubexp {d} names ", .{re.num_subexp});
        for (re.cap_names, 0..) |name, i| {
            if (i > 0) try out.writeByte(',');
            try out.writeAll(name);
        }
        try out.writeByte('\n');
        for (inputs.items) |s| {
            try out.print("in {x} match={}", .{ s, try re.isMatch(arena, s) });
            try out.writeAll(" all=");
            for (try re.findAllSubmatch(arena, s, -1)) |m| {
                try out.writeByte('[');
                for (m, 0..) |span, i| {
                    if (i > 0) try out.writeByte(' ');
                    if (span) |sp| try out.print("{d} {d}", .{ sp.start, sp.end }) else try out.writeAll("-1 -1");
                }
                try out.writeByte(']');
            }
            try out.writeAll(" two=");
            for (try re.findAll(arena, s, 2)) |sp| try out.print("[{d} {d}]", .{ sp.start, sp.end });
            try out.print(" repl={x}", .{try re.replaceAll(arena, s, "<$1|$2x|${2}x|$0|$$|$name|$>")});
            try out.writeAll(" split=");
            for (try re.split(arena, s, -1)) |p| try out.print("{x},", .{p});
            try out.writeByte('\n');
        }
    }
}

fn unhex(arena: std.mem.Allocator, h: []const u8) ![]const u8 {
    const out = try arena.alloc(u8, h.len / 2);
    return std.fmt.hexToBytes(out, h);
}
