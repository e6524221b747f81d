//! OPA's total order on values (ast.Compare), equality, hashing, and the
//! builders that put objects and sets into that canonical order.
//!
//! compare/equal/hash recurse on the structure of the value without
//! allocating; their depth is the depth of the value (the JSON parser caps
//! parsed values at json.max_depth).
const std = @import("std");
const assert = std.debug.assert;
const Allocator = std.mem.Allocator;
const value_module = @import("value.zig");
const Value = value_module.Value;
const Object = value_module.Object;
const Set = value_module.Set;
const Tag = value_module.Tag;
const Number = value_module.Number;

/// ast.Compare restricted to JSON-like values:
/// - across types: null < boolean < number < string < array < object < set;
/// - false < true; numbers by exact value; strings byte-wise;
/// - arrays and sets (canonically ordered items) element-wise, then by length;
/// - objects pair by pair in canonical key order, key first then value, then
///   by length (ast.object.Compare).
pub fn compare(a: Value, b: Value) std.math.Order {
    const tag_a = std.meta.activeTag(a);
    const tag_b = std.meta.activeTag(b);
    if (tag_a != tag_b) return std.math.order(@intFromEnum(tag_a), @intFromEnum(tag_b));
    return switch (a) {
        .null => .eq,
        .boolean => |x| std.math.order(@intFromBool(x), @intFromBool(b.boolean)),
        .number => |x| x.compare(b.number),
        .string => |x| std.mem.order(u8, x, b.string),
        .array => |x| compareSlices(x, b.array),
        .object => |x| compareObjects(x, b.object),
        .set => |x| compareSlices(x.items, b.set.items),
    };
}

fn compareSlices(a: []const Value, b: []const Value) std.math.Order {
    const n = @min(a.len, b.len);
    for (a[0..n], b[0..n]) |x, y| {
        const order = compare(x, y);
        if (order != .eq) return order;
    }
    return std.math.order(a.len, b.len);
}

fn compareObjects(a: *const Object, b: *const Object) std.math.Order {
    if (a == b) return .eq;
    assert(a.keys.len == a.values.len and b.keys.len == b.values.len);
    const n = @min(a.keys.len, b.keys.len);
    for (0..n) |i| {
        const key_order = compare(a.keys[i], b.keys[i]);
        if (key_order != .eq) return key_order;
        const value_order = compare(a.values[i], b.values[i]);
        if (value_order != .eq) return value_order;
    }
    return std.math.order(a.keys.len, b.keys.len);
}

/// `compare(a, b) == .eq`, with early exits on tag and length.
pub fn equal(a: Value, b: Value) bool {
    if (std.meta.activeTag(a) != std.meta.activeTag(b)) return false;
    return switch (a) {
        .null => true,
        .boolean => |x| x == b.boolean,
        .number => |x| x.eql(b.number),
        .string => |x| std.mem.eql(u8, x, b.string),
        .array => |x| equalSlices(x, b.array),
        .object => |x| x == b.object or
            (equalSlices(x.keys, b.object.keys) and equalSlices(x.values, b.object.values)),
        .set => |x| x == b.set or equalSlices(x.items, b.set.items),
    };
}

fn equalSlices(a: []const Value, b: []const Value) bool {
    if (a.len != b.len) return false;
    if (a.ptr == b.ptr) return true;
    for (a, b) |x, y| {
        if (!equal(x, y)) return false;
    }
    return true;
}

/// For std.sort: canonical ascending order.
pub fn lessThan(_: void, a: Value, b: Value) bool {
    return compare(a, b) == .lt;
}

/// Consistent with `equal`: equal values (1 and 1.0 included) hash equal.
pub fn hash(v: Value) u64 {
    var hasher = std.hash.Wyhash.init(0);
    hashInto(&hasher, v);
    return hasher.final();
}

pub fn hashInto(hasher: *std.hash.Wyhash, v: Value) void {
    hasher.update(&.{@intFromEnum(std.meta.activeTag(v))});
    switch (v) {
        .null => {},
        .boolean => |x| hasher.update(&.{@intFromBool(x)}),
        .number => |x| x.hash(hasher),
        .string => |x| {
            // The length keeps ["ab", "c"] and ["a", "bc"] apart.
            hasher.update(std.mem.asBytes(&x.len));
            hasher.update(x);
        },
        .array => |x| hashSlice(hasher, x),
        .object => |x| {
            hashSlice(hasher, x.keys);
            hashSlice(hasher, x.values);
        },
        .set => |x| hashSlice(hasher, x.items),
    }
}

