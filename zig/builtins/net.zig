//! Builtins of the net family (see builtin.zig for the interface): the CIDR
//! builtins of v1/topdown/cidr.go over Go's net.IP model (misc/goip.zig,
//! misc/cidrmerge.zig) and net.lookup_ip_addr (net.go) without DNS.
const std = @import("std");
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const goip = @import("../misc/goip.zig");
const cidrmerge = @import("../misc/cidrmerge.zig");
const hosts = @import("../misc/hosts.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const order = value_mod.order;
const IP = goip.IP;
const IPNet = goip.IPNet;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "net.cidr_contains", .arity = 2, .func = cidrContains },
    // Deprecated alias of net.cidr_contains.
    .{ .name = "net.cidr_overlap", .arity = 2, .func = cidrContains },
    .{ .name = "net.cidr_intersects", .arity = 2, .func = cidrIntersects },
    .{ .name = "net.cidr_contains_matches", .arity = 2, .func = cidrContainsMatches },
    .{ .name = "net.cidr_expand", .arity = 1, .func = cidrExpand },
    .{ .name = "net.cidr_is_valid", .arity = 1, .func = cidrIsValid },
    .{ .name = "net.cidr_merge", .arity = 1, .func = cidrMerge },
    .{ .name = "net.lookup_ip_addr", .arity = 1, .func = lookupIPAddr, .nondeterministic = true },
};

/// net.cidr_expand refuses networks with more addresses than this. Not an
/// OPA limit: OPA would build the set until memory or patience runs out.
pub const max_expand_addresses: u64 = 1 << 22;

/// getNetFromOperand: OPA names every CIDR operand "operand 1".
fn network(ctx: *Context, v: Value) Error!IPNet {
    if (v != .string) return ctx.operandError(1, "string", v);
    _, const n = goip.parseCIDR(v.string) orelse return ctx.builtinError("invalid CIDR address: {s}", .{v.string});
    return n;
}

/// The last address of a network (getLastIP), in the network's byte length.
fn lastIP(n: IPNet) IP {
    const ones, const bits = goip.maskSize(n.mask);
    // Masks from ParseCIDR are canonical; OPA's "non-standard format" error cannot happen.
    std.debug.assert(bits != 0);
    if (ones == bits) return n.ip;
    // The host bits set; the big.Int arithmetic keeps the low bits/8 bytes.
    var last: IP = .{ .len = @intCast(bits / 8) };
    const start = n.ip.len -| last.len;
    for (last.buf[0..last.len], 0..) |*byte, i| {
        const ip_byte = if (start + i < n.ip.len) n.ip.buf[start + i] else 0;
        const mask_byte = if (i < n.mask.len) n.mask.buf[i] else 0;
        byte.* = ip_byte | ~mask_byte;
    }
    return last;
}

fn contains(ctx: *Context, a: Value, b: Value) Error!bool {
    const cidr_a = try network(ctx, a);
    if (b != .string) return ctx.operandError(1, "string", b);
    if (goip.parseIP(b.string)) |ip| return goip.contains(cidr_a, ip);
    _, const cidr_b = goip.parseCIDR(b.string) orelse
        return ctx.builtinError("not a valid textual representation of an IP address or CIDR: {s}", .{b.string});
    // A contains B when it contains B's first and last addresses.
    return goip.contains(cidr_a, cidr_b.ip) and goip.contains(cidr_a, lastIP(cidr_b));
}

fn cidrContains(ctx: *Context, args: []const Value) Error!Value {
    return .{ .boolean = try contains(ctx, args[0], args[1]) };
}

fn cidrIntersects(ctx: *Context, args: []const Value) Error!Value {
    const a = try network(ctx, args[0]);
    const b = try network(ctx, args[1]);
    return .{ .boolean = goip.contains(a, b.ip) or goip.contains(b, a.ip) };
}

/// The CIDRs of a net.cidr_contains_matches operand with their indexes: a
/// string is its own index; array elements are indexed by position, set
/// elements by themselves, object values by their keys. An element is a
/// CIDR string or an array whose first item is one. Other operand types
/// have no CIDRs.
const Operand = struct {
    value: Value,
    position: usize,

    fn len(o: Operand) usize {
        return switch (o.value) {
            .string => 1,
            .array => |items| items.len,
            .set => |s| s.items.len,
            .object => |obj| obj.keys.len,
            else => 0,
        };
    }

    fn get(o: Operand, ctx: *Context, i: usize) Error!struct { Value, Value } {
        const element, const index: Value = switch (o.value) {
            .string => return .{ o.value, o.value },
            .array => |items| .{ items[i], .{ .number = .fromInt(@intCast(i)) } },
            .set => |s| .{ s.items[i], s.items[i] },
            .object => |obj| .{ obj.values[i], obj.keys[i] },
            else => unreachable, // len is 0
        };
        const cidr = switch (element) {
            .string => element,
            .array => |items| if (items.len > 0) items[0] else null,
            else => null,
        } orelse return ctx.builtinError("operand {d}: element must be string or non-empty array", .{o.position});
        return .{ cidr, index };
    }
};

