//! JSON Web Keys (RFC 7517) as OPA reads them through lestrrat-go/jwx:
//! a single key or a {"keys": [...]} set, of types RSA, EC, OKP (Ed25519)
//! and oct, public or private. Error messages follow jwx's wording, under
//! the prefixes jwx's call chain adds.
const std = @import("std");
const Allocator = std.mem.Allocator;
const value_mod = @import("../value/mod.zig");
const base64 = @import("base64.zig");
const keys = @import("keys.zig");
const rsa = @import("rsa.zig");
const ecdsa = @import("ecdsa.zig");
const der = @import("der.zig");

const Value = value_mod.Value;
const Object = value_mod.Object;
const order = value_mod.order;
const json = value_mod.json;
const quoted = @import("go_quote.zig").quoted;

pub const Material = union(enum) {
    public: keys.PublicKey,
    private: keys.PrivateKey,
    /// An "oct" key: the HMAC secret.
    symmetric: []const u8,
};

pub const Key = struct {
    /// The "alg" member, empty when absent.
    alg: []const u8 = "",
    /// The "kid" member, empty when absent.
    kid: []const u8 = "",
    material: Material,
};

pub const Error = keys.Error;
pub const Message = keys.Message;

/// jwx's jwk.ParseString: every key of a set, or the one key. On
/// error.Invalid, `message` holds jwx's full error text.
pub fn parseString(allocator: Allocator, text: []const u8, message: Message) Error![]Key {
    var detail: []const u8 = "";
    return parse(allocator, text, &detail) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => {
            message.* = try std.mem.concat(allocator, u8, &.{ "jwk.ParseString: failed to parse string: ", detail });
            return error.Invalid;
        },
    };
}

/// jwx's jwk.Parse (messages start with "jwk.Parse: ").
pub fn parse(allocator: Allocator, text: []const u8, message: Message) Error![]Key {
    var detail: []const u8 = "";
    return parseInner(allocator, text, &detail) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => {
            message.* = try std.mem.concat(allocator, u8, &.{ "jwk.Parse: ", detail });
            return error.Invalid;
        },
    };
}

fn parseInner(allocator: Allocator, text: []const u8, message: Message) Error![]Key {
    var diagnostic: json.Diagnostic = .{};
    const parsed: ?Value = json.parseWithDiagnostic(allocator, text, &diagnostic) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => null,
    };
    const document = parsed orelse {
        const reason = if (diagnostic.message_len > 0) diagnostic.message() else "unexpected end of JSON input";
        return fail(allocator, message, "failed to parse sole key: jwk.ParseKey: jwk.Parse: failed to probe data: probe: failed to unmarshal data: {s}", .{reason});
    };
    if (document == .object) {
        if (order.objectGetString(document.object, "keys")) |set| {
            const list = switch (set) {
                .array => |items| items,
                else => return fail(allocator, message, "failed to unmarshal JWK set: failed to decode \"keys\": expected '[' but got {f}", .{GoToken{ .v = set }}),
            };
            var out: std.ArrayList(Key) = .empty;
            for (list, 0..) |item, i| {
                var detail: []const u8 = "";
                const key = parseKey(allocator, item, &detail) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.Invalid => return fail(allocator, message, "failed to unmarshal JWK set: failed to decode key #{d} in \"keys\": jwk.ParseKey: {s}", .{ i, detail }),
                };
                try out.append(allocator, key);
            }
            return out.items;
        }
    }
    var detail: []const u8 = "";
    const key = parseKey(allocator, document, &detail) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.Invalid => return fail(allocator, message, "failed to parse sole key: jwk.ParseKey: {s}", .{detail}),
    };
    const out = try allocator.alloc(Key, 1);
    out[0] = key;
    return out;
}

fn fail(allocator: Allocator, message: Message, comptime fmt: []const u8, args: anytype) Error {
    message.* = try std.fmt.allocPrint(allocator, fmt, args);
    return error.Invalid;
}

