//! The C ABI of sark-native: the only surface the library exports.
//!
//! Every symbol, its ownership rules and its status codes are described here and
//! nowhere else; `src/native/abi.ts` mirrors this file once for TypeScript.
//!
//! Conventions, chosen so that bun:ffi, Deno.dlopen and the Node-API addon can all
//! call the same functions cheaply:
//! - Scalars are i32, u32 or f64. No bool, no 64-bit integers (Deno would hand
//!   them to JS as BigInt), no struct by value.
//! - Every function returns an i32 status (`zig/status.zig`): 0 ok, 1 buffer too
//!   small, negative on error. The one exception is `sark_abi_version`, which
//!   cannot fail and returns the ABI version (> 0).
//! - Data in: a pointer and a u32 byte length (a TypedArray in JS). The library
//!   only reads it during the call and never keeps the pointer.
//! - Data out: the caller passes `out` with capacity `out_cap` and a `u32 *out_len`.
//!   On `ok`, `*out_len` bytes were written. On `buffer_too_small`, nothing was
//!   written, `*out_len` is the size needed, and the result stays on the context
//!   until `sark_result_take` copies it (or the next call on the context drops it),
//!   so the work is never redone. The library never returns a pointer that JS
//!   would have to dereference or free.
//! - Handles: u32, never 0. Contexts (`sark_context_*`) are per-thread scratch
//!   state and error slots: one per JS thread, never shared. Engines and caches are
//!   shared, thread-safe objects. A freed handle is rejected with `invalid_handle`.
//! - Errors: a negative status, and on calls that take a context a JSON detail
//!   `{"code": <status name>, "message": ..., ...}` readable with `sark_error`.
//! - Nothing reachable from here panics: bad input and allocation failure are
//!   status codes.
//!
//! Symbols (ABI version 2):
//!   i32 sark_abi_version(void)
//!       The ABI version. Costs nothing: it is also the FFI no-op benchmark.
//!   i32 sark_version(u8 *out, u32 out_cap, u32 *out_len)
//!       The library's semantic version as UTF-8 (e.g. "0.1.0").
//!   i32 sark_context_new(u32 *out_handle)      i32 sark_context_free(u32 ctx)
//!   i32 sark_error(u32 ctx, u8 *out, u32 out_cap, u32 *out_len)
//!       The JSON detail of the last failed call on `ctx` ("{}" when none failed).
//!   i32 sark_result_take(u32 ctx, u8 *out, u32 out_cap, u32 *out_len)
//!       Copies the result kept by the last `buffer_too_small`; `no_pending_result` if none.
//!   i32 sark_json_normalize(u32 ctx, const u8 *json, u32 json_len, u8 *out, u32 out_cap, u32 *out_len)
//!       Parses UTF-8 JSON into the native value and writes it back as compact canonical
//!       JSON (OPA's key order, numbers exactly as given). `invalid_json` with line and
//!       column in the detail (`"line"`, `"column"`, `"offset"`).
//!   i32 sark_json_compare(u32 ctx, const u8 *a, u32 a_len, const u8 *b, u32 b_len, i32 *out_order)
//!       Compares two JSON documents in OPA's total order: *out_order is -1, 0 or 1.
//!   i32 sark_engine_new(u32 *out_handle)       i32 sark_engine_free(u32 engine)
//!   i32 sark_engine_add_policy(u32 ctx, u32 engine, const u8 *id, u32 id_len, const u8 *src, u32 src_len)
//!       Adds or replaces the Rego module `id` (also its file name in errors). All modules
//!       are compiled together; on error nothing changes and the detail lists every error:
//!       `{"code":"rego_parse_error"|"rego_compile_error", "message": OPA's text,
//!         "errors":[{"code","message","location":{"file","row","col"}}]}`
//!       (per-error codes: rego_parse_error, rego_compile_error, rego_type_error,
//!       rego_unsafe_var_error, rego_recursion_error).
//!   i32 sark_engine_add_policies(u32 ctx, u32 engine, const u8 *json, u32 json_len)
//!       Adds or replaces several modules at once, given as a JSON object {id: source, ...},
//!       and compiles them together: modules may refer to each other in any order. All or nothing.
//!   i32 sark_engine_remove_policy(u32 ctx, u32 engine, const u8 *id, u32 id_len)
//!       `not_found` when no module has that id.
//!   i32 sark_engine_set_data(u32 ctx, u32 engine, const u8 *path, u32 path_len, const u8 *json, u32 json_len)
//!       Replaces the base document at `path` ("a/b", or "" for the root, which must be an object).
//!   i32 sark_query_prepare(u32 ctx, u32 engine, const u8 *query, u32 query_len, u32 *out_handle)
//!       Parses and compiles a query once (e.g. `data.gateway.allow`, `x := data.a[_]`). A prepared
//!       query follows later policy changes (it recompiles on first use after one).
//!   i32 sark_query_eval(u32 ctx, u32 query, const u8 *input, u32 input_len, u32 flags,
//!                       u8 *out, u32 out_cap, u32 *out_len)
//!       Evaluates against `input` (JSON, or a Rego term with SARK_EVAL_INPUT_TERM) and writes the
//!       result rows as JSON: `[{"expressions":[{"value","text","location":{"row","col"}}],
//!       "bindings":{...}}]`, `[]` when undefined. flags: 1 = input given (else `input` is
//!       undefined), 2 = strict builtin errors, 4 = input is Rego term text, 8 = capture the
//!       output of `print` (read it with `sark_prints`) instead of writing it to stderr.
//!       Errors: `eval_error` with detail `{"code": OPA's code (eval_conflict_error,
//!       eval_type_error, eval_builtin_error, ...), "message", "location", "results"?}`. In strict
//!       mode a builtin error does not stop the evaluation (as in OPA): the query fails with the
//!       first one, and `results` holds the rows found meanwhile, when there were any.
//!   i32 sark_query_free(u32 query)
//!   i32 sark_prints(u32 ctx, u8 *out, u32 out_cap, u32 *out_len)
//!       What `print` wrote during the last evaluation on `ctx` that captured it (flag 8):
//!       one line per call, UTF-8.
//!
//! The cache (`zig/cache/`): byte-string keys and values off the JS heap, shared by every
//! thread. Cache calls take no context (they are hot): their errors are the status alone.
//!   i32 sark_cache_open(const u8 *name, u32 name_len, const u8 *config, u32 config_len, u32 *out_handle)
//!       Opens the process-wide cache `name` (UTF-8), creating it on first open with the JSON
//!       config {"maxEntries": 1..2^32-1 (100000), "maxBytes": >= 1 (64 MiB), "defaultTtlMs":
//!       0..2^32-2 (0 = no expiry), "policy": "s3fifo"|"lru" (s3fifo), "shards": 0..64 (0 = by
//!       maxEntries)}, every field optional, an empty config = all defaults. Later opens of the
//!       name share that cache: each field they give must equal the cache's (else
//!       `config_mismatch`); fields left out are not checked. Every open returns its own handle;
//!       the cache is destroyed when its last handle is freed. An empty name opens a private
//!       cache. Errors: invalid_json (config does not parse), invalid_argument (unknown field,
//!       wrong type, value out of range), too_many_handles.
//!   i32 sark_cache_free(u32 cache)
//!   i32 sark_cache_get(u32 cache, const u8 *key, u32 key_len, u8 *out, u32 out_cap, u32 *out_len)
//!       ok (value copied, *out_len = its length) | not_found (absent or expired) |
//!       buffer_too_small (*out_len = the length needed; nothing copied, kept or counted: the
//!       caller retries with a larger buffer, and again if the value changed meanwhile).
//!   i32 sark_cache_set(u32 cache, const u8 *key, u32 key_len, const u8 *value, u32 value_len, u32 ttl_ms)
//!       ttl_ms 0 = the cache's default TTL, 0xFFFFFFFF = no expiry, else ms from now. Evicts
//!       by the cache's policy to stay within maxEntries and maxBytes (key + value bytes).
//!       `too_large` when key + value exceed maxBytes (the cache is left as it was).
//!   i32 sark_cache_has(u32 cache, const u8 *key, u32 key_len)       ok | not_found (not a hit or miss)
//!   i32 sark_cache_delete(u32 cache, const u8 *key, u32 key_len)    ok (a live entry was removed) | not_found
//!   i32 sark_cache_delete_prefix(u32 cache, const u8 *prefix, u32 prefix_len, u32 *out_count)
//!       Removes every key starting with the prefix bytes; *out_count = live entries removed.
//!   i32 sark_cache_clear(u32 cache)                                 Removes every entry (counters stay).
//!   i32 sark_cache_size(u32 cache, u32 *out_count)                  Live entries.
//!   i32 sark_cache_stats(u32 cache, u8 *out, u32 out_cap, u32 *out_len)
//!       JSON {"entries","bytes","hits","misses","evictions","expirations","allocatedBytes",
//!       "maxEntries","maxBytes","defaultTtlMs","shards","policy"}; bytes = keys + values held,
//!       allocatedBytes = everything the cache has allocated (headers, indexes included).
//!   i32 sark_cache_get_many(u32 cache, const u8 *keys, u32 keys_len, u8 *out, u32 out_cap, u32 *out_len)
//!       keys: repeated {u32 key_len, key}; out: per key in order {u32 value_len, value} or
//!       {0xFFFFFFFF} for a miss (all u32 little-endian). buffer_too_small: *out_len = the size
//!       needed; the keys before the first that did not fit were counted as hits or misses
//!       (the retry counts them again).
//!   i32 sark_cache_set_many(u32 cache, const u8 *entries, u32 entries_len)
//!       entries: repeated {u32 key_len, key, u32 value_len, value, u32 ttl_ms} (ttl as in set).
//!       The packing and every size are checked first: on invalid_argument or too_large nothing
//!       is stored (out_of_memory midway leaves the entries before it stored).
//!   A malformed packing is invalid_argument, never a read out of bounds. Statuses of cache
//!   calls: ok, buffer_too_small, not_found, invalid_argument, invalid_handle, out_of_memory,
//!   invalid_json, too_many_handles, too_large, config_mismatch.
const std = @import("std");
const build_options = @import("build_options");
const Status = @import("status.zig").Status;
const Context = @import("context.zig").Context;
const Reported = @import("context.zig").Reported;
const handles = @import("handles.zig");
const engine_mod = @import("engine.zig");
const Engine = engine_mod.Engine;
const PreparedQuery = engine_mod.PreparedQuery;
const cache_mod = @import("cache/cache.zig");
const Cache = cache_mod.Cache;
const cache_registry = @import("cache/registry.zig");
const cache_packing = @import("cache/packing.zig");
const cache_clock = @import("cache/clock.zig");
const value_mod = @import("value/mod.zig");
const json = value_mod.json;
const order = value_mod.order;

