//! RSA signatures (PKCS #1 v1.5 and PSS) as Go's crypto/rsa verifies and
//! makes them, on std.crypto.ff's constant-time modular arithmetic.
//!
//! Verification mirrors Go's checks: keys under 1024 bits are refused (Go's
//! default rsa1024min), the signature must be exactly the modulus size and
//! below the modulus, and the public exponent must be odd and fit 31 bits.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ff = std.crypto.ff;
const Hash = @import("hash.zig").Hash;
const der = @import("der.zig");

/// Largest modulus handled. Go has no hard limit; keys this large are far
/// beyond any in use, and the bound keeps the stack use of ff fixed.
pub const max_bits = 8192;
const Modulus = ff.Modulus(max_bits);
const Fe = Modulus.Fe;

pub const PublicKey = struct {
    /// Big-endian modulus without leading zeros.
    n: []const u8,
    /// Big-endian public exponent without leading zeros.
    e: []const u8,

    /// Size of the modulus in bytes (Go's PublicKey.Size).
    pub fn size(key: PublicKey) usize {
        return key.n.len;
    }

    pub fn bits(key: PublicKey) usize {
        return bitLength(key.n);
    }

    /// The exponent as Go's int field holds it, if it fits.
    pub fn exponent(key: PublicKey) ?u64 {
        if (key.e.len > 8) return null;
        var v: u64 = 0;
        for (key.e) |b| v = (v << 8) | b;
        return v;
    }
};

pub const PrivateKey = struct {
    public: PublicKey,
    /// Big-endian private exponent without leading zeros.
    d: []const u8,
    /// Big-endian primes (two for ordinary keys).
    primes: []const []const u8,
    /// CRT values as the key encoding gave them (empty when absent); kept
    /// for output only, signing uses `d`.
    dp: []const u8 = "",
    dq: []const u8 = "",
    qinv: []const u8 = "",
};

pub fn bitLength(magnitude: []const u8) usize {
    const m = der.trimLeadingZeros(magnitude);
    if (m.len == 0) return 0;
    return (m.len - 1) * 8 + (8 - @as(usize, @clz(m[0])));
}

pub const KeyError = error{InvalidKey};

/// Go's checkPublicKey plus the default 1024-bit minimum.
fn checkPublicKey(key: PublicKey) KeyError!Modulus {
    const b = key.bits();
    if (b < 1024 or b > max_bits) return error.InvalidKey;
    const e = key.exponent() orelse return error.InvalidKey;
    if (e < 2 or e & 1 == 0 or e > std.math.maxInt(i32)) return error.InvalidKey;
    return Modulus.fromBytes(key.n, .big) catch error.InvalidKey;
}

/// sig^e mod n into `out` (the modulus size), or null when `sig` is not a
/// valid input (wrong size, or not below the modulus).
fn encrypt(key: PublicKey, m: Modulus, sig: []const u8, out: []u8) ?void {
    if (sig.len != key.size()) return null;
    const x = Fe.fromBytes(m, der.trimLeadingZeros(sig), .big) catch return null;
    const y = m.powWithEncodedPublicExponent(x, key.e, .big) catch return null;
    y.toBytes(out, .big) catch return null;
}

/// Go's rsa.VerifyPKCS1v15 with a hash: true when the signature is valid.
pub fn verifyPkcs1v15(key: PublicKey, hash: Hash, digest: []const u8, sig: []const u8) bool {
    const m = checkPublicKey(key) catch return false;
    if (digest.len != hash.length()) return false;
    const k = key.size();
    const prefix = hash.digestInfoPrefix();
    if (k < prefix.len + digest.len + 11) return false;
    var em_buffer: [max_bits / 8]u8 = undefined;
    const em = em_buffer[0..k];
    encrypt(key, m, sig, em) orelse return false;
    var expected_buffer: [max_bits / 8]u8 = undefined;
    const expected = expected_buffer[0..k];
    pkcs1v15Encode(expected, prefix, digest);
    return std.crypto.timing_safe.compare(u8, em, expected, .big) == .eq;
}