/// A JSON token as Go's %v prints what json.Decoder.Token returns.
const GoToken = struct {
    v: Value,

    pub fn format(self: GoToken, w: *std.Io.Writer) std.Io.Writer.Error!void {
        switch (self.v) {
            .null => try w.writeAll("<nil>"),
            .boolean => |b| try w.writeAll(if (b) "true" else "false"),
            .number => |n| try w.print("{f}", .{n}),
            .string => |s| try w.writeAll(s),
            .object => try w.writeAll("{"),
            .array, .set => try w.writeAll("["),
        }
    }
};

/// Go's encoding/json name for a value's kind in "cannot unmarshal" errors.
fn goJsonType(v: Value) []const u8 {
    return switch (v) {
        .null => "null",
        .boolean => "bool",
        .number => "number",
        .string => "string",
        .array, .set => "array",
        .object => "object",
    };
}

/// jwx's ParseKey of one JSON value.
pub fn parseKey(allocator: Allocator, v: Value, message: Message) Error!Key {
    const object = switch (v) {
        .object => |o| o,
        else => return fail(allocator, message, "jwk.Parse: failed to probe data: probe: failed to unmarshal data: json: cannot unmarshal {s} into Go value of type struct {{ Kty string \"json:\\\"kty\\\"\"; D json.RawMessage \"json:\\\"d,omitempty\\\"\" }}", .{goJsonType(v)}),
    };
    const kty: []const u8 = switch (order.objectGetString(object, "kty") orelse Value.null) {
        .string => |s| s,
        .null => "",
        else => |other| return fail(allocator, message, "jwk.Parse: failed to probe data: probe: failed to unmarshal data: json: cannot unmarshal {s} into Go struct field .kty of type string", .{goJsonType(other)}),
    };
    const private = order.objectGetString(object, "d") != null;
    var key: Key = .{ .material = undefined };
    const type_name = keyTypeName(kty, private) orelse return fail(allocator, message, "invalid key type from JSON ({s})", .{kty});

    var fields: Fields = .{ .allocator = allocator, .object = object, .message = message, .type_name = type_name };
    key.alg = try fields.string("alg");
    if (key.alg.len > 0 and !knownAlgorithm(key.alg)) {
        return fields.failure("failed to decode value for key alg: invalid key value: {f}: invalid key algorithm", .{quoted(key.alg)});
    }
    key.kid = try fields.string("kid");

    if (std.mem.eql(u8, kty, "RSA")) {
        const d = try fields.bytes("d");
        const e = try fields.bytes("e");
        const n = try fields.bytes("n");
        if (private and d == null) return fields.failure("required field d is missing", .{});
        if (e == null) return fields.failure("required field e is missing", .{});
        if (n == null) return fields.failure("required field n is missing", .{});
        const public: rsa.PublicKey = .{ .n = der.trimLeadingZeros(n.?), .e = der.trimLeadingZeros(e.?) };
        if (public.n.len == 0 or public.e.len == 0 or public.e.len > 8) return fields.validation("invalid RSA modulus or exponent", .{});
        if (!private) {
            key.material = .{ .public = .{ .rsa = public } };
            return key;
        }
        if (d.?.len == 0) return fields.validation("missing \"d\" value", .{});
        // Both slots are kept, empty when absent: jwx names the missing one.
        const primes = try allocator.alloc([]const u8, 2);
        primes[0] = der.trimLeadingZeros((try fields.bytes("p")) orelse "");
        primes[1] = der.trimLeadingZeros((try fields.bytes("q")) orelse "");
        key.material = .{ .private = .{ .rsa = .{
            .public = public,
            .d = der.trimLeadingZeros(d.?),
            .primes = primes,
            .dp = der.trimLeadingZeros((try fields.bytes("dp")) orelse ""),
            .dq = der.trimLeadingZeros((try fields.bytes("dq")) orelse ""),
            .qinv = der.trimLeadingZeros((try fields.bytes("qi")) orelse ""),
        } } };
        return key;
    }
    if (std.mem.eql(u8, kty, "EC")) {
        const crv = try fields.string("crv");
        const d = try fields.bytes("d");
        const x = try fields.bytes("x");
        const y = try fields.bytes("y");
        if (crv.len == 0) return fields.failure("required field crv is missing", .{});
        if (private and d == null) return fields.failure("required field d is missing", .{});
        if (x == null) return fields.failure("required field x is missing", .{});
        if (y == null) return fields.failure("required field y is missing", .{});
        const curve = ecdsa.Curve.fromName(crv) orelse return fields.validation("invalid curve algorithm \"{s}\": unsupported curve", .{crv});
        const size = curve.byteLength();
        if (x.?.len != size) return fields.validation("invalid \"x\" length ({d}) for curve \"{s}\"", .{ x.?.len, crv });
        if (y.?.len != size) return fields.validation("invalid \"y\" length ({d}) for curve \"{s}\"", .{ y.?.len, crv });
        if (!ecdsa.validPoint(curve, x.?, y.?)) return fields.validation("invalid point", .{});
        const public: ecdsa.PublicKey = .{ .curve = curve, .x = x.?, .y = y.? };
        if (!private) {
            key.material = .{ .public = .{ .ecdsa = public } };
            return key;
        }
        if (d.?.len != size) return fields.validation("invalid \"d\" length ({d}) for curve \"{s}\"", .{ d.?.len, crv });
        key.material = .{ .private = .{ .ecdsa = .{ .public = public, .d = d.? } } };
        return key;
    }
    if (std.mem.eql(u8, kty, "OKP")) {
        const crv = try fields.string("crv");
        const d = try fields.bytes("d");
        const x = try fields.bytes("x");
        if (crv.len == 0) return fields.failure("required field crv is missing", .{});
        if (private and d == null) return fields.failure("required field d is missing", .{});
        if (x == null) return fields.failure("required field x is missing", .{});
        const ed25519 = std.mem.eql(u8, crv, "Ed25519");
        if (!ed25519 and !std.mem.eql(u8, crv, "X25519")) return fields.validation("invalid curve algorithm", .{});
        if (x.?.len == 0) return fields.validation("missing \"x\" field", .{});
        if (x.?.len != 32) return fields.validation("invalid \"x\" length ({d})", .{x.?.len});
        if (!private) {
            key.material = .{ .public = if (ed25519) .{ .ed25519 = x.?[0..32].* } else .{ .x25519 = x.?[0..32].* } };
            return key;
        }
        if (d.?.len != 32) return fields.validation("invalid \"d\" length ({d})", .{d.?.len});
        if (!ed25519) {
            key.material = .{ .private = .{ .x25519 = d.?[0..32].* } };
            return key;
        }
        key.material = .{ .private = .{ .ed25519 = .{ .seed = d.?[0..32].*, .public = x.?[0..32].* } } };
        return key;
    }
    // "oct"
    const k = try fields.bytes("k");
    if (k == null) return fields.failure("required field k is missing", .{});
    if (k.?.len == 0) return fields.validation("missing \"k\" field", .{});
    key.material = .{ .symmetric = k.? };
    return key;
}