pub const abi_version: i32 = 2;

/// Long-lived allocations (contexts, engines, caches). Tests use their own allocator.
const gpa: std.mem.Allocator = if (@import("builtin").is_test) std.testing.allocator else std.heap.smp_allocator;

var contexts: handles.Table(Context, 4096) = .{};
var engines: handles.Table(Engine, 1024) = .{};
var queries: handles.Table(PreparedQuery, 16384) = .{};

pub const eval_flag_input: u32 = 1;
pub const eval_flag_strict: u32 = 2;
pub const eval_flag_input_term: u32 = 4;
pub const eval_flag_capture_print: u32 = 8;
var caches: handles.Table(Cache, 4096) = .{};

pub export fn sark_abi_version() callconv(.c) i32 {
    return abi_version;
}

pub export fn sark_version(out: ?[*]u8, out_cap: u32, out_len: ?*u32) callconv(.c) i32 {
    const len_ptr = out_len orelse return Status.invalid_argument.code();
    const text = build_options.version;
    len_ptr.* = @intCast(text.len);
    if (text.len > out_cap) return Status.buffer_too_small.code();
    const dest = out orelse return Status.invalid_argument.code();
    @memcpy(dest[0..text.len], text);
    return Status.ok.code();
}

pub export fn sark_context_new(out_handle: ?*u32) callconv(.c) i32 {
    const handle_ptr = out_handle orelse return Status.invalid_argument.code();
    const ctx = gpa.create(Context) catch return Status.out_of_memory.code();
    ctx.* = .init(gpa);
    handle_ptr.* = contexts.put(ctx) catch {
        ctx.deinit();
        gpa.destroy(ctx);
        return Status.too_many_handles.code();
    };
    return Status.ok.code();
}

