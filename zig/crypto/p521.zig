//! NIST P-521 (secp521r1), which std.crypto lacks but JWS ES512 needs.
//!
//! Field and scalar arithmetic are std.crypto.ff's constant-time modular
//! operations; points use projective coordinates with the complete addition
//! formula of Renes, Costello and Batina (2016, algorithm 4, a = -3), which
//! has no exceptional cases, so scalar multiplication is a uniform
//! Montgomery ladder with constant-time swaps.
const std = @import("std");
const ff = std.crypto.ff;

const FieldModulus = ff.Modulus(521);
const Fe = FieldModulus.Fe;

pub const byte_length = 66;

const p_bytes = [_]u8{0x01} ++ [_]u8{0xff} ** 65;
const n_bytes = hex("01ff" ++ "ff" ** 28 ++ "fffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409");
const b_bytes = hex("0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00");
const gx_bytes = hex("00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66");
const gy_bytes = hex("011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650");

fn hex(comptime text: []const u8) [byte_length]u8 {
    var out: [byte_length]u8 = undefined;
    _ = std.fmt.hexToBytes(&out, text) catch unreachable;
    return out;
}

/// The field and the group order, built once per operation (cheap).
const Context = struct {
    f: FieldModulus,
    n: FieldModulus,
    b: Fe,

    fn init() Context {
        const f = FieldModulus.fromBytes(&p_bytes, .big) catch unreachable; // Constant, odd.
        const n = FieldModulus.fromBytes(&n_bytes, .big) catch unreachable; // Constant, odd.
        return .{ .f = f, .n = n, .b = Fe.fromBytes(f, &b_bytes, .big) catch unreachable };
    }

    fn generator(c: Context) Point {
        return .{
            .x = Fe.fromBytes(c.f, &gx_bytes, .big) catch unreachable,
            .y = Fe.fromBytes(c.f, &gy_bytes, .big) catch unreachable,
            .z = c.f.one(),
        };
    }

    fn identity(c: Context) Point {
        return .{ .x = c.f.zero, .y = c.f.one(), .z = c.f.zero };
    }

    /// Complete addition; also doubles (P + P) and handles the identity.
    fn add(c: Context, p: Point, q: Point) Point {
        const f = c.f;
        var t0 = f.mul(p.x, q.x);
        var t1 = f.mul(p.y, q.y);
        var t2 = f.mul(p.z, q.z);
        var t3 = f.add(p.x, p.y);
        var t4 = f.add(q.x, q.y);
        t3 = f.mul(t3, t4);
        t4 = f.add(t0, t1);
        t3 = f.sub(t3, t4);
        t4 = f.add(p.y, p.z);
        var x3 = f.add(q.y, q.z);
        t4 = f.mul(t4, x3);
        x3 = f.add(t1, t2);
        t4 = f.sub(t4, x3);
        x3 = f.add(p.x, p.z);
        var y3 = f.add(q.x, q.z);
        x3 = f.mul(x3, y3);
        y3 = f.add(t0, t2);
        y3 = f.sub(x3, y3);
        var z3 = f.mul(c.b, t2);
        x3 = f.sub(y3, z3);
        z3 = f.add(x3, x3);
        x3 = f.add(x3, z3);
        z3 = f.sub(t1, x3);
        x3 = f.add(t1, x3);
        y3 = f.mul(c.b, y3);
        t1 = f.add(t2, t2);
        t2 = f.add(t1, t2);
        y3 = f.sub(y3, t2);
        y3 = f.sub(y3, t0);
        t1 = f.add(y3, y3);
        y3 = f.add(t1, y3);
        t1 = f.add(t0, t0);
        t0 = f.add(t1, t0);
        t0 = f.sub(t0, t2);
        t1 = f.mul(t4, y3);
        t2 = f.mul(t0, y3);
        y3 = f.mul(x3, z3);
        y3 = f.add(y3, t2);
        x3 = f.mul(t3, x3);
        x3 = f.sub(x3, t1);
        z3 = f.mul(t4, z3);
        t1 = f.mul(t3, t0);
        z3 = f.add(z3, t1);
        return .{ .x = x3, .y = y3, .z = z3 };
    }

    /// k·P for a big-endian scalar of any length, by a Montgomery ladder
    /// whose sequence of operations does not depend on k.
    fn mul(c: Context, point: Point, k: []const u8) Point {
        var r0 = c.identity();
        var r1 = point;
        for (k) |byte| {
            var bit: u4 = 8;
            while (bit > 0) {
                bit -= 1;
                const set = (byte >> @intCast(bit)) & 1 == 1;
                cswap(&r0, &r1, set);
                r1 = c.add(r0, r1);
                r0 = c.add(r0, r0);
                cswap(&r0, &r1, set);
            }
        }
        return r0;
    }

    /// Affine x coordinate, or null for the identity.
    fn affineX(c: Context, point: Point) ?Fe {
        if (point.z.isZero()) return null;
        const z_inv = invert(c.f, point.z, &p_bytes);
        return c.f.mul(point.x, z_inv);
    }

    fn onCurve(c: Context, x: Fe, y: Fe) bool {
        const f = c.f;
        const x3 = f.mul(f.mul(x, x), x);
        const three_x = f.add(f.add(x, x), x);
        const rhs = f.add(f.sub(x3, three_x), c.b);
        return f.mul(y, y).eql(rhs);
    }
};

