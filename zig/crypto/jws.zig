//! JWS signing and verification by algorithm name, as jwx's jwsbb.Sign and
//! jwsbb.Verify do them for OPA (RFC 7518 section 3).
const std = @import("std");
const Allocator = std.mem.Allocator;
const Hash = @import("hash.zig").Hash;
const keys = @import("keys.zig");
const jwk = @import("jwk.zig");
const rsa = @import("rsa.zig");
const ecdsa = @import("ecdsa.zig");
const Ed25519 = std.crypto.sign.Ed25519;

pub const Algorithm = enum {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,

    pub const Family = enum { hmac, rsa_pkcs1, rsa_pss, ecdsa, eddsa };

    pub fn fromName(name: []const u8) ?Algorithm {
        return std.meta.stringToEnum(Algorithm, name);
    }

    pub fn family(a: Algorithm) Family {
        return switch (a) {
            .HS256, .HS384, .HS512 => .hmac,
            .RS256, .RS384, .RS512 => .rsa_pkcs1,
            .PS256, .PS384, .PS512 => .rsa_pss,
            .ES256, .ES384, .ES512 => .ecdsa,
            .EdDSA => .eddsa,
        };
    }

    /// The digest hash; EdDSA signs the message itself.
    pub fn hash(a: Algorithm) Hash {
        return switch (a) {
            .HS256, .RS256, .PS256, .ES256, .EdDSA => .sha256,
            .HS384, .RS384, .PS384, .ES384 => .sha384,
            .HS512, .RS512, .PS512, .ES512 => .sha512,
        };
    }
};

/// HMAC of `input` under `key` with the algorithm's hash.
pub fn hmac(hash: Hash, key: []const u8, input: []const u8, out: *[Hash.max_length]u8) []u8 {
    switch (hash) {
        inline else => |h| {
            const Mac = std.crypto.auth.hmac.Hmac(Hash.Type(h));
            Mac.create(out[0..Mac.mac_length], input, key);
            return out[0..Mac.mac_length];
        },
    }
}

/// Byte-string equality whose timing depends only on the lengths (Go's
/// hmac.Equal): MAC comparisons must not reveal where they differ.
pub fn constantTimeEqual(a: []const u8, b: []const u8) bool {
    if (a.len != b.len) return false;
    var diff: u8 = 0;
    for (a, b) |x, y| diff |= x ^ y;
    return diff == 0;
}

/// jwsbb.Verify: whether `signature` is valid for `input` under `key`.
/// Keys of the wrong type for the algorithm do not verify.
pub fn verify(key: jwk.Material, alg: Algorithm, input: []const u8, signature: []const u8) bool {
    var digest_buffer: [Hash.max_length]u8 = undefined;
    switch (alg.family()) {
        .hmac => {
            const secret = switch (key) {
                .symmetric => |s| s,
                else => return false,
            };
            if (secret.len == 0) return false;
            return constantTimeEqual(signature, hmac(alg.hash(), secret, input, &digest_buffer));
        },
        .rsa_pkcs1, .rsa_pss => {
            const public = rsaPublic(key) orelse return false;
            const digest = alg.hash().digest(&.{input}, &digest_buffer);
            if (alg.family() == .rsa_pkcs1) return rsa.verifyPkcs1v15(public, alg.hash(), digest, signature);
            return rsa.verifyPss(public, alg.hash(), digest, signature, alg.hash().length());
        },
        .ecdsa => {
            const public = ecdsaPublic(key) orelse return false;
            const size = public.curve.byteLength();
            if (signature.len != 2 * size) return false;
            const digest = alg.hash().digest(&.{input}, &digest_buffer);
            return ecdsa.verify(public, digest, signature[0..size], signature[size..]);
        },
        .eddsa => {
            const public = ed25519Public(key) orelse return false;
            return verifyEd25519(public, input, signature);
        },
    }
}