pub export fn sark_context_free(handle: u32) callconv(.c) i32 {
    const ctx = contexts.remove(handle) orelse return Status.invalid_handle.code();
    ctx.deinit();
    gpa.destroy(ctx);
    return Status.ok.code();
}

pub export fn sark_error(handle: u32, out: ?[*]u8, out_cap: u32, out_len: ?*u32) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const detail: []const u8 = if (ctx.error_detail.items.len == 0) "{}" else ctx.error_detail.items;
    return copyOut(detail, out, out_cap, out_len);
}

pub export fn sark_result_take(handle: u32, out: ?[*]u8, out_cap: u32, out_len: ?*u32) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    if (!ctx.has_pending) return ctx.fail(.no_pending_result, "no result is pending on this context", .{}).code();
    const status = copyOut(ctx.pending.items, out, out_cap, out_len);
    if (status == Status.ok.code()) {
        ctx.pending.clearRetainingCapacity();
        ctx.has_pending = false;
    }
    return status;
}

pub export fn sark_json_normalize(
    handle: u32,
    json_ptr: ?[*]const u8,
    json_len: u32,
    out: ?[*]u8,
    out_cap: u32,
    out_len: ?*u32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const bytes = inputSlice(json_ptr, json_len) orelse
        return ctx.fail(.invalid_argument, "null JSON pointer with a non-zero length", .{}).code();
    const value = parseJson(ctx, scratch, bytes) catch return ctx.last_status.code();
    return writeResult(ctx, value, out, out_cap, out_len).code();
}

pub export fn sark_json_compare(
    handle: u32,
    a_ptr: ?[*]const u8,
    a_len: u32,
    b_ptr: ?[*]const u8,
    b_len: u32,
    out_order: ?*i32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const order_ptr = out_order orelse return ctx.fail(.invalid_argument, "null out_order", .{}).code();
    const a_bytes = inputSlice(a_ptr, a_len) orelse return ctx.fail(.invalid_argument, "null pointer for a", .{}).code();
    const b_bytes = inputSlice(b_ptr, b_len) orelse return ctx.fail(.invalid_argument, "null pointer for b", .{}).code();
    const a = parseJson(ctx, scratch, a_bytes) catch return ctx.last_status.code();
    const b = parseJson(ctx, scratch, b_bytes) catch return ctx.last_status.code();
    order_ptr.* = switch (order.compare(a, b)) {
        .lt => -1,
        .eq => 0,
        .gt => 1,
    };
    return Status.ok.code();
}

pub export fn sark_engine_new(out_handle: ?*u32) callconv(.c) i32 {
    const handle_ptr = out_handle orelse return Status.invalid_argument.code();
    const engine = Engine.create(gpa) catch return Status.out_of_memory.code();
    handle_ptr.* = engines.put(engine) catch {
        engine.destroy();
        return Status.too_many_handles.code();
    };
    return Status.ok.code();
}

pub export fn sark_engine_free(handle: u32) callconv(.c) i32 {
    const engine = engines.remove(handle) orelse return Status.invalid_handle.code();
    engine.destroy();
    return Status.ok.code();
}

pub export fn sark_engine_add_policy(
    handle: u32,
    engine_handle: u32,
    id_ptr: ?[*]const u8,
    id_len: u32,
    source_ptr: ?[*]const u8,
    source_len: u32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const engine = lookupEngine(ctx, engine_handle) catch return ctx.last_status.code();
    const id = inputSlice(id_ptr, id_len) orelse return ctx.fail(.invalid_argument, "null id", .{}).code();
    const source = inputSlice(source_ptr, source_len) orelse return ctx.fail(.invalid_argument, "null source", .{}).code();
    var report: engine_mod.Report = .{};
    engine.addPolicy(id, source, &report, scratch) catch |err| return failEngine(ctx, err, &report).code();
    return Status.ok.code();
}

pub export fn sark_engine_add_policies(handle: u32, engine_handle: u32, json_ptr: ?[*]const u8, json_len: u32) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const engine = lookupEngine(ctx, engine_handle) catch return ctx.last_status.code();
    const bytes = inputSlice(json_ptr, json_len) orelse return ctx.fail(.invalid_argument, "null JSON", .{}).code();
    const modules = parseJson(ctx, scratch, bytes) catch return ctx.last_status.code();
    const object = switch (modules) {
        .object => |o| o,
        else => return ctx.fail(.invalid_argument, "policies must be a JSON object {{id: source}}", .{}).code(),
    };
    const sources = scratch.alloc(Engine.PolicySource, object.keys.len) catch return Status.out_of_memory.code();
    for (object.keys, object.values, 0..) |key, val, i| {
        if (key != .string or val != .string) return ctx.fail(.invalid_argument, "policies must map ids to source strings", .{}).code();
        sources[i] = .{ .id = key.string, .source = val.string };
    }
    var report: engine_mod.Report = .{};
    engine.addPolicies(sources, &report, scratch) catch |err| return failEngine(ctx, err, &report).code();
    return Status.ok.code();
}

pub export fn sark_engine_remove_policy(handle: u32, engine_handle: u32, id_ptr: ?[*]const u8, id_len: u32) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const engine = lookupEngine(ctx, engine_handle) catch return ctx.last_status.code();
    const id = inputSlice(id_ptr, id_len) orelse return ctx.fail(.invalid_argument, "null id", .{}).code();
    var report: engine_mod.Report = .{};
    const removed = engine.removePolicy(id, &report, scratch) catch |err| return failEngine(ctx, err, &report).code();
    if (!removed) return ctx.fail(.not_found, "no policy with id {s}", .{id}).code();
    return Status.ok.code();
}

pub export fn sark_engine_set_data(
    handle: u32,
    engine_handle: u32,
    path_ptr: ?[*]const u8,
    path_len: u32,
    json_ptr: ?[*]const u8,
    json_len: u32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const engine = lookupEngine(ctx, engine_handle) catch return ctx.last_status.code();
    const path_text = inputSlice(path_ptr, path_len) orelse return ctx.fail(.invalid_argument, "null path", .{}).code();
    const bytes = inputSlice(json_ptr, json_len) orelse return ctx.fail(.invalid_argument, "null JSON", .{}).code();
    var segments: std.ArrayList([]const u8) = .empty;
    var it = std.mem.tokenizeAny(u8, path_text, "/");
    while (it.next()) |segment| segments.append(scratch, segment) catch return Status.out_of_memory.code();
    var report: engine_mod.Report = .{};
    engine.setData(segments.items, bytes, &report) catch |err| return failEngine(ctx, err, &report).code();
    return Status.ok.code();
}

