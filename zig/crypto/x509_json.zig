//! Certificates, names and keys as OPA returns them: Go's x509.Certificate
//! (and friends) marshalled by encoding/json, members as Go names them.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const gj = @import("go_json.zig");
const x509 = @import("x509.zig");
const ext = @import("x509_extensions.zig");
const keys = @import("keys.zig");
const url = @import("url.zig");
const rsa = @import("rsa.zig");

const Value = value_mod.Value;
const Error = Allocator.Error;

/// Go's x509.Certificate; with `uri_strings`, OPA's extendedCert adding
/// URIStrings.
pub fn certificate(allocator: Allocator, c: x509.Certificate, uri_strings: bool) Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    const f = c.ext;
    try b.put("Raw", try gj.bytes(allocator, c.raw));
    try b.put("RawTBSCertificate", try gj.bytes(allocator, c.raw_tbs));
    try b.put("RawSubjectPublicKeyInfo", try gj.bytes(allocator, c.raw_spki));
    try b.put("RawSubject", try gj.bytes(allocator, c.raw_subject));
    try b.put("RawIssuer", try gj.bytes(allocator, c.raw_issuer));
    try b.put("Signature", try gj.bytes(allocator, c.signature));
    try b.put("SignatureAlgorithm", gj.int(@intFromEnum(c.signature_algorithm)));
    try b.put("PublicKeyAlgorithm", gj.int(@intFromEnum(c.public_key_algorithm)));
    try b.put("PublicKey", try publicKey(allocator, c.public_key));
    try b.put("Version", gj.int(c.version));
    try b.put("SerialNumber", try gj.bigInt(allocator, c.serial));
    try b.put("Issuer", try name(allocator, c.issuer));
    try b.put("Subject", try name(allocator, c.subject));
    try b.put("NotBefore", try time(allocator, c.not_before));
    try b.put("NotAfter", try time(allocator, c.not_after));
    try b.put("KeyUsage", gj.int(f.key_usage));
    try b.put("Extensions", try extensions(allocator, c.extensions));
    try b.put("ExtraExtensions", .null);
    try b.put("UnhandledCriticalExtensions", try gj.oids(allocator, f.unhandled_critical));
    try b.put("ExtKeyUsage", try ints(allocator, f.ext_key_usage));
    try b.put("UnknownExtKeyUsage", try gj.oids(allocator, f.unknown_ext_key_usage));
    try b.put("BasicConstraintsValid", gj.boolean(f.basic_constraints_valid));
    try b.put("IsCA", gj.boolean(f.is_ca));
    try b.put("MaxPathLen", gj.int(f.max_path_len));
    try b.put("MaxPathLenZero", gj.boolean(f.max_path_len_zero));
    try b.put("SubjectKeyId", try gj.bytes(allocator, f.subject_key_id));
    try b.put("AuthorityKeyId", try gj.bytes(allocator, f.authority_key_id));
    try b.put("OCSPServer", try gj.strings(allocator, f.ocsp_server));
    try b.put("IssuingCertificateURL", try gj.strings(allocator, f.issuing_certificate_url));
    try putNames(allocator, &b, f);
    try b.put("PermittedDNSDomainsCritical", gj.boolean(f.permitted_dns_domains_critical));
    try b.put("PermittedDNSDomains", try gj.strings(allocator, f.permitted_dns_domains));
    try b.put("ExcludedDNSDomains", try gj.strings(allocator, f.excluded_dns_domains));
    try b.put("PermittedIPRanges", try ipNets(allocator, f.permitted_ip_ranges));
    try b.put("ExcludedIPRanges", try ipNets(allocator, f.excluded_ip_ranges));
    try b.put("PermittedEmailAddresses", try gj.strings(allocator, f.permitted_email_addresses));
    try b.put("ExcludedEmailAddresses", try gj.strings(allocator, f.excluded_email_addresses));
    try b.put("PermittedURIDomains", try gj.strings(allocator, f.permitted_uri_domains));
    try b.put("ExcludedURIDomains", try gj.strings(allocator, f.excluded_uri_domains));
    try b.put("CRLDistributionPoints", try gj.strings(allocator, f.crl_distribution_points));
    try b.put("PolicyIdentifiers", try gj.oids(allocator, f.policy_identifiers));
    try b.put("Policies", try policies(allocator, f.policies));
    try b.put("InhibitAnyPolicy", gj.int(f.inhibit_any_policy));
    try b.put("InhibitAnyPolicyZero", gj.boolean(f.inhibit_any_policy_zero));
    try b.put("InhibitPolicyMapping", gj.int(f.inhibit_policy_mapping));
    try b.put("InhibitPolicyMappingZero", gj.boolean(f.inhibit_policy_mapping_zero));
    try b.put("RequireExplicitPolicy", gj.int(f.require_explicit_policy));
    try b.put("RequireExplicitPolicyZero", gj.boolean(f.require_explicit_policy_zero));
    try b.put("PolicyMappings", try policyMappings(allocator, f.policy_mappings));
    if (uri_strings) {
        const list = f.uris orelse return finishWith(&b, "URIStrings", .null);
        const out = try allocator.alloc(Value, list.len);
        for (list, out) |u, *v| v.* = .{ .string = try url.string(allocator, u) };
        try b.put("URIStrings", .{ .array = out });
    }
    return b.finish();
}