const Point = struct { x: Fe, y: Fe, z: Fe };

/// x^(m-2) mod m: the inverse for a prime modulus, constant-time in x.
fn invert(m: FieldModulus, x: Fe, modulus_bytes: *const [byte_length]u8) Fe {
    var e = modulus_bytes.*;
    // m is odd and > 2, so subtracting 2 never borrows past the last byte.
    if (e[byte_length - 1] >= 2) {
        e[byte_length - 1] -= 2;
    } else {
        e[byte_length - 1] +%= 254;
        var i: usize = byte_length - 1;
        while (i > 0) {
            i -= 1;
            if (e[i] != 0) {
                e[i] -= 1;
                break;
            }
            e[i] = 0xff;
        }
    }
    return m.powWithEncodedExponent(x, &e, .big) catch unreachable; // e > 0.
}

fn cswap(a: *Point, b: *Point, swap: bool) void {
    cswapFe(&a.x, &b.x, swap);
    cswapFe(&a.y, &b.y, swap);
    cswapFe(&a.z, &b.z, swap);
}

fn cswapFe(a: *Fe, b: *Fe, swap: bool) void {
    const Limb = @TypeOf(a.v.limbs_buffer[0]);
    const mask: Limb = @as(Limb, 0) -% @intFromBool(swap);
    for (&a.v.limbs_buffer, &b.v.limbs_buffer) |*x, *y| {
        const t = (x.* ^ y.*) & mask;
        x.* ^= t;
        y.* ^= t;
    }
}

/// Whether (x, y) (big-endian, `byte_length` bytes each) is a point of the
/// curve with coordinates below p: Go's elliptic point validation.
pub fn validPoint(x: []const u8, y: []const u8) bool {
    if (x.len != byte_length or y.len != byte_length) return false;
    const c = Context.init();
    const fx = Fe.fromBytes(c.f, x, .big) catch return false;
    const fy = Fe.fromBytes(c.f, y, .big) catch return false;
    return c.onCurve(fx, fy);
}

/// The public point of a private scalar, if the scalar is in [1, n-1].
pub fn publicPoint(d: []const u8, x_out: *[byte_length]u8, y_out: *[byte_length]u8) bool {
    const c = Context.init();
    const scalar = scalarFromBytes(c.n, d) orelse return false;
    if (scalar.isZero()) return false;
    const q = c.mul(c.generator(), d);
    const z_inv = invert(c.f, q.z, &p_bytes);
    (c.f.mul(q.x, z_inv)).toBytes(x_out, .big) catch return false;
    (c.f.mul(q.y, z_inv)).toBytes(y_out, .big) catch return false;
    return true;
}

fn scalarFromBytes(n: FieldModulus, bytes: []const u8) ?Fe {
    var i: usize = 0;
    while (i < bytes.len and bytes[i] == 0) i += 1;
    const trimmed = bytes[i..];
    if (trimmed.len > byte_length) return null;
    return Fe.fromBytes(n, trimmed, .big) catch null;
}

/// Go's hashToNat for a 521-bit order: the leftmost 521 bits of the digest,
/// reduced mod n.
fn digestScalar(c: Context, digest: []const u8) Fe {
    var buffer: [byte_length]u8 = [_]u8{0} ** byte_length;
    if (digest.len <= byte_length) {
        @memcpy(buffer[byte_length - digest.len ..], digest);
    } else {
        @memcpy(&buffer, digest[0..byte_length]);
        // Keep 521 of the 528 bits read: shift right by 7.
        var carry: u8 = 0;
        for (&buffer) |*byte| {
            const next_carry = byte.* << 1;
            byte.* = (byte.* >> 7) | carry;
            carry = next_carry;
        }
    }
    const wide = ff.Uint(528).fromBytes(&buffer, .big) catch unreachable; // 66 bytes fit 528 bits.
    return c.n.reduce(wide);
}