pub export fn sark_query_prepare(
    handle: u32,
    engine_handle: u32,
    query_ptr: ?[*]const u8,
    query_len: u32,
    out_handle: ?*u32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const engine = lookupEngine(ctx, engine_handle) catch return ctx.last_status.code();
    const text = inputSlice(query_ptr, query_len) orelse return ctx.fail(.invalid_argument, "null query", .{}).code();
    const handle_ptr = out_handle orelse return ctx.fail(.invalid_argument, "null out_handle", .{}).code();
    var report: engine_mod.Report = .{};
    const query = PreparedQuery.create(engine, text, &report, scratch) catch |err| return failEngine(ctx, err, &report).code();
    handle_ptr.* = queries.put(query) catch {
        query.destroy();
        return ctx.fail(.too_many_handles, "too many prepared queries", .{}).code();
    };
    return Status.ok.code();
}

pub export fn sark_query_eval(
    handle: u32,
    query_handle: u32,
    input_ptr: ?[*]const u8,
    input_len: u32,
    flags: u32,
    out: ?[*]u8,
    out_cap: u32,
    out_len: ?*u32,
) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    const scratch = ctx.begin();
    const query = queries.get(query_handle) orelse return ctx.fail(.invalid_handle, "no prepared query with handle {d}", .{query_handle}).code();
    var report: engine_mod.Report = .{};
    var input: ?value_mod.Value = null;
    if (flags & eval_flag_input != 0) {
        const bytes = inputSlice(input_ptr, input_len) orelse return ctx.fail(.invalid_argument, "null input", .{}).code();
        if (flags & eval_flag_input_term != 0) {
            input = engine_mod.termToValue(query.engine, scratch, bytes, &report) catch |err| return failEngine(ctx, err, &report).code();
        } else {
            input = parseJson(ctx, scratch, bytes) catch return ctx.last_status.code();
        }
    }
    var stderr_buffer: [256]u8 = undefined;
    var stderr = std.fs.File.stderr().writer(&stderr_buffer);
    ctx.prints.clearRetainingCapacity();
    var captured: std.Io.Writer.Allocating = .fromArrayList(ctx.gpa, &ctx.prints);
    defer ctx.prints = captured.toArrayList();
    const options: PreparedQuery.EvalOptions = .{
        .strict_builtin_errors = flags & eval_flag_strict != 0,
        .print_sink = if (flags & eval_flag_capture_print != 0) &captured.writer else &stderr.interface,
    };
    const len_ptr = out_len orelse return ctx.fail(.invalid_argument, "null out_len", .{}).code();
    if (out) |dest| {
        var fixed: std.Io.Writer = .fixed(dest[0..out_cap]);
        if (query.evaluate(scratch, input, options, &report, &fixed)) |_| {
            len_ptr.* = @intCast(fixed.end);
            return Status.ok.code();
        } else |err| switch (err) {
            error.WriteFailed => {}, // did not fit: evaluate again into the pending buffer (rare: JS grows its buffer)
            else => return failEngine(ctx, err, &report).code(),
        }
    }
    _ = ctx.begin();
    var pending: std.Io.Writer.Allocating = .fromArrayList(ctx.gpa, &ctx.pending);
    query.evaluate(ctx.scratch.allocator(), input, options, &report, &pending.writer) catch |err| {
        ctx.pending = pending.toArrayList();
        return switch (err) {
            error.WriteFailed => ctx.fail(.out_of_memory, "out of memory while writing a result", .{}).code(),
            else => failEngine(ctx, err, &report).code(),
        };
    };
    ctx.pending = pending.toArrayList();
    ctx.has_pending = true;
    len_ptr.* = @intCast(ctx.pending.items.len);
    return Status.buffer_too_small.code();
}

pub export fn sark_prints(handle: u32, out: ?[*]u8, out_cap: u32, out_len: ?*u32) callconv(.c) i32 {
    const ctx = contexts.get(handle) orelse return Status.invalid_handle.code();
    return copyOut(ctx.prints.items, out, out_cap, out_len);
}

pub export fn sark_query_free(query_handle: u32) callconv(.c) i32 {
    const query = queries.remove(query_handle) orelse return Status.invalid_handle.code();
    query.destroy();
    return Status.ok.code();
}

/// Records an engine failure on the context as OPA-shaped JSON detail.
fn failEngine(ctx: *Context, err: anyerror, report: *const engine_mod.Report) Status {
    const status: Status = switch (err) {
        error.OutOfMemory => return ctx.fail(.out_of_memory, "out of memory", .{}),
        error.ParseError => .rego_parse_error,
        error.CompileError => .rego_compile_error,
        error.EvalError => .eval_error,
        error.InvalidJson => return failJson(ctx, &report.json_diagnostic),
        error.InvalidPath => return ctx.fail(.invalid_argument, "the data at the root must be an object", .{}),
        else => return ctx.fail(.internal, "internal error: {s}", .{@errorName(err)}),
    };
    var detail: std.Io.Writer.Allocating = .init(ctx.gpa);
    defer detail.deinit();
    writeEngineError(&detail.writer, status, report) catch return ctx.fail(.out_of_memory, "out of memory", .{});
    return ctx.failWithJson(status, detail.written());
}

