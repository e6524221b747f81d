//! Builtins of the jwt family (see builtin.zig for the interface):
//! io.jwt.decode, io.jwt.verify_*, io.jwt.decode_verify, io.jwt.encode_sign
//! and io.jwt.encode_sign_raw (v1/topdown/tokens.go). Checks happen in
//! OPA's order, so that each malformed input fails with OPA's message.
const std = @import("std");
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const encoding = @import("encoding.zig");
const types = @import("types.zig");
const sprintf = @import("sprintf.zig");
const base64 = @import("../crypto/base64.zig");
const Hash = @import("../crypto/hash.zig").Hash;
const jws = @import("../crypto/jws.zig");
const jwk = @import("../crypto/jwk.zig");
const rsa = @import("../crypto/rsa.zig");
const ecdsa = @import("../crypto/ecdsa.zig");
const fastjson = @import("../crypto/fastjson.zig");
const verification_keys = @import("../crypto/verification_keys.zig");

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;
const Number = value_mod.Number;
const order = value_mod.order;
const json = value_mod.json;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "io.jwt.decode", .arity = 1, .func = decode },
    .{ .name = "io.jwt.verify_hs256", .arity = 2, .func = verifyHmac(.sha256) },
    .{ .name = "io.jwt.verify_hs384", .arity = 2, .func = verifyHmac(.sha384) },
    .{ .name = "io.jwt.verify_hs512", .arity = 2, .func = verifyHmac(.sha512) },
    .{ .name = "io.jwt.verify_rs256", .arity = 2, .func = verifyWithKey(.{ .rsa_pkcs1 = .sha256 }) },
    .{ .name = "io.jwt.verify_rs384", .arity = 2, .func = verifyWithKey(.{ .rsa_pkcs1 = .sha384 }) },
    .{ .name = "io.jwt.verify_rs512", .arity = 2, .func = verifyWithKey(.{ .rsa_pkcs1 = .sha512 }) },
    .{ .name = "io.jwt.verify_ps256", .arity = 2, .func = verifyWithKey(.{ .rsa_pss = .sha256 }) },
    .{ .name = "io.jwt.verify_ps384", .arity = 2, .func = verifyWithKey(.{ .rsa_pss = .sha384 }) },
    .{ .name = "io.jwt.verify_ps512", .arity = 2, .func = verifyWithKey(.{ .rsa_pss = .sha512 }) },
    .{ .name = "io.jwt.verify_es256", .arity = 2, .func = verifyWithKey(.{ .ecdsa = .sha256 }) },
    .{ .name = "io.jwt.verify_es384", .arity = 2, .func = verifyWithKey(.{ .ecdsa = .sha384 }) },
    .{ .name = "io.jwt.verify_es512", .arity = 2, .func = verifyWithKey(.{ .ecdsa = .sha512 }) },
    .{ .name = "io.jwt.verify_eddsa", .arity = 2, .func = verifyWithKey(.eddsa) },
    .{ .name = "io.jwt.decode_verify", .arity = 2, .func = decodeVerify, .nondeterministic = true },
    .{ .name = "io.jwt.encode_sign_raw", .arity = 3, .func = encodeSignRaw, .nondeterministic = true },
    .{ .name = "io.jwt.encode_sign", .arity = 3, .func = encodeSign, .nondeterministic = true },
};

// ---------------------------------------------------------------------------
// Tokens

/// The three base64url segments of a compact JWS.
const Token = struct {
    header: []const u8,
    payload: []const u8,
    signature: []const u8,
};

/// OPA's decodeJWT: a string of exactly three '.'-separated segments.
fn splitToken(ctx: *Context, v: Value) Error!Token {
    if (v != .string) return ctx.operandError(1, "string", v);
    const text = v.string;
    if (std.mem.indexOfScalar(u8, text, '.') == null) return ctx.builtinError("encoded JWT had no period separators", .{});
    const sections = std.mem.count(u8, text, ".") + 1;
    if (sections != 3) return ctx.builtinError("encoded JWT must have 3 sections, found {d}", .{sections});
    var it = std.mem.splitScalar(u8, text, '.');
    return .{ .header = it.next().?, .payload = it.next().?, .signature = it.next().? };
}