fn finishWith(b: *gj.ObjectBuilder, key: []const u8, v: Value) Error!Value {
    try b.put(key, v);
    return b.finish();
}

/// The SAN fields shared by certificates and CSRs.
pub fn putNames(allocator: Allocator, b: *gj.ObjectBuilder, f: ext.Fields) Error!void {
    try b.put("DNSNames", try gj.strings(allocator, f.dns_names));
    try b.put("EmailAddresses", try gj.strings(allocator, f.email_addresses));
    if (f.ip_addresses) |list| {
        const out = try allocator.alloc(Value, list.len);
        for (list, out) |a, *v| v.* = try gj.ip(allocator, a);
        try b.put("IPAddresses", .{ .array = out });
    } else try b.put("IPAddresses", .null);
    if (f.uris) |list| {
        const out = try allocator.alloc(Value, list.len);
        for (list, out) |u, *v| v.* = try urlValue(allocator, u);
        try b.put("URIs", .{ .array = out });
    } else try b.put("URIs", .null);
}

pub fn time(allocator: Allocator, t: x509.Time) Error!Value {
    return gj.time(allocator, t.year, t.month, t.day, t.hour, t.minute, t.second, t.offset_minutes);
}

fn ints(allocator: Allocator, list: ?[]const i64) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |i, *v| v.* = gj.int(i);
    return .{ .array = out };
}

/// pkix.Extension values.
pub fn extensions(allocator: Allocator, list: []const x509.Extension) Error!Value {
    if (list.len == 0) return .null;
    const out = try allocator.alloc(Value, list.len);
    for (list, out) |e, *v| {
        var b = gj.ObjectBuilder.init(allocator);
        try b.put("Id", try gj.oid(allocator, e.id));
        try b.put("Critical", gj.boolean(e.critical));
        try b.put("Value", try gj.bytes(allocator, e.value));
        v.* = try b.finish();
    }
    return .{ .array = out };
}

/// pkix.Name.
pub fn name(allocator: Allocator, n: x509.Name) Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    try b.put("Country", try optionalStrings(allocator, n.country));
    try b.put("Organization", try optionalStrings(allocator, n.organization));
    try b.put("OrganizationalUnit", try optionalStrings(allocator, n.organizational_unit));
    try b.put("Locality", try optionalStrings(allocator, n.locality));
    try b.put("Province", try optionalStrings(allocator, n.province));
    try b.put("StreetAddress", try optionalStrings(allocator, n.street_address));
    try b.put("PostalCode", try optionalStrings(allocator, n.postal_code));
    try b.put("SerialNumber", gj.string(n.serial_number));
    try b.put("CommonName", gj.string(n.common_name));
    if (n.names.len == 0) {
        try b.put("Names", .null);
    } else {
        const out = try allocator.alloc(Value, n.names.len);
        for (n.names, out) |a, *v| {
            var ab = gj.ObjectBuilder.init(allocator);
            try ab.put("Type", try gj.oid(allocator, a.type));
            try ab.put("Value", gj.string(a.value));
            v.* = try ab.finish();
        }
        try b.put("Names", .{ .array = out });
    }
    try b.put("ExtraNames", .null);
    return b.finish();
}

/// A slice Go appends to (nil when nothing was appended).
fn optionalStrings(allocator: Allocator, list: []const []const u8) Error!Value {
    return gj.strings(allocator, if (list.len == 0) null else list);
}

fn ipNets(allocator: Allocator, list: ?[]const ext.IpNet) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |n, *v| {
        var b = gj.ObjectBuilder.init(allocator);
        try b.put("IP", try gj.ip(allocator, n.ip));
        try b.put("Mask", try gj.bytes(allocator, n.mask));
        v.* = try b.finish();
    }
    return .{ .array = out };
}

fn policies(allocator: Allocator, list: ?[]const []const u8) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |o, *v| v.* = try gj.oidText(allocator, o);
    return .{ .array = out };
}

