//! The certificate fields Go's crypto/x509 fills from extensions
//! (processExtensions in x509/parser.go), with its validation and errors.
//! Null slices are fields Go leaves nil (JSON null), as opposed to empty.
const std = @import("std");
const Allocator = std.mem.Allocator;
const der = @import("der.zig");
const keys = @import("keys.zig");
const url = @import("url.zig");
const quoted = @import("go_quote.zig").quoted;
const ip = @import("ip.zig");

pub const Message = keys.Message;
pub const Error = keys.Error;

const Extension = struct { id: []const u8, critical: bool, value: []const u8 };

pub const IpNet = struct { ip: []const u8, mask: []const u8 };
pub const PolicyMapping = struct { issuer: []const u8, subject: []const u8 };

pub const Fields = struct {
    key_usage: i64 = 0,
    basic_constraints_valid: bool = false,
    is_ca: bool = false,
    max_path_len: i64 = 0,
    max_path_len_zero: bool = false,
    subject_key_id: ?[]const u8 = null,
    authority_key_id: ?[]const u8 = null,
    ocsp_server: ?[]const []const u8 = null,
    issuing_certificate_url: ?[]const []const u8 = null,
    dns_names: ?[]const []const u8 = null,
    email_addresses: ?[]const []const u8 = null,
    ip_addresses: ?[]const []const u8 = null,
    uris: ?[]const url.Url = null,
    permitted_dns_domains_critical: bool = false,
    permitted_dns_domains: ?[]const []const u8 = null,
    excluded_dns_domains: ?[]const []const u8 = null,
    permitted_ip_ranges: ?[]const IpNet = null,
    excluded_ip_ranges: ?[]const IpNet = null,
    permitted_email_addresses: ?[]const []const u8 = null,
    excluded_email_addresses: ?[]const []const u8 = null,
    permitted_uri_domains: ?[]const []const u8 = null,
    excluded_uri_domains: ?[]const []const u8 = null,
    crl_distribution_points: ?[]const []const u8 = null,
    /// Encoded OIDs whose arcs fit Go's asn1.ObjectIdentifier.
    policy_identifiers: ?[]const []const u8 = null,
    /// Encoded OIDs (Go's x509.OID, any arc size).
    policies: ?[]const []const u8 = null,
    ext_key_usage: ?[]const i64 = null,
    unknown_ext_key_usage: ?[]const []const u8 = null,
    unhandled_critical: ?[]const []const u8 = null,
    inhibit_any_policy: i64 = 0,
    inhibit_any_policy_zero: bool = false,
    inhibit_policy_mapping: i64 = 0,
    inhibit_policy_mapping_zero: bool = false,
    require_explicit_policy: i64 = 0,
    require_explicit_policy_zero: bool = false,
    policy_mappings: ?[]const PolicyMapping = null,
};

fn fail(message: Message, text: []const u8) Error {
    message.* = text;
    return error.Invalid;
}

fn nonEmpty(comptime T: type, list: std.ArrayList(T)) ?[]const T {
    return if (list.items.len == 0) null else list.items;
}

const oid_aia = "\x2b\x06\x01\x05\x05\x07\x01\x01";
const oid_aia_ocsp = "\x2b\x06\x01\x05\x05\x07\x30\x01";
const oid_aia_issuers = "\x2b\x06\x01\x05\x05\x07\x30\x02";

