//! Builtins of the sets family (see builtin.zig for the interface): `union`
//! and `intersection` of a set of sets, the operators `s1 & s2` ("and") and
//! `s1 | s2` ("or"), and the deprecated `set_diff` (v1/topdown/sets.go,
//! binary.go). `minus` lives with the numbers, as in OPA.
//!
//! Sets are sorted, so each operation is a linear merge. Of two equal items
//! (1 and 1.0) OPA keeps the one of the set it iterates: the first set for a
//! union, the smaller set for an intersection; we do the same.
const std = @import("std");
const assert = std.debug.assert;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Set = value_mod.Set;
const order = value_mod.order;
const Allocator = std.mem.Allocator;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "union", .arity = 1, .func = unionAll },
    .{ .name = "intersection", .arity = 1, .func = intersectionAll },
    .{ .name = "and", .arity = 2, .func = @"and" },
    .{ .name = "or", .arity = 2, .func = @"or" },
    .{ .name = "set_diff", .arity = 2, .func = setDiff },
};

fn setOperand(ctx: *Context, v: Value, position: usize) Error!*const Set {
    if (v != .set) return ctx.operandError(position, "set", v);
    return v.set;
}

/// Items of `a` and `b`, sorted, keeping `a`'s item of an equal pair.
pub fn merge(allocator: Allocator, a: *const Set, b: *const Set) Allocator.Error!*const Set {
    if (b.items.len == 0) return a;
    if (a.items.len == 0) return b;
    const out = try allocator.alloc(Value, a.items.len + b.items.len);
    var i: usize = 0;
    var j: usize = 0;
    var n: usize = 0;
    while (i < a.items.len and j < b.items.len) {
        switch (order.compare(a.items[i], b.items[j])) {
            .lt => {
                out[n] = a.items[i];
                i += 1;
            },
            .gt => {
                out[n] = b.items[j];
                j += 1;
            },
            .eq => {
                out[n] = a.items[i];
                i += 1;
                j += 1;
            },
        }
        n += 1;
    }
    for (a.items[i..]) |item| {
        out[n] = item;
        n += 1;
    }
    for (b.items[j..]) |item| {
        out[n] = item;
        n += 1;
    }
    return makeSet(allocator, out[0..n]);
}

/// ast.Set.Intersect: items in both, taken from the smaller set (`a` on a tie).
pub fn intersect(allocator: Allocator, a: *const Set, b: *const Set) Allocator.Error!*const Set {
    const small, const large = if (b.items.len < a.items.len) .{ b, a } else .{ a, b };
    if (small.items.len == 0) return &Set.empty;
    const out = try allocator.alloc(Value, small.items.len);
    var j: usize = 0;
    var n: usize = 0;
    for (small.items) |item| {
        while (j < large.items.len and order.compare(large.items[j], item) == .lt) j += 1;
        if (j == large.items.len) break;
        if (order.compare(large.items[j], item) == .eq) {
            out[n] = item;
            n += 1;
            j += 1;
        }
    }
    return makeSet(allocator, out[0..n]);
}

/// ast.Set.Diff: items of `a` not in `b`.
pub fn difference(allocator: Allocator, a: *const Set, b: *const Set) Allocator.Error!*const Set {
    if (a.items.len == 0 or b.items.len == 0) return a;
    const out = try allocator.alloc(Value, a.items.len);
    var j: usize = 0;
    var n: usize = 0;
    for (a.items) |item| {
        while (j < b.items.len and order.compare(b.items[j], item) == .lt) j += 1;
        if (j < b.items.len and order.compare(b.items[j], item) == .eq) continue;
        out[n] = item;
        n += 1;
    }
    return makeSet(allocator, out[0..n]);
}

/// Wraps items already sorted and unique.
fn makeSet(allocator: Allocator, items: []const Value) Allocator.Error!*const Set {
    if (items.len == 0) return &Set.empty;
    const set = try allocator.create(Set);
    set.* = .{ .items = items };
    assert(order.isCanonicalSet(set));
    return set;
}

fn unionAll(ctx: *Context, args: []const Value) Error!Value {
    const sets = try setOperand(ctx, args[0], 1);
    // Every item must be a set before any work, as OPA checks them first.
    var total: usize = 0;
    for (sets.items) |item| total += (try setOperand(ctx, item, 1)).items.len;
    // Items of the sets in iteration order; the first of equal items wins.
    const all = try ctx.allocator.alloc(Value, total);
    var n: usize = 0;
    for (sets.items) |item| {
        @memcpy(all[n..][0..item.set.items.len], item.set.items);
        n += item.set.items.len;
    }
    assert(n == total);
    return .{ .set = try order.setFromUnsorted(ctx.allocator, all) };
}

