//! A policy engine: the modules, base data and prepared queries that
//! evaluations share. Several threads may evaluate on one engine at once:
//! evaluations hold the read lock; adding or removing a policy and setting data
//! take the write lock and publish a new program generation.
const std = @import("std");
const Allocator = std.mem.Allocator;

const ast = @import("compile/ast.zig");
const ir = @import("compile/ir.zig");
const parser = @import("compile/parser.zig");
const compiler_mod = @import("compile/compiler.zig");
const eval_mod = @import("eval/eval.zig");
const value_mod = @import("value/mod.zig");
const order = value_mod.order;
const json = value_mod.json;

const Value = value_mod.Value;
pub const Diagnostic = parser.Diagnostic;

pub const Error = error{ OutOfMemory, ParseError, CompileError, EvalError, InvalidJson, InvalidPath };

/// What a failed call reports: OPA-style errors with locations.
pub const Report = struct {
    diagnostics: std.ArrayList(Diagnostic) = .empty,
    failure: eval_mod.Failure = .{},
    /// The result rows (JSON) found before a strict builtin error failed the query; OPA's
    /// `Query.Run` returns them with the error. Empty when there were none.
    partial_rows: []const u8 = "",
    json_diagnostic: json.Diagnostic = .{},
};

const Module = struct {
    arena: std.heap.ArenaAllocator,
    id: []const u8,
    source: []const u8,
    parsed: ast.Module,
};

const Program = struct {
    arena: std.heap.ArenaAllocator,
    compiler: compiler_mod.Compiler,
    program: compiler_mod.Program,
};

