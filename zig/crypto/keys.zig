//! Public and private keys in the DER encodings Go's crypto/x509 reads:
//! SubjectPublicKeyInfo (PKIX), PKCS #1, PKCS #8 and SEC 1. Each parser
//! accepts and rejects what Go's does, and on rejection leaves Go's message
//! in `message`.
const std = @import("std");
const Allocator = std.mem.Allocator;
const der = @import("der.zig");
const rsa = @import("rsa.zig");
const ecdsa = @import("ecdsa.zig");
const Ed25519 = std.crypto.sign.Ed25519;

pub const PublicKey = union(enum) {
    rsa: rsa.PublicKey,
    ecdsa: ecdsa.PublicKey,
    ed25519: [32]u8,
    // Keys Go parses but no JWS algorithm uses:
    x25519: [32]u8,
    dsa: Dsa,
    /// A P-224 point (coordinates not checked against the curve).
    p224: struct { x: []const u8, y: []const u8 },
};

/// DSA public key values, big-endian without leading zeros.
pub const Dsa = struct { p: []const u8, q: []const u8, g: []const u8, y: []const u8 };

pub const PrivateKey = union(enum) {
    rsa: rsa.PrivateKey,
    ecdsa: ecdsa.PrivateKey,
    ed25519: struct { seed: [32]u8, public: [32]u8 },
    /// An X25519 scalar: Go's ecdh.PrivateKey (opaque in JSON).
    x25519: [32]u8,
};

pub const Error = error{ Invalid, OutOfMemory };

/// Where a parser leaves Go's error message on error.Invalid.
pub const Message = *[]const u8;