fn hashSlice(hasher: *std.hash.Wyhash, items: []const Value) void {
    hasher.update(std.mem.asBytes(&items.len));
    for (items) |item| hashInto(hasher, item);
}

/// The value of `key`, by binary search.
pub fn objectGet(object: *const Object, key: Value) ?Value {
    const index = objectIndexOf(object, key) orelse return null;
    return object.values[index];
}

pub fn objectIndexOf(object: *const Object, key: Value) ?usize {
    if (key == .string) return objectIndexOfString(object, key.string);
    return std.sort.binarySearch(Value, object.keys, key, compareKeyTo);
}

fn compareKeyTo(key: Value, item: Value) std.math.Order {
    return compare(key, item);
}

/// `objectGet` for a string key, the common case of `input.a.b` lookups.
pub fn objectGetString(object: *const Object, key: []const u8) ?Value {
    const index = objectIndexOfString(object, key) orelse return null;
    return object.values[index];
}

pub fn objectIndexOfString(object: *const Object, key: []const u8) ?usize {
    return std.sort.binarySearch(Value, object.keys, key, compareStringKeyTo);
}

fn compareStringKeyTo(key: []const u8, item: Value) std.math.Order {
    if (item != .string) return std.math.order(@intFromEnum(Tag.string), @intFromEnum(std.meta.activeTag(item)));
    return std.mem.order(u8, key, item.string);
}

pub fn setContains(set: *const Set, v: Value) bool {
    return std.sort.binarySearch(Value, set.items, v, compareKeyTo) != null;
}

/// What to do when the same key (by `equal`, so 1 and 1.0 too) appears
/// more than once.
pub const OnDuplicate = enum {
    /// Keep the entry that came last in input order: Go's encoding/json, so
    /// the JSON parser uses this.
    last_wins,
    /// Merge entries whose values are equal, keeping the first; fail with
    /// error.DuplicateKey if the values differ (Rego's object conflicts).
    reject_conflicting,
    /// Fail with error.DuplicateKey on any repeated key.
    reject,
};

pub const BuildError = error{ OutOfMemory, DuplicateKey };

/// Builds a canonical object from parallel `keys`/`values` in any order
/// (copied, not referenced). On error.DuplicateKey, `duplicate_key` (when
/// given) receives the offending key. The result may over-allocate when
/// duplicates are dropped, so allocate values from an arena.
pub fn objectFromUnsorted(
    allocator: Allocator,
    keys: []const Value,
    values: []const Value,
    on_duplicate: OnDuplicate,
    duplicate_key: ?*Value,
) BuildError!*const Object {
    assert(keys.len == values.len);
    const n = keys.len;
    if (n == 0) return &Object.empty;
    if (n > std.math.maxInt(u32)) return error.OutOfMemory;

    const entries = try allocator.alloc(Value, 2 * n);
    errdefer allocator.free(entries);
    // Allocated last so an arena reclaims it on free.
    const perm = try allocator.alloc(u32, n);
    const count = sortEntriesInto(
        compare,
        perm,
        keys,
        values,
        entries[0..n],
        entries[n..],
        on_duplicate,
        duplicate_key,
    );
    allocator.free(perm);
    const m = try count;

    const object = try allocator.create(Object);
    object.* = .{ .keys = entries[0..m], .values = entries[n..][0..m] };
    assert(isCanonicalObject(object));
    return object;
}

