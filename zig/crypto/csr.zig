//! PKCS #10 certificate requests as Go's x509.ParseCertificateRequest reads
//! them, and their JSON as OPA returns it.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const der = @import("der.zig");
const keys = @import("keys.zig");
const x509 = @import("x509.zig");
const ext = @import("x509_extensions.zig");
const x509_json = @import("x509_json.zig");
const gj = @import("go_json.zig");

const Value = value_mod.Value;

pub const Error = keys.Error;

pub const Request = struct {
    raw: []const u8,
    raw_tbs: []const u8,
    raw_spki: []const u8,
    raw_subject: []const u8,
    signature: []const u8,
    signature_algorithm: x509.SignatureAlgorithm,
    public_key_algorithm: x509.PublicKeyAlgorithm,
    public_key: ?keys.PublicKey,
    version: i64,
    subject: x509.Name,
    /// Go's Attributes (pkix.AttributeTypeAndValueSET), already as JSON.
    attributes: Value,
    extensions: []const x509.Extension,
    names: ext.Fields,
};

fn fail(message: *[]const u8, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

/// Go's ParseCertificateRequest.
pub fn parse(allocator: Allocator, bytes: []const u8, message: *[]const u8) Error!Request {
    var w: GoAsn1 = .{ .allocator = allocator, .message = message };
    var offset: usize = 0;
    const whole_content = try w.field(bytes, &offset, sequence_tag, true, "certificateRequest");
    if (offset != bytes.len) return fail(message, "asn1: syntax error: trailing data");
    var inner: usize = 0;
    const tbs_start = inner;
    const tbs_content = try w.field(whole_content, &inner, sequence_tag, true, "tbsCertificateRequest");
    const tbs_raw = whole_content[tbs_start..inner];
    // Go reads the request's fields depth first: the TBS fields, then the
    // signature algorithm and value.
    var t: usize = 0;
    const version_content = try w.field(tbs_content, &t, der.tag.integer, false, "int");
    der.checkInteger(version_content) catch return fail(message, "asn1: structure error: integer not minimally-encoded");
    const version = der.integerToI64(version_content) catch return fail(message, "asn1: structure error: integer too large");
    const subject_start = t;
    _ = try w.any(tbs_content, &t);
    const subject_raw = tbs_content[subject_start..t];
    const spki_start = t;
    const spki_content = try w.field(tbs_content, &t, sequence_tag, true, "publicKeyInfo");
    const spki_raw = tbs_content[spki_start..t];
    const attributes_content = try w.fieldClass(tbs_content, &t, 2, 0, true, "");
    const sig_ai_content = try w.field(whole_content, &inner, sequence_tag, true, "AlgorithmIdentifier");
    const signature_content = try w.field(whole_content, &inner, der.tag.bit_string, false, "BitString");
    const signature = der.parseBitString(signature_content) catch return fail(message, "asn1: structure error: invalid bit string");
    var spki_check = der.Reader.init(spki_content);
    _ = keys.readSpki(&spki_check) catch return fail(message, "asn1: structure error: tags don't match");
    const ai = try x509.parseAlgorithmIdentifier(sig_ai_content, message);
    const key = try x509.parseSpkiElement(spki_content, message);
    if (subject_raw[0] != der.tag.sequence) return fail(message, "asn1: structure error: tags don't match");
    const name = try x509.parseName(allocator, subject_raw, message);

    var raw_attributes: std.ArrayList([]const u8) = .empty;
    var attributes_offset: usize = 0;
    while (attributes_offset < attributes_content.len) {
        const start = attributes_offset;
        _ = try w.any(attributes_content, &attributes_offset);
        try raw_attributes.append(allocator, attributes_content[start..attributes_offset]);
    }
    const extensions = try requestedExtensions(allocator, raw_attributes.items, message);
    var names: ext.Fields = .{};
    for (extensions) |e| {
        if (std.mem.eql(u8, e.id, "\x55\x1d\x11")) {
            // Only the SAN fields of a full extension pass apply to CSRs.
            const one = [_]x509.Extension{e};
            const f = try ext.process(allocator, &one, message);
            names.dns_names = f.dns_names;
            names.email_addresses = f.email_addresses;
            names.ip_addresses = f.ip_addresses;
            names.uris = f.uris;
        }
    }
    return .{
        .raw = bytes,
        .raw_tbs = tbs_raw,
        .raw_spki = spki_raw,
        .raw_subject = subject_raw,
        .signature = try x509.rightAlign(allocator, signature),
        .signature_algorithm = x509.signatureAlgorithm(ai),
        .public_key_algorithm = key.algorithm,
        .public_key = key.key,
        .version = version,
        .subject = name,
        .attributes = try attributesValue(allocator, raw_attributes.items),
        .extensions = extensions,
        .names = names,
    };
}

const sequence_tag = 16;

/// Go's encoding/asn1 walking a struct: each field's tag and length read
/// and checked in its order, failing with its messages.
const GoAsn1 = struct {
    allocator: Allocator,
    message: *[]const u8,

    const Header = struct { class: u2, tag: u32, compound: bool, length: usize };

    /// A universal-class field of Go type `type_name`: its content.
    fn field(w: GoAsn1, bytes: []const u8, offset: *usize, tag: u32, compound: bool, type_name: []const u8) Error![]const u8 {
        return w.fieldClass(bytes, offset, 0, tag, compound, type_name);
    }

    fn fieldClass(w: GoAsn1, bytes: []const u8, offset: *usize, class: u2, tag: u32, compound: bool, type_name: []const u8) Error![]const u8 {
        if (offset.* == bytes.len) return fail(w.message, "asn1: syntax error: sequence truncated");
        var at = offset.*;
        const h = try w.header(bytes, &at);
        if (h.class != class or h.tag != tag or h.compound != compound) {
            return fail(w.message, try std.fmt.allocPrint(w.allocator, "asn1: structure error: tags don't match ({d} vs {{class:{d} tag:{d} length:{d} isCompound:{}}}) {{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}} {s} @{d}", .{ tag, h.class, h.tag, h.length, h.compound, type_name, at }));
        }
        if (h.length > bytes.len - at) return fail(w.message, "asn1: syntax error: data truncated");
        offset.* = at + h.length;
        return bytes[at..][0..h.length];
    }

    /// An asn1.RawValue field: any element.
    fn any(w: GoAsn1, bytes: []const u8, offset: *usize) Error![]const u8 {
        if (offset.* == bytes.len) return fail(w.message, "asn1: syntax error: sequence truncated");
        var at = offset.*;
        const h = try w.header(bytes, &at);
        if (h.length > bytes.len - at) return fail(w.message, "asn1: syntax error: data truncated");
        offset.* = at + h.length;
        return bytes[at..][0..h.length];
    }

    /// Go's parseTagAndLength.
    fn header(w: GoAsn1, bytes: []const u8, offset: *usize) Error!Header {
        const truncated = "asn1: syntax error: truncated tag or length";
        if (offset.* >= bytes.len) return fail(w.message, truncated);
        const b = bytes[offset.*];
        offset.* += 1;
        var h: Header = .{ .class = @intCast(b >> 6), .tag = b & 0x1f, .compound = b & 0x20 != 0, .length = 0 };
        if (h.tag == 0x1f) {
            // High tag number, base 128.
            var tag: u32 = 0;
            var count: usize = 0;
            while (true) : (count += 1) {
                if (offset.* >= bytes.len) return fail(w.message, truncated);
                const c = bytes[offset.*];
                offset.* += 1;
                if (count == 0 and c == 0x80) return fail(w.message, "asn1: structure error: integer is not minimally encoded");
                if (tag > (1 << 24)) return fail(w.message, "asn1: structure error: base 128 integer too large");
                tag = (tag << 7) | (c & 0x7f);
                if (c & 0x80 == 0) break;
            }
            if (tag < 0x1f) return fail(w.message, "asn1: syntax error: non-minimal tag");
            h.tag = tag;
        }
        if (offset.* >= bytes.len) return fail(w.message, truncated);
        const l = bytes[offset.*];
        offset.* += 1;
        if (l & 0x80 == 0) {
            h.length = l;
            return h;
        }
        const count = l & 0x7f;
        if (count == 0) return fail(w.message, "asn1: syntax error: indefinite length found (not DER)");
        for (0..count) |i| {
            if (offset.* >= bytes.len) return fail(w.message, truncated);
            const c = bytes[offset.*];
            offset.* += 1;
            if (h.length >= (1 << 23)) return fail(w.message, "asn1: structure error: length too large");
            h.length = (h.length << 8) | c;
            if (i == 0 and h.length == 0) return fail(w.message, "asn1: structure error: superfluous leading zeros in length");
        }
        if (h.length < 0x80) return fail(w.message, "asn1: structure error: non-minimal length");
        return h;
    }
};

const extension_request_oid = "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x0e";

/// Go's parseCSRExtensions: the extensions of extensionRequest attributes;
/// attributes that do not parse are ignored.
fn requestedExtensions(allocator: Allocator, raw_attributes: []const []const u8, message: *[]const u8) Error![]const x509.Extension {
    var out: std.ArrayList(x509.Extension) = .empty;
    for (raw_attributes) |raw| {
        var r = der.Reader.init(raw);
        var attr = r.sequence() catch continue;
        const id = attr.oid() catch continue;
        var values = attr.enter(der.tag.set) catch continue;
        if (!attr.empty() or !r.empty() or values.empty()) continue;
        if (!std.mem.eql(u8, id, extension_request_oid)) continue;
        const first = values.next() catch continue;
        var list_reader = der.Reader.init(first.raw);
        var list = list_reader.sequence() catch return fail(message, "asn1: structure error: tags don't match");
        var parsed: std.ArrayList(x509.Extension) = .empty;
        while (!list.empty()) {
            var ext_reader = list.sequence() catch return fail(message, "asn1: structure error: tags don't match");
            var ignored: []const u8 = "";
            try parsed.append(allocator, x509.parseExtension(&ext_reader, &ignored) catch return fail(message, "asn1: structure error: malformed extension"));
        }
        for (parsed.items) |e| {
            for (out.items) |seen| {
                if (std.mem.eql(u8, seen.id, e.id)) return fail(message, "x509: certificate request contains duplicate requested extensions");
            }
            try out.append(allocator, e);
        }
    }
    return out.items;
}

/// Go's parseRawAttributes: each attribute read as
/// { Type OID, Value SET OF SEQUENCE OF { Type OID, Value any } }; those
/// of another shape are left out.
fn attributesValue(allocator: Allocator, raw_attributes: []const []const u8) Error!Value {
    var out: std.ArrayList(Value) = .empty;
    for (raw_attributes) |raw| {
        const v = attributeValue(allocator, raw) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Malformed => continue,
        };
        try out.append(allocator, v);
    }
    if (out.items.len == 0) return .null;
    return .{ .array = out.items };
}