/// EM = 0x00 || 0x01 || 0xff.. || 0x00 || DigestInfo prefix || digest.
fn pkcs1v15Encode(em: []u8, prefix: []const u8, digest: []const u8) void {
    const t_len = prefix.len + digest.len;
    em[0] = 0;
    em[1] = 1;
    @memset(em[2 .. em.len - t_len - 1], 0xff);
    em[em.len - t_len - 1] = 0;
    @memcpy(em[em.len - t_len ..][0..prefix.len], prefix);
    @memcpy(em[em.len - digest.len ..], digest);
}

/// Go's rsa.VerifyPSS: `salt_length` null detects it (PSSSaltLengthAuto).
pub fn verifyPss(key: PublicKey, hash: Hash, digest: []const u8, sig: []const u8, salt_length: ?usize) bool {
    const m = checkPublicKey(key) catch return false;
    const k = key.size();
    var em_buffer: [max_bits / 8]u8 = undefined;
    var em: []u8 = em_buffer[0..k];
    encrypt(key, m, sig, em) orelse return false;
    const em_bits = key.bits() - 1;
    const em_len = (em_bits + 7) / 8;
    // The encoding is to the modulus size; a shorter emLen leaves a zero byte.
    while (em.len > em_len) {
        if (em[0] != 0) return false;
        em = em[1..];
    }
    return pssVerify(hash, digest, em, em_bits, salt_length);
}

/// EMSA-PSS-VERIFY (RFC 8017 section 9.1.2).
fn pssVerify(hash: Hash, digest: []const u8, em: []u8, em_bits: usize, salt_length: ?usize) bool {
    const h_len = hash.length();
    const em_len = em.len;
    if (digest.len != h_len) return false;
    if (em_len < h_len + (salt_length orelse 0) + 2) return false;
    if (em[em_len - 1] != 0xbc) return false;
    const db = em[0 .. em_len - h_len - 1];
    const h = em[em_len - h_len - 1 .. em_len - 1];
    const bit_mask: u8 = @truncate(@as(u16, 0xff) >> @intCast(8 * em_len - em_bits));
    if (em[0] & ~bit_mask != 0) return false;
    hash.mgf1Xor(db, h);
    db[0] &= bit_mask;
    const s_len = salt_length orelse blk: {
        const ps_len = std.mem.indexOfScalar(u8, db, 0x01) orelse return false;
        break :blk db.len - ps_len - 1;
    };
    if (em_len < h_len + s_len + 2) return false;
    const ps_len = em_len - h_len - s_len - 2;
    for (db[0..ps_len]) |b| if (b != 0) return false;
    if (db[ps_len] != 0x01) return false;
    const salt = db[db.len - s_len ..];
    var out: [Hash.max_length]u8 = undefined;
    const h2 = hash.digest(&.{ &[_]u8{0} ** 8, digest, salt }, &out);
    return std.mem.eql(u8, h, h2);
}

pub const SignError = error{
    /// Under 1024 bits: Go's "N-bit keys are insecure".
    InsecureKey,
    /// The primes do not multiply to the modulus.
    ModulusMismatch,
    /// Any other inconsistency of the key.
    InvalidKey,
    MessageTooLong,
    OutOfMemory,
};

/// The checks Go makes on a private key before signing, in its order:
/// key size, then the primes against the modulus.
fn checkPrivateKey(allocator: Allocator, key: PrivateKey) SignError!void {
    if (key.public.bits() < 1024) return error.InsecureKey;
    _ = try checkPublicKey(key.public);
    if (key.primes.len != 2) return error.InvalidKey;
    var p = try std.math.big.int.Managed.init(allocator);
    var q = try std.math.big.int.Managed.init(allocator);
    var n = try std.math.big.int.Managed.init(allocator);
    var product = try std.math.big.int.Managed.init(allocator);
    try setBytes(&p, key.primes[0]);
    try setBytes(&q, key.primes[1]);
    try setBytes(&n, key.public.n);
    try product.mul(&p, &q);
    if (!product.eql(n)) return error.ModulusMismatch;
}

fn setBytes(x: *std.math.big.int.Managed, bytes: []const u8) Allocator.Error!void {
    const trimmed = der.trimLeadingZeros(bytes);
    try x.ensureCapacity(std.math.big.int.calcTwosCompLimbCount(@max(1, trimmed.len) * 8));
    var m = x.toMutable();
    m.readTwosComplement(trimmed, trimmed.len * 8, .big, .unsigned);
    x.setMetadata(m.positive, m.len);
}