fn writeEngineError(w: *std.Io.Writer, status: Status, report: *const engine_mod.Report) !void {
    const writeString = @import("context.zig").writeJsonString;
    if (status == .eval_error) {
        const f = report.failure;
        const code = if (f.code.len > 0) f.code else "eval_internal_error";
        try w.writeAll("{\"code\":");
        try writeString(w, code);
        try w.writeAll(",\"message\":");
        var message: std.Io.Writer.Allocating = .init(std.heap.page_allocator);
        defer message.deinit();
        if (!f.location.isNone()) {
            if (f.file.len > 0) {
                try message.writer.print("{s}:{d}: ", .{ f.file, f.location.row });
            } else try message.writer.print("{d}:{d}: ", .{ f.location.row, f.location.col });
        }
        try message.writer.print("{s}: {s}", .{ code, f.message });
        try writeString(w, message.written());
        try w.writeAll(",\"location\":");
        try writeLocation(w, f.file, f.location.row, f.location.col);
        if (report.partial_rows.len > 0) {
            try w.writeAll(",\"results\":");
            try w.writeAll(report.partial_rows);
        }
        try w.writeAll("}");
        return;
    }
    const diagnostics = report.diagnostics.items;
    const code = if (diagnostics.len > 0) diagnostics[0].code else status.name();
    try w.writeAll("{\"code\":");
    try writeString(w, if (status == .rego_parse_error) "rego_parse_error" else code);
    try w.writeAll(",\"message\":");
    // OPA's text: "1 error occurred: file:row: code: message".
    var message: std.Io.Writer.Allocating = .init(std.heap.page_allocator);
    defer message.deinit();
    if (diagnostics.len == 1) {
        try message.writer.writeAll("1 error occurred: ");
    } else {
        try message.writer.print("{d} errors occurred:", .{diagnostics.len});
    }
    for (diagnostics, 0..) |d, i| {
        if (diagnostics.len > 1 or i > 0) try message.writer.writeByte('\n');
        if (d.file.len > 0) try message.writer.print("{s}:{d}: ", .{ d.file, d.row }) else try message.writer.print("{d}:{d}: ", .{ d.row, d.col });
        try message.writer.print("{s}: {s}", .{ d.code, d.message });
    }
    try writeString(w, message.written());
    try w.writeAll(",\"errors\":[");
    for (diagnostics, 0..) |d, i| {
        if (i > 0) try w.writeByte(',');
        try w.writeAll("{\"code\":");
        try writeString(w, d.code);
        try w.writeAll(",\"message\":");
        try writeString(w, d.message);
        try w.writeAll(",\"location\":");
        try writeLocation(w, d.file, d.row, d.col);
        try w.writeByte('}');
    }
    try w.writeAll("]}");
}

fn writeLocation(w: *std.Io.Writer, file: []const u8, row: u32, col: u32) !void {
    try w.writeAll("{\"file\":");
    try @import("context.zig").writeJsonString(w, file);
    try w.print(",\"row\":{d},\"col\":{d}}}", .{ row, col });
}

pub export fn sark_cache_open(
    name_ptr: ?[*]const u8,
    name_len: u32,
    config_ptr: ?[*]const u8,
    config_len: u32,
    out_handle: ?*u32,
) callconv(.c) i32 {
    const name = inputSlice(name_ptr, name_len) orelse return Status.invalid_argument.code();
    const config = inputSlice(config_ptr, config_len) orelse return Status.invalid_argument.code();
    const handle_ptr = out_handle orelse return Status.invalid_argument.code();
    const cache = cache_registry.open(gpa, name, config, cache_clock.nowMs) catch |err| return switch (err) {
        error.OutOfMemory => Status.out_of_memory,
        error.InvalidJson => Status.invalid_json,
        error.InvalidConfig => Status.invalid_argument,
        error.ConfigMismatch => Status.config_mismatch,
    }.code();
    handle_ptr.* = caches.put(cache) catch {
        cache_registry.release(gpa, cache);
        return Status.too_many_handles.code();
    };
    return Status.ok.code();
}

pub export fn sark_cache_free(handle: u32) callconv(.c) i32 {
    const cache = caches.remove(handle) orelse return Status.invalid_handle.code();
    cache_registry.release(gpa, cache);
    return Status.ok.code();
}

pub export fn sark_cache_get(
    handle: u32,
    key_ptr: ?[*]const u8,
    key_len: u32,
    out: ?[*]u8,
    out_cap: u32,
    out_len: ?*u32,
) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const key = inputSlice(key_ptr, key_len) orelse return Status.invalid_argument.code();
    const len_ptr = out_len orelse return Status.invalid_argument.code();
    const dest = outputSlice(out, out_cap) orelse return Status.invalid_argument.code();
    switch (cache.get(key, dest)) {
        .hit => |len| {
            len_ptr.* = len;
            return Status.ok.code();
        },
        .miss => return Status.not_found.code(),
        .too_small => |len| {
            len_ptr.* = len;
            return Status.buffer_too_small.code();
        },
    }
}

pub export fn sark_cache_set(
    handle: u32,
    key_ptr: ?[*]const u8,
    key_len: u32,
    value_ptr: ?[*]const u8,
    value_len: u32,
    ttl_ms: u32,
) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const key = inputSlice(key_ptr, key_len) orelse return Status.invalid_argument.code();
    const value = inputSlice(value_ptr, value_len) orelse return Status.invalid_argument.code();
    cache.set(key, value, ttl_ms) catch |err| return cacheSetStatus(err).code();
    return Status.ok.code();
}

pub export fn sark_cache_has(handle: u32, key_ptr: ?[*]const u8, key_len: u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const key = inputSlice(key_ptr, key_len) orelse return Status.invalid_argument.code();
    return (if (cache.has(key)) Status.ok else Status.not_found).code();
}

pub export fn sark_cache_delete(handle: u32, key_ptr: ?[*]const u8, key_len: u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const key = inputSlice(key_ptr, key_len) orelse return Status.invalid_argument.code();
    return (if (cache.delete(key)) Status.ok else Status.not_found).code();
}

pub export fn sark_cache_delete_prefix(handle: u32, prefix_ptr: ?[*]const u8, prefix_len: u32, out_count: ?*u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const prefix = inputSlice(prefix_ptr, prefix_len) orelse return Status.invalid_argument.code();
    const count_ptr = out_count orelse return Status.invalid_argument.code();
    count_ptr.* = @intCast(@min(cache.deletePrefix(prefix), std.math.maxInt(u32)));
    return Status.ok.code();
}

pub export fn sark_cache_clear(handle: u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    cache.clear();
    return Status.ok.code();
}

pub export fn sark_cache_size(handle: u32, out_count: ?*u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const count_ptr = out_count orelse return Status.invalid_argument.code();
    count_ptr.* = @intCast(@min(cache.size(), std.math.maxInt(u32)));
    return Status.ok.code();
}

