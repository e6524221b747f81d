//! X.509 certificates, parsed as Go's crypto/x509 ParseCertificate parses
//! them (x509/parser.go): the same structure checks in the same order, so
//! the same inputs fail with the same messages, and the same fields filled
//! in (x509_extensions.zig handles the extensions).
const std = @import("std");
const Allocator = std.mem.Allocator;
const der = @import("der.zig");
const keys = @import("keys.zig");
const url = @import("url.zig");
const extensions_mod = @import("x509_extensions.zig");

pub const Message = keys.Message;
pub const Error = keys.Error;

pub const Certificate = struct {
    raw: []const u8,
    raw_tbs: []const u8,
    raw_spki: []const u8,
    raw_subject: []const u8,
    raw_issuer: []const u8,
    signature: []const u8,
    signature_algorithm: SignatureAlgorithm,
    public_key_algorithm: PublicKeyAlgorithm,
    /// Null when Go leaves it nil (an unknown public key algorithm).
    public_key: ?keys.PublicKey,
    /// 1-based, as Go reports it.
    version: i64,
    /// Two's complement content of the serial INTEGER (never negative).
    serial: []const u8,
    issuer: Name,
    subject: Name,
    not_before: Time,
    not_after: Time,
    extensions: []const Extension,
    ext: extensions_mod.Fields = .{},
};

pub const Extension = struct {
    /// Encoded OID.
    id: []const u8,
    critical: bool,
    value: []const u8,
};

/// Go's pkix.Name as FillFromRDNSequence fills it.
pub const Name = struct {
    /// Every attribute, in order (Go's Names).
    names: []const Attribute = &.{},
    country: []const []const u8 = &.{},
    organization: []const []const u8 = &.{},
    organizational_unit: []const []const u8 = &.{},
    locality: []const []const u8 = &.{},
    province: []const []const u8 = &.{},
    street_address: []const []const u8 = &.{},
    postal_code: []const []const u8 = &.{},
    serial_number: []const u8 = "",
    common_name: []const u8 = "",
};

pub const Attribute = struct {
    /// Encoded OID.
    type: []const u8,
    value: []const u8,
};

/// Go's SignatureAlgorithm values.
pub const SignatureAlgorithm = enum(u8) {
    unknown = 0,
    md2_rsa = 1,
    md5_rsa = 2,
    sha1_rsa = 3,
    sha256_rsa = 4,
    sha384_rsa = 5,
    sha512_rsa = 6,
    dsa_sha1 = 7,
    dsa_sha256 = 8,
    ecdsa_sha1 = 9,
    ecdsa_sha256 = 10,
    ecdsa_sha384 = 11,
    ecdsa_sha512 = 12,
    sha256_rsa_pss = 13,
    sha384_rsa_pss = 14,
    sha512_rsa_pss = 15,
    ed25519 = 16,
};

/// Go's PublicKeyAlgorithm values.
pub const PublicKeyAlgorithm = enum(u8) { unknown = 0, rsa = 1, dsa = 2, ecdsa = 3, ed25519 = 4 };

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

    /// Seconds since the Unix epoch.
    pub fn unixSeconds(t: Time) i64 {
        const days = daysFromCivil(t.year, t.month, t.day);
        return days * 86400 + @as(i64, t.hour) * 3600 + @as(i64, t.minute) * 60 + t.second - @as(i64, t.offset_minutes) * 60;
    }
};