/// Go's processExtensions over a certificate's (or CSR's) extensions.
pub fn process(allocator: Allocator, extensions: anytype, message: Message) Error!Fields {
    var out: Fields = .{};
    var unhandled_critical: std.ArrayList([]const u8) = .empty;
    for (extensions) |e| {
        var unhandled = false;
        // id-ce arcs 2.5.29.n.
        if (e.id.len == 3 and e.id[0] == 0x55 and e.id[1] == 0x1d) {
            switch (e.id[2]) {
                15 => out.key_usage = try keyUsage(e.value, message),
                19 => {
                    try basicConstraints(e.value, &out, message);
                    out.basic_constraints_valid = true;
                    out.max_path_len_zero = out.max_path_len == 0;
                },
                17 => {
                    try subjectAltNames(allocator, e.value, &out, message);
                    if (out.dns_names == null and out.email_addresses == null and out.ip_addresses == null and out.uris == null) unhandled = true;
                },
                30 => unhandled = try nameConstraints(allocator, e.value, e.critical, &out, message),
                31 => out.crl_distribution_points = try crlDistributionPoints(allocator, e.value, message),
                35 => out.authority_key_id = try authorityKeyId(e, message),
                36 => try policyConstraints(e.value, &out, message),
                37 => try extKeyUsage(allocator, e.value, &out, message),
                14 => {
                    if (e.critical) return fail(message, "x509: subject key identifier incorrectly marked critical");
                    var r = der.Reader.init(e.value);
                    out.subject_key_id = r.octetString() catch return fail(message, "x509: invalid subject key identifier");
                },
                32 => try certificatePolicies(allocator, e.value, &out, message),
                33 => out.policy_mappings = try policyMappings(allocator, e.value, message),
                54 => {
                    var r = der.Reader.init(e.value);
                    const content = r.integerBytes() catch return fail(message, "x509: invalid inhibit any policy extension");
                    out.inhibit_any_policy = der.integerToI64(content) catch return fail(message, "x509: invalid inhibit any policy extension");
                    out.inhibit_any_policy_zero = out.inhibit_any_policy == 0;
                },
                else => unhandled = true,
            }
        } else if (std.mem.eql(u8, e.id, oid_aia)) {
            if (e.critical) return fail(message, "x509: authority info access incorrectly marked critical");
            try authorityInfoAccess(allocator, e.value, &out, message);
        } else {
            unhandled = true;
        }
        if (e.critical and unhandled) try unhandled_critical.append(allocator, e.id);
    }
    out.unhandled_critical = nonEmpty([]const u8, unhandled_critical);
    return out;
}

fn keyUsage(value: []const u8, message: Message) Error!i64 {
    var r = der.Reader.init(value);
    const bits = r.bitString() catch return fail(message, "x509: invalid key usage");
    const bit_length = bits.bytes.len * 8 - bits.unused_bits;
    var usage: i64 = 0;
    for (0..9) |i| {
        if (i >= bit_length) break;
        if (bits.bytes[i / 8] & (@as(u8, 0x80) >> @intCast(i % 8)) != 0) usage |= @as(i64, 1) << @intCast(i);
    }
    return usage;
}

fn basicConstraints(value: []const u8, out: *Fields, message: Message) Error!void {
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, "x509: invalid basic constraints");
    if (seq.peekTag() == der.tag.boolean) {
        out.is_ca = seq.boolean() catch return fail(message, "x509: invalid basic constraints");
    }
    out.max_path_len = -1;
    if (seq.peekTag() == der.tag.integer) {
        const content = seq.integerBytes() catch return fail(message, "x509: invalid basic constraints");
        const v = der.integerToI64(content) catch return fail(message, "x509: invalid basic constraints");
        if (v < 0) return fail(message, "x509: invalid basic constraints");
        out.max_path_len = v;
    }
}

fn subjectAltNames(allocator: Allocator, value: []const u8, out: *Fields, message: Message) Error!void {
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, "x509: invalid subject alternative names");
    var dns: std.ArrayList([]const u8) = .empty;
    var emails: std.ArrayList([]const u8) = .empty;
    var ips: std.ArrayList([]const u8) = .empty;
    var uris: std.ArrayList(url.Url) = .empty;
    while (!seq.empty()) {
        const san = seq.next() catch return fail(message, "x509: invalid subject alternative name");
        const data = san.content;
        switch (san.tag ^ 0x80) {
            1 => {
                if (!isIa5(data)) return fail(message, "x509: SAN rfc822Name is malformed");
                try emails.append(allocator, data);
            },
            2 => {
                if (!isIa5(data)) return fail(message, "x509: SAN dNSName is malformed");
                try dns.append(allocator, data);
            },
            6 => {
                if (!isIa5(data)) return fail(message, "x509: SAN uniformResourceIdentifier is malformed");
                const u = switch (try url.parse(allocator, data)) {
                    .ok => |u| u,
                    .failed => |f| return fail(message, try std.fmt.allocPrint(allocator, "x509: cannot parse URI {f}: parse {f}: {s}", .{ quoted(data), quoted(f.url), f.reason })),
                };
                if (u.host.len > 0 and !domainNameValid(u.host, false)) {
                    return fail(message, try std.fmt.allocPrint(allocator, "x509: cannot parse URI {f}: invalid domain", .{quoted(data)}));
                }
                try uris.append(allocator, u);
            },
            7 => {
                if (data.len != 4 and data.len != 16) return fail(message, try std.fmt.allocPrint(allocator, "x509: cannot parse IP address of length {d}", .{data.len}));
                try ips.append(allocator, data);
            },
            else => {},
        }
    }
    out.dns_names = nonEmpty([]const u8, dns);
    out.email_addresses = nonEmpty([]const u8, emails);
    out.ip_addresses = nonEmpty([]const u8, ips);
    out.uris = nonEmpty(url.Url, uris);
}

