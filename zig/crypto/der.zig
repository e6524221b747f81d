//! A strict ASN.1 DER reader over untrusted bytes, in the spirit of Go's
//! x/crypto/cryptobyte that crypto/x509 parses with: definite minimal
//! lengths, single-byte tags only, and every read bounds-checked. Errors are
//! a single `error.Malformed`; callers word them as Go does.
const std = @import("std");

pub const Error = error{Malformed};

pub const Class = enum(u2) { universal = 0, application = 1, context = 2, private = 3 };

/// Universal tag numbers used by X.509 and the key formats.
pub const tag = struct {
    pub const boolean: u8 = 0x01;
    pub const integer: u8 = 0x02;
    pub const bit_string: u8 = 0x03;
    pub const octet_string: u8 = 0x04;
    pub const null_: u8 = 0x05;
    pub const oid: u8 = 0x06;
    pub const enumerated: u8 = 0x0a;
    pub const utf8_string: u8 = 0x0c;
    pub const printable_string: u8 = 0x13;
    pub const t61_string: u8 = 0x14;
    pub const ia5_string: u8 = 0x16;
    pub const utc_time: u8 = 0x17;
    pub const generalized_time: u8 = 0x18;
    pub const bmp_string: u8 = 0x1e;
    pub const sequence: u8 = 0x30;
    pub const set: u8 = 0x31;

    /// [n] EXPLICIT / constructed context-specific.
    pub fn contextConstructed(n: u5) u8 {
        return 0xa0 | @as(u8, n);
    }

    /// [n] IMPLICIT primitive context-specific.
    pub fn contextPrimitive(n: u5) u8 {
        return 0x80 | @as(u8, n);
    }
};

pub const Element = struct {
    tag: u8,
    /// The content octets.
    content: []const u8,
    /// The whole encoding: tag, length and content.
    raw: []const u8,
};

/// Reads consecutive elements from a byte string.
pub const Reader = struct {
    bytes: []const u8,
    pos: usize = 0,

    pub fn init(bytes: []const u8) Reader {
        return .{ .bytes = bytes };
    }

    pub fn empty(r: *const Reader) bool {
        return r.pos == r.bytes.len;
    }

    pub fn rest(r: *const Reader) []const u8 {
        return r.bytes[r.pos..];
    }

    /// The tag of the next element, if any.
    pub fn peekTag(r: *const Reader) ?u8 {
        if (r.empty()) return null;
        return r.bytes[r.pos];
    }

    pub fn next(r: *Reader) Error!Element {
        const bytes = r.bytes[r.pos..];
        if (bytes.len < 2) return error.Malformed;
        const t = bytes[0];
        // High tag numbers (0x1f) never occur in the structures we read.
        if (t & 0x1f == 0x1f) return error.Malformed;
        var header: usize = 2;
        var length: usize = bytes[1];
        if (length & 0x80 != 0) {
            const count = length & 0x7f;
            // Indefinite lengths are BER, not DER; over 4 bytes is absurd here.
            if (count == 0 or count > 4) return error.Malformed;
            if (bytes.len < 2 + count) return error.Malformed;
            length = 0;
            for (bytes[2..][0..count]) |b| length = (length << 8) | b;
            // DER: minimal length encoding.
            if (length < 0x80 or bytes[2] == 0) return error.Malformed;
            header += count;
        }
        if (length > bytes.len - header) return error.Malformed;
        r.pos += header + length;
        return .{ .tag = t, .content = bytes[header..][0..length], .raw = bytes[0 .. header + length] };
    }

    /// The next element, which must have tag `expected`.
    pub fn expect(r: *Reader, expected: u8) Error!Element {
        const e = try r.next();
        if (e.tag != expected) return error.Malformed;
        return e;
    }

    /// The next element if it has tag `t`, else null (nothing consumed).
    pub fn optional(r: *Reader, t: u8) Error!?Element {
        if (r.peekTag() != t) return null;
        return try r.next();
    }

    /// A reader over the content of the next element of tag `t`.
    pub fn enter(r: *Reader, t: u8) Error!Reader {
        return Reader.init((try r.expect(t)).content);
    }

    pub fn sequence(r: *Reader) Error!Reader {
        return r.enter(tag.sequence);
    }

    /// An INTEGER's content bytes, checked to be minimally encoded.
    pub fn integerBytes(r: *Reader) Error![]const u8 {
        const e = try r.expect(tag.integer);
        try checkInteger(e.content);
        return e.content;
    }

    /// A non-negative INTEGER as big-endian magnitude without leading zeros
    /// (empty for zero).
    pub fn unsignedBytes(r: *Reader) Error![]const u8 {
        const content = try r.integerBytes();
        if (content[0] & 0x80 != 0) return error.Malformed;
        return trimLeadingZeros(content);
    }

    /// A small INTEGER (fits i64).
    pub fn int(r: *Reader) Error!i64 {
        return integerToI64(try r.integerBytes());
    }

    pub fn boolean(r: *Reader) Error!bool {
        const e = try r.expect(tag.boolean);
        if (e.content.len != 1) return error.Malformed;
        return switch (e.content[0]) {
            0x00 => false,
            0xff => true,
            else => error.Malformed,
        };
    }

    pub fn oid(r: *Reader) Error![]const u8 {
        const e = try r.expect(tag.oid);
        try checkOid(e.content);
        return e.content;
    }

    /// A BIT STRING's bytes; `unused_bits` must be zero unless allowed.
    pub fn bitString(r: *Reader) Error!BitString {
        return parseBitString((try r.expect(tag.bit_string)).content);
    }

    pub fn octetString(r: *Reader) Error![]const u8 {
        return (try r.expect(tag.octet_string)).content;
    }
};