/// jwx's Go type for a key, named in its unmarshal errors.
fn keyTypeName(kty: []const u8, private: bool) ?[]const u8 {
    const names = .{
        .{ "RSA", "*jwk.rsaPublicKey", "*jwk.rsaPrivateKey" },
        .{ "EC", "*jwk.ecdsaPublicKey", "*jwk.ecdsaPrivateKey" },
        .{ "OKP", "*jwk.okpPublicKey", "*jwk.okpPrivateKey" },
        .{ "oct", "*jwk.symmetricKey", "*jwk.symmetricKey" },
    };
    inline for (names) |entry| {
        if (std.mem.eql(u8, kty, entry[0])) return if (private) entry[2] else entry[1];
    }
    return null;
}

/// Reads typed members of a key object, wording failures as jwx does.
const Fields = struct {
    allocator: Allocator,
    object: *const Object,
    message: Message,
    type_name: []const u8,

    fn failure(f: Fields, comptime fmt: []const u8, args: anytype) Error {
        const detail = try std.fmt.allocPrint(f.allocator, fmt, args);
        return fail(f.allocator, f.message, "failed to unmarshal JSON into key ({s}): failed to unmarshal JSON into key ({s}): {s}", .{ f.type_name, f.type_name, detail });
    }

    fn validation(f: Fields, comptime fmt: []const u8, args: anytype) Error {
        const detail = try std.fmt.allocPrint(f.allocator, fmt, args);
        const kind = if (std.mem.indexOf(u8, f.type_name, "rsa") != null) "RSA" else if (std.mem.indexOf(u8, f.type_name, "ecdsa") != null) "ECDSA" else if (std.mem.indexOf(u8, f.type_name, "okp") != null) "OKP" else "Symmetric";
        const visibility = if (std.mem.indexOf(u8, f.type_name, "Private") != null) "PrivateKey" else if (std.mem.eql(u8, kind, "Symmetric")) "Key" else "PublicKey";
        return fail(f.allocator, f.message, "jwk.Parse: key validation failed: key validation failed: jwk.{s}{s}: {s}", .{ kind, visibility, detail });
    }

    /// A string member; empty when absent or null.
    fn string(f: Fields, name: []const u8) Error![]const u8 {
        return switch (order.objectGetString(f.object, name) orelse return "") {
            .string => |s| s,
            .null => "",
            else => |other| f.failure("failed to decode value for key {s}: json: cannot unmarshal {s} into Go value of type string", .{ name, goJsonType(other) }),
        };
    }

    /// A base64-encoded member, decoded; null when absent.
    fn bytes(f: Fields, name: []const u8) Error!?[]const u8 {
        const text = switch (order.objectGetString(f.object, name) orelse return null) {
            .string => |s| s,
            .null => "",
            else => |other| return f.failure("failed to decode value for key {s}: error reading next value: json: cannot unmarshal {s} into Go value of type string", .{ name, goJsonType(other) }),
        };
        return switch (try base64.decodeGuessing(f.allocator, text)) {
            .ok => |decoded| decoded,
            .corrupt => f.failure("failed to decode value for key {s}: expected base64 encoded []byte (string)", .{name}),
        };
    }
};