fn isIa5(s: []const u8) bool {
    for (s) |b| if (b >= 0x80) return false;
    return true;
}

/// Go's domainNameValid (x509/parser.go) as of Go 1.26: no trailing dot,
/// no empty labels, printable ASCII only.
pub fn domainNameValid(name: []const u8, constraint: bool) bool {
    if (name.len == 0) return true;
    if (name[name.len - 1] == '.') return false;
    var s = name;
    if (constraint and s[0] == '.') s = s[1..];
    var label_start: usize = 0;
    for (0..s.len + 1) |i| {
        if (i < s.len and (s[i] < 33 or s[i] > 126)) return false;
        if (i == s.len or s[i] == '.') {
            if (i == label_start) return false;
            label_start = i + 1;
        }
    }
    return true;
}

/// Go's parseNameConstraintsExtension; returns whether it was unhandled
/// (a constraint of a kind Go does not support).
fn nameConstraints(allocator: Allocator, value: []const u8, critical: bool, out: *Fields, message: Message) Error!bool {
    const invalid = "x509: invalid NameConstraints extension";
    var outer = der.Reader.init(value);
    var top = outer.sequence() catch return fail(message, invalid);
    if (!outer.empty()) return fail(message, invalid);
    const permitted = top.optional(der.tag.contextConstructed(0)) catch return fail(message, invalid);
    const excluded = top.optional(der.tag.contextConstructed(1)) catch return fail(message, invalid);
    if (!top.empty()) return fail(message, invalid);
    const permitted_content: []const u8 = if (permitted) |p| p.content else "";
    const excluded_content: []const u8 = if (excluded) |e| e.content else "";
    if ((permitted == null and excluded == null) or (permitted_content.len == 0 and excluded_content.len == 0)) {
        return fail(message, "x509: empty name constraints extension");
    }
    var unhandled = false;
    const p = try subtrees(allocator, permitted_content, &unhandled, message);
    const e = try subtrees(allocator, excluded_content, &unhandled, message);
    out.permitted_dns_domains = p.dns;
    out.permitted_ip_ranges = p.ips;
    out.permitted_email_addresses = p.emails;
    out.permitted_uri_domains = p.uri_domains;
    out.excluded_dns_domains = e.dns;
    out.excluded_ip_ranges = e.ips;
    out.excluded_email_addresses = e.emails;
    out.excluded_uri_domains = e.uri_domains;
    out.permitted_dns_domains_critical = critical;
    return unhandled;
}

const Subtrees = struct {
    dns: ?[]const []const u8,
    ips: ?[]const IpNet,
    emails: ?[]const []const u8,
    uri_domains: ?[]const []const u8,
};

fn subtrees(allocator: Allocator, content: []const u8, unhandled: *bool, message: Message) Error!Subtrees {
    var r = der.Reader.init(content);
    var dns: std.ArrayList([]const u8) = .empty;
    var ips: std.ArrayList(IpNet) = .empty;
    var emails: std.ArrayList([]const u8) = .empty;
    var uri_domains: std.ArrayList([]const u8) = .empty;
    while (!r.empty()) {
        var seq = r.sequence() catch return fail(message, "x509: invalid NameConstraints extension");
        const base = seq.next() catch return fail(message, "x509: invalid NameConstraints extension");
        const v = base.content;
        switch (base.tag) {
            0x82 => {
                if (!isIa5(v)) return fail(message, "x509: invalid constraint value: asn1: invalid IA5String");
                if (!domainNameValid(v, true)) return fail(message, try std.fmt.allocPrint(allocator, "x509: failed to parse dnsName constraint {f}", .{quoted(v)}));
                try dns.append(allocator, v);
            },
            0x87 => {
                if (v.len != 8 and v.len != 32) return fail(message, try std.fmt.allocPrint(allocator, "x509: IP constraint contained value of length {d}", .{v.len}));
                const half = v.len / 2;
                if (!validIpMask(v[half..])) return fail(message, try std.fmt.allocPrint(allocator, "x509: IP constraint contained invalid mask {x}", .{v[half..]}));
                try ips.append(allocator, .{ .ip = v[0..half], .mask = v[half..] });
            },
            0x81 => {
                if (!isIa5(v)) return fail(message, "x509: invalid constraint value: asn1: invalid IA5String");
                const ok = if (std.mem.indexOfScalar(u8, v, '@') != null) isMailbox(v) else domainNameValid(v, true);
                if (!ok) return fail(message, try std.fmt.allocPrint(allocator, "x509: failed to parse rfc822Name constraint {f}", .{quoted(v)}));
                try emails.append(allocator, v);
            },
            0x86 => {
                if (!isIa5(v)) return fail(message, "x509: invalid constraint value: asn1: invalid IA5String");
                if (looksLikeIp(v)) return fail(message, try std.fmt.allocPrint(allocator, "x509: failed to parse URI constraint {f}: cannot be IP address", .{quoted(v)}));
                if (!domainNameValid(v, true)) return fail(message, try std.fmt.allocPrint(allocator, "x509: failed to parse URI constraint {f}", .{quoted(v)}));
                try uri_domains.append(allocator, v);
            },
            else => unhandled.* = true,
        }
    }
    return .{
        .dns = nonEmpty([]const u8, dns),
        .ips = nonEmpty(IpNet, ips),
        .emails = nonEmpty([]const u8, emails),
        .uri_domains = nonEmpty([]const u8, uri_domains),
    };
}