pub const BitString = struct {
    bytes: []const u8,
    unused_bits: u3,
};

pub fn parseBitString(content: []const u8) Error!BitString {
    if (content.len == 0) return error.Malformed;
    const unused = content[0];
    if (unused > 7) return error.Malformed;
    if (content.len == 1 and unused != 0) return error.Malformed;
    // DER: the unused bits are zero.
    if (content.len > 1 and content[content.len - 1] & ((@as(u8, 1) << @intCast(unused)) - 1) != 0) return error.Malformed;
    return .{ .bytes = content[1..], .unused_bits = @intCast(unused) };
}

pub fn checkInteger(content: []const u8) Error!void {
    if (content.len == 0) return error.Malformed;
    if (content.len > 1) {
        // Not minimal: a redundant leading 0x00 or 0xff.
        if (content[0] == 0x00 and content[1] & 0x80 == 0) return error.Malformed;
        if (content[0] == 0xff and content[1] & 0x80 != 0) return error.Malformed;
    }
}

pub fn integerToI64(content: []const u8) Error!i64 {
    if (content.len > 8) return error.Malformed;
    var v: i64 = if (content[0] & 0x80 != 0) -1 else 0;
    for (content) |b| v = (v << 8) | b;
    return v;
}

pub fn trimLeadingZeros(bytes: []const u8) []const u8 {
    var i: usize = 0;
    while (i < bytes.len and bytes[i] == 0) i += 1;
    return bytes[i..];
}

/// Validates an OID's encoding: base-128 arcs, no leading 0x80 bytes, last
/// byte terminates.
pub fn checkOid(content: []const u8) Error!void {
    if (content.len == 0) return error.Malformed;
    if (content[content.len - 1] & 0x80 != 0) return error.Malformed;
    var start = true;
    for (content) |b| {
        if (start and b == 0x80) return error.Malformed;
        start = b & 0x80 == 0;
    }
}

/// Decodes an OID's arcs into `out` (Go's asn1.ObjectIdentifier); arcs past
/// 31 bits make it malformed, as in Go.
pub fn oidArcs(content: []const u8, out: []u32) Error![]u32 {
    var n: usize = 0;
    var value: u64 = 0;
    for (content) |b| {
        value = (value << 7) | (b & 0x7f);
        if (value > std.math.maxInt(i32)) return error.Malformed;
        if (b & 0x80 != 0) continue;
        if (n == 0) {
            if (out.len < 2) return error.Malformed;
            if (value < 80) {
                out[0] = @intCast(value / 40);
                out[1] = @intCast(value % 40);
            } else {
                out[0] = 2;
                out[1] = @intCast(value - 80);
            }
            n = 2;
        } else {
            if (n == out.len) return error.Malformed;
            out[n] = @intCast(value);
            n += 1;
        }
        value = 0;
    }
    return out[0..n];
}

/// Encoded OIDs (content octets) used by the key and certificate parsers.
pub const oids = struct {
    pub const rsa_encryption = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01";
    pub const rsassa_pss = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0a";
    pub const ec_public_key = "\x2a\x86\x48\xce\x3d\x02\x01";
    pub const ed25519 = "\x2b\x65\x70";
    pub const x25519 = "\x2b\x65\x6e";
    pub const dsa = "\x2a\x86\x48\xce\x38\x04\x01";
    pub const p224 = "\x2b\x81\x04\x00\x21";
    pub const p256 = "\x2a\x86\x48\xce\x3d\x03\x01\x07";
    pub const p384 = "\x2b\x81\x04\x00\x22";
    pub const p521 = "\x2b\x81\x04\x00\x23";
};

const testing = std.testing;

test "reads nested elements and rejects non-minimal encodings" {
    var r = Reader.init("\x30\x06\x02\x01\x05\x01\x01\xff");
    var seq = try r.sequence();
    try testing.expectEqual(@as(i64, 5), try seq.int());
    try testing.expect(try seq.boolean());
    try testing.expect(seq.empty());
    try testing.expect(r.empty());

    var bad_len = Reader.init("\x02\x81\x01\x05");
    try testing.expectError(error.Malformed, bad_len.next());
    var bad_int = Reader.init("\x02\x02\x00\x05");
    try testing.expectError(error.Malformed, bad_int.integerBytes());
    var short = Reader.init("\x30\x05\x02\x01");
    try testing.expectError(error.Malformed, short.next());
}

test "decodes object identifiers" {
    var arcs: [16]u32 = undefined;
    const got = try oidArcs(oids.rsa_encryption, &arcs);
    try testing.expectEqualSlices(u32, &.{ 1, 2, 840, 113549, 1, 1, 1 }, got);
    try testing.expectError(error.Malformed, checkOid("\x80\x01"));
}