/// OPA's base64url.decode of a segment; on failure, the error text with
/// `prefix` before it.
fn decodeSegment(ctx: *Context, text: []const u8, comptime prefix: []const u8) Error![]const u8 {
    return switch (try base64.decodeUrlLenient(ctx.allocator, text)) {
        .ok => |bytes| bytes,
        .corrupt => |at| ctx.builtinError(prefix ++ "illegal base64 data at input byte {d}", .{at}),
        .bad_length => ctx.builtinError(prefix ++ "illegal base64url string: {s}", .{text}),
    };
}

fn decodeSignature(ctx: *Context, token: Token) Error![]const u8 {
    return decodeSegment(ctx, token.signature, "");
}

/// OPA's decodeHeader: base64url, a JSON object, and not a JWE.
fn decodeHeader(ctx: *Context, token: Token) Error!*const Object {
    const text = try decodeSegment(ctx, token.header, "JWT header had invalid encoding: ");
    const header = try extractJsonObject(ctx, text, "bad JWT header: ");
    if (order.objectGetString(header, "enc") != null) return ctx.builtinError("JWT is a JWE object, which is not supported", .{});
    return header;
}

const json_unmarshal: builtin.Fn = blk: {
    for (encoding.builtins) |b| {
        if (std.mem.eql(u8, b.name, "json.unmarshal")) break :blk b.func;
    }
    @compileError("json.unmarshal is not registered");
};

/// OPA's extractJSONObject: json.unmarshal, which must give an object.
fn extractJsonObject(ctx: *Context, text: []const u8, comptime prefix: []const u8) Error!*const Object {
    const v = json_unmarshal(ctx, &.{.{ .string = text }}) catch |err| switch (err) {
        error.TypeError, error.BuiltinError => {
            const reason = try ctx.allocator.dupe(u8, ctx.message.items);
            return ctx.builtinError(prefix ++ "invalid JSON: {s}", .{reason});
        },
        else => |e| return e,
    };
    if (v != .object) return ctx.builtinError(prefix ++ "decoded JSON type was not an Object", .{});
    return v.object;
}

/// The header parameters JWT validation looks at (OPA's tokenHeader).
const Header = struct {
    alg: []const u8 = "",
    kid: []const u8 = "",
    typ: []const u8 = "",
    cty: []const u8 = "",
    crit: []const []const u8 = &.{},
    /// Whether some parameter named in "crit" is one OPA does not know.
    unknown_critical: bool = false,

    /// RFC 7515: "alg" is required, and unknown critical parameters
    /// invalidate the token.
    fn valid(h: Header) bool {
        return h.alg.len > 0 and !h.unknown_critical;
    }
};

/// OPA's parseTokenHeader.
fn parseHeader(ctx: *Context, header: *const Object) Error!Header {
    var h: Header = .{};
    var unknown: std.ArrayList([]const u8) = .empty;
    for (header.keys, header.values) |k, v| {
        const name = if (k == .string) k.string else "";
        if (std.mem.eql(u8, name, "alg")) {
            h.alg = try headerString(ctx, "alg", v);
        } else if (std.mem.eql(u8, name, "kid")) {
            h.kid = try headerString(ctx, "kid", v);
        } else if (std.mem.eql(u8, name, "typ")) {
            h.typ = try headerString(ctx, "typ", v);
        } else if (std.mem.eql(u8, name, "cty")) {
            h.cty = try headerString(ctx, "cty", v);
        } else if (std.mem.eql(u8, name, "crit")) {
            if (v != .array) return ctx.builtinError("crit: must be a list", .{});
            var crit: std.ArrayList([]const u8) = .empty;
            // Non-string entries are skipped, as OPA ignores their error.
            for (v.array) |item| if (item == .string) try crit.append(ctx.allocator, item.string);
            if (crit.items.len == 0) return ctx.builtinError("crit: must be a nonempty list", .{});
            h.crit = crit.items;
        } else {
            try unknown.append(ctx.allocator, name);
        }
    }
    for (unknown.items) |name| {
        for (h.crit) |c| if (std.mem.eql(u8, c, name)) {
            h.unknown_critical = true;
        };
    }
    return h;
}