/// Writes the entries of `keys_in`/`values_in` into `keys_out`/`values_out`
/// in canonical key order, resolving duplicates per `on_duplicate`, and
/// returns how many were written. `compareKeys` must agree with `compare` on
/// the keys given (the JSON parser passes a strings-only comparison). `perm`
/// is scratch space of `keys_in.len`.
pub fn sortEntriesInto(
    comptime compareKeys: fn (Value, Value) std.math.Order,
    perm: []u32,
    keys_in: []const Value,
    values_in: []const Value,
    keys_out: []Value,
    values_out: []Value,
    on_duplicate: OnDuplicate,
    duplicate_key: ?*Value,
) error{DuplicateKey}!usize {
    const n = keys_in.len;
    assert(values_in.len == n and keys_out.len >= n and values_out.len >= n and perm.len >= n);
    assert(n <= std.math.maxInt(u32));

    // Already strictly ascending (common for generated JSON): no sort, no duplicates.
    const sorted = for (1..@max(n, 1)) |i| {
        if (compareKeys(keys_in[i - 1], keys_in[i]) != .lt) break false;
    } else true;
    if (sorted) {
        @memcpy(keys_out[0..n], keys_in);
        @memcpy(values_out[0..n], values_in);
        return n;
    }

    const Context = struct {
        keys: []const Value,
        // Ties broken by input position: duplicates stay in input order.
        fn lessThan(context: @This(), i: u32, j: u32) bool {
            return switch (compareKeys(context.keys[i], context.keys[j])) {
                .lt => true,
                .gt => false,
                .eq => i < j,
            };
        }
    };
    for (perm[0..n], 0..) |*p, i| p.* = @intCast(i);
    std.sort.pdq(u32, perm[0..n], Context{ .keys = keys_in }, Context.lessThan);

    var count: usize = 0;
    var run_start: usize = 0;
    while (run_start < n) {
        const first = perm[run_start];
        var run_end = run_start + 1;
        while (run_end < n and compareKeys(keys_in[first], keys_in[perm[run_end]]) == .eq) run_end += 1;

        var chosen = first;
        if (run_end - run_start > 1) switch (on_duplicate) {
            .last_wins => chosen = perm[run_end - 1],
            .reject => {
                if (duplicate_key) |out| out.* = keys_in[first];
                return error.DuplicateKey;
            },
            .reject_conflicting => for (perm[run_start + 1 .. run_end]) |other| {
                if (!equal(values_in[first], values_in[other])) {
                    if (duplicate_key) |out| out.* = keys_in[first];
                    return error.DuplicateKey;
                }
            },
        };
        keys_out[count] = keys_in[chosen];
        values_out[count] = values_in[chosen];
        count += 1;
        run_start = run_end;
    }
    return count;
}

/// Builds a canonical set from `items` in any order (copied). Of equal items
/// (1 and 1.0) the first one is kept, as OPA's set insertion does.
pub fn setFromUnsorted(allocator: Allocator, items: []const Value) error{OutOfMemory}!*const Set {
    if (items.len == 0) return &Set.empty;
    const out = try allocator.alloc(Value, items.len);
    errdefer allocator.free(out);
    @memcpy(out, items);
    const count = sortUniqueInPlace(out);
    const set = try allocator.create(Set);
    set.* = .{ .items = out[0..count] };
    assert(isCanonicalSet(set));
    return set;
}

/// Sorts `items` canonically and drops repeats in place, keeping the first
/// of equal items; returns the new length. Allocation-free (stable block sort).
pub fn sortUniqueInPlace(items: []Value) usize {
    if (items.len == 0) return 0;
    const sorted = for (1..items.len) |i| {
        if (compare(items[i - 1], items[i]) != .lt) break false;
    } else true;
    if (sorted) return items.len;

    std.sort.block(Value, items, {}, lessThan);
    var count: usize = 1;
    for (items[1..]) |item| {
        if (compare(items[count - 1], item) == .eq) continue;
        items[count] = item;
        count += 1;
    }
    return count;
}

/// Keys strictly ascending (hence unique), keys and values of equal length.
pub fn isCanonicalObject(object: *const Object) bool {
    if (object.keys.len != object.values.len) return false;
    return isStrictlyAscending(object.keys);
}

/// Items strictly ascending (hence unique).
pub fn isCanonicalSet(set: *const Set) bool {
    return isStrictlyAscending(set.items);
}