pub fn rsaPublic(key: jwk.Material) ?rsa.PublicKey {
    return switch (key) {
        .public => |p| if (p == .rsa) p.rsa else null,
        .private => |p| if (p == .rsa) p.rsa.public else null,
        .symmetric => null,
    };
}

pub fn ecdsaPublic(key: jwk.Material) ?ecdsa.PublicKey {
    return switch (key) {
        .public => |p| if (p == .ecdsa) p.ecdsa else null,
        .private => |p| if (p == .ecdsa) p.ecdsa.public else null,
        .symmetric => null,
    };
}

pub fn ed25519Public(key: jwk.Material) ?[32]u8 {
    return switch (key) {
        .public => |p| if (p == .ed25519) p.ed25519 else null,
        .private => |p| if (p == .ed25519) p.ed25519.public else null,
        .symmetric => null,
    };
}

/// Go's ed25519.Verify.
pub fn verifyEd25519(public: [32]u8, message: []const u8, signature: []const u8) bool {
    if (signature.len != Ed25519.Signature.encoded_length) return false;
    const pk = Ed25519.PublicKey.fromBytes(public) catch return false;
    const sig = Ed25519.Signature.fromBytes(signature[0..64].*);
    sig.verify(message, pk) catch return false;
    return true;
}

pub const SignError = error{ OutOfMemory, Invalid };

/// jwsbb.Sign with a JWK: the raw signature. On error.Invalid, `message`
/// says why (a key of the wrong type, or a key the algorithm rejects).
pub fn sign(allocator: Allocator, key: jwk.Material, alg: Algorithm, input: []const u8, message: *[]const u8) SignError![]u8 {
    var digest_buffer: [Hash.max_length]u8 = undefined;
    switch (alg.family()) {
        .hmac => {
            const secret = switch (key) {
                .symmetric => |s| s,
                else => return failKey(allocator, message, key, "[]byte"),
            };
            if (secret.len == 0) return fail(message, "dsig.toHMACKey: missing key while signing payload");
            return allocator.dupe(u8, hmac(alg.hash(), secret, input, &digest_buffer));
        },
        .rsa_pkcs1, .rsa_pss => {
            const private = switch (key) {
                .private => |p| if (p == .rsa) p.rsa else return failKey(allocator, message, key, "*rsa.PrivateKey"),
                else => return failKey(allocator, message, key, "*rsa.PrivateKey"),
            };
            // jwx exports a private JWK to Go's key only with both primes.
            for ([_][]const u8{ "q", "p" }, [_]usize{ 1, 0 }) |name, i| {
                if (private.primes.len <= i or private.primes[i].len == 0) {
                    message.* = try std.fmt.allocPrint(allocator, "jwsbb.Sign: invalid key type *jwk.rsaPrivateKey. *rsa.PrivateKey is required: failed to produce rsa.PrivateKey from *jwk.rsaPrivateKey: jwk.Export: failed to export jwk.Key to raw format: missing \"{s}\" value", .{name});
                    return error.Invalid;
                }
            }
            const digest = alg.hash().digest(&.{input}, &digest_buffer);
            const result = if (alg.family() == .rsa_pkcs1)
                rsa.signPkcs1v15(allocator, private, alg.hash(), digest)
            else
                rsa.signPss(allocator, private, alg.hash(), digest);
            // Go's crypto/rsa errors come through bare.
            return result catch |err| switch (err) {
                error.OutOfMemory => error.OutOfMemory,
                error.InsecureKey => {
                    message.* = try std.fmt.allocPrint(allocator, "crypto/rsa: {d}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)", .{private.public.bits()});
                    return error.Invalid;
                },
                error.ModulusMismatch => fail(message, "crypto/rsa: p * q != n"),
                error.InvalidKey => fail(message, "crypto/rsa: invalid private key"),
                error.MessageTooLong => fail(message, "crypto/rsa: key size too small for PSS signature"),
            };
        },
        .ecdsa => {
            const private = switch (key) {
                .private => |p| if (p == .ecdsa) p.ecdsa else return failKey(allocator, message, key, "*ecdsa.PrivateKey"),
                else => return failKey(allocator, message, key, "*ecdsa.PrivateKey"),
            };
            const digest = alg.hash().digest(&.{input}, &digest_buffer);
            return (try ecdsa.sign(allocator, private, digest)) orelse fail(message, "failed to sign payload using ecdsa: invalid private key");
        },
        .eddsa => {
            const private = switch (key) {
                .private => |p| if (p == .ed25519) p.ed25519 else return failKey(allocator, message, key, "ed25519.PrivateKey"),
                else => return failKey(allocator, message, key, "ed25519.PrivateKey"),
            };
            const pair = Ed25519.KeyPair.generateDeterministic(private.seed) catch return fail(message, "invalid ed25519 private key");
            const sig = pair.sign(input, null) catch return fail(message, "failed to sign payload using ed25519");
            return allocator.dupe(u8, &sig.toBytes());
        },
    }
}

