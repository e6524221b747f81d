//! Builtins of the aws family (see builtin.zig for the interface):
//! providers.aws.sign_req, AWS Signature Version 4 over an http.send request
//! object (v1/topdown/providers.go, internal/providers/aws/signing_v4.go).
//! The signature is a pure function of the request, the credentials and the
//! given time, so results match OPA's byte for byte.
const std = @import("std");
const Allocator = std.mem.Allocator;
const builtin = @import("builtin.zig");
const value_mod = @import("../value/mod.zig");
const types = @import("types.zig");
const url = @import("../crypto/url.zig");
const quoted = @import("../crypto/go_quote.zig").quoted;

const Value = builtin.Value;
const Context = builtin.Context;
const Error = builtin.Error;
const Object = value_mod.Object;
const order = value_mod.order;
const json = value_mod.json;
const Sha256 = std.crypto.hash.sha2.Sha256;
const HmacSha256 = std.crypto.auth.hmac.sha2.HmacSha256;

pub const builtins: []const builtin.Builtin = &.{
    .{ .name = "providers.aws.sign_req", .arity = 3, .func = signReq },
};

const required_config = [_][]const u8{ "aws_access_key", "aws_region", "aws_secret_access_key", "aws_service" };

/// The request keys http.send accepts (OPA's allowedKeyNames).
const allowed_request_keys = [_][]const u8{
    "method",               "url",                         "body",                         "enable_redirect",
    "force_json_decode",    "force_yaml_decode",           "headers",                      "raw_body",
    "tls_use_system_certs", "tls_ca_cert",                 "tls_ca_cert_file",             "tls_ca_cert_env_variable",
    "tls_client_cert",      "tls_client_cert_file",        "tls_client_cert_env_variable", "tls_client_key",
    "tls_client_key_file",  "tls_client_key_env_variable", "tls_insecure_skip_verify",     "tls_server_name",
    "timeout",              "cache",                       "force_cache",                  "force_cache_duration_seconds",
    "raise_error",          "caching_mode",                "max_retry_attempts",           "cache_ignored_headers",
};

/// Headers left out of the canonical request: proxies may change them.
const ignored_headers = [_][]const u8{ "authorization", "user-agent", "x-amzn-trace-id" };

fn signReq(ctx: *Context, args: []const Value) Error!Value {
    const request = switch (args[0]) {
        .object => |o| o,
        else => return ctx.operandError(1, "object", args[0]),
    };
    // OPA names the config "operand 1" here.
    const config = switch (args[1]) {
        .object => |o| o,
        else => return ctx.operandError(1, "object", args[1]),
    };
    try validateConfig(ctx, config);
    const service = stringField(config, "aws_service");
    const credentials: Credentials = .{
        .access_key = stringField(config, "aws_access_key"),
        .secret_key = stringField(config, "aws_secret_access_key"),
        .region = stringField(config, "aws_region"),
        .session_token = stringField(config, "aws_session_token"),
    };

    if (args[2] != .number) return ctx.operandError(1, "number", args[2]);
    const time_ns = goInt64(args[2].number) orelse return ctx.typeError("operand 3 could not convert time_ns value into a unix timestamp", .{});

    try validateRequest(ctx, request);
    var headers: *const Object = &Object.empty;
    if (order.objectGetString(request, "headers")) |h| {
        headers = switch (h) {
            .object => |o| o,
            else => return ctx.operandError(0, "object", h),
        };
    }
    const url_value = order.objectGetString(request, "url").?; // Required above.
    const method_value = order.objectGetString(request, "method").?;
    var invalid: std.ArrayList(Value) = .empty;
    if (url_value != .string) try invalid.append(ctx.allocator, .{ .string = "url" });
    if (method_value != .string) try invalid.append(ctx.allocator, .{ .string = "method" });
    if (invalid.items.len > 0) {
        return ctx.typeError("operand 1 invalid values for required request parameters(s): {f}", .{try setText(ctx, invalid.items)});
    }
    const parsed = switch (try url.parse(ctx.allocator, url_value.string)) {
        .ok => |u| u,
        .failed => |f| return ctx.builtinError("parse {f}: {s}", .{ quoted(f.url), f.reason }),
    };

    const body = try requestBody(ctx, request);
    var disable_payload_signing = false;
    if (order.objectGetString(config, "disable_payload_signing")) |v| {
        if (v != .boolean) return ctx.typeError("operand 2 invalid value for 'disable_payload_signing' in AWS config", .{});
        disable_payload_signing = v.boolean;
    }

    const signed = try signV4(ctx.allocator, .{
        .headers = headers,
        .method = method_value.string,
        .host = parsed.host,
        .path = try url.escapedPath(ctx.allocator, parsed),
        .query = parsed.raw_query,
        .body = body,
        .service = service,
        .credentials = credentials,
        .time_ns = time_ns,
        .disable_payload_signing = disable_payload_signing,
    });
    return replaceHeaders(ctx, request, headers, signed);
}