fn cidrContainsMatches(ctx: *Context, args: []const Value) Error!Value {
    const first: Operand = .{ .value = args[0], .position = 1 };
    const second: Operand = .{ .value = args[1], .position = 2 };
    var matches: std.ArrayList(Value) = .empty;
    for (0..first.len()) |i| {
        const cidr_a, const index_a = try first.get(ctx, i);
        for (0..second.len()) |j| {
            const cidr_b, const index_b = try second.get(ctx, j);
            if (try contains(ctx, cidr_a, cidr_b)) {
                try matches.append(ctx.allocator, .{ .array = try ctx.allocator.dupe(Value, &.{ index_a, index_b }) });
            }
        }
    }
    return .{ .set = try order.setFromUnsorted(ctx.allocator, matches.items) };
}

fn cidrExpand(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    const ip, const n = goip.parseCIDR(args[0].string) orelse return ctx.builtinError("invalid CIDR address: {s}", .{args[0].string});
    const ones, const bits = goip.maskSize(n.mask);
    const host_bits = bits - ones;
    if (host_bits >= 64 or (@as(u64, 1) << @intCast(host_bits)) > max_expand_addresses) {
        return ctx.builtinError("CIDR {s} has too many addresses to expand", .{args[0].string});
    }
    const count = @as(usize, 1) << @intCast(host_bits);
    const items = try ctx.allocator.alloc(Value, count);
    // OPA counts up from the network address while the network contains it.
    var current = goip.maskIP(ip, n.mask);
    for (items) |*item| {
        std.debug.assert(goip.contains(n, current));
        item.* = .{ .string = try goip.ipString(ctx.allocator, current) };
        increment(&current);
    }
    return .{ .set = try order.setFromUnsorted(ctx.allocator, items) };
}

fn increment(ip: *IP) void {
    var i: usize = ip.len;
    while (i > 0) {
        i -= 1;
        ip.buf[i] +%= 1;
        if (ip.buf[i] != 0) break;
    }
}

fn cidrIsValid(_: *Context, args: []const Value) Error!Value {
    const valid = args[0] == .string and goip.parseCIDR(args[0].string) != null;
    return .{ .boolean = valid };
}

fn cidrMerge(ctx: *Context, args: []const Value) Error!Value {
    const elements = switch (args[0]) {
        .array => |items| items,
        .set => |s| s.items,
        else => return ctx.builtinError("operand must be an array", .{}),
    };
    const networks = try ctx.allocator.alloc(IPNet, elements.len);
    for (elements, networks) |element, *n| {
        if (element != .string) return ctx.builtinError("element must be string", .{});
        // An IP address stands for its classful IPv4 network.
        if (goip.parseIP(element.string)) |ip| {
            if (goip.to4(ip).isNil()) return ctx.builtinError("IPv6 invalid: needs prefix length", .{});
            n.* = .{ .ip = ip, .mask = goip.defaultMask(ip) };
        } else {
            _, n.* = goip.parseCIDR(element.string) orelse return ctx.builtinError("invalid CIDR address: {s}", .{element.string});
        }
    }
    const merged = cidrmerge.merge(ctx.allocator, networks) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        // OPA v1.19.0 panics on these inputs.
        error.Unsupported => return ctx.builtinError("cannot merge these networks (OPA panics on them)", .{}),
    };
    const items = try ctx.allocator.alloc(Value, merged.len);
    for (merged, items) |m, *item| item.* = .{ .string = try goip.netString(ctx.allocator, m) };
    return .{ .set = try order.setFromUnsorted(ctx.allocator, items) };
}

/// IP literals resolve to themselves (zone kept), other names through the
/// hosts file. Divergence: there is no DNS, so names the hosts file does not
/// list fail instead of being looked up.
fn lookupIPAddr(ctx: *Context, args: []const Value) Error!Value {
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    const name = args[0].string;
    if (name.len == 0) return ctx.builtinError("lookup : no such host", .{});
    if (goip.parseAddr(name)) |addr| {
        const text = try addressString(ctx.allocator, addr);
        return .{ .set = try order.setFromUnsorted(ctx.allocator, &.{.{ .string = text }}) };
    }
    const addresses = try hosts.lookup(ctx.allocator, name);
    if (addresses.len == 0) {
        return ctx.builtinError("lookup {s}: no such host (DNS is not supported: only IP addresses and hosts file names resolve)", .{name});
    }
    var items: std.ArrayList(Value) = .empty;
    for (addresses) |text| {
        const addr = goip.parseAddr(text) orelse continue;
        try items.append(ctx.allocator, .{ .string = try addressString(ctx.allocator, addr) });
    }
    return .{ .set = try order.setFromUnsorted(ctx.allocator, items.items) };
}

/// net.IPAddr.String: the IP (IPv4-mapped ones dotted), then "%zone".
fn addressString(allocator: std.mem.Allocator, addr: goip.Addr) error{OutOfMemory}![]const u8 {
    const ip = try goip.ipString(allocator, IP.from(&addr.bytes));
    if (addr.zone.len == 0) return ip;
    return std.mem.concat(allocator, u8, &.{ ip, "%", addr.zone });
}

