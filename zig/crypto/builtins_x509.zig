//! Builtins of the crypto family that parse X.509 certificates and keys
//! (v1/topdown/crypto.go), registered through builtins/crypto.zig:
//! crypto.x509.parse_certificates, crypto.x509.parse_and_verify_certificates
//! (and _with_options), crypto.x509.parse_certificate_request,
//! crypto.x509.parse_keypair, crypto.x509.parse_rsa_private_key and
//! crypto.parse_private_keys.
const std = @import("std");
const Allocator = std.mem.Allocator;
const builtin = @import("../builtins/builtin.zig");
const value_mod = @import("../value/mod.zig");
const base64 = @import("base64.zig");
const pem = @import("pem.zig");
const keys = @import("keys.zig");
const x509 = @import("x509.zig");
const x509_json = @import("x509_json.zig");
const gj = @import("go_json.zig");
const csr = @import("csr.zig");
const verify = @import("x509_verify.zig");
const tls_keypair = @import("tls_keypair.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "crypto.x509.parse_certificates", .arity = 1, .func = parseCertificates },
    .{ .name = "crypto.x509.parse_and_verify_certificates", .arity = 1, .func = parseAndVerify },
    .{ .name = "crypto.x509.parse_and_verify_certificates_with_options", .arity = 2, .func = parseAndVerifyWithOptions },
    .{ .name = "crypto.x509.parse_certificate_request", .arity = 1, .func = parseCertificateRequest },
    .{ .name = "crypto.x509.parse_keypair", .arity = 2, .func = parseKeypair },
    .{ .name = "crypto.x509.parse_rsa_private_key", .arity = 1, .func = parseRsaPrivateKey },
    .{ .name = "crypto.parse_private_keys", .arity = 1, .func = parsePrivateKeys },
};

fn stringOperand(ctx: *Context, args: []const Value, position: usize) Error![]const u8 {
    const v = args[position - 1];
    if (v != .string) return ctx.operandError(position, "string", v);
    return v.string;
}

/// Go's base64.StdEncoding.DecodeString, failing with its message.
fn decodeStdBase64(ctx: *Context, text: []const u8) Error![]const u8 {
    return switch (try base64.decode(ctx.allocator, text, .standard)) {
        .ok => |bytes| bytes,
        .corrupt => |at| ctx.builtinError("illegal base64 data at input byte {d}", .{at}),
    };
}

fn failed(ctx: *Context, message: []const u8) Error {
    return ctx.builtinError("{s}", .{message});
}

// ---------------------------------------------------------------------------
// Certificates

/// OPA's getX509CertsFromString: PEM, base64 of PEM, or base64 of DER.
fn certificatesFromString(ctx: *Context, text: []const u8) Error![]x509.Certificate {
    if (std.mem.startsWith(u8, text, "-----BEGIN")) return certificatesFromPem(ctx, text);
    const decoded = try decodeStdBase64(ctx, text);
    if (std.mem.startsWith(u8, decoded, "-----BEGIN")) return certificatesFromPem(ctx, decoded);
    return parseDer(ctx, decoded);
}

/// OPA's getX509CertsFromPem: every CERTIFICATE block, concatenated.
fn certificatesFromPem(ctx: *Context, text: []const u8) Error![]x509.Certificate {
    var all: std.ArrayList(u8) = .empty;
    var rest = text;
    while (rest.len > 0) {
        const d = try pem.decode(ctx.allocator, rest);
        const block = d.block orelse break;
        if (!std.mem.eql(u8, block.type, "CERTIFICATE")) {
            return ctx.builtinError("PEM block type is '{s}', expected CERTIFICATE", .{block.type});
        }
        try all.appendSlice(ctx.allocator, block.bytes);
        rest = d.rest;
    }
    return parseDer(ctx, all.items);
}

fn parseDer(ctx: *Context, bytes: []const u8) Error![]x509.Certificate {
    var message: []const u8 = "";
    return x509.parseAll(ctx.allocator, bytes, &message) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.Invalid => failed(ctx, message),
    };
}

fn certificateList(ctx: *Context, certs: []const x509.Certificate, uri_strings: bool) Error!Value {
    const out = try ctx.allocator.alloc(Value, certs.len);
    for (certs, out) |c, *v| v.* = try x509_json.certificate(ctx.allocator, c, uri_strings);
    return .{ .array = out };
}