fn attributeValue(allocator: Allocator, raw: []const u8) (der.Error || Allocator.Error)!Value {
    var r = der.Reader.init(raw);
    var attr = try r.sequence();
    const id = try attr.oid();
    var set = try attr.enter(der.tag.set);
    var outer_list: std.ArrayList(Value) = .empty;
    while (!set.empty()) {
        var seq = try set.sequence();
        var inner_list: std.ArrayList(Value) = .empty;
        while (!seq.empty()) {
            var atv = try seq.sequence();
            const t = try atv.oid();
            const v = try atv.next();
            var b = gj.ObjectBuilder.init(allocator);
            try b.put("Type", try gj.oid(allocator, t));
            try b.put("Value", try anyValue(allocator, v));
            try inner_list.append(allocator, try b.finish());
        }
        try outer_list.append(allocator, if (inner_list.items.len == 0) .null else .{ .array = inner_list.items });
    }
    var b = gj.ObjectBuilder.init(allocator);
    try b.put("Type", try gj.oid(allocator, id));
    try b.put("Value", if (outer_list.items.len == 0) .null else .{ .array = outer_list.items });
    return b.finish();
}

/// encoding/asn1's decoding into `any` for the common types.
fn anyValue(allocator: Allocator, e: der.Element) (der.Error || Allocator.Error)!Value {
    switch (e.tag) {
        der.tag.octet_string => return gj.bytes(allocator, e.content),
        der.tag.boolean => return .{ .boolean = e.content.len == 1 and e.content[0] != 0 },
        der.tag.integer => {
            try der.checkInteger(e.content);
            if (der.integerToI64(e.content)) |i| return gj.int(i) else |_| {}
            if (e.content[0] & 0x80 != 0) return error.Malformed;
            return gj.bigInt(allocator, e.content);
        },
        der.tag.oid => return gj.oid(allocator, e.content),
        der.tag.printable_string, der.tag.ia5_string, der.tag.utf8_string, 0x12, der.tag.t61_string => return .{ .string = e.content },
        else => return error.Malformed,
    }
}

/// Go's x509.CertificateRequest as JSON.
pub fn toValue(allocator: Allocator, r: Request) Allocator.Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    try b.put("Raw", try gj.bytes(allocator, r.raw));
    try b.put("RawTBSCertificateRequest", try gj.bytes(allocator, r.raw_tbs));
    try b.put("RawSubjectPublicKeyInfo", try gj.bytes(allocator, r.raw_spki));
    try b.put("RawSubject", try gj.bytes(allocator, r.raw_subject));
    try b.put("Version", gj.int(r.version));
    try b.put("Signature", try gj.bytes(allocator, r.signature));
    try b.put("SignatureAlgorithm", gj.int(@intFromEnum(r.signature_algorithm)));
    try b.put("PublicKeyAlgorithm", gj.int(@intFromEnum(r.public_key_algorithm)));
    try b.put("PublicKey", try x509_json.publicKey(allocator, r.public_key));
    try b.put("Subject", try x509_json.name(allocator, r.subject));
    try b.put("Attributes", r.attributes);
    try b.put("Extensions", try x509_json.extensions(allocator, r.extensions));
    try b.put("ExtraExtensions", .null);
    try x509_json.putNames(allocator, &b, r.names);
    return b.finish();
}