/// The algorithm names jwx's registry knows (JWS, key management and
/// content encryption); a key with another "alg" fails to parse.
fn knownAlgorithm(alg: []const u8) bool {
    const names = [_][]const u8{
        "HS256",         "HS384",              "HS512",              "RS256",              "RS384",         "RS512",
        "ES256",         "ES384",              "ES512",              "PS256",              "PS384",         "PS512",
        "EdDSA",         "ES256K",             "none",               "RSA1_5",             "RSA-OAEP",      "RSA-OAEP-256",
        "RSA-OAEP-384",  "RSA-OAEP-512",       "A128KW",             "A192KW",             "A256KW",        "dir",
        "ECDH-ES",       "ECDH-ES+A128KW",     "ECDH-ES+A192KW",     "ECDH-ES+A256KW",     "A128GCMKW",     "A192GCMKW",
        "A256GCMKW",     "PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW", "A128CBC-HS256", "A192CBC-HS384",
        "A256CBC-HS512", "A128GCM",            "A192GCM",            "A256GCM",            "Ed25519",       "Ed448",
    };
    for (names) |name| if (std.mem.eql(u8, alg, name)) return true;
    return false;
}

const testing = std.testing;

test "parses single keys and sets" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();
    var message: []const u8 = "";
    const oct = try parseString(a, "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\",\"kid\":\"k1\"}", &message);
    try testing.expectEqualStrings("secret", oct[0].material.symmetric);
    try testing.expectEqualStrings("k1", oct[0].kid);

    const set = try parseString(a, "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8\",\"alg\":\"EdDSA\"}]}", &message);
    try testing.expectEqual(@as(usize, 1), set.len);
    try testing.expectEqualStrings("EdDSA", set[0].alg);

    try testing.expectError(error.Invalid, parseString(a, "{\"kty\":\"RSA\"}", &message));
    try testing.expect(std.mem.endsWith(u8, message, "required field e is missing"));
    try testing.expectError(error.Invalid, parseString(a, "{bad", &message));
    try testing.expect(std.mem.startsWith(u8, message, "jwk.ParseString: failed to parse string: jwk.Parse: failed to parse sole key"));
    try testing.expectError(error.Invalid, parseString(a, "{\"kty\":\"foo\"}", &message));
    try testing.expect(std.mem.endsWith(u8, message, "invalid key type from JSON (foo)"));
}