/// net.ParseIP succeeding: a dotted IPv4 address or an IPv6 address.
fn looksLikeIp(s: []const u8) bool {
    const a = ip.parse(s) orelse return false;
    return !a.has_zone;
}

/// Zero or more 1 bits, then zero bits (Go's isValidIPMask).
fn validIpMask(mask: []const u8) bool {
    var seen_zero = false;
    for (mask) |b| {
        if (seen_zero) {
            if (b != 0) return false;
            continue;
        }
        switch (b) {
            0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe => seen_zero = true,
            0xff => {},
            else => return false,
        }
    }
    return true;
}

/// Go's parseRFC2821Mailbox succeeding: a dot-atom or quoted local part,
/// '@', and a domain of non-empty printable labels.
pub fn isMailbox(in: []const u8) bool {
    return mailboxDomain(in) != null;
}

/// The domain of an RFC 2821 mailbox, or null when Go rejects it.
pub fn mailboxDomain(input: []const u8) ?[]const u8 {
    if (input.len == 0) return null;
    var in = input;
    if (in[0] == '"') {
        in = in[1..];
        while (true) {
            if (in.len == 0) return null;
            const c = in[0];
            in = in[1..];
            if (c == '"') break;
            if (c == '\\') {
                if (in.len == 0) return null;
                const d = in[0];
                if (!(d == 11 or d == 12 or (d >= 1 and d <= 9) or (d >= 14 and d <= 127))) return null;
                in = in[1..];
                continue;
            }
            const ok = c == 11 or c == 12 or c == 32 or c == 33 or c == 127 or (c >= 1 and c <= 8) or
                (c >= 14 and c <= 31) or (c >= 35 and c <= 91) or (c >= 93 and c <= 126);
            if (!ok) return null;
        }
    } else {
        var count: usize = 0;
        var first: u8 = 0;
        var last: u8 = 0;
        var previous_dot = false;
        var two_dots = false;
        while (in.len > 0) {
            var c = in[0];
            if (c == '\\') {
                in = in[1..];
                if (in.len == 0) return null;
                c = in[0];
            } else if (!(std.ascii.isAlphanumeric(c) or std.mem.indexOfScalar(u8, "!#$%&'*+-/=?^_`{|}~.", c) != null)) {
                break;
            }
            if (count == 0) first = c;
            last = c;
            if (c == '.' and previous_dot) two_dots = true;
            previous_dot = c == '.';
            count += 1;
            in = in[1..];
        }
        if (count == 0 or first == '.' or last == '.' or two_dots) return null;
    }
    if (in.len == 0 or in[0] != '@') return null;
    const domain = in[1..];
    if (!validReverseLabels(domain)) return null;
    return domain;
}

/// Go's domainToReverseLabels succeeding.
pub fn validReverseLabels(domain: []const u8) bool {
    if (domain.len == 0) return true;
    if (domain[domain.len - 1] == '.') return false;
    var it = std.mem.splitScalar(u8, domain, '.');
    while (it.next()) |label| {
        if (label.len == 0) return false;
        for (label) |c| if (c < 33 or c > 126) return false;
    }
    return true;
}