pub const Engine = struct {
    gpa: Allocator,
    lock: std.Thread.RwLock = .{},
    modules: std.StringArrayHashMapUnmanaged(*Module) = .empty,
    program: ?*Program = null,
    /// Bumped whenever the program changes: prepared queries recompile against it.
    generation: u64 = 0,
    data_arena: std.heap.ArenaAllocator,
    data: Value = .{ .object = &value_mod.Object.empty },

    pub fn create(gpa: Allocator) error{OutOfMemory}!*Engine {
        const engine = try gpa.create(Engine);
        engine.* = .{ .gpa = gpa, .data_arena = .init(gpa) };
        errdefer gpa.destroy(engine);
        engine.rebuild(null, gpa) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            else => {}, // an empty set of modules always compiles
        };
        return engine;
    }

    pub fn destroy(engine: *Engine) void {
        const gpa = engine.gpa;
        for (engine.modules.values()) |module| freeModule(gpa, module);
        engine.modules.deinit(gpa);
        if (engine.program) |program| freeProgram(gpa, program);
        engine.data_arena.deinit();
        engine.* = undefined;
        gpa.destroy(engine);
    }

    pub const PolicySource = struct { id: []const u8, source: []const u8 };

    /// Adds or replaces the module `id`. On error the engine keeps its previous modules.
    pub fn addPolicy(engine: *Engine, id: []const u8, source: []const u8, report: *Report, report_arena: Allocator) Error!void {
        return engine.addPolicies(&.{.{ .id = id, .source = source }}, report, report_arena);
    }

    /// Adds or replaces several modules and compiles them together (modules may refer to
    /// each other in any order, as in a bundle). All or nothing: on error nothing changes.
    pub fn addPolicies(engine: *Engine, sources: []const PolicySource, report: *Report, report_arena: Allocator) Error!void {
        const parsed = try report_arena.alloc(*Module, sources.len);
        var created: usize = 0;
        errdefer for (parsed[0..created]) |module| freeModule(engine.gpa, module);
        for (sources, 0..) |source, i| {
            parsed[i] = try engine.parseModule(source.id, source.source, report, report_arena);
            created += 1;
        }

        engine.lock.lock();
        defer engine.lock.unlock();
        const previous = try report_arena.alloc(?*Module, sources.len);
        for (parsed, 0..) |module, i| {
            previous[i] = engine.modules.get(module.id);
            try engine.modules.put(engine.gpa, module.id, module);
        }
        engine.rebuild(report, report_arena) catch |err| {
            // Roll back to the previous module set (in reverse, so a repeated id restores its first value).
            var i = parsed.len;
            while (i > 0) {
                i -= 1;
                if (previous[i]) |p| {
                    engine.modules.putAssumeCapacity(p.id, p);
                } else {
                    _ = engine.modules.orderedRemove(parsed[i].id);
                }
            }
            return err;
        };
        for (previous, 0..) |p, i| {
            const replaced = p orelse continue;
            // A module replaced twice in one batch is freed once.
            if (std.mem.indexOfScalar(?*Module, previous[0..i], replaced) == null) freeModule(engine.gpa, replaced);
        }
        // Modules of the batch replaced by a later one with the same id are no longer referenced.
        for (parsed, 0..) |module, i| {
            for (parsed[i + 1 ..]) |later| {
                if (std.mem.eql(u8, later.id, module.id)) {
                    freeModule(engine.gpa, module);
                    break;
                }
            }
        }
    }

    fn parseModule(engine: *Engine, id: []const u8, source: []const u8, report: *Report, report_arena: Allocator) Error!*Module {
        const module = try engine.gpa.create(Module);
        module.* = .{ .arena = .init(engine.gpa), .id = undefined, .source = undefined, .parsed = undefined };
        errdefer freeModule(engine.gpa, module);
        const arena = module.arena.allocator();
        module.id = try arena.dupe(u8, id);
        module.source = try arena.dupe(u8, source);
        var diagnostics: std.ArrayList(Diagnostic) = .empty;
        module.parsed = parser.parseModule(arena, module.source, .{ .file_name = module.id, .experimental_keywords = true }, &diagnostics) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.ParseError, error.SourceTooLarge => {
                try copyDiagnostics(report_arena, &report.diagnostics, diagnostics.items);
                if (diagnostics.items.len == 0) try report.diagnostics.append(report_arena, .{ .message = "source too large", .file = id, .row = 0, .col = 0, .offset = 0 });
                return error.ParseError;
            },
        };
        return module;
    }

    pub fn removePolicy(engine: *Engine, id: []const u8, report: *Report, report_arena: Allocator) Error!bool {
        engine.lock.lock();
        defer engine.lock.unlock();
        const module = engine.modules.get(id) orelse return false;
        _ = engine.modules.orderedRemove(id);
        engine.rebuild(report, report_arena) catch |err| {
            engine.modules.put(engine.gpa, module.id, module) catch {};
            return err;
        };
        freeModule(engine.gpa, module);
        return true;
    }

    /// Replaces the document at `path` (empty: the whole base data) with `json_bytes`.
    pub fn setData(engine: *Engine, path: []const []const u8, json_bytes: []const u8, report: *Report) Error!void {
        engine.lock.lock();
        defer engine.lock.unlock();
        if (path.len == 0) {
            var fresh: std.heap.ArenaAllocator = .init(engine.gpa);
            errdefer fresh.deinit();
            const v = json.parseWithDiagnostic(fresh.allocator(), json_bytes, &report.json_diagnostic) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                else => return error.InvalidJson,
            };
            if (v != .object) return error.InvalidPath;
            engine.data_arena.deinit();
            engine.data_arena = fresh;
            engine.data = v;
            return;
        }
        // Below the root: new nodes along the path share everything else (the arena grows).
        const arena = engine.data_arena.allocator();
        const v = json.parseWithDiagnostic(arena, json_bytes, &report.json_diagnostic) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            else => return error.InvalidJson,
        };
        engine.data = try upsertPath(arena, engine.data, path, v);
    }

    /// Compiles every module into a new program. On error the diagnostics are copied into
    /// `report` (allocated in `report_arena`: the failed program's memory is freed).
    fn rebuild(engine: *Engine, report: ?*Report, report_arena: Allocator) Error!void {
        const program = try engine.gpa.create(Program);
        program.* = .{ .arena = .init(engine.gpa), .compiler = undefined, .program = undefined };
        errdefer freeProgram(engine.gpa, program);
        const arena = program.arena.allocator();
        const sources = try arena.alloc(compiler_mod.SourceModule, engine.modules.count());
        for (engine.modules.values(), 0..) |module, i| {
            sources[i] = .{ .file_name = module.id, .source = module.source, .module = module.parsed };
        }
        const diagnostics = try arena.create(std.ArrayList(Diagnostic));
        diagnostics.* = .empty;
        program.compiler = try compiler_mod.Compiler.init(arena, diagnostics);
        program.program = program.compiler.compileModules(sources) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.CompileError => {
                if (report) |r| try copyDiagnostics(report_arena, &r.diagnostics, diagnostics.items);
                return error.CompileError;
            },
        };
        if (engine.program) |old| freeProgram(engine.gpa, old);
        engine.program = program;
        engine.generation += 1;
    }
};

