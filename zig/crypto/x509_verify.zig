//! Certificate chain verification as OPA does it with Go's
//! x509.Certificate.Verify: the first certificate is the only root, the
//! last the leaf, the others intermediates; the first chain Go would find
//! is returned (leaf first). Follows crypto/x509/verify.go: validity
//! periods, CA and path length constraints, key usage, signature checks,
//! extended key usage, host names, name constraints and policies.
const std = @import("std");
const Allocator = std.mem.Allocator;
const x509 = @import("x509.zig");
const ext = @import("x509_extensions.zig");
const keys = @import("keys.zig");
const url = @import("url.zig");
const der = @import("der.zig");
const Hash = @import("hash.zig").Hash;
const rsa = @import("rsa.zig");
const ecdsa = @import("ecdsa.zig");
const jws = @import("jws.zig");
const policy = @import("x509_policy.zig");
const ip_mod = @import("ip.zig");

const Certificate = x509.Certificate;

pub const Options = struct {
    /// The verification time, nanoseconds since the epoch.
    now_ns: i64,
    dns_name: []const u8 = "",
    /// Go ExtKeyUsage values; empty means server authentication.
    key_usages: []const i64 = &.{},
    /// Accepted and ignored, as by Go since name constraint checks no
    /// longer count comparisons.
    max_constraint_comparisons: i64 = 0,
};

const key_usage_names = [_][]const u8{
    "KeyUsageAny",                            "KeyUsageServerAuth",                 "KeyUsageClientAuth",
    "KeyUsageCodeSigning",                    "KeyUsageEmailProtection",            "KeyUsageIPSECEndSystem",
    "KeyUsageIPSECTunnel",                    "KeyUsageIPSECUser",                  "KeyUsageTimeStamping",
    "KeyUsageOCSPSigning",                    "KeyUsageMicrosoftServerGatedCrypto", "KeyUsageNetscapeServerGatedCrypto",
    "KeyUsageMicrosoftCommercialCodeSigning", "KeyUsageMicrosoftKernelCodeSigning",
};

/// OPA's names for the ExtKeyUsage values it accepts as options.
pub fn keyUsageByName(name: []const u8) ?i64 {
    for (key_usage_names, 0..) |known, i| if (std.mem.eql(u8, name, known)) return @intCast(i);
    return null;
}

const ext_key_usage_any = 0;
const ext_key_usage_server_auth = 1;
const key_usage_cert_sign = 32;
const max_signature_checks = 100;

/// The verified chain, leaf first, or null when the certificates do not
/// verify (OPA reports every failure the same way).
pub fn verifyChain(allocator: Allocator, certs: []const Certificate, opts: Options) Allocator.Error!?[]const Certificate {
    if (certs.len < 2) return null;
    var v: Verifier = .{ .allocator = allocator, .opts = opts };
    try v.addRoot(certs[0]);
    for (certs[1 .. certs.len - 1]) |c| try v.addIntermediate(c);
    return v.verify(certs[certs.len - 1]);
}

const Kind = enum { leaf, intermediate, root };