fn headerString(ctx: *Context, comptime name: []const u8, v: Value) Error![]const u8 {
    if (v != .string) return ctx.builtinError(name ++ ": must be a string", .{});
    return v.string;
}

// ---------------------------------------------------------------------------
// io.jwt.decode

fn decode(ctx: *Context, args: []const Value) Error!Value {
    return decodeToken(ctx, args[0]);
}

fn decodeToken(ctx: *Context, v: Value) Error!Value {
    const token = try splitToken(ctx, v);
    const header = try decodeHeader(ctx, token);
    const payload_text = try decodeSegment(ctx, token.payload, "JWT payload had invalid encoding: ");
    if (order.objectGetString(header, "cty")) |cty| {
        // A nested token is the payload, quoted as jwt.io quotes it.
        if (cty == .string and std.mem.eql(u8, cty.string, "JWT")) {
            return decodeToken(ctx, .{ .string = std.mem.trim(u8, payload_text, "\"'") });
        }
    }
    const payload = try extractJsonObject(ctx, payload_text, "");
    const signature = try decodeSegment(ctx, token.signature, "JWT signature had invalid encoding: ");
    const hex = try ctx.allocator.alloc(u8, signature.len * 2);
    _ = std.fmt.bufPrint(hex, "{x}", .{signature}) catch unreachable; // Sized exactly.
    const out = try ctx.allocator.alloc(Value, 3);
    out[0] = .{ .object = header };
    out[1] = .{ .object = payload };
    out[2] = .{ .string = hex };
    return .{ .array = out };
}

// ---------------------------------------------------------------------------
// io.jwt.verify_hs*

fn verifyHmac(comptime hash: Hash) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
            if (args[1] != .string) return ctx.operandError(2, "string", args[1]);
            const token = try splitToken(ctx, args[0]);
            const input = try signingInput(ctx.allocator, token);
            var mac_buffer: [Hash.max_length]u8 = undefined;
            const mac = jws.hmac(hash, args[1].string, input, &mac_buffer);
            const signature = try decodeSignature(ctx, token);
            return .{ .boolean = jws.constantTimeEqual(signature, mac) };
        }
    }.call;
}

fn signingInput(allocator: Allocator, token: Token) Allocator.Error![]const u8 {
    return std.mem.concat(allocator, u8, &.{ token.header, ".", token.payload });
}

// ---------------------------------------------------------------------------
// io.jwt.verify_{rs,ps,es}*, io.jwt.verify_eddsa

const Scheme = union(enum) {
    rsa_pkcs1: Hash,
    rsa_pss: Hash,
    ecdsa: Hash,
    eddsa,
};

fn verifyWithKey(comptime scheme: Scheme) builtin.Fn {
    return struct {
        fn call(ctx: *Context, args: []const Value) Error!Value {
            const token = try splitToken(ctx, args[0]);
            if (args[1] != .string) return ctx.operandError(2, "string", args[1]);
            const key_list = try loadKeys(ctx, args[1].string);
            const signature = try decodeSignature(ctx, token);
            const header = try parseHeader(ctx, try decodeHeader(ctx, token));
            const input = try signingInput(ctx.allocator, token);

            // A key whose kid matches the token's is the only one tried.
            if (header.kid.len > 0) {
                if (verification_keys.byKid(key_list, header.kid)) |key| {
                    return .{ .boolean = verifyScheme(scheme, key.material, input, signature) };
                }
            }
            for (key_list) |key| {
                if (key.alg.len > 0 and !std.mem.eql(u8, key.alg, header.alg)) continue;
                if (verifyScheme(scheme, key.material, input, signature)) return Value.true;
            }
            return Value.false;
        }
    }.call;
}