fn freeModule(gpa: Allocator, module: *Module) void {
    module.arena.deinit();
    gpa.destroy(module);
}

fn freeProgram(gpa: Allocator, program: *Program) void {
    program.arena.deinit();
    gpa.destroy(program);
}

fn copyDiagnostics(arena: Allocator, out: *std.ArrayList(Diagnostic), items: []const Diagnostic) Error!void {
    for (items) |d| {
        var copy = d;
        copy.message = try arena.dupe(u8, d.message);
        copy.file = try arena.dupe(u8, d.file);
        try out.append(arena, copy);
    }
}

fn upsertPath(arena: Allocator, doc: Value, path: []const []const u8, v: Value) Error!Value {
    if (path.len == 0) return v;
    const obj: *const value_mod.Object = switch (doc) {
        .object => |o| o,
        else => &value_mod.Object.empty,
    };
    const key: Value = .{ .string = path[0] };
    const child = order.objectGet(obj, key) orelse Value{ .object = &value_mod.Object.empty };
    const new_child = try upsertPath(arena, child, path[1..], v);
    const keys = try arena.alloc(Value, obj.keys.len + 1);
    const values = try arena.alloc(Value, obj.keys.len + 1);
    @memcpy(keys[0..obj.keys.len], obj.keys);
    @memcpy(values[0..obj.keys.len], obj.values);
    keys[obj.keys.len] = .{ .string = try arena.dupe(u8, path[0]) };
    values[obj.keys.len] = new_child;
    const result = order.objectFromUnsorted(arena, keys, values, .last_wins, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => return error.InvalidPath,
    };
    return .{ .object = result };
}