pub export fn sark_cache_stats(handle: u32, out: ?[*]u8, out_cap: u32, out_len: ?*u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    var buffer: [512]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buffer);
    cache.writeStatsJson(&w) catch return Status.internal.code(); // 512 bytes hold the largest numbers
    return copyOut(w.buffered(), out, out_cap, out_len);
}

pub export fn sark_cache_get_many(
    handle: u32,
    keys_ptr: ?[*]const u8,
    keys_len: u32,
    out: ?[*]u8,
    out_cap: u32,
    out_len: ?*u32,
) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const keys = inputSlice(keys_ptr, keys_len) orelse return Status.invalid_argument.code();
    const len_ptr = out_len orelse return Status.invalid_argument.code();
    const dest = outputSlice(out, out_cap) orelse return Status.invalid_argument.code();
    var check: cache_packing.Reader = .{ .bytes = keys };
    while (!check.done()) _ = check.slice() catch return Status.invalid_argument.code();

    var reader: cache_packing.Reader = .{ .bytes = keys };
    var needed: u64 = 0;
    var overflowed = false;
    while (!reader.done()) {
        const key = reader.slice() catch unreachable; // checked above
        if (!overflowed and dest.len - needed >= 4) {
            const at: usize = @intCast(needed);
            switch (cache.get(key, dest[at + 4 ..])) {
                .hit => |len| {
                    std.mem.writeInt(u32, dest[at..][0..4], len, .little);
                    needed += 4 + @as(u64, len);
                    continue;
                },
                .miss => {
                    std.mem.writeInt(u32, dest[at..][0..4], cache_packing.miss, .little);
                    needed += 4;
                    continue;
                },
                .too_small => {},
            }
        }
        // Past the end of `out`: only measure what the retry needs.
        overflowed = true;
        needed += 4 + @as(u64, cache.peekLength(key) orelse 0);
    }
    if (needed > std.math.maxInt(u32)) return Status.out_of_memory.code();
    len_ptr.* = @intCast(needed);
    return (if (overflowed) Status.buffer_too_small else Status.ok).code();
}

pub export fn sark_cache_set_many(handle: u32, entries_ptr: ?[*]const u8, entries_len: u32) callconv(.c) i32 {
    const cache = caches.get(handle) orelse return Status.invalid_handle.code();
    const entries = inputSlice(entries_ptr, entries_len) orelse return Status.invalid_argument.code();
    var check: cache_packing.Reader = .{ .bytes = entries };
    while (!check.done()) {
        const entry = cache_packing.nextEntry(&check) catch return Status.invalid_argument.code();
        cache.checkSize(entry.key.len, entry.value.len) catch return Status.too_large.code();
    }
    var reader: cache_packing.Reader = .{ .bytes = entries };
    while (!reader.done()) {
        const entry = cache_packing.nextEntry(&reader) catch unreachable; // checked above
        cache.set(entry.key, entry.value, entry.ttl_ms) catch |err| return cacheSetStatus(err).code();
    }
    return Status.ok.code();
}

fn cacheSetStatus(err: cache_mod.SetError) Status {
    return switch (err) {
        error.OutOfMemory => .out_of_memory,
        error.TooLarge => .too_large,
    };
}

fn outputSlice(ptr: ?[*]u8, cap: u32) ?[]u8 {
    if (cap == 0) return &.{};
    const p = ptr orelse return null;
    return p[0..cap];
}

// ---------------------------------------------------------------------------

fn inputSlice(ptr: ?[*]const u8, len: u32) ?[]const u8 {
    if (len == 0) return &.{};
    const p = ptr orelse return null;
    return p[0..len];
}

/// The engine behind `engine_handle`, or an `invalid_handle` failure recorded on `ctx`.
fn lookupEngine(ctx: *Context, engine_handle: u32) Reported!*Engine {
    return engines.get(engine_handle) orelse {
        _ = ctx.fail(.invalid_handle, "no engine with handle {d}", .{engine_handle});
        return error.Reported;
    };
}

/// Parses a call's JSON argument. Its strings borrow the caller's bytes: the value is
/// used only during the call (whatever must outlive it, the engine copies).
fn parseJson(ctx: *Context, scratch: std.mem.Allocator, bytes: []const u8) Reported!value_mod.Value {
    var diagnostic: json.Diagnostic = .{};
    return json.parseBorrowing(scratch, bytes, &diagnostic) catch |err| {
        _ = switch (err) {
            error.OutOfMemory => ctx.fail(.out_of_memory, "out of memory while parsing JSON", .{}),
            else => failJson(ctx, &diagnostic),
        };
        return error.Reported;
    };
}

fn failJson(ctx: *Context, diagnostic: *const json.Diagnostic) Status {
    var buf: [1400]u8 = undefined;
    var w: std.Io.Writer = .fixed(&buf);
    writeJsonError(&w, diagnostic) catch return ctx.fail(.invalid_json, "invalid JSON", .{});
    return ctx.failWithJson(.invalid_json, w.buffered());
}

fn writeJsonError(w: *std.Io.Writer, diagnostic: *const json.Diagnostic) !void {
    var message_buf: [1024]u8 = undefined;
    const message = std.fmt.bufPrint(&message_buf, "invalid JSON at line {d}, column {d}: {s}", .{
        diagnostic.line, diagnostic.column, diagnostic.message(),
    }) catch message_buf[0..];
    try w.writeAll("{\"code\":\"invalid_json\",\"message\":");
    try @import("context.zig").writeJsonString(w, message);
    try w.print(",\"line\":{d},\"column\":{d},\"offset\":{d}}}", .{ diagnostic.line, diagnostic.column, diagnostic.offset });
}