fn policyMappings(allocator: Allocator, list: ?[]const ext.PolicyMapping) Error!Value {
    const items = list orelse return .null;
    const out = try allocator.alloc(Value, items.len);
    for (items, out) |m, *v| {
        var b = gj.ObjectBuilder.init(allocator);
        try b.put("IssuerDomainPolicy", try gj.oidText(allocator, m.issuer));
        try b.put("SubjectDomainPolicy", try gj.oidText(allocator, m.subject));
        v.* = try b.finish();
    }
    return .{ .array = out };
}

/// *url.URL.
pub fn urlValue(allocator: Allocator, u: url.Url) Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    try b.put("Scheme", gj.string(u.scheme));
    try b.put("Opaque", gj.string(u.opaque_part));
    // Userinfo has no exported fields.
    try b.put("User", if (u.user != null) gj.emptyObject() else .null);
    try b.put("Host", gj.string(u.host));
    try b.put("Path", gj.string(u.path));
    try b.put("RawPath", gj.string(u.raw_path));
    try b.put("OmitHost", gj.boolean(u.omit_host));
    try b.put("ForceQuery", gj.boolean(u.force_query));
    try b.put("RawQuery", gj.string(u.raw_query));
    try b.put("Fragment", gj.string(u.fragment));
    try b.put("RawFragment", gj.string(u.raw_fragment));
    return b.finish();
}

/// A crypto.PublicKey: *rsa.PublicKey, *ecdsa.PublicKey (its Curve has no
/// exported fields), ed25519.PublicKey ([]byte), *ecdh.PublicKey (opaque),
/// *dsa.PublicKey (Parameters promoted), or nil.
pub fn publicKey(allocator: Allocator, key: ?keys.PublicKey) Error!Value {
    const k = key orelse return .null;
    var b = gj.ObjectBuilder.init(allocator);
    switch (k) {
        .rsa => |r| try putRsaPublic(allocator, &b, r),
        .ecdsa => |e| try putPoint(allocator, &b, e.x, e.y),
        .p224 => |e| try putPoint(allocator, &b, e.x, e.y),
        .ed25519 => |bytes| return gj.bytes(allocator, try allocator.dupe(u8, &bytes)),
        .x25519 => {},
        .dsa => |d| {
            try b.put("P", try gj.bigInt(allocator, d.p));
            try b.put("Q", try gj.bigInt(allocator, d.q));
            try b.put("G", try gj.bigInt(allocator, d.g));
            try b.put("Y", try gj.bigInt(allocator, d.y));
        },
    }
    return b.finish();
}

fn putRsaPublic(allocator: Allocator, b: *gj.ObjectBuilder, r: rsa.PublicKey) Error!void {
    try b.put("N", try gj.bigInt(allocator, r.n));
    try b.put("E", try gj.bigInt(allocator, r.e));
}

fn putPoint(allocator: Allocator, b: *gj.ObjectBuilder, x: []const u8, y: []const u8) Error!void {
    try b.put("Curve", gj.emptyObject());
    try b.put("X", try gj.bigInt(allocator, x));
    try b.put("Y", try gj.bigInt(allocator, y));
}

/// A crypto.PrivateKey: *rsa.PrivateKey (PublicKey promoted, with
/// Precomputed), *ecdsa.PrivateKey, ed25519.PrivateKey (seed || public),
/// *ecdh.PrivateKey (opaque).
pub fn privateKey(allocator: Allocator, key: keys.PrivateKey) Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    switch (key) {
        .rsa => |r| {
            try putRsaPublic(allocator, &b, r.public);
            try b.put("D", try gj.bigInt(allocator, r.d));
            const primes = try allocator.alloc(Value, r.primes.len);
            for (r.primes, primes) |p, *v| v.* = try gj.bigInt(allocator, p);
            try b.put("Primes", .{ .array = primes });
            var pre = gj.ObjectBuilder.init(allocator);
            try pre.put("Dp", try gj.bigInt(allocator, r.dp));
            try pre.put("Dq", try gj.bigInt(allocator, r.dq));
            try pre.put("Qinv", try gj.bigInt(allocator, r.qinv));
            try pre.put("CRTValues", .{ .array = &.{} });
            try b.put("Precomputed", try pre.finish());
        },
        .ecdsa => |e| {
            try putPoint(allocator, &b, e.public.x, e.public.y);
            try b.put("D", try gj.bigInt(allocator, e.d));
        },
        .ed25519 => |e| return gj.bytes(allocator, try std.mem.concat(allocator, u8, &.{ &e.seed, &e.public })),
        .x25519 => {},
    }
    return b.finish();
}