/// A query compiled once and evaluated many times. It recompiles itself when the
/// engine's program changes (queries see new policies, as a fresh prepare would).
pub const PreparedQuery = struct {
    engine: *Engine,
    gpa: Allocator,
    mutex: std.Thread.Mutex = .{},
    source: []const u8,
    parsed_arena: std.heap.ArenaAllocator,
    body: ast.Body,
    compiled_arena: ?std.heap.ArenaAllocator = null,
    compiled: ir.Query = undefined,
    generation: u64 = 0,

    pub fn create(engine: *Engine, source: []const u8, report: *Report, report_arena: Allocator) Error!*PreparedQuery {
        const query = try engine.gpa.create(PreparedQuery);
        query.* = .{ .engine = engine, .gpa = engine.gpa, .source = undefined, .parsed_arena = .init(engine.gpa), .body = undefined };
        errdefer query.destroy();
        const arena = query.parsed_arena.allocator();
        query.source = try arena.dupe(u8, source);
        var diagnostics: std.ArrayList(Diagnostic) = .empty;
        query.body = parser.parseQuery(arena, query.source, .{ .file_name = "" }, &diagnostics) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.ParseError, error.SourceTooLarge => {
                try copyDiagnostics(report_arena, &report.diagnostics, diagnostics.items);
                return error.ParseError;
            },
        };
        engine.lock.lockShared();
        defer engine.lock.unlockShared();
        try query.compileLocked(report, report_arena);
        return query;
    }

    pub fn destroy(query: *PreparedQuery) void {
        if (query.compiled_arena) |*a| a.deinit();
        query.parsed_arena.deinit();
        const gpa = query.gpa;
        query.* = undefined;
        gpa.destroy(query);
    }

    /// Caller holds the engine's read lock.
    fn compileLocked(query: *PreparedQuery, report: *Report, report_arena: Allocator) Error!void {
        query.mutex.lock();
        defer query.mutex.unlock();
        if (query.compiled_arena != null and query.generation == query.engine.generation) return;
        var arena: std.heap.ArenaAllocator = .init(query.gpa);
        errdefer arena.deinit();
        const program = query.engine.program.?;
        var diagnostics: std.ArrayList(Diagnostic) = .empty;
        var qc = program.compiler;
        qc.arena = arena.allocator();
        qc.diagnostics = &diagnostics;
        const compiled = qc.compileQuery(query.body, "", query.source) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.CompileError => {
                try copyDiagnostics(report_arena, &report.diagnostics, diagnostics.items);
                return error.CompileError;
            },
        };
        if (query.compiled_arena) |*old| old.deinit();
        query.compiled_arena = arena;
        query.compiled = compiled;
        query.generation = query.engine.generation;
    }

    pub const EvalOptions = struct {
        strict_builtin_errors: bool = false,
        print_sink: ?*std.Io.Writer = null,
    };

    /// Evaluates against `input` and writes OPA-shaped result rows as JSON to `out`.
    pub fn evaluate(
        query: *PreparedQuery,
        scratch: Allocator,
        input: ?Value,
        options: EvalOptions,
        report: *Report,
        out: *std.Io.Writer,
    ) (Error || error{WriteFailed})!void {
        const engine = query.engine;
        engine.lock.lockShared();
        defer engine.lock.unlockShared();
        try query.compileLocked(report, scratch);
        const program = engine.program.?;
        var ev = try eval_mod.Eval.init(scratch, program.program.root, program.program.node_count, engine.data, input, .{
            .strict_builtin_errors = options.strict_builtin_errors,
            .now_ns = nowNs(),
            .print_sink = options.print_sink,
        });
        var rows: std.ArrayList(eval_mod.Eval.Row) = .empty;
        ev.runQuery(&query.compiled, &rows) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Stop => {},
            error.EvalError => {
                report.failure = ev.failure;
                if (rows.items.len > 0) {
                    var partial: std.Io.Writer.Allocating = .init(scratch);
                    writeRows(scratch, &query.compiled, rows.items, &partial.writer) catch |e| switch (e) {
                        error.WriteFailed, error.OutOfMemory => return error.OutOfMemory,
                        else => return e,
                    };
                    report.partial_rows = partial.written();
                }
                return error.EvalError;
            },
        };
        try writeRows(scratch, &query.compiled, rows.items, out);
    }
};

fn nowNs() i64 {
    const ns = std.time.nanoTimestamp();
    return std.math.cast(i64, ns) orelse std.math.maxInt(i64);
}