fn intersectionAll(ctx: *Context, args: []const Value) Error!Value {
    const sets = try setOperand(ctx, args[0], 1);
    if (sets.items.len == 0) return .{ .set = &Set.empty };
    var result: ?*const Set = null;
    for (sets.items) |item| {
        const s = try setOperand(ctx, item, 1);
        result = if (result) |r| try intersect(ctx.allocator, r, s) else s;
    }
    return .{ .set = result.? };
}

fn @"and"(ctx: *Context, args: []const Value) Error!Value {
    const a = try setOperand(ctx, args[0], 1);
    const b = try setOperand(ctx, args[1], 2);
    return .{ .set = try intersect(ctx.allocator, a, b) };
}

fn @"or"(ctx: *Context, args: []const Value) Error!Value {
    const a = try setOperand(ctx, args[0], 1);
    const b = try setOperand(ctx, args[1], 2);
    return .{ .set = try merge(ctx.allocator, a, b) };
}

fn setDiff(ctx: *Context, args: []const Value) Error!Value {
    const a = try setOperand(ctx, args[0], 1);
    const b = try setOperand(ctx, args[1], 2);
    return .{ .set = try difference(ctx.allocator, a, b) };
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;
const Number = value_mod.Number;

fn int(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

fn testSet(arena: Allocator, items: []const Value) !Value {
    return .{ .set = try order.setFromUnsorted(arena, items) };
}

fn expectSet(expected: []const Value, actual: Value) !void {
    try testing.expect(actual == .set);
    try testing.expectEqual(expected.len, actual.set.items.len);
    for (expected, actual.set.items) |e, a| try testing.expect(order.equal(e, a));
}

test "and, or, set_diff" {
    var arena_state: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const a = try testSet(arena, &.{ int(1), int(2), int(3) });
    const b = try testSet(arena, &.{ int(2), int(3), int(4), int(5) });
    const empty: Value = .{ .set = &Set.empty };
    try expectSet(&.{ int(2), int(3) }, try @"and"(&ctx, &.{ a, b }));
    try expectSet(&.{}, try @"and"(&ctx, &.{ a, empty }));
    try expectSet(&.{ int(1), int(2), int(3), int(4), int(5) }, try @"or"(&ctx, &.{ a, b }));
    try expectSet(&.{ int(1), int(2), int(3) }, try @"or"(&ctx, &.{ empty, a }));
    try expectSet(&.{int(1)}, try setDiff(&ctx, &.{ a, b }));
    try expectSet(&.{}, try setDiff(&ctx, &.{ a, a }));
    try testing.expectError(error.TypeError, @"and"(&ctx, &.{ a, int(1) }));
    try testing.expectEqualStrings("operand 2 must be set but got number", ctx.message.items);
    try testing.expectError(error.TypeError, @"or"(&ctx, &.{ .{ .array = &.{} }, a }));
    try testing.expectEqualStrings("operand 1 must be set but got array", ctx.message.items);

    // Of 1 and 1.0, `and` keeps the smaller set's; `or` keeps the first set's.
    const one_point_oh: Value = .{ .number = try Number.parseLiteral(arena, "1.0") };
    const small = try testSet(arena, &.{one_point_oh});
    const and_result = try @"and"(&ctx, &.{ a, small });
    try testing.expect(and_result.set.items[0].number == .big);
    const or_result = try @"or"(&ctx, &.{ a, small });
    try testing.expect(or_result.set.items[0].number == .int);
}

test "union and intersection of a set of sets" {
    var arena_state: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    var ctx: Context = .{ .allocator = arena };
    const a = try testSet(arena, &.{ int(1), int(2), int(3) });
    const b = try testSet(arena, &.{ int(2), int(3), int(4) });
    const c = try testSet(arena, &.{ int(3), int(9) });
    const sets = try testSet(arena, &.{ a, b, c });
    try expectSet(&.{ int(1), int(2), int(3), int(4), int(9) }, try unionAll(&ctx, &.{sets}));
    try expectSet(&.{int(3)}, try intersectionAll(&ctx, &.{sets}));
    const none: Value = .{ .set = &Set.empty };
    try expectSet(&.{}, try unionAll(&ctx, &.{none}));
    try expectSet(&.{}, try intersectionAll(&ctx, &.{none}));
    try expectSet(&.{}, try unionAll(&ctx, &.{try testSet(arena, &.{none})}));

    const bad = try testSet(arena, &.{ a, int(7) });
    try testing.expectError(error.TypeError, unionAll(&ctx, &.{bad}));
    try testing.expectEqualStrings("operand 1 must be set but got number", ctx.message.items);
    try testing.expectError(error.TypeError, intersectionAll(&ctx, &.{bad}));
    try testing.expectError(error.TypeError, unionAll(&ctx, &.{int(7)}));
    try testing.expectEqualStrings("operand 1 must be set but got number", ctx.message.items);
}
