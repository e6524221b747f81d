//! The keys a JWT is checked against, read from the one string OPA accepts
//! for them (topdown/tokens.go getKeysFromCertOrJWK): a PEM certificate, a
//! PEM public key, or a JWK / JWK set. A PEM block is never valid JSON, so
//! PEM is tried first.
const std = @import("std");
const Allocator = std.mem.Allocator;
const pem = @import("pem.zig");
const x509 = @import("x509.zig");
const keys = @import("keys.zig");
const jwk = @import("jwk.zig");
const jws = @import("jws.zig");

pub const Key = struct {
    /// The JWK "alg", empty for PEM keys and JWKs without one.
    alg: []const u8 = "",
    kid: []const u8 = "",
    material: jwk.Material,
};

pub const Error = keys.Error;

/// On error.Invalid, `message` holds OPA's error text.
pub fn parse(allocator: Allocator, text: []const u8, message: *[]const u8) Error![]const Key {
    const decoded = try pem.decode(allocator, text);
    if (decoded.block) |block| {
        if (decoded.rest.len > 0) return fail(message, "extra data after a PEM certificate block");
        var inner: []const u8 = "";
        if (std.mem.eql(u8, block.type, "CERTIFICATE")) {
            const cert = x509.parse(allocator, block.bytes, &inner) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Invalid => return fail(message, try concat(allocator, "failed to parse a PEM certificate: ", inner)),
            };
            // A certificate with a key algorithm Go does not know has a nil
            // key, which verifies nothing: no key at all is equivalent.
            const key = cert.public_key orelse return &.{};
            return one(allocator, .{ .material = .{ .public = key } });
        }
        if (std.mem.eql(u8, block.type, "PUBLIC KEY")) {
            const key = keys.parsePkix(allocator, block.bytes, &inner) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.Invalid => return fail(message, try concat(allocator, "failed to parse a PEM public key: ", inner)),
            };
            return one(allocator, .{ .material = .{ .public = key } });
        }
        return fail(message, "failed to extract a Key from the PEM certificate");
    }

    var inner: []const u8 = "";
    const set = jwk.parseString(allocator, text, &inner) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return fail(message, try concat(allocator, "failed to parse a JWK key (set): ", inner)),
    };
    var out: std.ArrayList(Key) = .empty;
    for (set) |k| {
        // jwk.Export makes Go keys of all of them first; a private RSA key
        // needs both primes for that.
        if (k.material == .private and k.material.private == .rsa) {
            const primes = k.material.private.rsa.primes;
            for ([_][]const u8{ "q", "p" }, [_]usize{ 1, 0 }) |name, i| {
                if (primes.len <= i or primes[i].len == 0) {
                    message.* = try std.fmt.allocPrint(allocator, "jwk.Export: failed to export jwk.Key to raw format: missing \"{s}\" value", .{name});
                    return error.Invalid;
                }
            }
        }
        // Keys for algorithms JWT verification does not know are skipped.
        if (k.alg.len > 0 and jws.Algorithm.fromName(k.alg) == null) continue;
        try out.append(allocator, .{ .alg = k.alg, .kid = k.kid, .material = k.material });
    }
    return out.items;
}

/// The first key whose kid is `kid`.
pub fn byKid(list: []const Key, kid: []const u8) ?Key {
    for (list) |k| if (std.mem.eql(u8, k.kid, kid)) return k;
    return null;
}

fn one(allocator: Allocator, key: Key) Error![]const Key {
    const out = try allocator.alloc(Key, 1);
    out[0] = key;
    return out;
}

fn fail(message: *[]const u8, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

fn concat(allocator: Allocator, a: []const u8, b: []const u8) Allocator.Error![]const u8 {
    return std.mem.concat(allocator, u8, &.{ a, b });
}

const testing = std.testing;

test "reads PEM public keys and rejects trailing data" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var message: []const u8 = "";
    const text = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAwmK6SSAu2E9V7uynkCKEaj5nZJyTvNG4x0KohsRzLpg=\n-----END PUBLIC KEY-----\n";
    const got = try parse(a, text, &message);
    try testing.expect(got[0].material.public == .ed25519);
    try testing.expectError(error.Invalid, parse(a, text ++ "x", &message));
    try testing.expectEqualStrings("extra data after a PEM certificate block", message);
    try testing.expectError(error.Invalid, parse(a, "-----BEGIN FOO-----\nAAAA\n-----END FOO-----", &message));
    try testing.expectEqualStrings("failed to extract a Key from the PEM certificate", message);
}