fn isStrictlyAscending(items: []const Value) bool {
    if (items.len < 2) return true;
    for (items[0 .. items.len - 1], items[1..]) |a, b| {
        if (compare(a, b) != .lt) return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

fn num(arena: Allocator, text: []const u8) !Value {
    return .{ .number = try Number.parseLiteral(arena, text) };
}

fn int(i: i64) Value {
    return .{ .number = Number.fromInt(i) };
}

fn str(s: []const u8) Value {
    return .{ .string = s };
}

fn arr(arena: Allocator, items: []const Value) ![]const Value {
    return arena.dupe(Value, items);
}

fn testObject(arena: Allocator, keys: []const Value, values: []const Value) !Value {
    return .{ .object = try objectFromUnsorted(arena, keys, values, .reject, null) };
}

fn testSet(arena: Allocator, items: []const Value) !Value {
    return .{ .set = try setFromUnsorted(arena, items) };
}

fn expectOrder(expected: std.math.Order, a: Value, b: Value) !void {
    try testing.expectEqual(expected, compare(a, b));
    try testing.expectEqual(expected.invert(), compare(b, a));
    try testing.expectEqual(expected == .eq, equal(a, b));
    try testing.expectEqual(expected == .eq, equal(b, a));
    if (expected == .eq) try testing.expectEqual(hash(a), hash(b));
}

test "compare across types follows OPA's sort order" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // One of each, in ascending order; the extremes of each type still sort by type.
    const ascending = [_]Value{
        .null,
        Value.false,
        Value.true,
        try num(arena, "-1e400"),
        int(std.math.maxInt(i64)),
        try num(arena, "1e400"),
        str(""),
        str("\xff\xff"),
        .{ .array = &.{} },
        .{ .array = try arr(arena, &.{try testSet(arena, &.{int(1)})}) },
        .{ .object = &Object.empty },
        try testObject(arena, &.{str("a")}, &.{.null}),
        .{ .set = &Set.empty },
        try testSet(arena, &.{ int(1), int(2) }),
    };
    for (ascending, 0..) |a, i| {
        for (ascending, 0..) |b, j| {
            try expectOrder(std.math.order(i, j), a, b);
        }
    }
}

test "compare within types" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();

    try expectOrder(.eq, .null, .null);
    try expectOrder(.lt, Value.false, Value.true);
    try expectOrder(.eq, int(1), try num(arena, "1.0"));
    try expectOrder(.eq, try num(arena, "1e0"), try num(arena, "10e-1"));
    try expectOrder(.eq, int(0), try num(arena, "-0"));
    try expectOrder(.lt, str("a"), str("b"));
    try expectOrder(.lt, str("a"), str("aa"));
    try expectOrder(.lt, str("Z"), str("a"));
    try expectOrder(.lt, str("z"), str("\xc3\xa9")); // Bytes, not code points.

    // Arrays: element-wise, then length (`[1,2] < [1,2,0]` in opa).
    const a12 = Value{ .array = try arr(arena, &.{ int(1), int(2) }) };
    const a120 = Value{ .array = try arr(arena, &.{ int(1), int(2), int(0) }) };
    const a2 = Value{ .array = try arr(arena, &.{int(2)}) };
    try expectOrder(.lt, a12, a120);
    try expectOrder(.lt, a120, a2);
    try expectOrder(.eq, a12, .{ .array = try arr(arena, &.{ try num(arena, "1.0"), try num(arena, "2e0") }) });

    // Objects: key, value, key, value..., then length. Checked with opa:
    // {"a": 2} < {"a": 1, "b": 0} is false; {"a": 1, "b": 0} < {"a": 2} is true;
    // {"b": 1} < {"a": 1, "c": 1} is false.
    const o_a2 = try testObject(arena, &.{str("a")}, &.{int(2)});
    const o_a1_b0 = try testObject(arena, &.{ str("b"), str("a") }, &.{ int(0), int(1) });
    try expectOrder(.gt, o_a2, o_a1_b0);
    const o_b1 = try testObject(arena, &.{str("b")}, &.{int(1)});
    const o_a1_c1 = try testObject(arena, &.{ str("a"), str("c") }, &.{ int(1), int(1) });
    try expectOrder(.gt, o_b1, o_a1_c1);
    const o_a1 = try testObject(arena, &.{str("a")}, &.{int(1)});
    try expectOrder(.lt, o_a1, o_a1_b0);
    try expectOrder(.eq, o_a1, try testObject(arena, &.{str("a")}, &.{try num(arena, "1.00")}));

    // Sets: sorted items element-wise, then length. opa: {1,2} < {1,3}; not {2} < {1,3}.
    try expectOrder(.lt, try testSet(arena, &.{ int(2), int(1) }), try testSet(arena, &.{ int(3), int(1) }));
    try expectOrder(.gt, try testSet(arena, &.{int(2)}), try testSet(arena, &.{ int(1), int(3) }));
    try expectOrder(.lt, try testSet(arena, &.{int(1)}), try testSet(arena, &.{ int(1), int(3) }));
}

test "hash agrees with equal on nested values" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const a = try testObject(arena, &.{ str("x"), int(1) }, &.{
        .{ .array = try arr(arena, &.{ try num(arena, "1.0"), str("s") }) },
        try testSet(arena, &.{ int(1000), .null }),
    });
    const b = try testObject(arena, &.{ try num(arena, "1e0"), str("x") }, &.{
        try testSet(arena, &.{ .null, try num(arena, "1e3") }),
        .{ .array = try arr(arena, &.{ int(1), str("s") }) },
    });
    try expectOrder(.eq, a, b);
    try testing.expect(hash(str("ab")) != hash(str("ba")));
    const ab_c = Value{ .array = try arr(arena, &.{ str("ab"), str("c") }) };
    const a_bc = Value{ .array = try arr(arena, &.{ str("a"), str("bc") }) };
    try testing.expect(hash(ab_c) != hash(a_bc));
}