/// Serializes `value` into the caller's buffer, or keeps it pending when it does not fit.
fn writeResult(ctx: *Context, value: value_mod.Value, out: ?[*]u8, out_cap: u32, out_len: ?*u32) Status {
    const len_ptr = out_len orelse return ctx.fail(.invalid_argument, "null out_len", .{});
    const scratch = ctx.scratch.allocator();
    if (out) |dest| {
        var fixed: std.Io.Writer = .fixed(dest[0..out_cap]);
        if (json.serialize(scratch, value, &fixed)) |_| {
            len_ptr.* = @intCast(fixed.end);
            return .ok;
        } else |err| switch (err) {
            error.WriteFailed => {}, // did not fit: serialize again below, into the pending buffer
            error.OutOfMemory => return ctx.fail(.out_of_memory, "out of memory while serializing a result", .{}),
            error.NestingTooDeep => return ctx.fail(.invalid_argument, "value nested too deeply to serialize", .{}),
        }
    }
    var pending: std.Io.Writer.Allocating = .fromArrayList(ctx.gpa, &ctx.pending);
    json.serialize(scratch, value, &pending.writer) catch |err| {
        ctx.pending = pending.toArrayList();
        return switch (err) {
            error.WriteFailed, error.OutOfMemory => ctx.fail(.out_of_memory, "out of memory while serializing a result", .{}),
            error.NestingTooDeep => ctx.fail(.invalid_argument, "value nested too deeply to serialize", .{}),
        };
    };
    ctx.pending = pending.toArrayList();
    if (ctx.pending.items.len > std.math.maxInt(u32)) {
        return ctx.fail(.invalid_argument, "result larger than 4 GiB", .{});
    }
    ctx.has_pending = true;
    len_ptr.* = @intCast(ctx.pending.items.len);
    return .buffer_too_small;
}

fn copyOut(bytes: []const u8, out: ?[*]u8, out_cap: u32, out_len: ?*u32) i32 {
    const len_ptr = out_len orelse return Status.invalid_argument.code();
    len_ptr.* = @intCast(bytes.len);
    if (bytes.len > out_cap) return Status.buffer_too_small.code();
    if (bytes.len == 0) return Status.ok.code();
    const dest = out orelse return Status.invalid_argument.code();
    @memcpy(dest[0..bytes.len], bytes);
    return Status.ok.code();
}

// ---------------------------------------------------------------------------

fn normalizeForTest(ctx: u32, input: []const u8, out: []u8) ![]const u8 {
    var len: u32 = 0;
    const status = sark_json_normalize(ctx, input.ptr, @intCast(input.len), out.ptr, @intCast(out.len), &len);
    if (status == Status.buffer_too_small.code()) {
        try std.testing.expectEqual(Status.ok.code(), sark_result_take(ctx, out.ptr, @intCast(out.len), &len));
    } else if (status != Status.ok.code()) return error.NormalizeFailed;
    return out[0..len];
}

test "abi: version, contexts, handles" {
    try std.testing.expectEqual(abi_version, sark_abi_version());
    var buf: [64]u8 = undefined;
    var len: u32 = 0;
    try std.testing.expectEqual(Status.ok.code(), sark_version(&buf, buf.len, &len));
    try std.testing.expectEqualStrings(build_options.version, buf[0..len]);
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_version(&buf, 1, &len));

    var ctx: u32 = 0;
    try std.testing.expectEqual(Status.ok.code(), sark_context_new(&ctx));
    try std.testing.expectEqual(Status.ok.code(), sark_context_free(ctx));
    try std.testing.expectEqual(Status.invalid_handle.code(), sark_context_free(ctx));

    var engine: u32 = 0;
    try std.testing.expectEqual(Status.ok.code(), sark_engine_new(&engine));
    try std.testing.expectEqual(Status.ok.code(), sark_engine_free(engine));
    try std.testing.expectEqual(Status.invalid_handle.code(), sark_engine_free(engine));
    var cache: u32 = 0;
    try std.testing.expectEqual(Status.ok.code(), sark_cache_open(null, 0, null, 0, &cache));
    try std.testing.expectEqual(Status.ok.code(), sark_cache_free(cache));
    try std.testing.expectEqual(Status.invalid_handle.code(), sark_cache_free(cache));
}

test "abi: json normalize round trip, small buffers, errors" {
    var ctx: u32 = 0;
    try std.testing.expectEqual(Status.ok.code(), sark_context_new(&ctx));
    defer _ = sark_context_free(ctx);

    var out: [256]u8 = undefined;
    try std.testing.expectEqualStrings(
        "{\"a\":1.0,\"b\":[1,2],\"c\":123456789012345678901234567890}",
        try normalizeForTest(ctx, " { \"c\": 123456789012345678901234567890, \"b\": [1, 2], \"a\": 1.0 } ", &out),
    );
    // Too small: the result is kept, then taken.
    try std.testing.expectEqualStrings("[1,2,3]", try normalizeForTest(ctx, "[1, 2, 3]", out[0..7]));
    var len: u32 = 0;
    const input = "[1, 2, 3]";
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_json_normalize(ctx, input, input.len, &out, 3, &len));
    try std.testing.expectEqual(@as(u32, 7), len);
    try std.testing.expectEqual(Status.ok.code(), sark_result_take(ctx, &out, out.len, &len));
    try std.testing.expectEqualStrings("[1,2,3]", out[0..len]);
    try std.testing.expectEqual(Status.no_pending_result.code(), sark_result_take(ctx, &out, out.len, &len));

    const bad = "{\"a\": tru}";
    try std.testing.expectEqual(Status.invalid_json.code(), sark_json_normalize(ctx, bad, bad.len, &out, out.len, &len));
    try std.testing.expectEqual(Status.ok.code(), sark_error(ctx, &out, out.len, &len));
    try std.testing.expect(std.mem.indexOf(u8, out[0..len], "\"code\":\"invalid_json\"") != null);
    try std.testing.expect(std.mem.indexOf(u8, out[0..len], "\"line\":1") != null);

    var ord: i32 = 2;
    try std.testing.expectEqual(Status.ok.code(), sark_json_compare(ctx, "1", 1, "1.0", 3, &ord));
    try std.testing.expectEqual(@as(i32, 0), ord);
    try std.testing.expectEqual(Status.ok.code(), sark_json_compare(ctx, "\"a\"", 3, "[]", 2, &ord));
    try std.testing.expectEqual(@as(i32, -1), ord);
}

fn cacheGetForTest(cache: u32, key: []const u8, out: []u8) ![]const u8 {
    var len: u32 = 0;
    const status = sark_cache_get(cache, key.ptr, @intCast(key.len), out.ptr, @intCast(out.len), &len);
    if (status == Status.not_found.code()) return error.NotFound;
    try std.testing.expectEqual(Status.ok.code(), status);
    return out[0..len];
}