fn fail(message: Message, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

/// Go's ParsePKIXPublicKey.
pub fn parsePkix(allocator: Allocator, bytes: []const u8, message: Message) Error!PublicKey {
    var outer = der.Reader.init(bytes);
    const spki = outer.next() catch return fail(message, "asn1: syntax error: data truncated");
    if (spki.tag != der.tag.sequence) return fail(message, "asn1: structure error: tags don't match");
    if (!outer.empty()) return fail(message, "x509: trailing data after ASN.1 of public-key");
    var r = der.Reader.init(spki.content);
    const info = readSpki(&r) catch return fail(message, "asn1: structure error: malformed public key info");
    _ = allocator;
    return publicKeyFromAlgorithm(info, message);
}

pub const SpkiParts = struct {
    algorithm: []const u8,
    /// The full encoding of the parameters, empty when absent.
    parameters: []const u8,
    key: der.BitString,
};

/// The fields of a SubjectPublicKeyInfo's content.
pub fn readSpki(r: *der.Reader) der.Error!SpkiParts {
    var algorithm = try r.sequence();
    const oid = try algorithm.oid();
    const parameters: []const u8 = if (algorithm.empty()) "" else (try algorithm.next()).raw;
    if (!algorithm.empty()) return error.Malformed;
    const key = try r.bitString();
    if (!r.empty()) return error.Malformed;
    return .{ .algorithm = oid, .parameters = parameters, .key = key };
}

/// Go's parsePublicKey (x509/parser.go) for the algorithms it knows; an
/// unknown algorithm is an error here (certificates check first).
pub fn publicKeyFromAlgorithm(info: SpkiParts, message: Message) Error!PublicKey {
    // Go right-aligns the bit string: unused bits shift the bytes; keys
    // always have none, and a key with some is malformed for every type.
    const data = info.key.bytes;
    const oid = info.algorithm;
    if (std.mem.eql(u8, oid, der.oids.rsa_encryption)) {
        if (!std.mem.eql(u8, info.parameters, "\x05\x00")) return fail(message, "x509: RSA key missing NULL parameters");
        var outer = der.Reader.init(data);
        var seq = outer.sequence() catch return fail(message, "x509: invalid RSA public key");
        const n = seq.integerBytes() catch return fail(message, "x509: invalid RSA modulus");
        const e = seq.integerBytes() catch return fail(message, "x509: invalid RSA public exponent");
        if (n[0] & 0x80 != 0 or der.trimLeadingZeros(n).len == 0) return fail(message, "x509: RSA modulus is not a positive number");
        if (e.len > 8) return fail(message, "x509: invalid RSA public exponent");
        if (e[0] & 0x80 != 0 or der.trimLeadingZeros(e).len == 0) return fail(message, "x509: RSA public exponent is not a positive number");
        return .{ .rsa = .{ .n = der.trimLeadingZeros(n), .e = der.trimLeadingZeros(e) } };
    }
    if (std.mem.eql(u8, oid, der.oids.ec_public_key)) {
        var params = der.Reader.init(info.parameters);
        const curve_oid = params.oid() catch return fail(message, "x509: invalid ECDSA parameters");
        if (std.mem.eql(u8, curve_oid, der.oids.p224)) {
            if (data.len != 57 or data[0] != 4) return fail(message, "ecdsa: invalid public key encoding");
            return .{ .p224 = .{ .x = data[1..29], .y = data[29..57] } };
        }
        const curve = ecdsa.Curve.fromOid(curve_oid) orelse return fail(message, "x509: unsupported elliptic curve");
        return .{ .ecdsa = try uncompressedPoint(curve, data, message) };
    }
    if (std.mem.eql(u8, oid, der.oids.ed25519)) {
        if (info.parameters.len != 0) return fail(message, "x509: Ed25519 key encoded with illegal parameters");
        if (data.len != 32) return fail(message, "x509: wrong Ed25519 public key size");
        return .{ .ed25519 = data[0..32].* };
    }
    if (std.mem.eql(u8, oid, der.oids.x25519)) {
        if (info.parameters.len != 0) return fail(message, "x509: X25519 key encoded with illegal parameters");
        if (data.len != 32) return fail(message, "crypto/ecdh: invalid public key");
        return .{ .x25519 = data[0..32].* };
    }
    if (std.mem.eql(u8, oid, der.oids.dsa)) return parseDsa(info, message);
    return fail(message, "x509: unknown public key algorithm");
}

/// Go's DSA case of parsePublicKey: Y in the key, P, Q, G in the
/// parameters, all positive.
fn parseDsa(info: SpkiParts, message: Message) Error!PublicKey {
    var key_reader = der.Reader.init(info.key.bytes);
    const y = key_reader.integerBytes() catch return fail(message, "x509: invalid DSA public key");
    var params_outer = der.Reader.init(info.parameters);
    var params = params_outer.sequence() catch return fail(message, "x509: invalid DSA parameters");
    const p = params.integerBytes() catch return fail(message, "x509: invalid DSA parameters");
    const q = params.integerBytes() catch return fail(message, "x509: invalid DSA parameters");
    const g = params.integerBytes() catch return fail(message, "x509: invalid DSA parameters");
    for ([_][]const u8{ y, p, q, g }) |v| if (!positive(v)) return fail(message, "x509: zero or negative DSA parameter");
    return .{ .dsa = .{ .p = der.trimLeadingZeros(p), .q = der.trimLeadingZeros(q), .g = der.trimLeadingZeros(g), .y = der.trimLeadingZeros(y) } };
}

/// Go's ecdsa.ParseUncompressedPublicKey.
fn uncompressedPoint(curve: ecdsa.Curve, data: []const u8, message: Message) Error!ecdsa.PublicKey {
    const len = curve.byteLength();
    if (data.len != 1 + 2 * len or data[0] != 4) return fail(message, "ecdsa: invalid public key encoding");
    const x = data[1..][0..len];
    const y = data[1 + len ..][0..len];
    if (!ecdsa.validPoint(curve, x, y)) return fail(message, "ecdsa: invalid public key");
    return .{ .curve = curve, .x = x, .y = y };
}

/// Go's ParsePKCS1PrivateKey (without its key validation, which our
/// signing repeats by checking each signature).
pub fn parsePkcs1Private(allocator: Allocator, bytes: []const u8, message: Message) Error!rsa.PrivateKey {
    return parsePkcs1PrivateInner(allocator, bytes) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.Malformed => {
            if (looksLikeEcPrivate(bytes)) return fail(message, "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)");
            if (looksLikePkcs8(bytes)) return fail(message, "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
            return fail(message, "asn1: structure error: malformed PKCS #1 private key");
        },
        error.Version => fail(message, "x509: unsupported private key version"),
        error.NotPositive => fail(message, "x509: private key contains zero or negative value"),
    };
}

fn parsePkcs1PrivateInner(allocator: Allocator, bytes: []const u8) (der.Error || Allocator.Error || error{ Version, NotPositive })!rsa.PrivateKey {
    var outer = der.Reader.init(bytes);
    var seq = try outer.sequence();
    if (!outer.empty()) return error.Malformed;
    const version = try seq.int();
    const n = try seq.integerBytes();
    const e = try seq.integerBytes();
    const d = try seq.integerBytes();
    const p = try seq.integerBytes();
    const q = try seq.integerBytes();
    const dp = try seq.integerBytes();
    const dq = try seq.integerBytes();
    const qinv = try seq.integerBytes();
    var primes: std.ArrayList([]const u8) = .empty;
    try primes.appendSlice(allocator, &.{ der.trimLeadingZeros(p), der.trimLeadingZeros(q) });
    if (!seq.empty()) {
        // OtherPrimeInfos: SEQUENCE OF { prime, exponent, coefficient }.
        var others = try seq.sequence();
        while (!others.empty()) {
            var info = try others.sequence();
            const prime = try info.integerBytes();
            _ = try info.integerBytes();
            _ = try info.integerBytes();
            if (!positive(prime)) return error.NotPositive;
            try primes.append(allocator, der.trimLeadingZeros(prime));
        }
    }
    if (!seq.empty()) return error.Malformed;
    if (version < 0 or version > 1) return error.Version;
    for ([_][]const u8{ n, d, p, q, dp, dq, qinv }) |v| if (!positive(v)) return error.NotPositive;
    if (e.len > 8) return error.Malformed;
    return .{
        .public = .{ .n = der.trimLeadingZeros(n), .e = der.trimLeadingZeros(e) },
        .d = der.trimLeadingZeros(d),
        .primes = primes.items,
        .dp = der.trimLeadingZeros(dp),
        .dq = der.trimLeadingZeros(dq),
        .qinv = der.trimLeadingZeros(qinv),
    };
}

fn positive(integer: []const u8) bool {
    return integer[0] & 0x80 == 0 and der.trimLeadingZeros(integer).len > 0;
}

/// Go's ParsePKCS8PrivateKey.
pub fn parsePkcs8Private(allocator: Allocator, bytes: []const u8, message: Message) Error!PrivateKey {
    const parts = readPkcs8(bytes) catch {
        if (looksLikeEcPrivate(bytes)) return fail(message, "x509: failed to parse private key (use ParseECPrivateKey instead for this key format)");
        if (looksLikePkcs1(bytes)) return fail(message, "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
        return fail(message, "asn1: structure error: malformed PKCS #8 private key");
    };
    const oid = parts.algorithm;
    if (std.mem.eql(u8, oid, der.oids.rsa_encryption)) {
        var inner: []const u8 = undefined;
        const key = parsePkcs1Private(allocator, parts.key, &inner) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Invalid => return fail(message, try concat(allocator, "x509: failed to parse RSA private key embedded in PKCS#8: ", inner)),
        };
        return .{ .rsa = key };
    }
    if (std.mem.eql(u8, oid, der.oids.ec_public_key)) {
        var params = der.Reader.init(parts.parameters);
        const curve_oid: ?[]const u8 = params.oid() catch null;
        var inner: []const u8 = undefined;
        const key = parseEcPrivate(allocator, curve_oid, parts.key, &inner) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Invalid => return fail(message, try concat(allocator, "x509: failed to parse EC private key embedded in PKCS#8: ", inner)),
        };
        return .{ .ecdsa = key };
    }
    if (std.mem.eql(u8, oid, der.oids.ed25519)) {
        if (parts.parameters.len != 0) return fail(message, "x509: invalid Ed25519 private key parameters");
        var r = der.Reader.init(parts.key);
        const seed = r.octetString() catch return fail(message, "x509: invalid Ed25519 private key: asn1: structure error");
        if (seed.len != 32) return fail(message, try std.fmt.allocPrint(allocator, "x509: invalid Ed25519 private key length: {d}", .{seed.len}));
        const pair = Ed25519.KeyPair.generateDeterministic(seed[0..32].*) catch return fail(message, "x509: invalid Ed25519 private key");
        return .{ .ed25519 = .{ .seed = seed[0..32].*, .public = pair.public_key.toBytes() } };
    }
    if (std.mem.eql(u8, oid, der.oids.x25519)) {
        if (parts.parameters.len != 0) return fail(message, "x509: invalid X25519 private key parameters");
        var r = der.Reader.init(parts.key);
        const scalar = r.octetString() catch return fail(message, "x509: invalid X25519 private key: asn1: structure error");
        if (scalar.len != 32) return fail(message, "crypto/ecdh: invalid private key size");
        return .{ .x25519 = scalar[0..32].* };
    }
    return fail(message, try std.fmt.allocPrint(allocator, "x509: PKCS#8 wrapping contained private key with unknown algorithm: {f}", .{OidText{ .encoded = oid }}));
}