fn daysFromCivil(year: i32, month: u8, day: u8) i64 {
    const y: i64 = @as(i64, year) - @as(i64, if (month <= 2) 1 else 0);
    const era = @divFloor(y, 400);
    const yoe = y - era * 400;
    const m: i64 = month;
    const doy = @divFloor(153 * (if (m > 2) m - 3 else m + 9) + 2, 5) + day - 1;
    const doe = yoe * 365 + @divFloor(yoe, 4) - @divFloor(yoe, 100) + doy;
    return era * 146097 + doe - 719468;
}

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
    const issuer_name = try parseName(allocator, issuer.raw, message);

    var validity = tbs.sequence() catch return fail(message, "x509: malformed validity");
    const not_before = try parseTime(&validity, message);
    const not_after = try parseTime(&validity, message);

    const subject = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed issuer");
    const subject_name = try parseName(allocator, subject.raw, message);

    const spki = tbs.expect(der.tag.sequence) catch return fail(message, "x509: malformed spki");
    const key = try parseSpkiElement(spki.content, message);

    var cert: Certificate = .{
        .raw = whole.raw,
        .raw_tbs = tbs_element.raw,
        .raw_spki = spki.raw,
        .raw_subject = subject.raw,
        .raw_issuer = issuer.raw,
        .signature = "",
        .signature_algorithm = signatureAlgorithm(ai),
        .public_key_algorithm = key.algorithm,
        .public_key = key.key,
        .version = version,
        .serial = serial,
        .issuer = issuer_name,
        .subject = subject_name,
        .not_before = not_before,
        .not_after = not_after,
        .extensions = &.{},
    };

    if (version > 1) {
        _ = tbs.optional(der.tag.contextPrimitive(1)) catch return fail(message, "x509: malformed issuerUniqueID");
        _ = tbs.optional(der.tag.contextPrimitive(2)) catch return fail(message, "x509: malformed subjectUniqueID");
        if (version == 3) {
            const present = tbs.optional(der.tag.contextConstructed(3)) catch return fail(message, "x509: malformed extensions");
            if (present) |wrapper| {
                var wrapper_reader = der.Reader.init(wrapper.content);
                var list = wrapper_reader.sequence() catch return fail(message, "x509: malformed extensions");
                cert.extensions = try parseExtensionList(allocator, &list, message);
                cert.ext = try extensions_mod.process(allocator, cert.extensions, message);
            }
        }
    }

    const signature = cert_seq.bitString() catch return fail(message, "x509: malformed signature");
    cert.signature = try rightAlign(allocator, signature);
    return cert;
}

/// A sequence of Extension SEQUENCEs, each OID at most once.
pub fn parseExtensionList(allocator: Allocator, list: *der.Reader, message: Message) Error![]const Extension {
    var out: std.ArrayList(Extension) = .empty;
    while (!list.empty()) {
        var ext_reader = list.sequence() catch return fail(message, "x509: malformed extension");
        const ext = try parseExtension(&ext_reader, message);
        for (out.items) |seen| {
            if (std.mem.eql(u8, seen.id, ext.id)) {
                return fail(message, try std.fmt.allocPrint(allocator, "x509: certificate contains duplicate extension with OID \"{f}\"", .{keys.OidText{ .encoded = ext.id }}));
            }
        }
        try out.append(allocator, ext);
    }
    return out.items;
}

/// Go's BitString.RightAlign: the bits as bytes, shifted right past the
/// unused bits.
pub fn rightAlign(allocator: Allocator, bits: der.BitString) Allocator.Error![]const u8 {
    if (bits.unused_bits == 0) return bits.bytes;
    const shift: u3 = bits.unused_bits;
    const out = try allocator.alloc(u8, bits.bytes.len);
    out[0] = bits.bytes[0] >> shift;
    for (1..bits.bytes.len) |i| {
        out[i] = (bits.bytes[i - 1] << @intCast(@as(u4, 8) - shift)) | (bits.bytes[i] >> shift);
    }
    return out;
}

pub const SpkiKey = struct { algorithm: PublicKeyAlgorithm, key: ?keys.PublicKey };

/// The key of a SubjectPublicKeyInfo's content, as certificate and CSR
/// parsing read it: unknown algorithms leave the key nil.
pub fn parseSpkiElement(content: []const u8, message: Message) Error!SpkiKey {
    var spki_reader = der.Reader.init(content);
    const pk_ai_element = spki_reader.expect(der.tag.sequence) catch return fail(message, "x509: malformed public key algorithm identifier");
    const pk_ai = try parseAlgorithmIdentifier(pk_ai_element.content, message);
    const spk = spki_reader.bitString() catch return fail(message, "x509: malformed subjectPublicKey");
    const algorithm = publicKeyAlgorithm(pk_ai.algorithm);
    if (algorithm == .unknown) return .{ .algorithm = .unknown, .key = null };
    const key = try keys.publicKeyFromAlgorithm(.{ .algorithm = pk_ai.algorithm, .parameters = pk_ai.parameters, .key = spk }, message);
    return .{ .algorithm = algorithm, .key = key };
}