fn parseCertificates(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    return certificateList(ctx, try certificatesFromString(ctx, text), true);
}

fn pair(ctx: *Context, ok: bool, v: Value) Error!Value {
    const out = try ctx.allocator.alloc(Value, 2);
    out[0] = .{ .boolean = ok };
    out[1] = v;
    return .{ .array = out };
}

fn notVerified(ctx: *Context) Error!Value {
    return pair(ctx, false, .{ .array = &.{} });
}

fn parseAndVerify(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    const certs = certificatesFromString(ctx, text) catch |err| switch (err) {
        error.BuiltinError, error.TypeError => return notVerified(ctx),
        else => |e| return e,
    };
    const chain = try verify.verifyChain(ctx.allocator, certs, .{ .now_ns = ctx.now_ns }) orelse return notVerified(ctx);
    return pair(ctx, true, try certificateList(ctx, chain, true));
}

fn parseAndVerifyWithOptions(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    const options = switch (args[1]) {
        .object => |o| o,
        else => return ctx.operandError(2, "object", args[1]),
    };
    const certs = certificatesFromString(ctx, text) catch |err| switch (err) {
        error.BuiltinError, error.TypeError => return notVerified(ctx),
        else => |e| return e,
    };
    const opts = try verifyOptions(ctx, options);
    const chain = try verify.verifyChain(ctx.allocator, certs, opts) orelse return notVerified(ctx);
    // Unlike the option-less builtin, OPA returns plain certificates here.
    return pair(ctx, true, try certificateList(ctx, chain, false));
}

/// OPA's extractVerifyOpts.
fn verifyOptions(ctx: *Context, options: *const Object) Error!verify.Options {
    var opts: verify.Options = .{ .now_ns = ctx.now_ns };
    for (options.keys, options.values) |k, v| {
        // Non-string keys are skipped.
        if (k != .string) continue;
        const name = k.string;
        if (std.mem.eql(u8, name, "DNSName")) {
            if (v != .string) return ctx.builtinError("'DNSName' should be a string", .{});
            opts.dns_name = std.mem.trim(u8, v.string, "\"");
        } else if (std.mem.eql(u8, name, "CurrentTime")) {
            if (v != .number) return ctx.builtinError("'CurrentTime' should be a number", .{});
            opts.now_ns = goInt64(v.number) orelse return ctx.builtinError("'CurrentTime' should be a valid int64 number", .{});
        } else if (std.mem.eql(u8, name, "MaxConstraintComparisons")) {
            if (v != .number) return ctx.builtinError("'MaxConstraintComparisons' should be a number", .{});
            opts.max_constraint_comparisons = goInt64(v.number) orelse return ctx.builtinError("'MaxConstraintComparisons' should be a valid number", .{});
        } else if (std.mem.eql(u8, name, "KeyUsages")) {
            const items = switch (v) {
                .array => |a| a,
                .set => |s| s.items,
                else => return ctx.builtinError("'KeyUsages' should be an Array or Set", .{}),
            };
            var usages: std.ArrayList(i64) = .empty;
            var invalid: std.ArrayList(u8) = .empty;
            for (items) |item| {
                if (item != .string) continue;
                const usage_name = std.mem.trim(u8, item.string, "\"");
                if (verify.keyUsageByName(usage_name)) |usage| {
                    try usages.append(ctx.allocator, usage);
                } else {
                    try invalid.append(ctx.allocator, if (invalid.items.len == 0) '[' else ' ');
                    try invalid.appendSlice(ctx.allocator, usage_name);
                }
            }
            if (invalid.items.len > 0) {
                try invalid.append(ctx.allocator, ']');
                return ctx.builtinError("invalid entries for 'KeyUsages' found: {s}", .{invalid.items});
            }
            opts.key_usages = usages.items;
        } else {
            return ctx.builtinError("invalid key option", .{});
        }
    }
    return opts;
}

/// Go's ast.Number Int64: a plain integer literal within int64.
fn goInt64(n: value_mod.Number) ?i64 {
    return switch (n) {
        .int => |i| i,
        .big => |b| std.fmt.parseInt(i64, b.text, 10) catch null,
    };
}