const Verifier = struct {
    allocator: Allocator,
    opts: Options,
    roots: std.ArrayList(Certificate) = .empty,
    intermediates: std.ArrayList(Certificate) = .empty,
    signature_checks: usize = 0,

    /// CertPool.AddCert: a certificate already in the pool is not added.
    fn addRoot(v: *Verifier, c: Certificate) Allocator.Error!void {
        if (!contains(v.roots.items, c)) try v.roots.append(v.allocator, c);
    }

    fn addIntermediate(v: *Verifier, c: Certificate) Allocator.Error!void {
        if (!contains(v.intermediates.items, c)) try v.intermediates.append(v.allocator, c);
    }

    fn verify(v: *Verifier, leaf: Certificate) Allocator.Error!?[]const Certificate {
        if (!v.valid(leaf, .leaf, &.{})) return null;
        if (v.opts.dns_name.len > 0 and !try verifyHostname(v.allocator, leaf, v.opts.dns_name)) return null;

        var chains: std.ArrayList([]const Certificate) = .empty;
        if (contains(v.roots.items, leaf)) {
            try chains.append(v.allocator, try v.allocator.dupe(Certificate, &.{leaf}));
        } else {
            try v.buildChains(&.{leaf}, &chains);
        }

        var any_usage = false;
        for (v.opts.key_usages) |u| {
            if (u == ext_key_usage_any) any_usage = true;
        }
        const usages: []const i64 = if (v.opts.key_usages.len == 0) &.{ext_key_usage_server_auth} else v.opts.key_usages;
        for (chains.items) |chain| {
            if (!try policy.valid(v.allocator, chain)) continue;
            if (!any_usage and !chainAllowsKeyUsages(chain, usages)) continue;
            if (!try checkChainConstraints(v.allocator, chain)) continue;
            return chain;
        }
        return null;
    }

    /// Go's Certificate.isValid.
    fn valid(v: *Verifier, c: Certificate, kind: Kind, chain: []const Certificate) bool {
        if (c.ext.unhandled_critical != null) return false;
        if (chain.len > 0 and !std.mem.eql(u8, chain[chain.len - 1].raw_issuer, c.raw_subject)) return false;
        const now_s = @divFloor(v.opts.now_ns, std.time.ns_per_s);
        const now_rem = @mod(v.opts.now_ns, std.time.ns_per_s);
        if (now_s < c.not_before.unixSeconds()) return false;
        // After NotAfter: later seconds, or the same second plus nanoseconds.
        const not_after = c.not_after.unixSeconds();
        if (now_s > not_after or (now_s == not_after and now_rem > 0)) return false;
        if (kind == .intermediate and (!c.ext.basic_constraints_valid or !c.ext.is_ca)) return false;
        if (c.ext.basic_constraints_valid and c.ext.max_path_len >= 0) {
            const intermediates: i64 = @as(i64, @intCast(chain.len)) - 1;
            if (intermediates > c.ext.max_path_len) return false;
        }
        return true;
    }

    /// Go's buildChains: roots first, then intermediates, each ordered by
    /// how well their subject key id matches the authority key id.
    fn buildChains(v: *Verifier, chain: []const Certificate, out: *std.ArrayList([]const Certificate)) Allocator.Error!void {
        const c = chain[chain.len - 1];
        inline for (.{ Kind.root, Kind.intermediate }) |kind| {
            const pool = if (kind == .root) v.roots.items else v.intermediates.items;
            const candidates = try potentialParents(v.allocator, pool, c);
            for (candidates) |candidate| {
                v.signature_checks += 1;
                if (v.signature_checks > max_signature_checks) return;
                if (candidate.public_key == null or alreadyInChain(candidate, chain)) continue;
                if (!checkSignatureFrom(c, candidate)) continue;
                if (!v.valid(candidate, kind, chain)) continue;
                const extended = try std.mem.concat(v.allocator, Certificate, &.{ chain, &.{candidate} });
                if (kind == .root) {
                    try out.append(v.allocator, extended);
                } else {
                    try v.buildChains(extended, out);
                    if (v.signature_checks > max_signature_checks) return;
                }
            }
        }
    }
};

/// CertPool.contains: the same DER bytes.
fn contains(pool: []const Certificate, c: Certificate) bool {
    for (pool) |p| if (std.mem.eql(u8, p.raw, c.raw)) return true;
    return false;
}

/// CertPool.findPotentialParents.
fn potentialParents(allocator: Allocator, pool: []const Certificate, c: Certificate) Allocator.Error![]const Certificate {
    var matching: std.ArrayList(Certificate) = .empty;
    var one: std.ArrayList(Certificate) = .empty;
    var mismatch: std.ArrayList(Certificate) = .empty;
    const akid = c.ext.authority_key_id orelse "";
    for (pool) |candidate| {
        if (!std.mem.eql(u8, candidate.raw_subject, c.raw_issuer)) continue;
        const skid = candidate.ext.subject_key_id orelse "";
        if (std.mem.eql(u8, skid, akid)) {
            try matching.append(allocator, candidate);
        } else if ((skid.len == 0 and akid.len > 0) or (skid.len > 0 and akid.len == 0)) {
            try one.append(allocator, candidate);
        } else {
            try mismatch.append(allocator, candidate);
        }
    }
    return std.mem.concat(allocator, Certificate, &.{ matching.items, one.items, mismatch.items });
}

