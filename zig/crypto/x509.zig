//! X.509 certificates, parsed as Go's crypto/x509 ParseCertificate parses
//! them (x509/parser.go): the same structure checks in the same order, so
//! the same inputs fail with the same messages.
const std = @import("std");
const Allocator = std.mem.Allocator;
const der = @import("der.zig");
const keys = @import("keys.zig");

pub const Message = keys.Message;
pub const Error = keys.Error;

pub const Certificate = struct {
    raw: []const u8,
    raw_tbs: []const u8,
    /// 1-based, as Go reports it.
    version: i64,
    /// Big-endian two's complement content of the serial INTEGER.
    serial: []const u8,
    signature_algorithm: []const u8,
    signature_parameters: []const u8,
    raw_issuer: []const u8,
    not_before: Time,
    not_after: Time,
    raw_subject: []const u8,
    raw_spki: []const u8,
    public_key_algorithm: []const u8,
    /// Null when Go leaves it nil (an unknown public key algorithm).
    public_key: ?keys.PublicKey,
    extensions: []const Extension,
    signature: []const u8,
};

pub const Extension = struct {
    /// Encoded OID.
    id: []const u8,
    critical: bool,
    value: []const u8,
};

/// A parsed UTCTime or GeneralizedTime: civil time plus UTC offset.
pub const Time = struct {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// Offset from UTC in minutes ("Z" is 0).
    offset_minutes: i16,
};

/// Go's ParseCertificate: exactly one certificate.
pub fn parse(allocator: Allocator, bytes: []const u8, message: Message) Error!Certificate {
    const cert = try parseFirst(allocator, bytes, message);
    if (cert.raw.len != bytes.len) return fail(message, "x509: trailing data");
    return cert;
}

/// Go's ParseCertificates: concatenated DER certificates.
pub fn parseAll(allocator: Allocator, bytes: []const u8, message: Message) Error![]Certificate {
    var certs: std.ArrayList(Certificate) = .empty;
    var rest = bytes;
    while (rest.len > 0) {
        const cert = try parseFirst(allocator, rest, message);
        try certs.append(allocator, cert);
        rest = rest[cert.raw.len..];
    }
    return certs.items;
}

/// Go's parseCertificate: the certificate at the start of `bytes`.
fn parseFirst(allocator: Allocator, bytes: []const u8, message: Message) Error!Certificate {
    var input = der.Reader.init(bytes);
    const whole = input.next() catch return fail(message, "x509: malformed certificate");
    if (whole.tag != der.tag.sequence) return fail(message, "x509: malformed certificate");
    var cert_seq = der.Reader.init(whole.content);

    const tbs_element = cert_seq.next() catch return fail(message, "x509: malformed tbs certificate");
    if (tbs_element.tag != der.tag.sequence) return fail(message, "x509: malformed tbs certificate");
    var tbs = der.Reader.init(tbs_element.content);

    var version: i64 = 0;
    if (tbs.peekTag() == der.tag.contextConstructed(0)) {
        const explicit = tbs.next() catch return fail(message, "x509: malformed version");
        var inner = der.Reader.init(explicit.content);
        version = inner.int() catch return fail(message, "x509: malformed version");
        if (!inner.empty()) return fail(message, "x509: malformed version");
    }
    if (version < 0) return fail(message, "x509: malformed version");
    version += 1;
    if (version > 3) return fail(message, "x509: invalid version");

    const serial = tbs.integerBytes() catch return fail(message, "x509: malformed serial number");
    if (serial[0] & 0x80 != 0) return fail(message, "x509: negative serial number");

    const sig_ai = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed signature algorithm identifier");
    const outer_ai = cert_seq.expect(der.tag.sequence) catch return fail(message, "x509: malformed algorithm identifier");
    if (!std.mem.eql(u8, outer_ai.content, sig_ai.content)) return fail(message, "x509: inner and outer signature algorithm identifiers don't match");
    const ai = try parseAlgorithmIdentifier(sig_ai.content, message);

    const issuer = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed issuer");
    try checkName(issuer.raw, message);

    var validity = tbs.sequence() catch return fail(message, "x509: malformed validity");
    const not_before = try parseTime(&validity, message);
    const not_after = try parseTime(&validity, message);

    const subject = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed issuer");
    try checkName(subject.raw, message);

    const spki = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed spki");
    var spki_reader = der.Reader.init(spki.content);
    const pk_ai_element = spki_reader.expect(der.tag.sequence) catch return fail(message, "x509: malformed public key algorithm identifier");
    const pk_ai = try parseAlgorithmIdentifier(pk_ai_element.content, message);
    const spk = spki_reader.bitString() catch return fail(message, "x509: malformed subjectPublicKey");
    var public_key: ?keys.PublicKey = null;
    if (knownPublicKeyAlgorithm(pk_ai.algorithm)) {
        public_key = try keys.publicKeyFromAlgorithm(.{ .algorithm = pk_ai.algorithm, .parameters = pk_ai.parameters, .key = spk }, message);
    }

    var extensions: std.ArrayList(Extension) = .empty;
    if (version > 1) {
        _ = tbs.optional(der.tag.contextPrimitive(1)) catch return fail(message, "x509: malformed issuerUniqueID");
        _ = tbs.optional(der.tag.contextPrimitive(2)) catch return fail(message, "x509: malformed subjectUniqueID");
        if (version == 3) {
            const present = tbs.optional(der.tag.contextConstructed(3)) catch return fail(message, "x509: malformed extensions");
            if (present) |wrapper| {
                var wrapper_reader = der.Reader.init(wrapper.content);
                var list = wrapper_reader.sequence() catch return fail(message, "x509: malformed extensions");
                while (!list.empty()) {
                    var ext_reader = list.sequence() catch return fail(message, "x509: malformed extension");
                    const ext = try parseExtension(&ext_reader, message);
                    for (extensions.items) |seen| {
                        if (std.mem.eql(u8, seen.id, ext.id)) {
                            return fail(message, try std.fmt.allocPrint(allocator, "x509: certificate contains duplicate extension with OID \"{f}\"", .{keys.OidText{ .encoded = ext.id }}));
                        }
                    }
                    try extensions.append(allocator, ext);
                }
            }
        }
    }

    const signature = cert_seq.bitString() catch return fail(message, "x509: malformed signature");

    return .{
        .raw = whole.raw,
        .raw_tbs = tbs_element.raw,
        .version = version,
        .serial = serial,
        .signature_algorithm = ai.algorithm,
        .signature_parameters = ai.parameters,
        .raw_issuer = issuer.raw,
        .not_before = not_before,
        .not_after = not_after,
        .raw_subject = subject.raw,
        .raw_spki = spki.raw,
        .public_key_algorithm = pk_ai.algorithm,
        .public_key = public_key,
        .extensions = extensions.items,
        .signature = signature.bytes,
    };
}

