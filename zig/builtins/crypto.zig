//! Builtins of the crypto family (see builtin.zig for the interface):
//! crypto.md5, crypto.sha1, crypto.sha256, crypto.hmac.* (v1/topdown/crypto.go)
//! and, from crypto/builtins_x509.zig, the X.509 and private key parsers.
const std = @import("std");
const builtin = @import("builtin.zig");
const Hash = @import("../crypto/hash.zig").Hash;
const jws = @import("../crypto/jws.zig");
const crypto_x509 = @import("../crypto/builtins_x509.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;

pub const builtins: []const builtin.Builtin = &[_]builtin.Builtin{
    .{ .name = "crypto.md5", .arity = 1, .func = digest(.md5) },
    .{ .name = "crypto.sha1", .arity = 1, .func = digest(.sha1) },
    .{ .name = "crypto.sha256", .arity = 1, .func = digest(.sha256) },
    .{ .name = "crypto.hmac.md5", .arity = 2, .func = hmac(.md5) },
    .{ .name = "crypto.hmac.sha1", .arity = 2, .func = hmac(.sha1) },
    .{ .name = "crypto.hmac.sha256", .arity = 2, .func = hmac(.sha256) },
    .{ .name = "crypto.hmac.sha512", .arity = 2, .func = hmac(.sha512) },
    .{ .name = "crypto.hmac.equal", .arity = 2, .func = hmacEqual },
} ++ crypto_x509.builtins;

fn stringOperand(ctx: *Context, args: []const Value, position: usize) Error![]const u8 {
    const v = args[position - 1];
    if (v != .string) return ctx.operandError(position, "string", v);
    return v.string;
}

fn hexString(ctx: *Context, bytes: []const u8) Error!Value {
    const out = try ctx.allocator.alloc(u8, bytes.len * 2);
    _ = std.fmt.bufPrint(out, "{x}", .{bytes}) catch unreachable; // Sized exactly.
    return .{ .string = out };
}

fn digest(comptime hash: Hash) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            const bytes = try stringOperand(ctx, args, 1);
            var out: [Hash.max_length]u8 = undefined;
            return hexString(ctx, hash.digest(&.{bytes}, &out));
        }
    }.call;
}

fn hmac(comptime hash: Hash) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            const message = try stringOperand(ctx, args, 1);
            const key = try stringOperand(ctx, args, 2);
            var out: [Hash.max_length]u8 = undefined;
            return hexString(ctx, jws.hmac(hash, key, message, &out));
        }
    }.call;
}

/// Go's hmac.Equal: constant time in the contents, so comparing a computed
/// MAC with a presented one reveals nothing but whether they match.
fn hmacEqual(ctx: *Context, args: []const Value) Error!Value {
    const mac1 = try stringOperand(ctx, args, 1);
    const mac2 = try stringOperand(ctx, args, 2);
    return .{ .boolean = jws.constantTimeEqual(mac1, mac2) };
}

const testing = std.testing;

fn call(f: builtin.Fn, args: []const Value) ![]const u8 {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    const v = try f(&ctx, args);
    return testing.allocator.dupe(u8, v.string);
}

test "digests and MACs are lowercase hex" {
    const md5 = try call(digest(.md5), &.{.{ .string = "lorem ipsum" }});
    defer testing.allocator.free(md5);
    try testing.expectEqualStrings("80a751fde577028640c419000e33eba6", md5);
    const mac = try call(hmac(.md5), &.{ .{ .string = "foo" }, .{ .string = "bar" } });
    defer testing.allocator.free(mac);
    try testing.expectEqualStrings("31b6db9e5eb4addb42f1a6ca07367adc", mac);
}

test "hmac.equal compares contents and lengths" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    try testing.expect((try hmacEqual(&ctx, &.{ .{ .string = "abc" }, .{ .string = "abc" } })).boolean);
    try testing.expect(!(try hmacEqual(&ctx, &.{ .{ .string = "abc" }, .{ .string = "abd" } })).boolean);
    try testing.expect(!(try hmacEqual(&ctx, &.{ .{ .string = "abc" }, .{ .string = "ab" } })).boolean);
    try testing.expectError(error.TypeError, hmacEqual(&ctx, &.{ .{ .string = "abc" }, .null }));
}
