//! Hostile-input tests: every parser gets mutated and truncated copies of
//! valid encodings and must return an error or a value, never crash (run
//! in Debug, where overflows and out-of-bounds accesses trap).
const std = @import("std");
const testdata = @import("testdata.zig");
const x509 = @import("x509.zig");
const x509_json = @import("x509_json.zig");
const keys = @import("keys.zig");
const csr = @import("csr.zig");
const pem = @import("pem.zig");
const jwk = @import("jwk.zig");
const fastjson = @import("fastjson.zig");
const url = @import("url.zig");
const verification_keys = @import("verification_keys.zig");
const x509_verify = @import("x509_verify.zig");
const go_json = @import("go_json.zig");
const builtin = @import("../builtins/builtin.zig");
const jwt_builtins = @import("../builtins/jwt.zig").builtins;

const rounds = 300;

fn mutate(random: std.Random, out: []u8, source: []const u8) []u8 {
    @memcpy(out[0..source.len], source);
    const flips = random.intRangeAtMost(usize, 1, 4);
    for (0..flips) |_| {
        const i = random.uintLessThan(usize, source.len);
        out[i] = switch (random.uintLessThan(u8, 3)) {
            0 => out[i] ^ (@as(u8, 1) << random.int(u3)),
            1 => random.int(u8),
            else => 0x80 | random.int(u8),
        };
    }
    return out[0..random.intRangeAtMost(usize, 0, source.len)];
}

fn parseEverything(allocator: std.mem.Allocator, bytes: []const u8) !void {
    var message: []const u8 = "";
    if (x509.parseAll(allocator, bytes, &message)) |certs| {
        for (certs) |c| _ = try x509_json.certificate(allocator, c, true);
        _ = try x509_verify.verifyChain(allocator, certs, .{ .now_ns = 0 });
    } else |err| if (err == error.OutOfMemory) return err;
    if (keys.parsePkix(allocator, bytes, &message)) |k| {
        _ = try x509_json.publicKey(allocator, k);
    } else |err| if (err == error.OutOfMemory) return err;
    if (keys.parsePkcs8Private(allocator, bytes, &message)) |k| {
        _ = try x509_json.privateKey(allocator, k);
    } else |err| if (err == error.OutOfMemory) return err;
    _ = keys.parsePkcs1Private(allocator, bytes, &message) catch |err| if (err == error.OutOfMemory) return err;
    _ = keys.parseEcPrivate(allocator, null, bytes, &message) catch |err| if (err == error.OutOfMemory) return err;
    if (csr.parse(allocator, bytes, &message)) |r| {
        _ = try csr.toValue(allocator, r);
    } else |err| if (err == error.OutOfMemory) return err;
    _ = try pem.decode(allocator, bytes);
    _ = jwk.parseString(allocator, bytes, &message) catch |err| if (err == error.OutOfMemory) return err;
    _ = try fastjson.parse(allocator, bytes);
    _ = try url.parse(allocator, bytes);
    _ = verification_keys.parse(allocator, bytes, &message) catch |err| if (err == error.OutOfMemory) return err;
}

test "mutated encodings never crash the parsers" {
    var prng = std.Random.DefaultPrng.init(0x5eed);
    const random = prng.random();
    const samples = [_][]const u8{ testdata.cert_ec, testdata.cert_full, testdata.csr, testdata.pkcs8_ec, testdata.pkcs1_rsa };
    var buffer: [4096]u8 = undefined;
    for (samples) |sample| {
        // The originals parse as what they are.
        var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
        defer arena.deinit();
        try parseEverything(arena.allocator(), sample);
        for (0..rounds) |_| {
            _ = arena.reset(.retain_capacity);
            try parseEverything(arena.allocator(), mutate(random, &buffer, sample));
        }
    }
}

test "mutated JSON and PEM text never crash the key readers" {
    var prng = std.Random.DefaultPrng.init(0xbeef);
    const random = prng.random();
    const samples = [_][]const u8{
        "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"z8J91ghFy5o6f2xZ4g8LsLH7u2wEpT2ntj8loahnlsE\",\"y\":\"7bdeXLH61KrGWRdh7ilnbcGQACxykaPKfmBccTHIOUo\",\"kid\":\"a\"}]}",
        "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\",\"d\":\"AQ\",\"p\":\"AQ\"}",
        "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"wEZFfoAj1rFKTLOOmjJjVZlCHwksuvMb2I5y_hg70E8\",\"d\":\"9XI34uQzYUJfWhDZf_0nYsLMBRVu8a6dFsy60P8uugk\"}",
        "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAwmK6SSAu2E9V7uynkCKEaj5nZJyTvNG4x0KohsRzLpg=\n-----END PUBLIC KEY-----\n",
        "https://user:pw@[::1]:8443/a%20b?x=1#frag",
    };
    var buffer: [4096]u8 = undefined;
    for (samples) |sample| {
        var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
        defer arena.deinit();
        for (0..rounds) |_| {
            _ = arena.reset(.retain_capacity);
            try parseEverything(arena.allocator(), mutate(random, &buffer, sample));
        }
    }
}

test "mutated tokens and keys never crash the JWT builtins" {
    var prng = std.Random.DefaultPrng.init(0x7015);
    const random = prng.random();
    const token = "eyJ0eXAiOiAiSldUIiwgImFsZyI6ICJFUzI1NiJ9.eyJuYmYiOiAxNDQ0NDc4NDAwLCAiaXNzIjogInh4eCJ9.lArczfN-pIL8oUU-7PU83u-zfXougXBZj6drFeKFsPEoVhy9WAyiZlRshYqjTSXdaw8yw2L-ovt4zTUZb2PWMg";
    const key = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"z8J91ghFy5o6f2xZ4g8LsLH7u2wEpT2ntj8loahnlsE\",\"y\":\"7bdeXLH61KrGWRdh7ilnbcGQACxykaPKfmBccTHIOUo\"}";
    var token_buffer: [512]u8 = undefined;
    var key_buffer: [512]u8 = undefined;
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    for (0..rounds) |_| {
        _ = arena.reset(.retain_capacity);
        const t = mutate(random, &token_buffer, token);
        const k = mutate(random, &key_buffer, key);
        for (jwt_builtins) |b| {
            var ctx: builtin.Context = .{ .allocator = arena.allocator(), .now_ns = 1 };
            // decode_verify takes the key as a "cert" constraint.
            var constraints = go_json.ObjectBuilder.init(arena.allocator());
            try constraints.put("cert", .{ .string = k });
            const second: builtin.Value = if (std.mem.eql(u8, b.name, "io.jwt.decode_verify")) try constraints.finish() else .{ .string = k };
            const args = [_]builtin.Value{ .{ .string = t }, second, .{ .string = k } };
            _ = b.func(&ctx, args[0..b.arity]) catch |err| switch (err) {
                error.OutOfMemory => return err,
                else => {},
            };
        }
    }
}