const Pkcs8Parts = struct { algorithm: []const u8, parameters: []const u8, key: []const u8 };

fn readPkcs8(bytes: []const u8) der.Error!Pkcs8Parts {
    var outer = der.Reader.init(bytes);
    var seq = try outer.sequence();
    _ = try seq.int();
    var algorithm = try seq.sequence();
    const oid = try algorithm.oid();
    const parameters: []const u8 = if (algorithm.empty()) "" else (try algorithm.next()).raw;
    const key = try seq.octetString();
    // Optional attributes [0] and public key [1] (PKCS #8 v2) are ignored.
    return .{ .algorithm = oid, .parameters = parameters, .key = key };
}

/// Go's parseECPrivateKey (SEC 1 "EC PRIVATE KEY"); `curve_oid` from a
/// PKCS #8 wrapper takes precedence over the embedded parameters.
pub fn parseEcPrivate(allocator: Allocator, curve_oid: ?[]const u8, bytes: []const u8, message: Message) Error!ecdsa.PrivateKey {
    const parts = readEcPrivate(bytes) catch {
        if (looksLikePkcs8(bytes)) return fail(message, "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)");
        if (looksLikePkcs1(bytes)) return fail(message, "x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)");
        return fail(message, "x509: failed to parse EC private key: asn1: structure error");
    };
    if (parts.version != 1) return fail(message, try std.fmt.allocPrint(allocator, "x509: unknown EC private key version {d}", .{parts.version}));
    const oid = curve_oid orelse parts.curve_oid orelse return fail(message, "x509: unknown elliptic curve");
    const curve = ecdsa.Curve.fromOid(oid) orelse return fail(message, "x509: unknown elliptic curve");
    const len = curve.byteLength();
    var scalar = parts.private_key;
    while (scalar.len > len) {
        if (scalar[0] != 0) return fail(message, "x509: invalid private key length");
        scalar = scalar[1..];
    }
    const d = try allocator.alloc(u8, len);
    @memset(d, 0);
    @memcpy(d[len - scalar.len ..], scalar);
    const public = try ecdsa.publicFromPrivate(allocator, curve, d) orelse return fail(message, "crypto/ecdsa: invalid private key");
    return .{ .public = public, .d = d };
}