const Credentials = struct {
    access_key: []const u8,
    secret_key: []const u8,
    region: []const u8,
    session_token: []const u8,
};

/// A member's string value, "" when absent or not a string (OPA's stringFromTerm).
fn stringField(object: *const Object, name: []const u8) []const u8 {
    const v = order.objectGetString(object, name) orelse return "";
    return if (v == .string) v.string else "";
}

fn validateConfig(ctx: *Context, config: *const Object) Error!void {
    var missing: std.ArrayList(Value) = .empty;
    for (required_config) |name| {
        if (order.objectGetString(config, name) == null) try missing.append(ctx.allocator, .{ .string = name });
    }
    if (missing.items.len > 0) {
        return ctx.typeError("operand 2 missing required AWS config parameters(s): {f}", .{try setText(ctx, missing.items)});
    }
    var invalid: std.ArrayList(Value) = .empty;
    for (required_config) |name| {
        if (order.objectGetString(config, name).? != .string) try invalid.append(ctx.allocator, .{ .string = name });
    }
    if (invalid.items.len > 0) {
        return ctx.typeError("operand 2 invalid values for required AWS config parameters(s): {f}", .{try setText(ctx, invalid.items)});
    }
}

/// http.send's request checks: no unknown keys, method and url present.
fn validateRequest(ctx: *Context, request: *const Object) Error!void {
    var unknown: std.ArrayList(Value) = .empty;
    for (request.keys) |k| {
        const known = k == .string and for (allowed_request_keys) |name| {
            if (std.mem.eql(u8, k.string, name)) break true;
        } else false;
        if (!known) try unknown.append(ctx.allocator, k);
    }
    if (unknown.items.len > 0) {
        return ctx.typeError("operand 1 invalid request parameters(s): {f}", .{try setText(ctx, unknown.items)});
    }
    var missing: std.ArrayList(Value) = .empty;
    for ([_][]const u8{ "method", "url" }) |name| {
        if (order.objectGetString(request, name) == null) try missing.append(ctx.allocator, .{ .string = name });
    }
    if (missing.items.len > 0) {
        return ctx.typeError("operand 1 missing required request parameters(s): {f}", .{try setText(ctx, missing.items)});
    }
}

/// The Rego text of a set of the given items, as OPA prints ast.Set.
fn setText(ctx: *Context, items: []const Value) Error!types.Rego {
    const set = try order.setFromUnsorted(ctx.allocator, items);
    return types.rego(.{ .set = set });
}

/// Go's ast.Number.Int64: only a plain integer literal within int64.
fn goInt64(n: value_mod.Number) ?i64 {
    return switch (n) {
        .int => |i| i,
        .big => |big| std.fmt.parseInt(i64, big.text, 10) catch null,
    };
}

/// raw_body (a string, else empty) wins over body (JSON-encoded).
fn requestBody(ctx: *Context, request: *const Object) Error![]const u8 {
    if (order.objectGetString(request, "raw_body")) |raw| return if (raw == .string) raw.string else "";
    if (order.objectGetString(request, "body")) |body| {
        return json.serializeAlloc(ctx.allocator, body) catch |err| switch (err) {
            error.OutOfMemory => error.OutOfMemory,
            error.NestingTooDeep => ctx.builtinError("json: unsupported value", .{}),
        };
    }
    return "";
}

const SignInput = struct {
    headers: *const Object,
    method: []const u8,
    host: []const u8,
    path: []const u8,
    query: []const u8,
    body: []const u8,
    service: []const u8,
    credentials: Credentials,
    time_ns: i64,
    disable_payload_signing: bool,
};

const Header = struct { name: []const u8, value: []const u8 };

const Signed = struct {
    authorization: []const u8,
    /// The headers AWS requires, added to the request.
    aws_headers: []const Header,
};