/// OPA's per-builtin verification: only public keys of the scheme's type
/// count (a private JWK is "incorrect public key type").
fn verifyScheme(comptime scheme: Scheme, material: jwk.Material, input: []const u8, signature: []const u8) bool {
    const public = switch (material) {
        .public => |p| p,
        else => return false,
    };
    var digest_buffer: [Hash.max_length]u8 = undefined;
    switch (scheme) {
        .rsa_pkcs1, .rsa_pss => |hash| {
            if (public != .rsa) return false;
            const digest = hash.digest(&.{input}, &digest_buffer);
            if (scheme == .rsa_pkcs1) return rsa.verifyPkcs1v15(public.rsa, hash, digest, signature);
            return rsa.verifyPss(public.rsa, hash, digest, signature, null);
        },
        .ecdsa => |hash| {
            if (public != .ecdsa) return false;
            const digest = hash.digest(&.{input}, &digest_buffer);
            // OPA splits the signature in halves whatever its length.
            const half = signature.len / 2;
            return ecdsa.verify(public.ecdsa, digest, signature[0..half], signature[half..]);
        },
        .eddsa => {
            if (public != .ed25519) return false;
            return jws.verifyEd25519(public.ed25519, input, signature);
        },
    }
}

fn loadKeys(ctx: *Context, text: []const u8) Error![]const verification_keys.Key {
    var message: []const u8 = "";
    return verification_keys.parse(ctx.allocator, text, &message) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.Invalid => ctx.builtinError("{s}", .{message}),
    };
}

// ---------------------------------------------------------------------------
// io.jwt.decode_verify

/// OPA's tokenConstraints.
const Constraints = struct {
    keys: ?[]const verification_keys.Key = null,
    secret: []const u8 = "",
    alg: []const u8 = "",
    iss: []const u8 = "",
    aud: []const u8 = "",
    /// Nanoseconds since the epoch.
    time: f64 = -1,
};

fn parseConstraints(ctx: *Context, object: *const Object) Error!Constraints {
    var c: Constraints = .{};
    for (object.keys, object.values) |k, v| {
        const name = if (k == .string) k.string else "";
        if (std.mem.eql(u8, name, "cert")) {
            if (v != .string) return ctx.builtinError("cert constraint: must be a string", .{});
            c.keys = try loadKeys(ctx, v.string);
        } else if (std.mem.eql(u8, name, "secret")) {
            c.secret = try constraintString(ctx, "secret", v);
        } else if (std.mem.eql(u8, name, "alg")) {
            c.alg = try constraintString(ctx, "alg", v);
        } else if (std.mem.eql(u8, name, "iss")) {
            c.iss = try constraintString(ctx, "iss", v);
        } else if (std.mem.eql(u8, name, "aud")) {
            c.aud = try constraintString(ctx, "aud", v);
        } else if (std.mem.eql(u8, name, "time")) {
            c.time = try timeFromValue(ctx, v);
        } else {
            if (k == .string) return ctx.builtinError("unknown token validation constraint: {s}", .{name});
            return ctx.builtinError("unknown token validation constraint: {f}", .{types.rego(k)});
        }
    }
    if (c.time == -1) c.time = try timeFromValue(ctx, .{ .number = Number.fromInt(ctx.now_ns) });
    const key_count = @as(u8, @intFromBool(c.keys != null)) + @intFromBool(c.secret.len > 0);
    if (key_count > 1) return ctx.builtinError("duplicate key constraints", .{});
    if (key_count < 1) return ctx.builtinError("no key constraint", .{});
    return c;
}