fn writeRows(scratch: Allocator, query: *const ir.Query, rows: []const eval_mod.Eval.Row, w: *std.Io.Writer) (Error || error{WriteFailed})!void {
    try w.writeByte('[');
    for (rows, 0..) |row, r| {
        if (r > 0) try w.writeByte(',');
        try w.writeAll("{\"expressions\":[");
        var first = true;
        for (query.body, row.expressions) |expr, v| {
            if (expr.generated) continue;
            const value = v orelse continue;
            if (!first) try w.writeByte(',');
            first = false;
            try w.writeAll("{\"value\":");
            try serializeValue(scratch, value, w);
            try w.writeAll(",\"text\":");
            try json.writeString(w, expr.text);
            try w.print(",\"location\":{{\"row\":{d},\"col\":{d}}}}}", .{ expr.location.row, expr.location.col });
        }
        try w.writeAll("],\"bindings\":{");
        // Bindings sorted by name, as OPA's JSON output of a map.
        const order_idx = try scratch.alloc(usize, query.bindings.len);
        for (order_idx, 0..) |*o, i| o.* = i;
        std.mem.sort(usize, order_idx, query.bindings, struct {
            fn less(bindings: []const ir.Query.Binding, a: usize, b: usize) bool {
                return std.mem.order(u8, bindings[a].name, bindings[b].name) == .lt;
            }
        }.less);
        var wrote = false;
        var previous: ?[]const u8 = null;
        for (order_idx) |i| {
            const name = query.bindings[i].name;
            if (previous) |p| if (std.mem.eql(u8, p, name)) continue;
            previous = name;
            if (wrote) try w.writeByte(',');
            wrote = true;
            try json.writeString(w, name);
            try w.writeByte(':');
            try serializeValue(scratch, row.bindings[i], w);
        }
        try w.writeAll("}}");
    }
    try w.writeByte(']');
}

fn serializeValue(scratch: Allocator, v: Value, w: *std.Io.Writer) (Error || error{WriteFailed})!void {
    json.serialize(scratch, v, w) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.WriteFailed => return error.WriteFailed,
        error.NestingTooDeep => return error.EvalError,
    };
}

/// Converts a ground Rego term (the conformance suite's `input_term`) to a value.
pub fn termToValue(engine: *Engine, scratch: Allocator, source: []const u8, report: *Report) Error!Value {
    var diagnostics: std.ArrayList(Diagnostic) = .empty;
    const body = parser.parseQuery(scratch, source, .{ .file_name = "input" }, &diagnostics) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        else => {
            try copyDiagnostics(scratch, &report.diagnostics, diagnostics.items);
            return error.ParseError;
        },
    };
    engine.lock.lockShared();
    defer engine.lock.unlockShared();
    var qc = engine.program.?.compiler;
    qc.arena = scratch;
    qc.diagnostics = &diagnostics;
    const compiled = qc.compileQuery(body, "input", source) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.CompileError => {
            try copyDiagnostics(scratch, &report.diagnostics, diagnostics.items);
            return error.CompileError;
        },
    };
    if (compiled.body.len == 1) switch (compiled.body[0].kind) {
        .term => |t| switch (t) {
            .value => |v| return v,
            else => {},
        },
        // A query term is compiled to capture its value: `$capture = term`.
        .unify => |u| switch (u.b) {
            .value => |v| if (compiled.body[0].capture != null) return v,
            else => {},
        },
        else => {},
    };
    try report.diagnostics.append(scratch, .{ .code = "rego_compile_error", .message = "input term must be a ground value", .file = "input", .row = 1, .col = 1, .offset = 0 });
    return error.CompileError;
}

test "an engine is created and destroyed without leaks" {
    const engine = try Engine.create(std.testing.allocator);
    engine.destroy();
}

fn evalForTest(engine: *Engine, query_text: []const u8, input_json: ?[]const u8) ![]const u8 {
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var report: Report = .{};
    const query = try PreparedQuery.create(engine, query_text, &report, arena.allocator());
    defer query.destroy();
    const input: ?Value = if (input_json) |j| try json.parse(arena.allocator(), j) else null;
    var out: std.Io.Writer.Allocating = .init(std.testing.allocator);
    defer out.deinit();
    try query.evaluate(arena.allocator(), input, .{}, &report, &out.writer);
    return std.testing.allocator.dupe(u8, out.written());
}