/// Go's rsa.SignPKCS1v15 with a hash; the result has the modulus size.
pub fn signPkcs1v15(allocator: Allocator, key: PrivateKey, hash: Hash, digest: []const u8) SignError![]u8 {
    try checkPrivateKey(allocator, key);
    const k = key.public.size();
    const prefix = hash.digestInfoPrefix();
    if (k < prefix.len + digest.len + 11) return error.MessageTooLong;
    const em = try allocator.alloc(u8, k);
    pkcs1v15Encode(em, prefix, digest);
    return decrypt(allocator, key, em);
}

/// Go's rsa.SignPSS with PSSSaltLengthEqualsHash (what JWS uses); the salt
/// is random, so signatures differ from call to call as in Go.
pub fn signPss(allocator: Allocator, key: PrivateKey, hash: Hash, digest: []const u8) SignError![]u8 {
    try checkPrivateKey(allocator, key);
    const h_len = hash.length();
    const em_bits = key.public.bits() - 1;
    const em_len = (em_bits + 7) / 8;
    const s_len = h_len;
    if (em_len < h_len + s_len + 2) return error.MessageTooLong;
    var salt: [Hash.max_length]u8 = undefined;
    std.crypto.random.bytes(salt[0..s_len]);

    const em = try allocator.alloc(u8, em_len);
    const db = em[0 .. em_len - h_len - 1];
    const h = em[em_len - h_len - 1 .. em_len - 1];
    var out: [Hash.max_length]u8 = undefined;
    @memcpy(h, hash.digest(&.{ &[_]u8{0} ** 8, digest, salt[0..s_len] }, &out));
    @memset(db, 0);
    db[db.len - s_len - 1] = 0x01;
    @memcpy(db[db.len - s_len ..], salt[0..s_len]);
    hash.mgf1Xor(db, h);
    db[0] &= @truncate(@as(u16, 0xff) >> @intCast(8 * em_len - em_bits));
    em[em_len - 1] = 0xbc;
    return decrypt(allocator, key, em);
}

/// em^d mod n, left-padded to the modulus size, checked against the public
/// operation (as Go does, against faults and inconsistent keys).
fn decrypt(allocator: Allocator, key: PrivateKey, em: []const u8) SignError![]u8 {
    const m = try checkPublicKey(key.public);
    const x = Fe.fromBytes(m, der.trimLeadingZeros(em), .big) catch return error.InvalidKey;
    if (key.d.len == 0) return error.InvalidKey;
    const y = m.powWithEncodedExponent(x, key.d, .big) catch return error.InvalidKey;
    const sig = try allocator.alloc(u8, key.public.size());
    y.toBytes(sig, .big) catch return error.InvalidKey;
    const back = m.powWithEncodedPublicExponent(y, key.public.e, .big) catch return error.InvalidKey;
    if (!back.eql(x)) return error.InvalidKey;
    return sig;
}

const testing = std.testing;

