//! A certificate chain and its private key, checked against each other as
//! Go's tls.X509KeyPair does (crypto/tls/tls.go), with its messages.
const std = @import("std");
const Allocator = std.mem.Allocator;
const pem = @import("pem.zig");
const keys = @import("keys.zig");
const x509 = @import("x509.zig");

pub const Error = keys.Error;

/// PEM text, or DER that OPA would have wrapped in a PEM block of the
/// expected type (which decodes back to exactly these bytes).
pub const Input = union(enum) { pem: []const u8, der: []const u8 };

pub const KeyPair = struct {
    /// DER certificates in input order.
    chain: []const []const u8,
    key: keys.PrivateKey,
    /// The first certificate, parsed (Go sets tls.Certificate.Leaf).
    leaf: x509.Certificate,
};

pub fn parse(allocator: Allocator, cert_input: Input, key_input: Input, message: *[]const u8) Error!KeyPair {
    var chain: std.ArrayList([]const u8) = .empty;
    var skipped: std.ArrayList([]const u8) = .empty;
    switch (cert_input) {
        .der => |d| try chain.append(allocator, d),
        .pem => |text| {
            var rest = text;
            while (true) {
                const d = try pem.decode(allocator, rest);
                const block = d.block orelse break;
                rest = d.rest;
                if (std.mem.eql(u8, block.type, "CERTIFICATE")) {
                    try chain.append(allocator, block.bytes);
                } else {
                    try skipped.append(allocator, block.type);
                }
            }
        },
    }
    if (chain.items.len == 0) {
        if (skipped.items.len == 0) return fail(message, "tls: failed to find any PEM data in certificate input");
        if (skipped.items.len == 1 and std.mem.endsWith(u8, skipped.items[0], "PRIVATE KEY")) {
            return fail(message, "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched");
        }
        return fail(message, try std.fmt.allocPrint(allocator, "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: {s}", .{try goList(allocator, skipped.items)}));
    }

    skipped.clearRetainingCapacity();
    const key_der: []const u8 = switch (key_input) {
        .der => |d| d,
        .pem => |text| blk: {
            var rest = text;
            while (true) {
                const d = try pem.decode(allocator, rest);
                const block = d.block orelse {
                    if (skipped.items.len == 0) return fail(message, "tls: failed to find any PEM data in key input");
                    if (skipped.items.len == 1 and std.mem.eql(u8, skipped.items[0], "CERTIFICATE")) {
                        return fail(message, "tls: found a certificate rather than a key in the PEM for the private key");
                    }
                    return fail(message, try std.fmt.allocPrint(allocator, "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: {s}", .{try goList(allocator, skipped.items)}));
                };
                rest = d.rest;
                if (std.mem.eql(u8, block.type, "PRIVATE KEY") or std.mem.endsWith(u8, block.type, " PRIVATE KEY")) break :blk block.bytes;
                try skipped.append(allocator, block.type);
            }
        },
    };

    const leaf = try x509.parse(allocator, chain.items[0], message);
    const key = try parsePrivateKey(allocator, key_der, message);
    const public = leaf.public_key orelse return fail(message, "tls: unknown public key algorithm");
    const matches = switch (public) {
        .rsa => |p| switch (key) {
            .rsa => |k| std.mem.eql(u8, p.n, k.public.n) and std.mem.eql(u8, p.e, k.public.e),
            else => return fail(message, "tls: private key type does not match public key type"),
        },
        .ecdsa => |p| switch (key) {
            .ecdsa => |k| p.curve == k.public.curve and std.mem.eql(u8, p.x, k.public.x) and std.mem.eql(u8, p.y, k.public.y),
            else => return fail(message, "tls: private key type does not match public key type"),
        },
        .ed25519 => |p| switch (key) {
            .ed25519 => |k| std.mem.eql(u8, &p, &k.public),
            else => return fail(message, "tls: private key type does not match public key type"),
        },
        else => return fail(message, "tls: unknown public key algorithm"),
    };
    if (!matches) return fail(message, "tls: private key does not match public key");
    return .{ .chain = chain.items, .key = key, .leaf = leaf };
}

/// tls's parsePrivateKey: PKCS #1, then PKCS #8, then SEC 1.
fn parsePrivateKey(allocator: Allocator, der_bytes: []const u8, message: *[]const u8) Error!keys.PrivateKey {
    var ignored: []const u8 = "";
    if (keys.parsePkcs1Private(allocator, der_bytes, &ignored)) |k| {
        return .{ .rsa = k };
    } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
    if (keys.parsePkcs8Private(allocator, der_bytes, &ignored)) |k| {
        return switch (k) {
            .rsa, .ecdsa, .ed25519 => k,
            .x25519 => fail(message, "tls: found unknown private key type in PKCS#8 wrapping"),
        };
    } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
    if (keys.parseEcPrivate(allocator, null, der_bytes, &ignored)) |k| {
        return .{ .ecdsa = k };
    } else |err| if (err == error.OutOfMemory) return error.OutOfMemory;
    return fail(message, "tls: failed to parse private key");
}

fn fail(message: *[]const u8, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

/// Go's %v of a []string: "[a b]".
fn goList(allocator: Allocator, items: []const []const u8) Allocator.Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    try out.append(allocator, '[');
    for (items, 0..) |item, i| {
        if (i > 0) try out.append(allocator, ' ');
        try out.appendSlice(allocator, item);
    }
    try out.append(allocator, ']');
    return out.items;
}
