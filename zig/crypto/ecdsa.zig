//! ECDSA over the NIST curves Go supports in JWS and X.509: P-256 and P-384
//! through std.crypto, P-521 through p521.zig. Digests of any length are
//! accepted and truncated to the order's size as Go's ecdsa package does.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ecdsa = std.crypto.sign.ecdsa;
const der = @import("der.zig");
const p521 = @import("p521.zig");

pub const Curve = enum {
    p256,
    p384,
    p521,

    /// Bytes of a coordinate or scalar.
    pub fn byteLength(c: Curve) usize {
        return switch (c) {
            .p256 => 32,
            .p384 => 48,
            .p521 => 66,
        };
    }

    pub fn bitSize(c: Curve) usize {
        return switch (c) {
            .p256 => 256,
            .p384 => 384,
            .p521 => 521,
        };
    }

    /// The JWK "crv" name (also Go's CurveParams.Name).
    pub fn name(c: Curve) []const u8 {
        return switch (c) {
            .p256 => "P-256",
            .p384 => "P-384",
            .p521 => "P-521",
        };
    }

    pub fn fromName(text: []const u8) ?Curve {
        inline for (.{ Curve.p256, Curve.p384, Curve.p521 }) |c| {
            if (std.mem.eql(u8, text, comptime c.name())) return c;
        }
        return null;
    }

    pub fn fromOid(encoded: []const u8) ?Curve {
        if (std.mem.eql(u8, encoded, der.oids.p256)) return .p256;
        if (std.mem.eql(u8, encoded, der.oids.p384)) return .p384;
        if (std.mem.eql(u8, encoded, der.oids.p521)) return .p521;
        return null;
    }

    pub fn oid(c: Curve) []const u8 {
        return switch (c) {
            .p256 => der.oids.p256,
            .p384 => der.oids.p384,
            .p521 => der.oids.p521,
        };
    }

    fn Std(comptime c: Curve) type {
        return switch (c) {
            .p256 => std.crypto.ecc.P256,
            .p384 => std.crypto.ecc.P384,
            .p521 => @compileError("P-521 is not in std"),
        };
    }
};

pub const PublicKey = struct {
    curve: Curve,
    /// Big-endian coordinates of `curve.byteLength()` bytes each.
    x: []const u8,
    y: []const u8,
};

pub const PrivateKey = struct {
    public: PublicKey,
    /// Big-endian scalar of `curve.byteLength()` bytes.
    d: []const u8,
};

/// Whether (x, y) is a point of the curve other than the identity, with
/// canonical coordinates (Go's point validation on key import).
pub fn validPoint(curve: Curve, x: []const u8, y: []const u8) bool {
    if (x.len != curve.byteLength() or y.len != curve.byteLength()) return false;
    switch (curve) {
        .p521 => return p521.validPoint(x, y),
        inline else => |c| {
            const C = Curve.Std(c);
            const n = comptime c.byteLength();
            const point = C.fromSerializedAffineCoordinates(x[0..n].*, y[0..n].*, .big) catch return false;
            point.rejectIdentity() catch return false;
            return true;
        },
    }
}

/// The scalar's public point, left in `allocator`, if `d` is a valid scalar.
pub fn publicFromPrivate(allocator: Allocator, curve: Curve, d: []const u8) Allocator.Error!?PublicKey {
    const len = curve.byteLength();
    if (d.len != len) return null;
    const x = try allocator.alloc(u8, len);
    const y = try allocator.alloc(u8, len);
    switch (curve) {
        .p521 => if (!p521.publicPoint(d, x[0..66], y[0..66])) return null,
        inline else => |c| {
            const C = Curve.Std(c);
            const n = comptime c.byteLength();
            _ = C.scalar.Scalar.fromBytes(d[0..n].*, .big) catch return null;
            const point = C.basePoint.mul(d[0..n].*, .big) catch return null;
            const affine = point.affineCoordinates();
            x[0..n].* = affine.x.toBytes(.big);
            y[0..n].* = affine.y.toBytes(.big);
        },
    }
    return .{ .curve = curve, .x = x, .y = y };
}