// A 1024-bit test key (e = 65537), generated with openssl for these tests.
const test_n = "\xbe\x51\x72\x9b\xc1\xc9\x8a\x1e\xda\xdf\x6d\xf1\x41\x2e\x02\xf7\x49\x3e\xd0\xbb\xbb\x2d\x7f\x54\xbe\x8e\x7c\xe6\x21\xe8\x09\x33\x82\x0a\x51\x99\xad\xfd\x71\x26\x00\xc2\x73\x98\x25\x4b\xe1\x30\x09\x41\x5a\x97\x01\xee\x8f\xdb\x53\x81\x50\x0a\xba\x61\x40\x08\x9a\x13\x02\xd2\x37\x48\x19\x90\xe7\x0c\x5d\xab\xac\xea\xf6\x7d\xb0\x8d\xe4\x36\x88\x93\x4d\xc4\x5c\xa9\x70\x0a\x19\x46\x4a\xe5\x53\xad\x70\xe4\xa4\x0c\x36\x79\xbe\xcd\xb4\x57\x77\xd4\x9b\xad\x40\xec\xaf\xcd\x85\x31\x4d\xce\xd1\x24\xf0\x89\xe6\x9b\x0c\x8b";
const test_d = "\x8d\x71\xb4\xee\xe3\xa8\x68\x99\xa3\xeb\x78\x27\x5c\x5c\xd8\xe1\x76\x33\x54\x28\xa1\xe5\x1f\x84\x19\x17\x86\xe5\xf6\x7f\x20\x0f\x82\xef\x2e\x54\x3c\x06\x67\x48\x6a\x3a\x1a\x75\x12\x0b\x01\xf2\x94\x7e\x58\xd8\x70\x1c\x20\x18\x4e\x48\x85\xf7\x63\x2b\x91\xcd\x4a\xb4\x30\xb8\x71\xa6\x87\xb1\x9c\xca\xf0\x9a\xd1\x55\x17\xf6\x92\x05\x6a\x12\xb7\xa2\x3f\xf7\xa2\x4a\x5d\x81\x2f\x86\x41\xb4\x7f\x05\x8c\x37\x3e\xe8\xe1\x11\xb5\xe7\xa7\x04\xc3\x6d\x76\xcd\x80\xb0\x14\x72\x1e\xf3\x74\x03\xf2\xb2\x84\x5e\x73\x40\x1e\xf1";
const test_p = "\xdd\x47\x46\xe9\xc0\x9d\xa8\x7c\x8e\x4a\x5a\x29\x86\xf4\x57\x58\x64\xd7\x04\xc0\x3b\x18\x17\xc4\x26\x91\xbc\x1e\x21\x47\x6f\xe0\x36\x07\x22\x39\x52\x18\x18\x64\x0e\xe6\xfd\x73\xb8\xe8\x66\x1d\xb7\xc4\xa4\x30\x6c\x3d\x9b\xf0\x4e\x4e\xf4\xd3\xb7\x5b\x06\xe9";
const test_q = "\xdc\x2e\x80\x41\x5c\x35\x27\x72\xd5\xc5\xb0\xd5\x85\xf3\xe1\xbc\x13\xde\xcb\xde\x0b\xa6\xad\xf2\x5d\xa8\xbd\xaf\x31\xc4\x29\x58\x50\x2c\xaf\x21\xd5\xcd\x8a\x08\x6d\x33\xa3\xf3\x4b\xb3\x85\xdf\x0c\xcb\x07\xda\xc8\xba\x53\x9e\x32\x27\xb3\xb0\xa2\xe5\xf7\x53";

test "PKCS #1 v1.5 and PSS signatures round-trip" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const public: PublicKey = .{ .n = test_n, .e = "\x01\x00\x01" };
    const private: PrivateKey = .{ .public = public, .d = test_d, .primes = &.{ test_p, test_q } };
    var out: [Hash.max_length]u8 = undefined;
    const digest = Hash.sha256.digest(&.{"message"}, &out);

    const sig = try signPkcs1v15(a, private, .sha256, digest);
    try testing.expect(verifyPkcs1v15(public, .sha256, digest, sig));
    sig[5] ^= 1;
    try testing.expect(!verifyPkcs1v15(public, .sha256, digest, sig));

    const pss = try signPss(a, private, .sha256, digest);
    try testing.expect(verifyPss(public, .sha256, digest, pss, null));
    try testing.expect(verifyPss(public, .sha256, digest, pss, 32));
    try testing.expect(!verifyPss(public, .sha256, digest, pss, 20));
    try testing.expect(!verifyPss(public, .sha384, digest, pss, null));
}

test "short and malformed inputs are rejected without panics" {
    const public: PublicKey = .{ .n = test_n, .e = "\x01\x00\x01" };
    var out: [Hash.max_length]u8 = undefined;
    const digest = Hash.sha256.digest(&.{"message"}, &out);
    try testing.expect(!verifyPkcs1v15(public, .sha256, digest, ""));
    try testing.expect(!verifyPss(public, .sha256, digest, "\x01\x02", null));
    // A signature equal to the modulus is out of range.
    try testing.expect(!verifyPkcs1v15(public, .sha256, digest, test_n));
    const even: PublicKey = .{ .n = "\x02" ** 128, .e = "\x01\x00\x01" };
    try testing.expect(!verifyPkcs1v15(even, .sha256, digest, "\x01" ** 128));
}