fn constraintString(ctx: *Context, comptime name: []const u8, v: Value) Error![]const u8 {
    if (v != .string) return ctx.builtinError(name ++ " constraint: must be a string", .{});
    return v.string;
}

fn timeFromValue(ctx: *Context, v: Value) Error!f64 {
    if (v != .number) return ctx.builtinError("token time constraint: must be a number", .{});
    const t = v.number.toF64();
    if (!std.math.isFinite(t)) return ctx.builtinError("token time constraint: unvalid float64", .{});
    if (t < 0) return ctx.builtinError("token time constraint: must not be negative", .{});
    return t;
}

/// Whether the signature verifies under the constraints' key(s)
/// (OPA's tokenConstraints.verify); an unknown "alg" verifies nothing.
fn constraintsVerify(c: Constraints, kid: []const u8, alg_name: []const u8, input: []const u8, signature: []const u8) bool {
    const alg = jws.Algorithm.fromName(alg_name) orelse return false;
    if (c.keys) |key_list| {
        if (kid.len > 0) {
            if (verification_keys.byKid(key_list, kid)) |key| return jws.verify(key.material, alg, input, signature);
        }
        for (key_list) |key| {
            if (key.alg.len > 0 and !std.mem.eql(u8, alg_name, key.alg)) continue;
            if (jws.verify(key.material, alg, input, signature)) return true;
        }
        return false;
    }
    return jws.verify(.{ .symmetric = c.secret }, alg, input, signature);
}

fn decodeVerify(ctx: *Context, args: []const Value) Error!Value {
    const constraint_object = switch (args[1]) {
        .object => |o| o,
        else => return ctx.operandError(2, "object", args[1]),
    };
    const c = try parseConstraints(ctx, constraint_object);

    var jwt = args[0];
    var header_object: *const Object = undefined;
    var payload_text: []const u8 = undefined;
    while (true) {
        const token = try splitToken(ctx, jwt);
        header_object = try decodeHeader(ctx, token);
        const header = try parseHeader(ctx, header_object);
        if (!header.valid()) return unverified(ctx);
        if (c.alg.len > 0 and !std.mem.eql(u8, c.alg, header.alg)) return unverified(ctx);
        const signature = try decodeSignature(ctx, token);
        const input = try signingInput(ctx.allocator, token);
        if (!constraintsVerify(c, header.kid, header.alg, input, signature)) return unverified(ctx);
        payload_text = try decodeSegment(ctx, token.payload, "JWT payload had invalid encoding: ");
        // A nested token: verify the inner one too.
        if (std.ascii.eqlIgnoreCase(header.cty, "JWT")) {
            jwt = .{ .string = payload_text };
            continue;
        }
        break;
    }
    const payload = try extractJsonObject(ctx, payload_text, "");

    if (c.iss.len > 0) {
        const iss = order.objectGetString(payload, "iss") orelse return unverified(ctx);
        if (iss != .string or !std.mem.eql(u8, iss.string, c.iss)) return unverified(ctx);
    }
    if (order.objectGetString(payload, "aud")) |aud| {
        if (!validAudience(c.aud, aud)) return unverified(ctx);
    } else if (c.aud.len > 0) {
        return unverified(ctx);
    }
    // Claims are in seconds, the constraint time in nanoseconds; OPA compares
    // the float quotient, as a number, with the claim's exact value.
    const now = Number.fromF64(ctx.allocator, c.time / 1e9) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.NotFinite => return ctx.builtinError("token time constraint: unvalid float64", .{}),
    };
    if (order.objectGetString(payload, "exp")) |exp| {
        if (exp != .number) return ctx.builtinError("exp value must be a number", .{});
        if (now.compare(exp.number) != .lt) return unverified(ctx);
    }
    if (order.objectGetString(payload, "nbf")) |nbf| {
        if (nbf != .number) return ctx.builtinError("nbf value must be a number", .{});
        if (now.compare(nbf.number) == .lt) return unverified(ctx);
    }
    const out = try ctx.allocator.alloc(Value, 3);
    out[0] = Value.true;
    out[1] = .{ .object = header_object };
    out[2] = .{ .object = payload };
    return .{ .array = out };
}