/// OPA's aws.SignV4.
fn signV4(allocator: Allocator, in: SignInput) Allocator.Error!Signed {
    const stamp = Timestamp.fromNanos(in.time_ns);
    var date_buffer: [32]u8 = undefined;
    var iso_buffer: [32]u8 = undefined;
    const date = stamp.date(&date_buffer);
    const iso8601 = stamp.iso8601(&iso_buffer);

    var content_sha_buffer: [64]u8 = undefined;
    const content_sha = if (in.disable_payload_signing) "UNSIGNED-PAYLOAD" else hexDigest(in.body, &content_sha_buffer);

    var aws_headers: std.ArrayList(Header) = .empty;
    try aws_headers.append(allocator, .{ .name = "host", .value = in.host });
    try aws_headers.append(allocator, .{ .name = "x-amz-date", .value = try allocator.dupe(u8, iso8601) });
    // S3 and Glacier also want the payload hash as a header.
    if (std.mem.eql(u8, in.service, "s3") or std.mem.eql(u8, in.service, "glacier")) {
        try aws_headers.append(allocator, .{ .name = "x-amz-content-sha256", .value = try allocator.dupe(u8, content_sha) });
    }
    if (in.credentials.session_token.len > 0) {
        try aws_headers.append(allocator, .{ .name = "x-amz-security-token", .value = in.credentials.session_token });
    }

    // Signed headers: the AWS ones, overridden by the request's (lowercased).
    var to_sign: std.ArrayList(Header) = .empty;
    try to_sign.appendSlice(allocator, aws_headers.items);
    for (in.headers.keys, in.headers.values) |k, v| {
        const name = try std.ascii.allocLowerString(allocator, if (k == .string) k.string else "");
        if (isIgnored(name)) continue;
        const value = if (v == .string) v.string else "";
        for (to_sign.items) |*existing| {
            if (std.mem.eql(u8, existing.name, name)) {
                existing.value = value;
                break;
            }
        } else try to_sign.append(allocator, .{ .name = name, .value = value });
    }
    std.mem.sort(Header, to_sign.items, {}, headerLessThan);

    var canonical: std.ArrayList(u8) = .empty;
    try canonical.print(allocator, "{s}\n{s}\n{s}\n", .{ in.method, in.path, in.query });
    for (to_sign.items) |h| try canonical.print(allocator, "{s}:{s}\n", .{ h.name, h.value });
    try canonical.append(allocator, '\n');
    var signed_names: std.ArrayList(u8) = .empty;
    for (to_sign.items, 0..) |h, i| {
        if (i > 0) try signed_names.append(allocator, ';');
        try signed_names.appendSlice(allocator, h.name);
    }
    try canonical.print(allocator, "{s}\n{s}", .{ signed_names.items, content_sha });

    var canonical_hash_buffer: [64]u8 = undefined;
    const string_to_sign = try std.fmt.allocPrint(allocator, "AWS4-HMAC-SHA256\n{s}\n{s}/{s}/{s}/aws4_request\n{s}", .{
        iso8601, date, in.credentials.region, in.service, hexDigest(canonical.items, &canonical_hash_buffer),
    });

    // The signing key chains HMACs over the scope, starting from the secret.
    const initial_key = try std.mem.concat(allocator, u8, &.{ "AWS4", in.credentials.secret_key });
    var key: [HmacSha256.mac_length]u8 = undefined;
    HmacSha256.create(&key, date, initial_key);
    HmacSha256.create(&key, in.credentials.region, &key);
    HmacSha256.create(&key, in.service, &key);
    HmacSha256.create(&key, "aws4_request", &key);
    var signature: [HmacSha256.mac_length]u8 = undefined;
    HmacSha256.create(&signature, string_to_sign, &key);

    const authorization = try std.fmt.allocPrint(allocator, "AWS4-HMAC-SHA256 Credential={s}/{s}/{s}/{s}/aws4_request,SignedHeaders={s},Signature={x}", .{
        in.credentials.access_key, date, in.credentials.region, in.service, signed_names.items, &signature,
    });
    return .{ .authorization = authorization, .aws_headers = aws_headers.items };
}

fn isIgnored(name: []const u8) bool {
    for (ignored_headers) |ignored| if (std.mem.eql(u8, name, ignored)) return true;
    return false;
}

fn headerLessThan(_: void, a: Header, b: Header) bool {
    return std.mem.lessThan(u8, a.name, b.name);
}

fn hexDigest(bytes: []const u8, out: *[64]u8) []const u8 {
    var digest: [Sha256.digest_length]u8 = undefined;
    Sha256.hash(bytes, &digest, .{});
    return std.fmt.bufPrint(out, "{x}", .{&digest}) catch unreachable; // 64 hex digits fit.
}

/// The request with its headers replaced by the original ones (string
/// values), the Authorization header and the AWS headers.
fn replaceHeaders(ctx: *Context, request: *const Object, original: *const Object, signed: Signed) Error!Value {
    var keys: std.ArrayList(Value) = .empty;
    var values: std.ArrayList(Value) = .empty;
    for (original.keys, original.values) |k, v| {
        try keys.append(ctx.allocator, .{ .string = if (k == .string) k.string else "" });
        try values.append(ctx.allocator, .{ .string = if (v == .string) v.string else "" });
    }
    try keys.append(ctx.allocator, .{ .string = "Authorization" });
    try values.append(ctx.allocator, .{ .string = signed.authorization });
    for (signed.aws_headers) |h| {
        try keys.append(ctx.allocator, .{ .string = h.name });
        try values.append(ctx.allocator, .{ .string = h.value });
    }
    // Later entries win, as later inserts do in OPA.
    const headers = order.objectFromUnsorted(ctx.allocator, keys.items, values.items, .last_wins, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => unreachable, // last_wins never reports duplicates.
    };
    if (order.objectIndexOfString(request, "headers")) |i| {
        const out_values = try ctx.allocator.dupe(Value, request.values);
        out_values[i] = .{ .object = headers };
        const object = try ctx.allocator.create(Object);
        object.* = .{ .keys = request.keys, .values = out_values };
        return .{ .object = object };
    }
    const with = order.objectFromUnsorted(
        ctx.allocator,
        try std.mem.concat(ctx.allocator, Value, &.{ request.keys, &.{.{ .string = "headers" }} }),
        try std.mem.concat(ctx.allocator, Value, &.{ request.values, &.{.{ .object = headers }} }),
        .last_wins,
        null,
    ) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => unreachable, // last_wins never reports duplicates.
    };
    return .{ .object = with };
}