/// ECDSA verification (Go's ecdsa.Verify): r and s big-endian, any length.
pub fn verify(x: []const u8, y: []const u8, digest: []const u8, r_bytes: []const u8, s_bytes: []const u8) bool {
    if (!validPoint(x, y)) return false;
    const c = Context.init();
    const r = scalarFromBytes(c.n, r_bytes) orelse return false;
    const s = scalarFromBytes(c.n, s_bytes) orelse return false;
    if (r.isZero() or s.isZero()) return false;
    const e = digestScalar(c, digest);
    const w = invert(c.n, s, &n_bytes);
    var u_1: [byte_length]u8 = undefined;
    var u_2: [byte_length]u8 = undefined;
    c.n.mul(e, w).toBytes(&u_1, .big) catch return false;
    c.n.mul(r, w).toBytes(&u_2, .big) catch return false;
    const q: Point = .{
        .x = Fe.fromBytes(c.f, x, .big) catch return false,
        .y = Fe.fromBytes(c.f, y, .big) catch return false,
        .z = c.f.one(),
    };
    const sum = c.add(c.mul(c.generator(), &u_1), c.mul(q, &u_2));
    const sum_x = c.affineX(sum) orelse return false;
    var sum_x_bytes: [byte_length]u8 = undefined;
    sum_x.toBytes(&sum_x_bytes, .big) catch return false;
    // x mod n: x < p < 2n, so at most one subtraction, done by reduce.
    const wide = ff.Uint(528).fromBytes(&sum_x_bytes, .big) catch return false;
    const v = c.n.reduce(wide);
    return v.eql(r);
}

/// ECDSA signing with a random nonce; r || s, each `byte_length` bytes.
pub fn sign(d: []const u8, digest: []const u8) ?[2 * byte_length]u8 {
    const c = Context.init();
    const priv = scalarFromBytes(c.n, d) orelse return null;
    if (priv.isZero()) return null;
    const e = digestScalar(c, digest);
    var attempts: usize = 0;
    while (attempts < 8) : (attempts += 1) {
        // A uniform nonce: 64 extra bits make the bias of reducing negligible.
        var random: [byte_length + 8]u8 = undefined;
        std.crypto.random.bytes(&random);
        random[0] = 0;
        const wide = ff.Uint(600).fromBytes(&random, .big) catch continue;
        const k = c.n.reduce(wide);
        if (k.isZero()) continue;
        var k_bytes: [byte_length]u8 = undefined;
        k.toBytes(&k_bytes, .big) catch continue;
        const point = c.mul(c.generator(), &k_bytes);
        const px = c.affineX(point) orelse continue;
        var px_bytes: [byte_length]u8 = undefined;
        px.toBytes(&px_bytes, .big) catch continue;
        const px_wide = ff.Uint(528).fromBytes(&px_bytes, .big) catch continue;
        const r = c.n.reduce(px_wide);
        if (r.isZero()) continue;
        const k_inv = invert(c.n, k, &n_bytes);
        const s = c.n.mul(k_inv, c.n.add(e, c.n.mul(r, priv)));
        if (s.isZero()) continue;
        var out: [2 * byte_length]u8 = undefined;
        r.toBytes(out[0..byte_length], .big) catch continue;
        s.toBytes(out[byte_length..], .big) catch continue;
        return out;
    }
    return null;
}

const testing = std.testing;

test "the generator is on the curve and 2G matches" {
    const c = Context.init();
    const g = c.generator();
    try testing.expect(c.onCurve(g.x, g.y));
    const two_g = c.add(g, g);
    var x: [byte_length]u8 = undefined;
    (c.affineX(two_g).?).toBytes(&x, .big) catch unreachable;
    const want = hex("00433c219024277e7e682fcb288148c282747403279b1ccc06352c6e5505d769be97b3b204da6ef55507aa104a3a35c5af41cf2fa364d60fd967f43e3933ba6d783d");
    try testing.expectEqualSlices(u8, &want, &x);
    // n·G is the identity.
    try testing.expect(c.affineX(c.mul(g, &n_bytes)) == null);
}

test "signatures verify and tampering is detected" {
    const d = hex("00aa" ++ "11" ** 64);
    var x: [byte_length]u8 = undefined;
    var y: [byte_length]u8 = undefined;
    try testing.expect(publicPoint(&d, &x, &y));
    try testing.expect(validPoint(&x, &y));
    const digest = [_]u8{0x42} ** 64;
    const sig = sign(&d, &digest).?;
    try testing.expect(verify(&x, &y, &digest, sig[0..byte_length], sig[byte_length..]));
    var bad = digest;
    bad[0] ^= 1;
    try testing.expect(!verify(&x, &y, &bad, sig[0..byte_length], sig[byte_length..]));
    try testing.expect(!verify(&x, &y, &digest, "", sig[byte_length..]));
}