test "abi: cache open, get, set, has, delete, prefix, size, stats" {
    const ok = Status.ok.code();
    var a: u32 = 0;
    var b: u32 = 0;
    const config = "{\"maxEntries\":100,\"maxBytes\":1000}";
    try std.testing.expectEqual(ok, sark_cache_open("abi-test", 8, config, config.len, &a));
    try std.testing.expectEqual(ok, sark_cache_open("abi-test", 8, null, 0, &b));
    try std.testing.expect(a != b);
    var c: u32 = 0;
    try std.testing.expectEqual(Status.config_mismatch.code(), sark_cache_open("abi-test", 8, "{\"maxBytes\":5}", 14, &c));
    try std.testing.expectEqual(Status.invalid_json.code(), sark_cache_open("x", 1, "{", 1, &c));
    try std.testing.expectEqual(Status.invalid_argument.code(), sark_cache_open("x", 1, "{\"maxEntries\":0}", 16, &c));

    try std.testing.expectEqual(ok, sark_cache_set(a, "user:1", 6, "\x00\xffbin", 5, 0));
    try std.testing.expectEqual(ok, sark_cache_set(a, "user:2", 6, "two", 3, cache_mod.ttl_none));
    try std.testing.expectEqual(ok, sark_cache_set(a, "team:1", 6, "", 0, 0));
    var out: [64]u8 = undefined;
    try std.testing.expectEqualStrings("\x00\xffbin", try cacheGetForTest(b, "user:1", &out)); // shared through b
    try std.testing.expectEqualStrings("", try cacheGetForTest(b, "team:1", &out));
    try std.testing.expectError(error.NotFound, cacheGetForTest(a, "user:3", &out));
    var len: u32 = 0;
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_cache_get(a, "user:1", 6, &out, 2, &len));
    try std.testing.expectEqual(@as(u32, 5), len);
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_cache_get(a, "user:1", 6, null, 0, &len));
    try std.testing.expectEqual(Status.invalid_argument.code(), sark_cache_get(a, "user:1", 6, null, 4, &len));
    try std.testing.expectEqual(Status.too_large.code(), sark_cache_set(a, "k", 1, &([_]u8{0} ** 1000), 1000, 0));
    try std.testing.expectEqual(ok, sark_cache_has(a, "user:2", 6));
    try std.testing.expectEqual(Status.not_found.code(), sark_cache_has(a, "user:9", 6));
    var count: u32 = 0;
    try std.testing.expectEqual(ok, sark_cache_size(a, &count));
    try std.testing.expectEqual(@as(u32, 3), count);
    try std.testing.expectEqual(ok, sark_cache_delete_prefix(a, "user:", 5, &count));
    try std.testing.expectEqual(@as(u32, 2), count);
    try std.testing.expectEqual(ok, sark_cache_delete(a, "team:1", 6));
    try std.testing.expectEqual(Status.not_found.code(), sark_cache_delete(a, "team:1", 6));
    var stats: [512]u8 = undefined;
    try std.testing.expectEqual(ok, sark_cache_stats(a, &stats, stats.len, &len));
    const text = stats[0..len];
    try std.testing.expect(std.mem.indexOf(u8, text, "\"hits\":2,\"misses\":1,") != null);
    try std.testing.expect(std.mem.indexOf(u8, text, "\"entries\":0,\"bytes\":0,") != null);
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_cache_stats(a, &stats, 10, &len));
    try std.testing.expectEqual(ok, sark_cache_clear(a));
    try std.testing.expectEqual(ok, sark_cache_free(a));
    try std.testing.expectEqual(ok, sark_cache_free(b));
    try std.testing.expectEqual(Status.invalid_handle.code(), sark_cache_get(b, "k", 1, &out, out.len, &len));
}

test "abi: cache get_many and set_many packing" {
    const ok = Status.ok.code();
    var cache: u32 = 0;
    try std.testing.expectEqual(ok, sark_cache_open(null, 0, "{\"maxBytes\":100}", 16, &cache));
    defer _ = sark_cache_free(cache);
    const entries = "\x01\x00\x00\x00a\x03\x00\x00\x00one\x00\x00\x00\x00" ++
        "\x01\x00\x00\x00b\x00\x00\x00\x00\xff\xff\xff\xff";
    try std.testing.expectEqual(ok, sark_cache_set_many(cache, entries, entries.len));
    // Truncated: nothing is stored, not even the complete first entry.
    try std.testing.expectEqual(Status.invalid_argument.code(), sark_cache_set_many(cache, "\x01\x00\x00\x00c\x00\x00\x00\x00\x00\x00\x00\x00\x05", 17));
    try std.testing.expectEqual(Status.not_found.code(), sark_cache_has(cache, "c", 1));
    const big = "\x01\x00\x00\x00c\x00\x00\x00\x00\x00\x00\x00\x00" ++ "\x01\x00\x00\x00d\x64\x00\x00\x00" ++ ("x" ** 100) ++ "\x00\x00\x00\x00";
    try std.testing.expectEqual(Status.too_large.code(), sark_cache_set_many(cache, big, big.len));
    try std.testing.expectEqual(Status.not_found.code(), sark_cache_has(cache, "c", 1));

    const keys = "\x01\x00\x00\x00a\x01\x00\x00\x00z\x01\x00\x00\x00b";
    var out: [64]u8 = undefined;
    var len: u32 = 0;
    try std.testing.expectEqual(ok, sark_cache_get_many(cache, keys, keys.len, &out, out.len, &len));
    try std.testing.expectEqualSlices(u8, "\x03\x00\x00\x00one\xff\xff\xff\xff\x00\x00\x00\x00", out[0..len]);
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_cache_get_many(cache, keys, keys.len, &out, 6, &len));
    try std.testing.expectEqual(@as(u32, 15), len);
    try std.testing.expectEqual(Status.buffer_too_small.code(), sark_cache_get_many(cache, keys, keys.len, null, 0, &len));
    try std.testing.expectEqual(@as(u32, 15), len);
    try std.testing.expectEqual(Status.invalid_argument.code(), sark_cache_get_many(cache, keys, keys.len - 1, &out, out.len, &len));
    try std.testing.expectEqual(Status.invalid_argument.code(), sark_cache_get_many(cache, "\xff\xff\xff\xff", 4, &out, out.len, &len));
    try std.testing.expectEqual(ok, sark_cache_get_many(cache, null, 0, &out, out.len, &len));
    try std.testing.expectEqual(@as(u32, 0), len);
}