test "engine: policies, data and a prepared query" {
    const engine = try Engine.create(std.testing.allocator);
    defer engine.destroy();
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var report: Report = .{};
    try engine.addPolicy("p.rego",
        \\package gateway
        \\
        \\default allow := false
        \\
        \\allow if {
        \\    some role in input.user.roles
        \\    role in data.admins
        \\}
        \\
        \\roles contains r if some r in input.user.roles
    , &report, arena.allocator());
    try engine.setData(&.{"admins"}, "[\"root\", \"ops\"]", &report);
    const out = try evalForTest(engine, "data.gateway.allow", "{\"user\":{\"roles\":[\"dev\",\"ops\"]}}");
    defer std.testing.allocator.free(out);
    try std.testing.expectEqualStrings("[{\"expressions\":[{\"value\":true,\"text\":\"data.gateway.allow\",\"location\":{\"row\":1,\"col\":1}}],\"bindings\":{}}]", out);
    const out2 = try evalForTest(engine, "x := data.gateway.roles", "{\"user\":{\"roles\":[\"b\",\"a\"]}}");
    defer std.testing.allocator.free(out2);
    try std.testing.expectEqualStrings("[{\"expressions\":[{\"value\":true,\"text\":\"x := data.gateway.roles\",\"location\":{\"row\":1,\"col\":1}}],\"bindings\":{\"x\":[\"a\",\"b\"]}}]", out2);
}

test "engine: several threads evaluate one prepared query at once" {
    const gpa = std.heap.smp_allocator;
    const engine = try Engine.create(gpa);
    defer engine.destroy();
    var setup_arena: std.heap.ArenaAllocator = .init(gpa);
    defer setup_arena.deinit();
    var report: Report = .{};
    try engine.addPolicy("t.rego",
        \\package t
        \\double := [y | some x in input.xs; y := x * 2]
    , &report, setup_arena.allocator());
    const query = try PreparedQuery.create(engine, "data.t.double", &report, setup_arena.allocator());
    defer query.destroy();

    const Worker = struct {
        fn run(q: *PreparedQuery, failures: *std.atomic.Value(u32)) void {
            var arena: std.heap.ArenaAllocator = .init(std.heap.smp_allocator);
            defer arena.deinit();
            var i: u32 = 0;
            while (i < 2000) : (i += 1) {
                _ = arena.reset(.retain_capacity);
                const a = arena.allocator();
                const input = json.parse(a, "{\"xs\":[1,2,3]}") catch return failures.store(1, .monotonic);
                var out: std.Io.Writer.Allocating = .init(a);
                var r: Report = .{};
                q.evaluate(a, input, .{}, &r, &out.writer) catch return failures.store(1, .monotonic);
                if (std.mem.indexOf(u8, out.written(), "\"value\":[2,4,6]") == null) failures.store(1, .monotonic);
            }
        }
    };
    var failures: std.atomic.Value(u32) = .init(0);
    var threads: [4]std.Thread = undefined;
    for (&threads) |*t| t.* = try std.Thread.spawn(.{}, Worker.run, .{ query, &failures });
    for (threads) |t| t.join();
    try std.testing.expectEqual(@as(u32, 0), failures.load(.monotonic));
}

fn valueOf(engine: *Engine, query_text: []const u8, input_json: ?[]const u8) ![]const u8 {
    const out = try evalForTest(engine, query_text, input_json);
    defer std.testing.allocator.free(out);
    const start = std.mem.indexOf(u8, out, "\"value\":") orelse return std.testing.allocator.dupe(u8, "undefined");
    const end = std.mem.indexOf(u8, out, ",\"text\"").?;
    return std.testing.allocator.dupe(u8, out[start + 8 .. end]);
}