const EcParts = struct { version: i64, private_key: []const u8, curve_oid: ?[]const u8 };

fn readEcPrivate(bytes: []const u8) der.Error!EcParts {
    var outer = der.Reader.init(bytes);
    var seq = try outer.sequence();
    const version = try seq.int();
    const private_key = try seq.octetString();
    var curve_oid: ?[]const u8 = null;
    if (try seq.optional(der.tag.contextConstructed(0))) |params| {
        var r = der.Reader.init(params.content);
        curve_oid = try r.oid();
    }
    if (try seq.optional(der.tag.contextConstructed(1))) |public| {
        var r = der.Reader.init(public.content);
        _ = try r.bitString();
    }
    return .{ .version = version, .private_key = private_key, .curve_oid = curve_oid };
}

fn looksLikeEcPrivate(bytes: []const u8) bool {
    const parts = readEcPrivate(bytes) catch return false;
    _ = parts;
    return true;
}

fn looksLikePkcs8(bytes: []const u8) bool {
    _ = readPkcs8(bytes) catch return false;
    return true;
}

fn looksLikePkcs1(bytes: []const u8) bool {
    var outer = der.Reader.init(bytes);
    var seq = outer.sequence() catch return false;
    for (0..9) |_| _ = seq.integerBytes() catch return false;
    return true;
}

fn concat(allocator: Allocator, a: []const u8, b: []const u8) Allocator.Error![]const u8 {
    return std.mem.concat(allocator, u8, &.{ a, b });
}

/// Dotted text of an encoded OID (Go's ObjectIdentifier.String).
pub const OidText = struct {
    encoded: []const u8,

    pub fn format(self: OidText, w: *std.Io.Writer) std.Io.Writer.Error!void {
        var arcs: [64]u32 = undefined;
        const got = der.oidArcs(self.encoded, &arcs) catch return w.writeAll("?");
        for (got, 0..) |arc, i| {
            if (i > 0) try w.writeByte('.');
            try w.print("{d}", .{arc});
        }
    }
};

const testing = std.testing;

test "parses an Ed25519 PKIX public key" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var message: []const u8 = "";
    // MCowBQYDK2VwAyEAwmK6SSAu2E9V7uynkCKEaj5nZJyTvNG4x0KohsRzLpg=
    const bytes = "\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00" ++ "\xc2\x62\xba\x49\x20\x2e\xd8\x4f\x55\xee\xec\xa7\x90\x22\x84\x6a\x3e\x67\x64\x9c\x93\xbc\xd1\xb8\xc7\x42\xa8\x86\xc4\x73\x2e\x98";
    const key = try parsePkix(arena.allocator(), bytes, &message);
    try testing.expectEqual(@as(u8, 0xc2), key.ed25519[0]);
    try testing.expectError(error.Invalid, parsePkix(arena.allocator(), bytes[0..20], &message));
    try testing.expectError(error.Invalid, parsePkix(arena.allocator(), bytes ++ "\x00", &message));
    try testing.expectEqualStrings("x509: trailing data after ASN.1 of public-key", message);
}