/// A string "aud" must equal the constraint; a list must contain it.
fn validAudience(want: []const u8, aud: Value) bool {
    switch (aud) {
        .string => |s| return std.mem.eql(u8, s, want),
        .array => |items| {
            for (items) |item| {
                if (item == .string and std.mem.eql(u8, item.string, want)) return true;
            }
            return false;
        },
        else => return false,
    }
}

fn unverified(ctx: *Context) Error!Value {
    const out = try ctx.allocator.alloc(Value, 3);
    out[0] = Value.false;
    out[1] = .{ .object = &Object.empty };
    out[2] = .{ .object = &Object.empty };
    return .{ .array = out };
}

// ---------------------------------------------------------------------------
// io.jwt.encode_sign, io.jwt.encode_sign_raw

fn encodeSign(ctx: *Context, args: []const Value) Error!Value {
    const header = try marshal(ctx, args[0], "JWT headers");
    const payload = try marshal(ctx, args[1], "JWT payload");
    const key = try marshal(ctx, args[2], "JWT signature");
    return commonEncodeSign(ctx, header, payload, key);
}

fn marshal(ctx: *Context, v: Value, comptime what: []const u8) Error![]const u8 {
    return json.serializeAlloc(ctx.allocator, v) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.NestingTooDeep => ctx.builtinError("failed to marshal " ++ what ++ ": json: unsupported value", .{}),
    };
}

fn encodeSignRaw(ctx: *Context, args: []const Value) Error!Value {
    if (args[2] != .string) return ctx.operandError(3, "string", args[2]);
    if (args[0] != .string) return ctx.operandError(1, "string", args[0]);
    if (args[1] != .string) return ctx.operandError(2, "string", args[1]);
    return commonEncodeSign(ctx, args[0].string, args[1].string, args[2].string);
}

/// OPA's commonBuiltinJWTEncodeSign: sign with the first key of the JWK
/// (set), the algorithm taken from the header as jwx reads it.
fn commonEncodeSign(ctx: *Context, header: []const u8, payload: []const u8, key_text: []const u8) Error!Value {
    var message: []const u8 = "";
    const key_list = jwk.parse(ctx.allocator, key_text, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return ctx.builtinError("{s}", .{message}),
    };
    if (key_list.len == 0) return ctx.builtinError("no keys found in JWK set", .{});

    const alg_name = switch (try jwsHeaderString(ctx.allocator, header, "alg")) {
        .ok => |s| s,
        .failed => |reason| return ctx.builtinError("missing or invalid 'alg' header: {s}", .{reason}),
    };
    const alg = jws.Algorithm.fromName(alg_name) orelse return ctx.builtinError("unknown JWS algorithm: {s}", .{alg_name});
    const typ_is_jwt = switch (try jwsHeaderString(ctx.allocator, header, "typ")) {
        .ok => |s| std.mem.eql(u8, s, "JWT"),
        .failed => true,
    };
    if (typ_is_jwt and !encoding.isValidJson(payload)) return ctx.builtinError("type is JWT but payload is not JSON", .{});

    const encoded_header = try base64.encodeRawUrl(ctx.allocator, header);
    const encoded_payload = try base64.encodeRawUrl(ctx.allocator, payload);
    const input = try std.mem.concat(ctx.allocator, u8, &.{ encoded_header, ".", encoded_payload });
    const signature = jws.sign(ctx.allocator, key_list[0].material, alg, input, &message) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return ctx.builtinError("{s}", .{message}),
    };
    const encoded_signature = try base64.encodeRawUrl(ctx.allocator, signature);
    return .{ .string = try std.mem.concat(ctx.allocator, u8, &.{ input, ".", encoded_signature }) };
}