fn crlDistributionPoints(allocator: Allocator, value: []const u8, message: Message) Error!?[]const []const u8 {
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, "x509: invalid CRL distribution points");
    var out: std.ArrayList([]const u8) = .empty;
    while (!seq.empty()) {
        var dp = seq.sequence() catch return fail(message, "x509: invalid CRL distribution point");
        const name = (dp.optional(der.tag.contextConstructed(0)) catch return fail(message, "x509: invalid CRL distribution point")) orelse continue;
        var name_reader = der.Reader.init(name.content);
        var full_name = name_reader.enter(der.tag.contextConstructed(0)) catch return fail(message, "x509: invalid CRL distribution point");
        while (!full_name.empty()) {
            if (full_name.peekTag() != der.tag.contextPrimitive(6)) break;
            const uri = full_name.next() catch return fail(message, "x509: invalid CRL distribution point");
            try out.append(allocator, uri.content);
        }
    }
    return nonEmpty([]const u8, out);
}

fn authorityKeyId(e: anytype, message: Message) Error!?[]const u8 {
    if (e.critical) return fail(message, "x509: authority key identifier incorrectly marked critical");
    var outer = der.Reader.init(e.value);
    var akid = outer.sequence() catch return fail(message, "x509: invalid authority key identifier");
    if (akid.peekTag() == der.tag.contextPrimitive(0)) {
        const id = akid.next() catch return fail(message, "x509: invalid authority key identifier");
        return id.content;
    }
    return null;
}

fn policyConstraints(value: []const u8, out: *Fields, message: Message) Error!void {
    const invalid = "x509: invalid policy constraints extension";
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, invalid);
    if (seq.peekTag() == der.tag.contextPrimitive(0)) {
        const e = seq.next() catch return fail(message, invalid);
        der.checkInteger(e.content) catch return fail(message, invalid);
        out.require_explicit_policy = der.integerToI64(e.content) catch return fail(message, invalid);
        out.require_explicit_policy_zero = out.require_explicit_policy == 0;
    }
    if (seq.peekTag() == der.tag.contextPrimitive(1)) {
        const e = seq.next() catch return fail(message, invalid);
        der.checkInteger(e.content) catch return fail(message, invalid);
        out.inhibit_policy_mapping = der.integerToI64(e.content) catch return fail(message, invalid);
        out.inhibit_policy_mapping_zero = out.inhibit_policy_mapping == 0;
    }
}

fn extKeyUsage(allocator: Allocator, value: []const u8, out: *Fields, message: Message) Error!void {
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, "x509: invalid extended key usages");
    var known: std.ArrayList(i64) = .empty;
    var unknown: std.ArrayList([]const u8) = .empty;
    while (!seq.empty()) {
        const oid = seq.oid() catch return fail(message, "x509: invalid extended key usages");
        if (extKeyUsageFromOid(oid)) |usage| {
            try known.append(allocator, usage);
        } else {
            try unknown.append(allocator, oid);
        }
    }
    out.ext_key_usage = nonEmpty(i64, known);
    out.unknown_ext_key_usage = nonEmpty([]const u8, unknown);
}

/// Go's ExtKeyUsage values by OID.
const ext_key_usages = [_][]const u8{
    "\x55\x1d\x25\x00", // any
    "\x2b\x06\x01\x05\x05\x07\x03\x01", // serverAuth
    "\x2b\x06\x01\x05\x05\x07\x03\x02", // clientAuth
    "\x2b\x06\x01\x05\x05\x07\x03\x03", // codeSigning
    "\x2b\x06\x01\x05\x05\x07\x03\x04", // emailProtection
    "\x2b\x06\x01\x05\x05\x07\x03\x05", // ipsecEndSystem
    "\x2b\x06\x01\x05\x05\x07\x03\x06", // ipsecTunnel
    "\x2b\x06\x01\x05\x05\x07\x03\x07", // ipsecUser
    "\x2b\x06\x01\x05\x05\x07\x03\x08", // timeStamping
    "\x2b\x06\x01\x05\x05\x07\x03\x09", // OCSPSigning
    "\x2b\x06\x01\x04\x01\x82\x37\x0a\x03\x03", // Microsoft server gated crypto
    "\x60\x86\x48\x01\x86\xf8\x42\x04\x01", // Netscape server gated crypto
    "\x2b\x06\x01\x04\x01\x82\x37\x02\x01\x16", // Microsoft commercial code signing
    "\x2b\x06\x01\x04\x01\x82\x37\x3d\x01\x01", // Microsoft kernel code signing
};