const san_oid = "\x55\x1d\x11";

fn sanValue(c: Certificate) ?[]const u8 {
    for (c.extensions) |e| if (std.mem.eql(u8, e.id, san_oid)) return e.value;
    return null;
}

/// Go's alreadyInChain: same subject, key and SAN as a certificate in it.
fn alreadyInChain(candidate: Certificate, chain: []const Certificate) bool {
    const candidate_san = sanValue(candidate);
    for (chain) |c| {
        if (!std.mem.eql(u8, candidate.raw_subject, c.raw_subject)) continue;
        if (!std.mem.eql(u8, candidate.raw_spki, c.raw_spki)) continue;
        const san = sanValue(c);
        if (candidate_san == null and san == null) return true;
        if (candidate_san == null or san == null) return false;
        if (std.mem.eql(u8, candidate_san.?, san.?)) return true;
    }
    return false;
}

/// Go's CheckSignatureFrom (SHA-1 and MD5 refused, as for certificates).
fn checkSignatureFrom(c: Certificate, parent: Certificate) bool {
    if ((parent.version == 3 and !parent.ext.basic_constraints_valid) or (parent.ext.basic_constraints_valid and !parent.ext.is_ca)) return false;
    if (parent.ext.key_usage != 0 and parent.ext.key_usage & key_usage_cert_sign == 0) return false;
    if (parent.public_key_algorithm == .unknown) return false;
    const key = parent.public_key orelse return false;
    return checkSignature(c.signature_algorithm, c.raw_tbs, c.signature, key);
}

pub fn checkSignature(algorithm: x509.SignatureAlgorithm, signed: []const u8, signature: []const u8, key: keys.PublicKey) bool {
    const hash: ?Hash = switch (algorithm) {
        .sha256_rsa, .ecdsa_sha256, .sha256_rsa_pss => .sha256,
        .sha384_rsa, .ecdsa_sha384, .sha384_rsa_pss => .sha384,
        .sha512_rsa, .ecdsa_sha512, .sha512_rsa_pss => .sha512,
        .ed25519 => null,
        // MD2/MD5/SHA-1 are insecure, DSA unsupported.
        else => return false,
    };
    var buffer: [Hash.max_length]u8 = undefined;
    switch (key) {
        .rsa => |k| {
            const h = hash orelse return false;
            const digest = h.digest(&.{signed}, &buffer);
            return switch (algorithm) {
                .sha256_rsa, .sha384_rsa, .sha512_rsa => rsa.verifyPkcs1v15(k, h, digest, signature),
                .sha256_rsa_pss, .sha384_rsa_pss, .sha512_rsa_pss => rsa.verifyPss(k, h, digest, signature, h.length()),
                else => false,
            };
        },
        .ecdsa => |k| {
            const h = hash orelse return false;
            switch (algorithm) {
                .ecdsa_sha256, .ecdsa_sha384, .ecdsa_sha512 => {},
                else => return false,
            }
            const rs = parseEcdsaSignature(signature) orelse return false;
            return ecdsa.verify(k, h.digest(&.{signed}, &buffer), rs.r, rs.s);
        },
        .ed25519 => |k| {
            if (algorithm != .ed25519) return false;
            return jws.verifyEd25519(k, signed, signature);
        },
        else => return false,
    }
}