/// jwsbb.HeaderGetString over fastjson: the member's string or jwx's error.
fn jwsHeaderString(allocator: Allocator, header: []const u8, key: []const u8) Allocator.Error!union(enum) { ok: []const u8, failed: []const u8 } {
    const doc = switch (try fastjson.parse(allocator, header)) {
        .ok => |d| d,
        .failed => |f| {
            const tail = try sprintf.quote(allocator, f.tail);
            if (f.trailing) return .{ .failed = try std.fmt.allocPrint(allocator, "unexpected tail: {s}", .{tail}) };
            return .{ .failed = try std.fmt.allocPrint(allocator, "cannot parse JSON: {s}; unparsed tail: {s}", .{ f.reason, tail }) };
        },
    };
    return switch (try fastjson.getString(allocator, doc, key)) {
        .ok => |s| .{ .ok = s },
        .missing => .{ .failed = try std.fmt.allocPrint(allocator, "jwsbb: header \"{s}\" not found", .{key}) },
        .not_string => |kind| .{ .failed = try std.fmt.allocPrint(allocator, "value doesn't contain string; it contains {s}", .{kind.name()}) },
    };
}

const testing = std.testing;

fn callBuiltin(arena: Allocator, name: []const u8, args: []const Value) Error!Value {
    for (builtins) |b| {
        if (!std.mem.eql(u8, b.name, name)) continue;
        var ctx: Context = .{ .allocator = arena, .now_ns = 1_700_000_000_000_000_000 };
        return b.func(&ctx, args);
    }
    unreachable; // Tests name registered builtins.
}

const rfc7515_key = "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";

test "encode_sign_raw reproduces RFC 7515 appendix A.1" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const got = try callBuiltin(arena.allocator(), "io.jwt.encode_sign_raw", &.{
        .{ .string = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}" },
        .{ .string = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}" },
        .{ .string = rfc7515_key },
    });
    try testing.expectEqualStrings("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", got.string);
}

test "decode and verify an HS256 token" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const token: Value = .{ .string = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY" };
    const decoded = try callBuiltin(a, "io.jwt.decode", &.{token});
    try testing.expectEqualStrings("opa", order.objectGetString(decoded.array[1].object, "iss").?.string);
    try testing.expect((try callBuiltin(a, "io.jwt.verify_hs256", &.{ token, .{ .string = "secret" } })).boolean);
    try testing.expect(!(try callBuiltin(a, "io.jwt.verify_hs256", &.{ token, .{ .string = "other" } })).boolean);
    try testing.expectError(error.BuiltinError, callBuiltin(a, "io.jwt.decode", &.{.{ .string = "a.b" }}));
}

test "decode_verify checks the signature and the claims" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    const token: Value = .{ .string = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwIiwiaXNzIjoib3BhIn0.XmVoLoHI3pxMtMO_WRONMSJzGUDP9pDjy8Jp0_tdRXY" };
    const constraints = try order.objectFromUnsorted(a, &.{ .{ .string = "secret" }, .{ .string = "iss" } }, &.{ .{ .string = "secret" }, .{ .string = "opa" } }, .reject, null);
    const ok = try callBuiltin(a, "io.jwt.decode_verify", &.{ token, .{ .object = constraints } });
    try testing.expect(ok.array[0].boolean);
    const wrong = try order.objectFromUnsorted(a, &.{ .{ .string = "secret" }, .{ .string = "iss" } }, &.{ .{ .string = "secret" }, .{ .string = "x" } }, .reject, null);
    const rejected = try callBuiltin(a, "io.jwt.decode_verify", &.{ token, .{ .object = wrong } });
    try testing.expect(!rejected.array[0].boolean);
    try testing.expectError(error.BuiltinError, callBuiltin(a, "io.jwt.decode_verify", &.{ token, .{ .object = &Object.empty } }));
}