pub fn extKeyUsageFromOid(oid: []const u8) ?i64 {
    for (ext_key_usages, 0..) |known, i| if (std.mem.eql(u8, oid, known)) return @intCast(i);
    return null;
}

pub fn extKeyUsageOid(usage: i64) ?[]const u8 {
    if (usage < 0 or usage >= ext_key_usages.len) return null;
    return ext_key_usages[@intCast(usage)];
}

fn certificatePolicies(allocator: Allocator, value: []const u8, out: *Fields, message: Message) Error!void {
    const invalid = "x509: invalid certificate policies";
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, invalid);
    var policies: std.ArrayList([]const u8) = .empty;
    while (!seq.empty()) {
        var info = seq.sequence() catch return fail(message, invalid);
        const oid = info.expect(der.tag.oid) catch return fail(message, invalid);
        for (policies.items) |seen| if (std.mem.eql(u8, seen, oid.content)) return fail(message, invalid);
        der.checkOid(oid.content) catch return fail(message, invalid);
        try policies.append(allocator, oid.content);
    }
    out.policies = nonEmpty([]const u8, policies);
    var identifiers: std.ArrayList([]const u8) = .empty;
    for (policies.items) |oid| {
        var arcs: [64]u32 = undefined;
        // Arcs too large for asn1.ObjectIdentifier are left out.
        _ = der.oidArcs(oid, &arcs) catch continue;
        try identifiers.append(allocator, oid);
    }
    out.policy_identifiers = identifiers.items;
}

fn policyMappings(allocator: Allocator, value: []const u8, message: Message) Error!?[]const PolicyMapping {
    const invalid = "x509: invalid policy mappings extension";
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, invalid);
    var out: std.ArrayList(PolicyMapping) = .empty;
    while (!seq.empty()) {
        var mapping = seq.sequence() catch return fail(message, invalid);
        const issuer = mapping.expect(der.tag.oid) catch return fail(message, invalid);
        const subject = mapping.expect(der.tag.oid) catch return fail(message, invalid);
        try out.append(allocator, .{ .issuer = issuer.content, .subject = subject.content });
    }
    return nonEmpty(PolicyMapping, out);
}

fn authorityInfoAccess(allocator: Allocator, value: []const u8, out: *Fields, message: Message) Error!void {
    const invalid = "x509: invalid authority info access";
    var outer = der.Reader.init(value);
    var seq = outer.sequence() catch return fail(message, invalid);
    var ocsp: std.ArrayList([]const u8) = .empty;
    var issuers: std.ArrayList([]const u8) = .empty;
    while (!seq.empty()) {
        var access = seq.sequence() catch return fail(message, invalid);
        const method = access.oid() catch return fail(message, invalid);
        if (access.peekTag() != der.tag.contextPrimitive(6)) continue;
        const location = access.next() catch return fail(message, invalid);
        if (std.mem.eql(u8, method, oid_aia_ocsp)) {
            try ocsp.append(allocator, location.content);
        } else if (std.mem.eql(u8, method, oid_aia_issuers)) {
            try issuers.append(allocator, location.content);
        }
    }
    if (ocsp.items.len > 0) out.ocsp_server = ocsp.items;
    if (issuers.items.len > 0) out.issuing_certificate_url = issuers.items;
}

const testing = std.testing;

test "key usage bits and basic constraints" {
    var message: []const u8 = "";
    // digitalSignature | keyEncipherment (bits 0 and 2): 03 02 05 a0
    try testing.expectEqual(@as(i64, 5), try keyUsage("\x03\x02\x05\xa0", &message));
    var f: Fields = .{};
    try basicConstraints("\x30\x06\x01\x01\xff\x02\x01\x00", &f, &message);
    try testing.expect(f.is_ca);
    try testing.expectEqual(@as(i64, 0), f.max_path_len);
}

test "mailboxes and domains as Go validates them" {
    try testing.expect(isMailbox("user@example.com"));
    try testing.expect(isMailbox("\"a b\"@example.com"));
    try testing.expect(!isMailbox(".user@example.com"));
    try testing.expect(!isMailbox("us..er@example.com"));
    try testing.expect(domainNameValid(".example.com", true));
    try testing.expect(!domainNameValid("example.com.", false));
    try testing.expect(!domainNameValid("a..b", false));
}