fn fail(message: *[]const u8, text: []const u8) SignError {
    message.* = text;
    return error.Invalid;
}

/// jwsbb's message for a key that cannot sign with the algorithm.
fn failKey(allocator: Allocator, message: *[]const u8, key: jwk.Material, required: []const u8) SignError {
    const type_name = switch (key) {
        .symmetric => "*jwk.symmetricKey",
        .public => |p| switch (p) {
            .rsa => "*jwk.rsaPublicKey",
            .ecdsa => "*jwk.ecdsaPublicKey",
            .ed25519, .x25519 => "*jwk.okpPublicKey",
            .dsa, .p224 => "*jwk.Key",
        },
        .private => |p| switch (p) {
            .rsa => "*jwk.rsaPrivateKey",
            .ecdsa => "*jwk.ecdsaPrivateKey",
            .ed25519, .x25519 => "*jwk.okpPrivateKey",
        },
    };
    // keyconv's wording differs by target type.
    const conversion: []const u8 = if (std.mem.eql(u8, required, "*rsa.PrivateKey"))
        "failed to produce rsa.PrivateKey"
    else if (std.mem.eql(u8, required, "*ecdsa.PrivateKey"))
        "keyconv: failed to produce ecdsa.PrivateKey"
    else if (std.mem.eql(u8, required, "[]byte"))
        "keyconv: failed to produce []byte"
    else
        "failed to produce ed25519.PrivateKey";
    message.* = try std.fmt.allocPrint(allocator, "jwsbb.Sign: invalid key type {s}. {s} is required: {s} from {s}: jwk.Export: no suitable exporter found for key type '{s}'", .{ type_name, required, conversion, type_name, type_name });
    return error.Invalid;
}

const testing = std.testing;

test "HS256 signs and verifies" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    const key: jwk.Material = .{ .symmetric = "secret" };
    const sig = try sign(arena.allocator(), key, .HS256, "a.b", &message);
    try testing.expect(verify(key, .HS256, "a.b", sig));
    try testing.expect(!verify(key, .HS384, "a.b", sig));
    try testing.expect(!verify(key, .RS256, "a.b", sig));
    try testing.expectError(error.Invalid, sign(arena.allocator(), key, .RS256, "a.b", &message));
}

test "EdDSA signs and verifies" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    const seed = [_]u8{7} ** 32;
    const pair = try Ed25519.KeyPair.generateDeterministic(seed);
    const key: jwk.Material = .{ .private = .{ .ed25519 = .{ .seed = seed, .public = pair.public_key.toBytes() } } };
    const sig = try sign(arena.allocator(), key, .EdDSA, "a.b", &message);
    try testing.expect(verify(key, .EdDSA, "a.b", sig));
    try testing.expect(!verify(key, .EdDSA, "a.c", sig));
}