pub fn fail(message: Message, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

pub const AlgorithmIdentifier = struct { algorithm: []const u8, parameters: []const u8 };

/// Go's parseAI over the content of an AlgorithmIdentifier SEQUENCE.
pub fn parseAlgorithmIdentifier(content: []const u8, message: Message) Error!AlgorithmIdentifier {
    var r = der.Reader.init(content);
    const oid = r.oid() catch return fail(message, "x509: malformed OID");
    if (r.empty()) return .{ .algorithm = oid, .parameters = "" };
    const params = r.next() catch return fail(message, "x509: malformed parameters");
    return .{ .algorithm = oid, .parameters = params.raw };
}

fn publicKeyAlgorithm(oid: []const u8) PublicKeyAlgorithm {
    if (std.mem.eql(u8, oid, der.oids.rsa_encryption)) return .rsa;
    if (std.mem.eql(u8, oid, der.oids.dsa)) return .dsa;
    if (std.mem.eql(u8, oid, der.oids.ec_public_key)) return .ecdsa;
    if (std.mem.eql(u8, oid, der.oids.ed25519)) return .ed25519;
    return .unknown;
}

const signature_oids = [_]struct { []const u8, SignatureAlgorithm }{
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x02", .md2_rsa },
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x04", .md5_rsa },
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x05", .sha1_rsa },
    .{ "\x2b\x0e\x03\x02\x1d", .sha1_rsa },
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0b", .sha256_rsa },
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0c", .sha384_rsa },
    .{ "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x0d", .sha512_rsa },
    .{ "\x2a\x86\x48\xce\x38\x04\x03", .dsa_sha1 },
    .{ "\x60\x86\x48\x01\x65\x03\x04\x03\x02", .dsa_sha256 },
    .{ "\x2a\x86\x48\xce\x3d\x04\x01", .ecdsa_sha1 },
    .{ "\x2a\x86\x48\xce\x3d\x04\x03\x02", .ecdsa_sha256 },
    .{ "\x2a\x86\x48\xce\x3d\x04\x03\x03", .ecdsa_sha384 },
    .{ "\x2a\x86\x48\xce\x3d\x04\x03\x04", .ecdsa_sha512 },
    .{ der.oids.ed25519, .ed25519 },
};

const sha256_oid = "\x60\x86\x48\x01\x65\x03\x04\x02\x01";
const sha384_oid = "\x60\x86\x48\x01\x65\x03\x04\x02\x02";
const sha512_oid = "\x60\x86\x48\x01\x65\x03\x04\x02\x03";
const mgf1_oid = "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x08";

/// Go's getSignatureAlgorithmFromAI.
pub fn signatureAlgorithm(ai: AlgorithmIdentifier) SignatureAlgorithm {
    if (std.mem.eql(u8, ai.algorithm, der.oids.ed25519) and ai.parameters.len != 0) return .unknown;
    if (!std.mem.eql(u8, ai.algorithm, der.oids.rsassa_pss)) {
        for (signature_oids) |entry| if (std.mem.eql(u8, ai.algorithm, entry[0])) return entry[1];
        return .unknown;
    }
    return pssAlgorithm(ai.parameters) catch .unknown;
}

/// RSASSA-PSS parameters Go accepts: MGF1 with the message hash, salt the
/// hash size, default trailer.
fn pssAlgorithm(parameters: []const u8) der.Error!SignatureAlgorithm {
    var outer = der.Reader.init(parameters);
    var params = try outer.sequence();
    // hashAlgorithm [0], defaulting to SHA-1 (which Go then rejects).
    var hash_oid: []const u8 = "";
    var hash_params: []const u8 = "";
    if (try params.optional(der.tag.contextConstructed(0))) |e| {
        var r = der.Reader.init(e.content);
        var seq = try r.sequence();
        hash_oid = try seq.oid();
        if (!seq.empty()) hash_params = (try seq.next()).raw;
    }
    var mgf_oid: []const u8 = "";
    var mgf_hash_oid: []const u8 = "";
    var mgf_hash_params: []const u8 = "";
    if (try params.optional(der.tag.contextConstructed(1))) |e| {
        var r = der.Reader.init(e.content);
        var seq = try r.sequence();
        mgf_oid = try seq.oid();
        var inner = try seq.sequence();
        mgf_hash_oid = try inner.oid();
        if (!inner.empty()) mgf_hash_params = (try inner.next()).raw;
    }
    var salt: i64 = 20;
    if (try params.optional(der.tag.contextConstructed(2))) |e| {
        var r = der.Reader.init(e.content);
        salt = try r.int();
    }
    var trailer: i64 = 1;
    if (try params.optional(der.tag.contextConstructed(3))) |e| {
        var r = der.Reader.init(e.content);
        trailer = try r.int();
    }
    const null_or_empty = struct {
        fn f(p: []const u8) bool {
            return p.len == 0 or std.mem.eql(u8, p, "\x05\x00");
        }
    }.f;
    if (!null_or_empty(hash_params) or !std.mem.eql(u8, mgf_oid, mgf1_oid) or
        !std.mem.eql(u8, mgf_hash_oid, hash_oid) or !null_or_empty(mgf_hash_params) or trailer != 1) return .unknown;
    if (std.mem.eql(u8, hash_oid, sha256_oid) and salt == 32) return .sha256_rsa_pss;
    if (std.mem.eql(u8, hash_oid, sha384_oid) and salt == 48) return .sha384_rsa_pss;
    if (std.mem.eql(u8, hash_oid, sha512_oid) and salt == 64) return .sha512_rsa_pss;
    return .unknown;
}

/// Go's parseExtension over the content of an Extension SEQUENCE.
pub fn parseExtension(r: *der.Reader, message: Message) Error!Extension {
    const id = r.oid() catch return fail(message, "x509: malformed extension OID field");
    var critical = false;
    if (r.peekTag() == der.tag.boolean) {
        critical = r.boolean() catch return fail(message, "x509: malformed extension critical field");
    }
    const value = r.octetString() catch return fail(message, "x509: malformed extension value field");
    return .{ .id = id, .critical = critical, .value = value };
}

/// Go's parseName followed by pkix.Name.FillFromRDNSequence.
pub fn parseName(allocator: Allocator, raw: []const u8, message: Message) Error!Name {
    var outer = der.Reader.init(raw);
    var rdns = outer.sequence() catch return fail(message, "x509: invalid RDNSequence");
    var names: std.ArrayList(Attribute) = .empty;
    var lists: [7]std.ArrayList([]const u8) = @splat(.empty);
    var name: Name = .{};
    while (!rdns.empty()) {
        var set = rdns.enter(der.tag.set) catch return fail(message, "x509: invalid RDNSequence");
        while (!set.empty()) {
            var atav = set.sequence() catch return fail(message, "x509: invalid RDNSequence: invalid attribute");
            const oid = atav.oid() catch return fail(message, "x509: invalid RDNSequence: invalid attribute type");
            const v = atav.next() catch return fail(message, "x509: invalid RDNSequence: invalid attribute value");
            const text = (try decodeString(allocator, v.tag, v.content)) orelse {
                const reason = if (stringTagName(v.tag)) |kind|
                    try std.fmt.allocPrint(allocator, "invalid {s}", .{kind})
                else
                    try std.fmt.allocPrint(allocator, "unsupported string type: {d}", .{v.tag});
                return fail(message, try std.fmt.allocPrint(allocator, "x509: invalid RDNSequence: invalid attribute value: {s}", .{reason}));
            };
            try names.append(allocator, .{ .type = oid, .value = text });
            // id-at-* attributes 2.5.4.n with a single-byte n.
            if (oid.len == 3 and oid[0] == 0x55 and oid[1] == 0x04) {
                switch (oid[2]) {
                    3 => name.common_name = text,
                    5 => name.serial_number = text,
                    6 => try lists[0].append(allocator, text),
                    7 => try lists[1].append(allocator, text),
                    8 => try lists[2].append(allocator, text),
                    9 => try lists[3].append(allocator, text),
                    10 => try lists[4].append(allocator, text),
                    11 => try lists[5].append(allocator, text),
                    17 => try lists[6].append(allocator, text),
                    else => {},
                }
            }
        }
    }
    name.names = names.items;
    name.country = lists[0].items;
    name.locality = lists[1].items;
    name.province = lists[2].items;
    name.street_address = lists[3].items;
    name.organization = lists[4].items;
    name.organizational_unit = lists[5].items;
    name.postal_code = lists[6].items;
    return name;
}

fn stringTagName(t: u8) ?[]const u8 {
    return switch (t) {
        der.tag.printable_string => "PrintableString",
        der.tag.utf8_string => "UTF-8 string",
        der.tag.bmp_string => "BMPString",
        der.tag.ia5_string => "IA5String",
        0x12 => "NumericString",
        else => null,
    };
}

/// Go's parseASN1String: the text of a directory string, or null when Go
/// rejects it.
fn decodeString(allocator: Allocator, t: u8, value: []const u8) Allocator.Error!?[]const u8 {
    switch (t) {
        der.tag.t61_string => {
            // Each byte is a Latin-1 code point.
            var out: std.ArrayList(u8) = .empty;
            for (value) |b| {
                var buffer: [4]u8 = undefined;
                const n = std.unicode.utf8Encode(b, &buffer) catch unreachable; // Every byte is a valid code point.
                try out.appendSlice(allocator, buffer[0..n]);
            }
            return out.items;
        },
        der.tag.printable_string => {
            for (value) |b| if (!isPrintable(b)) return null;
            return value;
        },
        der.tag.utf8_string => return if (std.unicode.utf8ValidateSlice(value)) value else null,
        der.tag.bmp_string => {
            if (value.len % 2 != 0) return null;
            var v = value;
            if (v.len >= 2 and v[v.len - 1] == 0 and v[v.len - 2] == 0) v = v[0 .. v.len - 2];
            var out: std.ArrayList(u8) = .empty;
            var i: usize = 0;
            while (i < v.len) : (i += 2) {
                const point = @as(u16, v[i]) << 8 | v[i + 1];
                if (point == 0xfffe or point == 0xffff or (point >= 0xfdd0 and point <= 0xfdef) or (point >= 0xd800 and point <= 0xdfff)) return null;
                var buffer: [4]u8 = undefined;
                const n = std.unicode.utf8Encode(point, &buffer) catch unreachable; // Surrogates were rejected.
                try out.appendSlice(allocator, buffer[0..n]);
            }
            return out.items;
        },
        der.tag.ia5_string => return if (isIa5(value)) value else null,
        0x12 => { // NumericString
            for (value) |b| if (!(b >= '0' and b <= '9') and b != ' ') return null;
            return value;
        },
        else => return null,
    }
}

/// Go's isIA5String: ASCII only.
pub fn isIa5(s: []const u8) bool {
    for (s) |b| if (b >= 0x80) return false;
    return true;
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
            // Go's format requires seconds for GeneralizedTime.
            if (e.content.len < 15) return fail(message, "x509: malformed GeneralizedTime");
            return parseTimeText(e.content, 4) orelse fail(message, "x509: malformed GeneralizedTime");
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
    const full_year: u32 = if (year_digits == 2) (if (year >= 50) 1900 + year else 2000 + year) else year;
    const days = std.time.epoch.getDaysInMonth(@intCast(full_year), @enumFromInt(month));
    if (day < 1 or day > days) return null;
    return .{
        .year = @intCast(year),
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
    const epoch: Time = .{ .year = 1970, .month = 1, .day = 2, .hour = 0, .minute = 0, .second = 1, .offset_minutes = 60 };
    try testing.expectEqual(@as(i64, 86400 + 1 - 3600), epoch.unixSeconds());
}

test "right-aligns bit strings" {
    const got = try rightAlign(testing.allocator, .{ .bytes = "\xab\xc0", .unused_bits = 4 });
    defer testing.allocator.free(got);
    try testing.expectEqualSlices(u8, "\x0a\xbc", got);
}