/// An ASN.1 ECDSA signature: SEQUENCE { r INTEGER, s INTEGER }, positive.
fn parseEcdsaSignature(signature: []const u8) ?struct { r: []const u8, s: []const u8 } {
    var outer = der.Reader.init(signature);
    var seq = outer.sequence() catch return null;
    if (!outer.empty()) return null;
    const r = seq.integerBytes() catch return null;
    const s = seq.integerBytes() catch return null;
    if (!seq.empty() or r[0] & 0x80 != 0 or s[0] & 0x80 != 0) return null;
    return .{ .r = r, .s = s };
}

/// Go's checkChainForKeyUsage: from the root down, each certificate with
/// extended key usages must allow at least one requested usage.
fn chainAllowsKeyUsages(chain: []const Certificate, requested: []const i64) bool {
    var remaining: [16]bool = @splat(false);
    const n = @min(requested.len, remaining.len);
    for (0..n) |i| remaining[i] = true;
    var count = n;
    var i = chain.len;
    next_cert: while (i > 0) {
        i -= 1;
        const c = chain[i];
        const usages = c.ext.ext_key_usage orelse &.{};
        if (usages.len == 0 and c.ext.unknown_ext_key_usage == null) continue;
        for (usages) |u| if (u == ext_key_usage_any) continue :next_cert;
        for (requested[0..n], 0..) |want, k| {
            if (!remaining[k]) continue;
            const allowed = for (usages) |u| {
                if (u == want) break true;
            } else false;
            if (allowed) continue;
            remaining[k] = false;
            count -= 1;
            if (count == 0) return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------
// Host names (Go's VerifyHostname)

fn verifyHostname(allocator: Allocator, c: Certificate, host: []const u8) Allocator.Error!bool {
    var candidate_ip = host;
    if (host.len >= 3 and host[0] == '[' and host[host.len - 1] == ']') candidate_ip = host[1 .. host.len - 1];
    if (parseIp(candidate_ip)) |address| {
        for (c.ext.ip_addresses orelse &.{}) |candidate| {
            if (ipEqual(address.slice(), candidate)) return true;
        }
        return false;
    }
    const name = try std.ascii.allocLowerString(allocator, host);
    const valid_name = validHostname(name, false);
    var parts: std.ArrayList([]const u8) = .empty;
    const trimmed = if (std.mem.endsWith(u8, name, ".")) name[0 .. name.len - 1] else name;
    var it = std.mem.splitScalar(u8, trimmed, '.');
    while (it.next()) |p| try parts.append(allocator, p);
    for (c.ext.dns_names orelse &.{}) |match| {
        if (valid_name and validHostname(match, true)) {
            if (try matchHostnames(allocator, match, parts.items)) return true;
        } else if (matchExactly(match, name)) {
            return true;
        }
    }
    return false;
}

fn validHostname(host_in: []const u8, is_pattern: bool) bool {
    var host = host_in;
    if (!is_pattern and std.mem.endsWith(u8, host, ".")) host = host[0 .. host.len - 1];
    if (host.len == 0 or std.mem.eql(u8, host, "*")) return false;
    var it = std.mem.splitScalar(u8, host, '.');
    var i: usize = 0;
    while (it.next()) |part| : (i += 1) {
        if (part.len == 0) return false;
        if (is_pattern and i == 0 and std.mem.eql(u8, part, "*")) continue;
        for (part, 0..) |c, j| {
            if (std.ascii.isAlphanumeric(c) or c == '_' or (c == '-' and j != 0)) continue;
            return false;
        }
    }
    return true;
}

fn matchExactly(a: []const u8, b: []const u8) bool {
    if (a.len == 0 or std.mem.eql(u8, a, ".") or b.len == 0 or std.mem.eql(u8, b, ".")) return false;
    return std.ascii.eqlIgnoreCase(a, b);
}

fn matchHostnames(allocator: Allocator, pattern_in: []const u8, host_parts: []const []const u8) Allocator.Error!bool {
    const pattern = try std.ascii.allocLowerString(allocator, pattern_in);
    if (pattern.len == 0 or host_parts.len == 0) return false;
    var it = std.mem.splitScalar(u8, pattern, '.');
    var i: usize = 0;
    while (it.next()) |part| : (i += 1) {
        if (i >= host_parts.len) return false;
        if (i == 0 and std.mem.eql(u8, part, "*")) continue;
        if (!std.mem.eql(u8, part, host_parts[i])) return false;
    }
    return i == host_parts.len;
}

/// net.ParseIP: netip.ParseAddr without a zone.
fn parseIp(s: []const u8) ?ip_mod.Addr {
    const a = ip_mod.parse(s) orelse return null;
    return if (a.has_zone) null else a;
}

/// net.IP.Equal: IPv4 and IPv4-mapped IPv6 forms are equal.
fn ipEqual(a: []const u8, b: []const u8) bool {
    const a4 = to4(a) orelse a;
    const b4 = to4(b) orelse b;
    return std.mem.eql(u8, a4, b4);
}

fn to4(a: []const u8) ?[]const u8 {
    if (a.len == 4) return a;
    if (a.len == 16 and std.mem.allEqual(u8, a[0..10], 0) and a[10] == 0xff and a[11] == 0xff) return a[12..16];
    return null;
}

// ---------------------------------------------------------------------------
// Name constraints (Go's checkChainConstraints)

const nc_oid = "\x55\x1d\x1e";

fn hasExtension(c: Certificate, oid: []const u8) bool {
    for (c.extensions) |e| if (std.mem.eql(u8, e.id, oid)) return true;
    return false;
}

/// Each certificate's names must satisfy the constraints of every
/// certificate above it in the chain.
fn checkChainConstraints(allocator: Allocator, chain: []const Certificate) Allocator.Error!bool {
    for (chain, 0..) |c, i| {
        if (!hasExtension(c, san_oid)) continue;
        for (chain[i + 1 ..]) |issuer| {
            if (!hasExtension(issuer, nc_oid)) continue;
            if (!try satisfies(allocator, c, issuer.ext)) return false;
        }
    }
    return true;
}

fn satisfies(allocator: Allocator, c: Certificate, nc: ext.Fields) Allocator.Error!bool {
    for (c.ext.ip_addresses orelse &.{}) |address| {
        if (nc.permitted_ip_ranges) |list| {
            const found = for (list) |net| {
                if (ipNetContains(net, address)) break true;
            } else false;
            if (!found) return false;
        }
        for (nc.excluded_ip_ranges orelse &.{}) |net| if (ipNetContains(net, address)) return false;
    }
    for (c.ext.dns_names orelse &.{}) |name| {
        if (!ext.domainNameValid(name, false)) return false;
        if (!domainAllowed(name, nc.permitted_dns_domains, nc.excluded_dns_domains)) return false;
    }
    for (c.ext.uris orelse &.{}) |u| {
        const host = try uriDomain(allocator, u) orelse return false;
        if (!ext.domainNameValid(host, false)) return false;
        if (!domainAllowed(host, nc.permitted_uri_domains, nc.excluded_uri_domains)) return false;
    }
    for (c.ext.email_addresses orelse &.{}) |email| {
        const domain = ext.mailboxDomain(email) orelse return false;
        if (!ext.domainNameValid(domain, false)) return false;
        if (nc.permitted_email_addresses) |list| {
            if (!emailMatchesAny(email, domain, list, true)) return false;
        }
        if (nc.excluded_email_addresses) |list| {
            if (emailMatchesAny(email, domain, list, false)) return false;
        }
    }
    return true;
}

fn domainAllowed(name: []const u8, permitted: ?[]const []const u8, excluded: ?[]const []const u8) bool {
    if (permitted) |list| {
        if (!domainMatchesAny(name, list, true)) return false;
    }
    if (excluded) |list| {
        if (domainMatchesAny(name, list, false)) return false;
    }
    return true;
}

/// Go's dnsConstraints.query: any constraint that `name` falls under; an
/// empty constraint matches everything; an excluded constraint also
/// catches wildcards one label up.
fn domainMatchesAny(name: []const u8, constraints: []const []const u8, permitted: bool) bool {
    for (constraints) |c| if (c.len == 0) return true;
    for (constraints) |c| if (dnsHasSuffix(c, name)) return true;
    if (!permitted and name.len > 0 and name[0] == '*') {
        const trimmed = trimFirstLabel(name);
        for (constraints) |c| {
            const parent = trimFirstLabel(c);
            if (parent.len > 0 and std.ascii.eqlIgnoreCase(parent, trimmed)) return true;
        }
    }
    return false;
}

fn trimFirstLabel(name: []const u8) []const u8 {
    const dot = std.mem.indexOfScalar(u8, name, '.') orelse return "";
    return name[dot + 1 ..];
}

/// Go's dnsHasSuffix(constraint, name).
fn dnsHasSuffix(a: []const u8, b: []const u8) bool {
    if (a.len > b.len or a.len == 0) return false;
    if (!std.ascii.eqlIgnoreCase(a, b[b.len - a.len ..])) return false;
    if (a[0] != '.' and b.len > a.len and b[b.len - a.len - 1] != '.') return false;
    return true;
}

fn emailMatchesAny(email: []const u8, domain: []const u8, constraints: []const []const u8, permitted: bool) bool {
    var domains: [64][]const u8 = undefined;
    var domain_count: usize = 0;
    for (constraints) |c| {
        if (std.mem.indexOfScalar(u8, c, '@') == null) {
            if (domain_count < domains.len) {
                domains[domain_count] = c;
                domain_count += 1;
            }
            continue;
        }
        // An exact mailbox: same local part, domain compared without case.
        const c_domain = ext.mailboxDomain(c) orelse continue;
        const local = email[0 .. email.len - domain.len - 1];
        const c_local = c[0 .. c.len - c_domain.len - 1];
        if (std.mem.eql(u8, local, c_local) and std.ascii.eqlIgnoreCase(domain, c_domain)) return true;
    }
    if (domain_count == 0) return false;
    return domainMatchesAny(domain, domains[0..domain_count], permitted);
}

/// The host of a URI SAN for constraint matching; null when Go rejects it
/// (no host, or an IP address).
fn uriDomain(allocator: Allocator, u: url.Url) Allocator.Error!?[]const u8 {
    var host = try std.ascii.allocLowerString(allocator, u.host);
    if (host.len == 0) return null;
    if (std.mem.indexOfScalar(u8, host, ':') != null and !std.mem.endsWith(u8, host, "]")) {
        const colon = std.mem.lastIndexOfScalar(u8, host, ':').?;
        host = host[0..colon];
    }
    if (ip_mod.parse(host) != null or (std.mem.startsWith(u8, host, "[") and std.mem.endsWith(u8, host, "]"))) return null;
    return host;
}

/// net.IPNet.Contains.
fn ipNetContains(net: ext.IpNet, address: []const u8) bool {
    const network = to4(net.ip) orelse net.ip;
    const mask = if (net.mask.len == 16 and network.len == 4) net.mask[12..16] else net.mask;
    const ip = to4(address) orelse address;
    if (ip.len != network.len or mask.len != network.len) return false;
    for (network, mask, ip) |n, m, a| if (n & m != a & m) return false;
    return true;
}

const testing = std.testing;

test "host name patterns" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    try testing.expect(try matchHostnames(a, "*.example.com", &.{ "www", "example", "com" }));
    try testing.expect(!try matchHostnames(a, "*.example.com", &.{ "example", "com" }));
    try testing.expect(validHostname("*.example.com", true));
    try testing.expect(!validHostname("-a.example.com", false));
    try testing.expect(dnsHasSuffix("example.com", "www.example.com"));
    try testing.expect(!dnsHasSuffix("example.com", "wwwexample.com"));
    try testing.expect(dnsHasSuffix(".example.com", "www.example.com"));
    try testing.expect(!dnsHasSuffix(".example.com", "example.com"));
}