// ---------------------------------------------------------------------------
// Certificate requests

fn parseCertificateRequest(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    var bytes = text;
    if (!std.mem.startsWith(u8, text, "-----BEGIN CERTIFICATE REQUEST-----")) bytes = try decodeStdBase64(ctx, text);
    const d = try pem.decode(ctx.allocator, bytes);
    if (d.block) |block| {
        if (!std.mem.eql(u8, block.type, "CERTIFICATE REQUEST")) return ctx.builtinError("invalid PEM-encoded certificate signing request", .{});
        bytes = block.bytes;
    }
    var message: []const u8 = "";
    const request = csr.parse(ctx.allocator, bytes, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return failed(ctx, message),
    };
    return csr.toValue(ctx.allocator, request);
}

// ---------------------------------------------------------------------------
// Private keys

/// OPA's getPrivateKeysFromPEMData: the keys of the leading PEM blocks
/// (the input may itself be base64).
fn privateKeysFromPem(ctx: *Context, text: []const u8) Error![]keys.PrivateKey {
    var data = text;
    switch (try base64.decode(ctx.allocator, text, .standard)) {
        .ok => |decoded| data = decoded,
        .corrupt => {},
    }
    var out: std.ArrayList(keys.PrivateKey) = .empty;
    var message: []const u8 = "";
    while (data.len > 0) {
        const d = try pem.decode(ctx.allocator, data);
        // No block found leaves the input as it was: stop there.
        const block = d.block orelse break;
        data = d.rest;
        const key: ?keys.PrivateKey = if (std.mem.eql(u8, block.type, "RSA PRIVATE KEY"))
            .{ .rsa = keys.parsePkcs1Private(ctx.allocator, block.bytes, &message) catch |err| return keyError(ctx, err, message) }
        else if (std.mem.eql(u8, block.type, "PRIVATE KEY"))
            keys.parsePkcs8Private(ctx.allocator, block.bytes, &message) catch |err| return keyError(ctx, err, message)
        else if (std.mem.eql(u8, block.type, "EC PRIVATE KEY"))
            .{ .ecdsa = keys.parseEcPrivate(ctx.allocator, null, block.bytes, &message) catch |err| return keyError(ctx, err, message) }
        else
            null;
        if (key) |k| try out.append(ctx.allocator, k);
    }
    return out.items;
}

fn keyError(ctx: *Context, err: keys.Error, message: []const u8) Error {
    return switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.Invalid => failed(ctx, message),
    };
}

fn parsePrivateKeys(ctx: *Context, args: []const Value) Error!Value {
    const text = try stringOperand(ctx, args, 1);
    if (text.len == 0) return .null;
    const list = try privateKeysFromPem(ctx, text);
    const out = try ctx.allocator.alloc(Value, list.len);
    for (list, out) |k, *v| v.* = try x509_json.privateKey(ctx.allocator, k);
    return .{ .array = out };
}

fn parseRsaPrivateKey(ctx: *Context, args: []const Value) Error!Value {
    var text = try stringOperand(ctx, args, 1);
    if (text.len == 0) return ctx.builtinError("input PEM data was empty", .{});
    if (!std.mem.startsWith(u8, text, "-----BEGIN")) text = try decodeStdBase64(ctx, text);
    const list = try privateKeysFromPem(ctx, text);
    if (list.len == 0) return .null;
    return jwkValue(ctx.allocator, list[0]);
}