test "objectFromUnsorted sorts and resolves duplicates" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();

    const keys = [_]Value{ str("b"), int(1), str("a"), .null, str("b") };
    const values = [_]Value{ int(1), int(2), int(3), int(4), int(5) };

    const last = try objectFromUnsorted(arena, &keys, &values, .last_wins, null);
    try testing.expect(isCanonicalObject(last));
    try testing.expectEqual(@as(usize, 4), last.keys.len);
    try testing.expect(last.keys[0] == .null);
    try testing.expect(equal(last.keys[1], int(1)));
    try testing.expectEqualStrings("a", last.keys[2].string);
    try testing.expectEqualStrings("b", last.keys[3].string);
    try testing.expect(equal(objectGet(last, str("b")).?, int(5)));
    try testing.expect(equal(objectGetString(last, "b").?, int(5)));
    try testing.expect(equal(objectGet(last, try num(arena, "1.0")).?, int(2)));
    try testing.expect(objectGet(last, str("c")) == null);
    try testing.expect(objectGetString(last, "c") == null);
    try testing.expect(objectGet(last, Value.true) == null);

    var conflict: Value = .null;
    try testing.expectError(error.DuplicateKey, objectFromUnsorted(arena, &keys, &values, .reject, &conflict));
    try testing.expectEqualStrings("b", conflict.string);
    try testing.expectError(error.DuplicateKey, objectFromUnsorted(arena, &keys, &values, .reject_conflicting, null));

    // Same key twice with equal values merges; 1 and 1.0 are the same key.
    const same_keys = [_]Value{ int(1), str("z"), try num(arena, "1.0") };
    const same_values = [_]Value{ str("v"), .null, str("v") };
    const merged = try objectFromUnsorted(arena, &same_keys, &same_values, .reject_conflicting, null);
    try testing.expectEqual(@as(usize, 2), merged.keys.len);
    try testing.expect(merged.keys[0].number == .int);
    try testing.expectError(error.DuplicateKey, objectFromUnsorted(arena, &same_keys, &same_values, .reject, null));

    const empty = try objectFromUnsorted(arena, &.{}, &.{}, .reject, null);
    try testing.expectEqual(@as(usize, 0), empty.keys.len);
}

test "compare, equal and hash on deep values" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    // Twice the JSON parser's depth cap.
    var a: Value = int(1);
    var b: Value = try num(arena, "1.0");
    for (0..4096) |_| {
        const child_a = a;
        const child_b = b;
        a = .{ .array = try arr(arena, &.{child_a}) };
        b = .{ .array = try arr(arena, &.{child_b}) };
    }
    try expectOrder(.eq, a, b);
}

test "objectFromUnsorted frees its scratch and cleans up on error" {
    // No arena: testing.allocator reports leaks and double frees.
    const keys = [_]Value{ str("b"), str("a"), str("b") };
    const values = [_]Value{ int(1), int(2), int(3) };
    try testing.expectError(error.DuplicateKey, objectFromUnsorted(testing.allocator, &keys, &values, .reject, null));
    const ok = try objectFromUnsorted(testing.allocator, keys[0..2], values[0..2], .reject, null);
    try testing.expectEqualStrings("a", ok.keys[0].string);
    // No duplicates, so keys and values fill the single 2n-entry allocation.
    testing.allocator.free(ok.keys.ptr[0..4]);
    testing.allocator.destroy(ok);
}

test "setFromUnsorted sorts, dedups and keeps the first of equals" {
    var arena_state = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const one_point_oh = try num(arena, "1.0");
    const s = try setFromUnsorted(arena, &.{ str("x"), one_point_oh, int(3), int(1), str("x"), .null, try num(arena, "1e0") });
    try testing.expect(isCanonicalSet(s));
    try testing.expectEqual(@as(usize, 4), s.items.len);
    try testing.expect(s.items[0] == .null);
    try testing.expect(s.items[1].number == .big); // `{1.0, 1, 1e0}` is `{1.0}` in opa.
    try testing.expect(equal(s.items[2], int(3)));
    try testing.expect(setContains(s, int(1)));
    try testing.expect(setContains(s, str("x")));
    try testing.expect(!setContains(s, str("y")));
    try testing.expect(!setContains(s, Value.false));

    // Many items, reverse order with repeats: exercises the block sort.
    var many: [300]Value = undefined;
    for (&many, 0..) |*item, i| item.* = int(@intCast((300 - i) % 100));
    const big = try setFromUnsorted(arena, &many);
    try testing.expectEqual(@as(usize, 100), big.items.len);
    for (big.items, 0..) |item, i| try testing.expectEqual(@as(?i64, @intCast(i)), item.number.toI64());
}