test "engine: arguments of a negated call are evaluated before the negation, as OPA" {
    const engine = try Engine.create(std.testing.allocator);
    defer engine.destroy();
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var report: Report = .{};
    try engine.addPolicy("n.rego",
        \\package n
        \\a if not is_string(input.action)
        \\b if not count(input.list) > 0
        \\c if not levels[input.key]
        \\d if not is_string(upper(input.action))
        \\e if not input.missing
        \\f if not [x | x := input.missing] == [1]
        \\g contains x if { some x in input.xs; not is_string(x) }
        \\levels := {"a": true}
    , &report, arena.allocator());
    const cases = [_]struct { []const u8, []const u8 }{
        .{ "data.n.a", "undefined" }, .{ "data.n.b", "undefined" }, .{ "data.n.c", "undefined" },
        .{ "data.n.d", "undefined" }, .{ "data.n.e", "true" },      .{ "data.n.f", "true" },
        .{ "data.n.g", "[1]" },
    };
    for (cases) |case| {
        const got = try valueOf(engine, case[0], "{\"xs\":[\"s\",1]}");
        defer std.testing.allocator.free(got);
        try std.testing.expectEqualStrings(case[1], got);
    }
    // Defined arguments keep the plain meaning of `not`.
    const got = try valueOf(engine, "data.n.a", "{\"action\":1}");
    defer std.testing.allocator.free(got);
    try std.testing.expectEqualStrings("true", got);
}

test "engine: a strict builtin error fails the query after it ran, keeping the rows found" {
    const engine = try Engine.create(std.testing.allocator);
    defer engine.destroy();
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var report: Report = .{};
    try engine.addPolicy("s.rego",
        \\package s
        \\xs contains x if { some x in [1, 0, 2]; 10 / x > 0 }
    , &report, arena.allocator());
    const query = try PreparedQuery.create(engine, "x := data.s.xs", &report, arena.allocator());
    defer query.destroy();
    var out: std.Io.Writer.Allocating = .init(std.testing.allocator);
    defer out.deinit();
    try std.testing.expectError(error.EvalError, query.evaluate(arena.allocator(), null, .{ .strict_builtin_errors = true }, &report, &out.writer));
    try std.testing.expectEqualStrings("eval_builtin_error", report.failure.code);
    try std.testing.expect(std.mem.indexOf(u8, report.partial_rows, "\"x\":[1,2]") != null);
    // Not strict: the failing call is just undefined.
    const got = try valueOf(engine, "data.s.xs", null);
    defer std.testing.allocator.free(got);
    try std.testing.expectEqualStrings("[1,2]", got);
}

test "engine: an unimplemented builtin compiles only where a with mocks it" {
    const engine = try Engine.create(std.testing.allocator);
    defer engine.destroy();
    var arena: std.heap.ArenaAllocator = .init(std.testing.allocator);
    defer arena.deinit();
    var report: Report = .{};
    try std.testing.expectError(error.CompileError, engine.addPolicy("u.rego",
        \\package u
        \\allow if http.send({"method": "GET"}).status_code == 200
    , &report, arena.allocator()));
    try std.testing.expectEqualStrings("unsupported builtin: http.send", report.diagnostics.items[0].message);
    report = .{};
    try engine.addPolicy("m.rego",
        \\package m
        \\allow if http.send({"method": "GET"}).status_code == 200
        \\ok(_) := {"status_code": 200}
        \\test_allow if allow with http.send as ok
    , &report, arena.allocator());
    const got = try valueOf(engine, "data.m.test_allow", null);
    defer std.testing.allocator.free(got);
    try std.testing.expectEqualStrings("true", got);
    // Unmocked, the call stops the evaluation rather than being undefined.
    const query = try PreparedQuery.create(engine, "data.m.allow", &report, arena.allocator());
    defer query.destroy();
    var out: std.Io.Writer.Allocating = .init(std.testing.allocator);
    defer out.deinit();
    try std.testing.expectError(error.EvalError, query.evaluate(arena.allocator(), null, .{}, &report, &out.writer));
    try std.testing.expectEqualStrings("unsupported builtin: http.send", report.failure.message);
}