fn fail(message: Message, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

const AlgorithmIdentifier = struct { algorithm: []const u8, parameters: []const u8 };

/// Go's parseAI over the content of an AlgorithmIdentifier SEQUENCE.
fn parseAlgorithmIdentifier(content: []const u8, message: Message) Error!AlgorithmIdentifier {
    var r = der.Reader.init(content);
    const oid = r.oid() catch return fail(message, "x509: malformed OID");
    if (r.empty()) return .{ .algorithm = oid, .parameters = "" };
    const params = r.next() catch return fail(message, "x509: malformed parameters");
    return .{ .algorithm = oid, .parameters = params.raw };
}

fn knownPublicKeyAlgorithm(oid: []const u8) bool {
    inline for (.{ der.oids.rsa_encryption, der.oids.ec_public_key, der.oids.ed25519, der.oids.x25519, der.oids.dsa }) |known| {
        if (std.mem.eql(u8, oid, known)) return true;
    }
    return false;
}

/// Go's parseExtension over the content of an Extension SEQUENCE.
fn parseExtension(r: *der.Reader, message: Message) Error!Extension {
    const id = r.oid() catch return fail(message, "x509: malformed extension OID field");
    var critical = false;
    if (r.peekTag() == der.tag.boolean) {
        critical = r.boolean() catch return fail(message, "x509: malformed extension critical field");
    }
    const value = r.octetString() catch return fail(message, "x509: malformed extension value field");
    return .{ .id = id, .critical = critical, .value = value };
}

/// Go's parseName checks: a SEQUENCE of SETs of { OID, string }, with
/// the string types and contents Go accepts.
fn checkName(raw: []const u8, message: Message) Error!void {
    var outer = der.Reader.init(raw);
    var rdns = outer.sequence() catch return fail(message, "x509: invalid RDNSequence");
    while (!rdns.empty()) {
        var set = rdns.enter(der.tag.set) catch return fail(message, "x509: invalid RDNSequence");
        while (!set.empty()) {
            var atav = set.sequence() catch return fail(message, "x509: invalid RDNSequence: invalid attribute");
            _ = atav.oid() catch return fail(message, "x509: invalid RDNSequence: invalid attribute type");
            const value = atav.next() catch return fail(message, "x509: invalid RDNSequence: invalid attribute value");
            if (!validNameString(value.tag, value.content)) return fail(message, "x509: invalid RDNSequence: invalid attribute value");
        }
    }
}

pub fn validNameString(t: u8, value: []const u8) bool {
    switch (t) {
        der.tag.t61_string => return true,
        der.tag.printable_string => {
            for (value) |b| if (!isPrintable(b)) return false;
            return true;
        },
        der.tag.utf8_string => return std.unicode.utf8ValidateSlice(value),
        der.tag.bmp_string => {
            if (value.len % 2 != 0) return false;
            var v = value;
            if (v.len >= 2 and v[v.len - 1] == 0 and v[v.len - 2] == 0) v = v[0 .. v.len - 2];
            var i: usize = 0;
            while (i < v.len) : (i += 2) {
                const point = @as(u16, v[i]) << 8 | v[i + 1];
                if (point == 0xfffe or point == 0xffff or (point >= 0xfdd0 and point <= 0xfdef) or (point >= 0xd800 and point <= 0xdfff)) return false;
            }
            return true;
        },
        der.tag.ia5_string => {
            for (value) |b| if (b >= 0x80) return false;
            return true;
        },
        0x12 => { // NumericString
            for (value) |b| if (!(b >= '0' and b <= '9') and b != ' ') return false;
            return true;
        },
        else => return false,
    }
}

fn isPrintable(b: u8) bool {
    return (b >= 'a' and b <= 'z') or (b >= 'A' and b <= 'Z') or (b >= '0' and b <= '9') or
        (b >= '\'' and b <= ')') or (b >= '+' and b <= '/') or
        b == ' ' or b == ':' or b == '=' or b == '?' or b == '*' or b == '&';
}

/// Go's parseTime: UTCTime (second or minute precision) or
/// GeneralizedTime, each required to round-trip through Go's format.
fn parseTime(r: *der.Reader, message: Message) Error!Time {
    switch (r.peekTag() orelse 0) {
        der.tag.utc_time => {
            const e = r.next() catch return fail(message, "x509: malformed UTCTime");
            var t = parseTimeText(e.content, 2) orelse return fail(message, "x509: malformed UTCTime");
            t.year += if (t.year >= 50) 1900 else 2000;
            return t;
        },
        der.tag.generalized_time => {
            const e = r.next() catch return fail(message, "x509: malformed GeneralizedTime");
            const t = parseTimeText(e.content, 4) orelse return fail(message, "x509: malformed GeneralizedTime");
            // Go's format requires seconds for GeneralizedTime.
            if (e.content.len < 14) return fail(message, "x509: malformed GeneralizedTime");
            return t;
        },
        else => return fail(message, "x509: unsupported time format"),
    }
}

/// YY(YY)MMDDHHMM[SS] then "Z" or ±HHMM, all digits, in range.
fn parseTimeText(text: []const u8, year_digits: usize) ?Time {
    var i: usize = 0;
    const year = digits(text, &i, year_digits) orelse return null;
    const month = digits(text, &i, 2) orelse return null;
    const day = digits(text, &i, 2) orelse return null;
    const hour = digits(text, &i, 2) orelse return null;
    const minute = digits(text, &i, 2) orelse return null;
    var second: u32 = 0;
    if (i < text.len and text[i] >= '0' and text[i] <= '9') second = digits(text, &i, 2) orelse return null;
    if (i >= text.len) return null;
    var offset: i32 = 0;
    switch (text[i]) {
        'Z' => i += 1,
        '+', '-' => {
            const sign: i32 = if (text[i] == '-') -1 else 1;
            i += 1;
            const oh = digits(text, &i, 2) orelse return null;
            const om = digits(text, &i, 2) orelse return null;
            if (oh > 23 or om > 59) return null;
            offset = sign * @as(i32, @intCast(oh * 60 + om));
            // Go formats a zero offset as "Z", so "+0000" does not round-trip.
            if (offset == 0) return null;
        },
        else => return null,
    }
    if (i != text.len) return null;
    if (month < 1 or month > 12 or hour > 23 or minute > 59 or second > 59) return null;
    const full_year: i32 = @intCast(year);
    const y_for_days: u16 = @intCast(if (year_digits == 2) (if (year >= 50) 1900 + year else 2000 + year) else year);
    const days = std.time.epoch.getDaysInMonth(y_for_days, @enumFromInt(month));
    if (day < 1 or day > days) return null;
    return .{
        .year = full_year,
        .month = @intCast(month),
        .day = @intCast(day),
        .hour = @intCast(hour),
        .minute = @intCast(minute),
        .second = @intCast(second),
        .offset_minutes = @intCast(offset),
    };
}

fn digits(text: []const u8, i: *usize, count: usize) ?u32 {
    if (text.len < i.* + count) return null;
    var v: u32 = 0;
    for (text[i.*..][0..count]) |c| {
        if (c < '0' or c > '9') return null;
        v = v * 10 + (c - '0');
    }
    i.* += count;
    return v;
}

const testing = std.testing;

test "parses UTCTime and GeneralizedTime like Go" {
    const t = parseTimeText("180810103816Z", 2).?;
    try testing.expectEqual(@as(i32, 18), t.year);
    try testing.expectEqual(@as(u8, 16), t.second);
    try testing.expect(parseTimeText("180230103816Z", 2) == null);
    try testing.expect(parseTimeText("20200507105437+0100", 4).?.offset_minutes == 60);
    try testing.expect(parseTimeText("20200507105437+0000", 4) == null);
}
