//! The one table of builtins: each family file exports `pub const builtins`, and
//! this registry concatenates them and looks names up. Adding a builtin touches
//! its family file only (and a new family, the list below).
const std = @import("std");
const builtin = @import("builtin.zig");

pub const Builtin = builtin.Builtin;

const families = .{
    @import("numbers.zig"),
    @import("aggregates.zig"),
    @import("comparison.zig"),
    @import("strings.zig"),
    @import("objects.zig"),
    @import("arrays.zig"),
    @import("sets.zig"),
    @import("types.zig"),
    @import("encoding.zig"),
    @import("regex.zig"),
    @import("units.zig"),
    @import("glob.zig"),
    @import("semver.zig"),
    @import("uuid.zig"),
    @import("net.zig"),
    @import("graph.zig"),
    @import("rand.zig"),
    @import("uri.zig"),
    @import("time.zig"),
    @import("crypto.zig"),
    @import("jwt.zig"),
    @import("aws.zig"),
    @import("graphql.zig"),
    @import("jsonschema.zig"),
    @import("runtime.zig"),
    @import("yaml.zig"),
};

pub const all: []const Builtin = blk: {
    var list: []const Builtin = &.{};
    for (families) |family| list = list ++ family.builtins;
    break :blk list;
};

const by_name = blk: {
    @setEvalBranchQuota(100_000);
    var entries: [all.len]struct { []const u8, *const Builtin } = undefined;
    for (all, 0..) |*b, i| entries[i] = .{ b.name, b };
    break :blk std.StaticStringMap(*const Builtin).initComptime(entries);
};

pub fn lookup(name: []const u8) ?*const Builtin {
    return by_name.get(name);
}

test "every builtin name is registered once" {
    for (all, 0..) |a, i| {
        for (all[i + 1 ..]) |b| try std.testing.expect(!std.mem.eql(u8, a.name, b.name));
    }
}

test {
    inline for (families) |family| std.testing.refAllDecls(family);
}