/// jwx's JSON for a private key imported as a JWK.
fn jwkValue(allocator: Allocator, key: keys.PrivateKey) Error!Value {
    var b = gj.ObjectBuilder.init(allocator);
    switch (key) {
        .rsa => |r| {
            try b.put("kty", gj.string("RSA"));
            try b.put("n", try b64url(allocator, r.public.n));
            try b.put("e", try b64url(allocator, r.public.e));
            try b.put("d", try b64url(allocator, r.d));
            if (r.primes.len > 0) try b.put("p", try b64url(allocator, r.primes[0]));
            if (r.primes.len > 1) try b.put("q", try b64url(allocator, r.primes[1]));
            if (r.dp.len > 0) try b.put("dp", try b64url(allocator, r.dp));
            if (r.dq.len > 0) try b.put("dq", try b64url(allocator, r.dq));
            if (r.qinv.len > 0) try b.put("qi", try b64url(allocator, r.qinv));
        },
        .ecdsa => |e| {
            try b.put("kty", gj.string("EC"));
            try b.put("crv", gj.string(e.public.curve.name()));
            try b.put("x", try b64url(allocator, e.public.x));
            try b.put("y", try b64url(allocator, e.public.y));
            try b.put("d", try b64url(allocator, e.d));
        },
        .ed25519 => |e| {
            try b.put("kty", gj.string("OKP"));
            try b.put("crv", gj.string("Ed25519"));
            try b.put("x", try b64url(allocator, &e.public));
            try b.put("d", try b64url(allocator, &e.seed));
        },
        .x25519 => |scalar| {
            const public = std.crypto.dh.X25519.recoverPublicKey(scalar) catch [_]u8{0} ** 32;
            try b.put("kty", gj.string("OKP"));
            try b.put("crv", gj.string("X25519"));
            try b.put("x", try b64url(allocator, &public));
            try b.put("d", try b64url(allocator, &scalar));
        },
    }
    return b.finish();
}

fn b64url(allocator: Allocator, bytes: []const u8) Error!Value {
    return .{ .string = try base64.encodeRawUrl(allocator, bytes) };
}

// ---------------------------------------------------------------------------
// Key pairs

fn parseKeypair(ctx: *Context, args: []const Value) Error!Value {
    var cert_text = try stringOperand(ctx, args, 1);
    // OPA reports the key as operand 1 too.
    var key_text = try stringOperand(ctx, args[1..], 1);
    const begin = "-----BEGIN ";
    if (!std.mem.startsWith(u8, cert_text, begin)) cert_text = try decodeStdBase64(ctx, cert_text);
    if (!std.mem.startsWith(u8, key_text, begin)) key_text = try decodeStdBase64(ctx, key_text);
    // Still not PEM: DER, which OPA wraps in a block of the expected type.
    const cert_input: tls_keypair.Input = if (std.mem.startsWith(u8, cert_text, begin)) .{ .pem = cert_text } else .{ .der = cert_text };
    const key_input: tls_keypair.Input = if (std.mem.startsWith(u8, key_text, "-----BEGIN")) .{ .pem = key_text } else .{ .der = key_text };
    var message: []const u8 = "";
    const pair_result = tls_keypair.parse(ctx.allocator, cert_input, key_input, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return failed(ctx, message),
    };
    var b = gj.ObjectBuilder.init(ctx.allocator);
    const chain = try ctx.allocator.alloc(Value, pair_result.chain.len);
    for (pair_result.chain, chain) |der_bytes, *v| v.* = try gj.bytes(ctx.allocator, der_bytes);
    try b.put("Certificate", .{ .array = chain });
    try b.put("PrivateKey", try x509_json.privateKey(ctx.allocator, pair_result.key));
    try b.put("SupportedSignatureAlgorithms", .null);
    try b.put("OCSPStaple", .null);
    try b.put("SignedCertificateTimestamps", .null);
    try b.put("Leaf", try x509_json.certificate(ctx.allocator, pair_result.leaf, false));
    return b.finish();
}

const testing = std.testing;
const testdata = @import("testdata.zig");

test "parse_private_keys: empty input is null, no PEM is an empty list" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    var ctx: Context = .{ .allocator = arena.allocator() };
    try testing.expect(try parsePrivateKeys(&ctx, &.{.{ .string = "" }}) == .null);
    try testing.expectEqual(@as(usize, 0), (try parsePrivateKeys(&ctx, &.{.{ .string = "nope" }})).array.len);
}

test "parse_certificates reads base64 DER" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var ctx: Context = .{ .allocator = a };
    const text = try base64.encodeStandard(a, testdata.cert_ec);
    const certs = try parseCertificates(&ctx, &.{.{ .string = text }});
    const subject = value_mod.order.objectGetString(certs.array[0].object, "Subject").?;
    try testing.expectEqualStrings("prime256v1", value_mod.order.objectGetString(subject.object, "CommonName").?.string);
    try testing.expectError(error.BuiltinError, parseCertificates(&ctx, &.{.{ .string = "foobar" }}));
}