const test_support = @import("numbers.zig").test_support;

fn expectValue(name: []const u8, arguments: []const []const u8, want: []const u8) !void {
    return test_support.expectValue(builtins, name, arguments, want);
}

fn expectFailure(name: []const u8, arguments: []const []const u8, want: Error, message: []const u8) !void {
    return test_support.expectFailure(builtins, name, arguments, want, message);
}

test "net.cidr_contains and net.cidr_intersects" {
    try expectValue("net.cidr_contains", &.{ "\"10.0.0.0/8\"", "\"10.1.2.3\"" }, "true");
    try expectValue("net.cidr_contains", &.{ "\"10.0.0.0/8\"", "\"10.1.0.0/16\"" }, "true");
    try expectValue("net.cidr_contains", &.{ "\"10.0.0.0/16\"", "\"10.0.0.0/8\"" }, "false");
    try expectValue("net.cidr_contains", &.{ "\"2001:db8::/32\"", "\"2001:db8:1::/48\"" }, "true");
    try expectValue("net.cidr_contains", &.{ "\"::ffff:10.0.0.0/104\"", "\"10.0.0.0/8\"" }, "true");
    try expectFailure("net.cidr_contains", &.{ "\"10.0.0.0/8\"", "\"x\"" }, error.BuiltinError, "not a valid textual representation of an IP address or CIDR: x");
    try expectFailure("net.cidr_contains", &.{ "\"10.0.0.0\"", "\"10.0.0.1\"" }, error.BuiltinError, "invalid CIDR address: 10.0.0.0");
    try expectFailure("net.cidr_contains", &.{ "\"10.0.0.0/8\"", "1" }, error.TypeError, "operand 1 must be string but got number");
    try expectValue("net.cidr_intersects", &.{ "\"10.0.0.0/8\"", "\"10.1.0.0/16\"" }, "true");
    try expectValue("net.cidr_intersects", &.{ "\"10.0.0.0/16\"", "\"10.1.0.0/16\"" }, "false");
}

test "net.cidr_contains_matches" {
    try expectValue("net.cidr_contains_matches", &.{ "[\"1.1.1.0/24\", [\"1.1.2.0/24\", \"x\"]]", "{\"a\": \"1.1.1.1\", \"b\": [\"1.1.2.2\"]}" },
        \\[[0,"a"],[1,"b"]]
    );
    try expectValue("net.cidr_contains_matches", &.{ "\"1.1.1.0/24\"", "set:[\"1.1.1.1\", \"2.2.2.2\"]" },
        \\[["1.1.1.0/24","1.1.1.1"]]
    );
    try expectFailure("net.cidr_contains_matches", &.{ "[\"1.1.1.0/24\"]", "[1]" }, error.BuiltinError, "operand 2: element must be string or non-empty array");
    try expectValue("net.cidr_contains_matches", &.{ "[]", "[1]" }, "[]");
}

test "net.cidr_expand, net.cidr_is_valid" {
    try expectValue("net.cidr_expand", &.{"\"192.168.1.1/30\""},
        \\["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"]
    );
    try expectValue("net.cidr_expand", &.{"\"::ffff:1.2.3.4/127\""},
        \\["1.2.3.4","1.2.3.5"]
    );
    try expectFailure("net.cidr_expand", &.{"\"192.168.1.1/33\""}, error.BuiltinError, "invalid CIDR address: 192.168.1.1/33");
    try expectValue("net.cidr_is_valid", &.{"\"2002::1234:abcd:ffff:c0a8:101/64\""}, "true");
    try expectValue("net.cidr_is_valid", &.{"\"192.168.1.2\""}, "false");
    try expectValue("net.cidr_is_valid", &.{"1"}, "false");
}

test "net.cidr_merge" {
    try expectValue("net.cidr_merge", &.{"[\"192.0.128.0/24\", \"192.0.129.0/24\"]"}, "[\"192.0.128.0/23\"]");
    try expectValue("net.cidr_merge", &.{"[]"}, "[]");
    try expectFailure("net.cidr_merge", &.{"[\"2601:600::1\"]"}, error.BuiltinError, "IPv6 invalid: needs prefix length");
    try expectFailure("net.cidr_merge", &.{"[\"foo\"]"}, error.BuiltinError, "invalid CIDR address: foo");
    try expectFailure("net.cidr_merge", &.{"[1]"}, error.BuiltinError, "element must be string");
}

test "net.lookup_ip_addr resolves literals" {
    try expectValue("net.lookup_ip_addr", &.{"\"10.0.0.0\""}, "[\"10.0.0.0\"]");
    try expectValue("net.lookup_ip_addr", &.{"\"::ffff:1.2.3.4\""}, "[\"1.2.3.4\"]");
    try expectValue("net.lookup_ip_addr", &.{"\"fe80::1%eth0\""}, "[\"fe80::1%eth0\"]");
    try expectFailure("net.lookup_ip_addr", &.{"\"\""}, error.BuiltinError, "lookup : no such host");
}