/// Go's ecdsa.Verify with r and s as big-endian integers of any length.
pub fn verify(key: PublicKey, digest: []const u8, r: []const u8, s: []const u8) bool {
    if (!validPoint(key.curve, key.x, key.y)) return false;
    switch (key.curve) {
        .p521 => return p521.verify(key.x, key.y, digest, r, s),
        inline else => |c| {
            const n = comptime c.byteLength();
            var sig: [2 * n]u8 = undefined;
            if (!fixedScalar(r, sig[0..n]) or !fixedScalar(s, sig[n..])) return false;
            var sec1: [1 + 2 * n]u8 = undefined;
            sec1[0] = 4;
            @memcpy(sec1[1..][0..n], key.x);
            @memcpy(sec1[1 + n ..], key.y);
            return switch (digest.len) {
                inline 20, 28, 32, 48, 64 => |len| verifyWith(c, DigestType(len), &sec1, sig, digest),
                else => false,
            };
        },
    }
}

fn verifyWith(comptime c: Curve, comptime H: type, sec1: []const u8, sig: [2 * c.byteLength()]u8, digest: []const u8) bool {
    const Scheme = ecdsa.Ecdsa(Curve.Std(c), H);
    const public_key = Scheme.PublicKey.fromSec1(sec1) catch return false;
    const signature = Scheme.Signature.fromBytes(sig);
    signature.verifyPrehashed(digest[0..H.digest_length].*, public_key) catch return false;
    return true;
}

/// ECDSA signature r || s, each `byteLength` bytes, with a random nonce
/// (std mixes it with the key and digest, RFC 6979 style).
pub fn sign(allocator: Allocator, key: PrivateKey, digest: []const u8) Allocator.Error!?[]u8 {
    const len = key.public.curve.byteLength();
    if (key.d.len != len) return null;
    const out = try allocator.alloc(u8, 2 * len);
    switch (key.public.curve) {
        .p521 => {
            const sig = p521.sign(key.d, digest) orelse return null;
            @memcpy(out, &sig);
        },
        inline else => |c| {
            const ok = switch (digest.len) {
                inline 20, 28, 32, 48, 64 => |dl| signWith(c, DigestType(dl), key.d, digest, out),
                else => false,
            };
            if (!ok) return null;
        },
    }
    return out;
}

fn signWith(comptime c: Curve, comptime H: type, d: []const u8, digest: []const u8, out: []u8) bool {
    const Scheme = ecdsa.Ecdsa(Curve.Std(c), H);
    const n = comptime c.byteLength();
    const secret = Scheme.SecretKey.fromBytes(d[0..n].*) catch return false;
    const pair = Scheme.KeyPair.fromSecretKey(secret) catch return false;
    var noise: [Scheme.noise_length]u8 = undefined;
    std.crypto.random.bytes(&noise);
    const sig = pair.signPrehashed(digest[0..H.digest_length].*, noise) catch return false;
    @memcpy(out, &sig.toBytes());
    return true;
}

/// A hash type whose digest length is `len`; std's ECDSA uses the type
/// only for that length when given a digest.
fn DigestType(comptime len: usize) type {
    return switch (len) {
        20 => std.crypto.hash.Sha1,
        28 => std.crypto.hash.sha2.Sha224,
        32 => std.crypto.hash.sha2.Sha256,
        48 => std.crypto.hash.sha2.Sha384,
        64 => std.crypto.hash.sha2.Sha512,
        else => @compileError("unsupported digest length"),
    };
}

/// Left-pads a big-endian integer into `out`; false if it does not fit.
fn fixedScalar(bytes: []const u8, out: []u8) bool {
    const trimmed = der.trimLeadingZeros(bytes);
    if (trimmed.len > out.len) return false;
    @memset(out[0 .. out.len - trimmed.len], 0);
    @memcpy(out[out.len - trimmed.len ..], trimmed);
    return true;
}

const testing = std.testing;

test "sign and verify on each curve" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    inline for (.{ Curve.p256, Curve.p384, Curve.p521 }) |c| {
        const d = try a.alloc(u8, c.byteLength());
        @memset(d, 0);
        d[d.len - 1] = 7;
        d[1] = 0x33;
        const public = (try publicFromPrivate(a, c, d)).?;
        try testing.expect(validPoint(c, public.x, public.y));
        const digest = [_]u8{0x5a} ** 32;
        const sig = (try sign(a, .{ .public = public, .d = d }, &digest)).?;
        const n = c.byteLength();
        try testing.expect(verify(public, &digest, sig[0..n], sig[n..]));
        try testing.expect(!verify(public, digest[0..20], sig[0..n], sig[n..]));
        try testing.expect(!validPoint(c, public.y, public.x));
    }
}