/// UTC civil time of a Unix nanosecond timestamp (Go's time.Unix(0, ns).UTC()).
const Timestamp = struct {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,

    fn fromNanos(ns: i64) Timestamp {
        const seconds = @divFloor(ns, std.time.ns_per_s);
        const days = @divFloor(seconds, std.time.s_per_day);
        const of_day: u64 = @intCast(seconds - days * std.time.s_per_day);
        // Days to civil date (Howard Hinnant's algorithm), valid for all i64 days here.
        const z = days + 719468;
        const era = @divFloor(z, 146097);
        const doe: i64 = z - era * 146097;
        const yoe = @divFloor(doe - @divFloor(doe, 1460) + @divFloor(doe, 36524) - @divFloor(doe, 146096), 365);
        const doy = doe - (365 * yoe + @divFloor(yoe, 4) - @divFloor(yoe, 100));
        const mp = @divFloor(5 * doy + 2, 153);
        const day: u8 = @intCast(doy - @divFloor(153 * mp + 2, 5) + 1);
        const month: u8 = @intCast(if (mp < 10) mp + 3 else mp - 9);
        const year = yoe + era * 400 + @as(i64, if (month <= 2) 1 else 0);
        return .{
            .year = year,
            .month = month,
            .day = day,
            .hour = @intCast(of_day / 3600),
            .minute = @intCast(of_day / 60 % 60),
            .second = @intCast(of_day % 60),
        };
    }

    /// Go's "20060102".
    fn date(t: Timestamp, buffer: *[32]u8) []const u8 {
        var w: std.Io.Writer = .fixed(buffer);
        writeYear(&w, t.year);
        w.print("{d:0>2}{d:0>2}", .{ t.month, t.day }) catch unreachable; // Fits the buffer.
        return w.buffered();
    }

    /// Go's "20060102T150405Z".
    fn iso8601(t: Timestamp, buffer: *[32]u8) []const u8 {
        var w: std.Io.Writer = .fixed(buffer);
        writeYear(&w, t.year);
        w.print("{d:0>2}{d:0>2}T{d:0>2}{d:0>2}{d:0>2}Z", .{ t.month, t.day, t.hour, t.minute, t.second }) catch unreachable; // Fits the buffer.
        return w.buffered();
    }

    /// Go's "2006": at least four digits, a leading '-' for negative years.
    fn writeYear(w: *std.Io.Writer, year: i64) void {
        if (year < 0) {
            w.print("-{d:0>4}", .{@abs(year)}) catch unreachable; // Fits the buffer.
        } else {
            w.print("{d:0>4}", .{@as(u64, @intCast(year))}) catch unreachable; // Fits the buffer.
        }
    }
};

const testing = std.testing;

test "timestamps format as Go formats UTC times" {
    var a: [32]u8 = undefined;
    var b: [32]u8 = undefined;
    const t = Timestamp.fromNanos(1451311705000000000);
    try testing.expectEqualStrings("20151228", t.date(&a));
    try testing.expectEqualStrings("20151228T140825Z", t.iso8601(&b));
    const before = Timestamp.fromNanos(-1);
    try testing.expectEqualStrings("19691231T235959Z", before.iso8601(&b));
}

test "signs the AWS documentation's example shape deterministically" {
    var arena: std.heap.ArenaAllocator = .init(testing.allocator);
    defer arena.deinit();
    const signed = try signV4(arena.allocator(), .{
        .headers = &Object.empty,
        .method = "get",
        .host = "example.com",
        .path = "",
        .query = "",
        .body = "",
        .service = "s3",
        .credentials = .{ .access_key = "MYAWSACCESSKEYGOESHERE", .secret_key = "MYAWSSECRETACCESSKEYGOESHERE", .region = "us-east-1", .session_token = "" },
        .time_ns = 1451311705000000000,
        .disable_payload_signing = false,
    });
    try testing.expectEqualStrings(
        "AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3",
        signed.authorization,
    );
}
