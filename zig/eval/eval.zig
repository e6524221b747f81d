//! The top-down evaluator: backtracking search over bindings, in continuation-
//! passing style as OPA's topdown. Every construct that can produce several
//! values calls its continuation once per value; bindings are undone when the
//! continuation returns (defer), so backtracking is ordinary returning.
//!
//! Rule values are computed whole (all solutions, for conflict detection as OPA)
//! and cached per evaluation; `with` modifiers run with a fresh cache.
//! All memory comes from the evaluation's arena: nothing is freed until the
//! evaluation ends, and `input` and base data are never copied.
const std = @import("std");
const Allocator = std.mem.Allocator;
const assert = std.debug.assert;

const ir = @import("../compile/ir.zig");
const value_mod = @import("../value/mod.zig");
const order = value_mod.order;
const number = value_mod.number;
const json = value_mod.json;
const builtin = @import("../builtins/builtin.zig");
const sprintf = @import("../builtins/sprintf.zig");

const Value = value_mod.Value;
const Term = ir.Term;

pub const Error = error{
    OutOfMemory,
    /// Details in `Eval.failure`.
    EvalError,
    /// Internal: stop enumerating (first solution found).
    Stop,
};

pub const Failure = struct {
    code: []const u8 = "",
    message: []const u8 = "",
    location: ir.Location = .none,
    file: []const u8 = "",
};

pub const Options = struct {
    strict_builtin_errors: bool = false,
    now_ns: i64 = 0,
    /// Where `print` writes; null drops the output.
    print_sink: ?*std.Io.Writer = null,
};

const max_call_depth = 1000;

const CacheEntry = struct {
    state: enum(u8) { empty, computing, done } = .empty,
    value: ?Value = null,
};

const CachedCall = struct {
    builtin: *const builtin.Builtin,
    args: []const Value,
    result: Value,
};

const Override = struct {
    target: ir.WithTarget,
    /// Evaluated path (for input/data targets).
    path: []const Value,
    value: Value,
    /// For function targets: a replacement function/builtin rather than a value.
    replacement: ?ir.CallTarget,
    /// Off while the replacement itself runs: inside it, the name means the original.
    active: bool = true,
};

pub const Eval = struct {
    arena: Allocator,
    root: *const ir.Node,
    node_count: u32,
    data: Value,
    input: ?Value,
    options: Options,
    frame: []?Value = &.{},
    cache: []CacheEntry,
    overrides: std.ArrayList(Override) = .empty,
    builtin_ctx: builtin.Context,
    failure: Failure = .{},
    /// The first builtin error in strict mode. As in OPA, it does not stop the evaluation (the
    /// call is undefined and evaluation goes on); the query then fails with it, and the rows
    /// found meanwhile are reported alongside.
    builtin_failure: ?Failure = null,
    call_depth: u32 = 0,
    file_name: []const u8 = "",
    /// Results of non-deterministic builtins (rand.intn, uuid.rfc4122, ...) by arguments:
    /// the same call gives the same value within one evaluation, as OPA's builtin cache.
    nondeterministic: std.ArrayList(CachedCall) = .empty,

    pub fn init(arena: Allocator, root: *const ir.Node, node_count: u32, data: Value, input: ?Value, options: Options) error{OutOfMemory}!Eval {
        const cache = try arena.alloc(CacheEntry, node_count);
        @memset(cache, .{});
        return .{
            .arena = arena,
            .root = root,
            .node_count = node_count,
            .data = data,
            .input = input,
            .options = options,
            .cache = cache,
            .builtin_ctx = .{ .allocator = arena, .now_ns = options.now_ns },
        };
    }

    // -- queries -----------------------------------------------------------------

    pub const Row = struct {
        /// Values of the query's expressions (null when an expression has no value to report).
        expressions: []const ?Value,
        bindings: []const Value,
    };

    /// Runs a query and returns every solution: the expressions' values and the bound variables.
    pub fn runQuery(ev: *Eval, query: *const ir.Query, rows: *std.ArrayList(Row)) Error!void {
        const frame = try ev.arena.alloc(?Value, query.locals);
        @memset(frame, null);
        ev.frame = frame;
        const collector: QueryCollector = .{ .query = query, .rows = rows };
        const outcome = ev.evalBody(query.body, cont(&collector));
        // A strict builtin error wins over what happened after it (OPA reports it first).
        if (ev.builtin_failure) |first| {
            outcome catch |err| if (err == error.OutOfMemory) return err;
            ev.failure = first;
            return error.EvalError;
        }
        return outcome;
    }

    const QueryCollector = struct {
        query: *const ir.Query,
        rows: *std.ArrayList(Row),

        fn run(self: *const QueryCollector, ev: *Eval) Error!void {
            const bindings = try ev.arena.alloc(Value, self.query.bindings.len);
            for (self.query.bindings, 0..) |b, i| bindings[i] = ev.frame[b.local] orelse .null;
            const exprs = try ev.arena.alloc(?Value, self.query.body.len);
            for (self.query.body, 0..) |expr, i| exprs[i] = try ev.reportValue(expr);
            try self.rows.append(ev.arena, .{ .expressions = exprs, .bindings = bindings });
        }
    };

    /// OPA reports a term expression's value, and `true` for everything else.
    fn reportValue(ev: *Eval, expr: ir.Expr) Error!?Value {
        if (expr.capture) |local| return ev.frame[local];
        if (expr.negated) return Value.true;
        switch (expr.kind) {
            .term => |t| {
                var result: ?Value = null;
                const grab: FirstValue = .{ .out = &result };
                ev.evalTerm(t, vcont(&grab)) catch |err| switch (err) {
                    error.Stop => {},
                    else => return err,
                };
                return result;
            },
            else => return Value.true,
        }
    }

    const FirstValue = struct {
        out: *?Value,
        fn onValue(self: *const FirstValue, _: *Eval, v: Value) Error!void {
            self.out.* = v;
            return error.Stop;
        }
    };

    // -- errors --------------------------------------------------------------------

    pub fn fail(ev: *Eval, code: []const u8, location: ir.Location, comptime fmt: []const u8, args: anytype) Error {
        ev.failure = .{
            .code = code,
            .message = std.fmt.allocPrint(ev.arena, fmt, args) catch return error.OutOfMemory,
            .location = location,
            .file = ev.file_name,
        };
        return error.EvalError;
    }

    /// A builtin failed: the call is undefined; in strict mode the first such error is kept
    /// to fail the query once it has run (see `builtin_failure`).
    fn recordBuiltinError(ev: *Eval, code: []const u8, call: *const ir.Call) Error!void {
        if (!ev.options.strict_builtin_errors or ev.builtin_failure != null) return;
        ev.builtin_failure = .{
            .code = code,
            .message = try std.fmt.allocPrint(ev.arena, "{s}: {s}", .{ call.name, ev.builtin_ctx.message.items }),
            .location = call.location,
            .file = ev.file_name,
        };
    }

    // -- bodies --------------------------------------------------------------------

    pub fn evalBody(ev: *Eval, body: ir.Body, k: Cont) Error!void {
        if (body.len == 0) return k.call(ev);
        const rest: BodyRest = .{ .body = body[1..], .k = k };
        return ev.evalExpr(&body[0], cont(&rest));
    }

    const BodyRest = struct {
        body: ir.Body,
        k: Cont,
        fn run(self: *const BodyRest, ev: *Eval) Error!void {
            return ev.evalBody(self.body, self.k);
        }
    };

    fn evalExpr(ev: *Eval, expr: *const ir.Expr, k: Cont) Error!void {
        if (expr.with.len > 0) return ev.evalWith(expr, k);
        return ev.evalExprPlain(expr, k);
    }

    fn evalExprPlain(ev: *Eval, expr: *const ir.Expr, k: Cont) Error!void {
        if (expr.negated) {
            const found = ev.succeeds(expr) catch |err| return err;
            if (found) return;
            return k.call(ev);
        }
        return ev.evalExprKind(expr, k);
    }

    /// True when the expression (without negation) has at least one solution.
    fn succeeds(ev: *Eval, expr: *const ir.Expr) Error!bool {
        const stop: StopCont = .{};
        ev.evalExprKind(expr, cont(&stop)) catch |err| switch (err) {
            error.Stop => return true,
            else => return err,
        };
        return false;
    }

    const StopCont = struct {
        fn run(_: *const StopCont, _: *Eval) Error!void {
            return error.Stop;
        }
    };

    fn evalExprKind(ev: *Eval, expr: *const ir.Expr, k: Cont) Error!void {
        ev.builtin_ctx.message.clearRetainingCapacity();
        switch (expr.kind) {
            .term => |t| {
                const truthy: Truthy = .{ .k = k };
                return ev.evalTerm(t, vcont(&truthy));
            },
            .unify => |u| return ev.unify(u.a, u.b, k),
            .call_output => |co| {
                const then: UnifyWith = .{ .pattern = co.output, .k = k };
                return ev.evalCall(co.call, vcont(&then));
            },
            .member => |m| {
                const each: MemberEach = .{ .key = m.key, .value = m.value, .k = k };
                return ev.evalTerm(m.collection, vcont(&each));
            },
            .every => |e| {
                const each: EveryDomain = .{ .every = e, .k = k };
                return ev.evalTerm(e.domain, vcont(&each));
            },
            .not_body => |body| {
                if (try ev.bodySucceeds(body)) return;
                return k.call(ev);
            },
            .logical => |l| {
                const lhs = try ev.bodySucceeds(l.lhs);
                const holds = switch (l.op) {
                    .@"and" => lhs and try ev.bodySucceeds(l.rhs),
                    .@"or" => lhs or try ev.bodySucceeds(l.rhs),
                };
                if (holds) return k.call(ev);
            },
        }
    }

    /// True when the body has at least one solution; its bindings do not escape.
    fn bodySucceeds(ev: *Eval, body: ir.Body) Error!bool {
        const stop: StopCont = .{};
        ev.evalBody(body, cont(&stop)) catch |err| switch (err) {
            error.Stop => return true,
            else => return err,
        };
        return false;
    }

    const Truthy = struct {
        k: Cont,
        fn onValue(self: *const Truthy, ev: *Eval, v: Value) Error!void {
            if (v == .boolean and !v.boolean) return;
            return self.k.call(ev);
        }
    };

    const UnifyWith = struct {
        pattern: Term,
        k: Cont,
        fn onValue(self: *const UnifyWith, ev: *Eval, v: Value) Error!void {
            return ev.unifyValue(self.pattern, v, self.k);
        }
    };

    const MemberEach = struct {
        key: ?Term,
        value: Term,
        k: Cont,
        fn onValue(self: *const MemberEach, ev: *Eval, collection: Value) Error!void {
            switch (collection) {
                .array => |items| for (items, 0..) |item, i| {
                    try self.one(ev, .{ .number = .fromInt(@intCast(i)) }, item);
                },
                .object => |obj| for (obj.keys, obj.values) |key, val| try self.one(ev, key, val),
                .set => |set| for (set.items) |item| try self.one(ev, item, item),
                else => {},
            }
        }
        fn one(self: *const MemberEach, ev: *Eval, key: Value, val: Value) Error!void {
            if (self.key) |key_pattern| {
                const then: UnifyWith = .{ .pattern = self.value, .k = self.k };
                const pair: UnifyThenValue = .{ .pattern = key_pattern, .then = &then, .v = val };
                return ev.unifyValue(key_pattern, key, cont(&pair));
            }
            return ev.unifyValue(self.value, val, self.k);
        }
    };

    const UnifyThenValue = struct {
        pattern: Term,
        then: *const UnifyWith,
        v: Value,
        fn run(self: *const UnifyThenValue, ev: *Eval) Error!void {
            return ev.unifyValue(self.then.pattern, self.v, self.then.k);
        }
    };

    const EveryDomain = struct {
        every: *const ir.Every,
        k: Cont,
        fn onValue(self: *const EveryDomain, ev: *Eval, domain: Value) Error!void {
            switch (domain) {
                .array => |items| for (items, 0..) |item, i| {
                    if (!try self.holds(ev, .{ .number = .fromInt(@intCast(i)) }, item)) return;
                },
                .object => |obj| for (obj.keys, obj.values) |key, val| {
                    if (!try self.holds(ev, key, val)) return;
                },
                .set => |set| for (set.items) |item| {
                    if (!try self.holds(ev, item, item)) return;
                },
                else => return,
            }
            return self.k.call(ev);
        }
        fn holds(self: *const EveryDomain, ev: *Eval, key: Value, val: Value) Error!bool {
            const body: BodyThenStop = .{ .body = self.every.body };
            const after_value: UnifyWith = .{ .pattern = self.every.value, .k = cont(&body) };
            const run_key: UnifyThenValue = .{ .pattern = self.every.key orelse .{ .value = .null }, .then = &after_value, .v = val };
            const result = if (self.every.key) |key_pattern|
                ev.unifyValue(key_pattern, key, cont(&run_key))
            else
                ev.unifyValue(self.every.value, val, cont(&body));
            result catch |err| switch (err) {
                error.Stop => return true,
                else => return err,
            };
            return false;
        }
    };

    const BodyThenStop = struct {
        body: ir.Body,
        fn run(self: *const BodyThenStop, ev: *Eval) Error!void {
            const stop: StopCont = .{};
            return ev.evalBody(self.body, cont(&stop));
        }
    };

    // -- with ------------------------------------------------------------------------

    fn evalWith(ev: *Eval, expr: *const ir.Expr, k: Cont) Error!void {
        const saved_len = ev.overrides.items.len;
        const saved_cache = ev.cache;
        defer {
            ev.overrides.shrinkRetainingCapacity(saved_len);
            ev.cache = saved_cache;
        }
        for (expr.with) |w| {
            if (w.replacement) |replacement| {
                try ev.overrides.append(ev.arena, .{ .target = w.target, .path = &.{}, .value = .null, .replacement = replacement });
                continue;
            }
            const v = try ev.evalSingle(w.value) orelse return;
            var path: []Value = &.{};
            switch (w.target) {
                .input, .data => |terms| {
                    path = try ev.arena.alloc(Value, terms.len);
                    for (terms, 0..) |t, i| path[i] = try ev.evalSingle(t) orelse return;
                },
                .function => {},
            }
            const replacement: ?ir.CallTarget = switch (w.target) {
                .function => switch (w.value) {
                    .ref => |ref| ev.functionOfRef(ref),
                    else => null,
                },
                else => null,
            };
            try ev.overrides.append(ev.arena, .{ .target = w.target, .path = path, .value = v, .replacement = replacement });
        }
        ev.cache = try ev.arena.alloc(CacheEntry, ev.node_count);
        @memset(ev.cache, .{});
        const inner_overrides = try ev.arena.dupe(Override, ev.overrides.items);
        const inner_cache = ev.cache;
        const after: WithRestore = .{ .k = k, .outer_overrides_len = saved_len, .outer_cache = saved_cache, .inner_overrides = inner_overrides, .inner_cache = inner_cache };
        return ev.evalExprPlain(expr, cont(&after));
    }

    /// Leaves the `with` scope while the rest of the body runs, and re-enters it on backtracking.
    const WithRestore = struct {
        k: Cont,
        outer_overrides_len: usize,
        outer_cache: []CacheEntry,
        inner_overrides: []const Override,
        inner_cache: []CacheEntry,
        fn run(self: *const WithRestore, ev: *Eval) Error!void {
            ev.overrides.shrinkRetainingCapacity(self.outer_overrides_len);
            ev.cache = self.outer_cache;
            defer {
                ev.overrides.shrinkRetainingCapacity(0);
                ev.overrides.appendSliceAssumeCapacity(self.inner_overrides);
                ev.cache = self.inner_cache;
            }
            return self.k.call(ev);
        }
    };

    fn functionOfRef(ev: *Eval, ref: *const ir.Ref) ?ir.CallTarget {
        if (ref.head != .data) return null;
        var node = ev.root;
        for (ref.path) |p| {
            const key = switch (p) {
                .value => |v| switch (v) {
                    .string => |s| s,
                    else => return null,
                },
                else => return null,
            };
            node = node.child(key) orelse return null;
        }
        if (node.isFunction()) return .{ .function = node };
        return null;
    }

    // -- terms -----------------------------------------------------------------------

    /// The single value of a term, or null when it is undefined. A term with several values is an error.
    fn evalSingle(ev: *Eval, t: Term) Error!?Value {
        var result: ?Value = null;
        const grab: FirstValue = .{ .out = &result };
        ev.evalTerm(t, vcont(&grab)) catch |err| switch (err) {
            error.Stop => {},
            else => return err,
        };
        return result;
    }

    pub fn evalTerm(ev: *Eval, t: Term, k: ValueCont) Error!void {
        switch (t) {
            .value => |v| return k.call(ev, v),
            .local => |l| {
                const v = ev.frame[l] orelse return; // unbound: no value (safety makes this rare)
                return k.call(ev, v);
            },
            .ref => |ref| return ev.evalRef(ref, k),
            .array => |items| {
                const values = try ev.arena.alloc(Value, items.len);
                const build: BuildArray = .{ .values = values, .k = k };
                return ev.evalTerms(items, values, 0, cont(&build));
            },
            .set => |items| {
                const values = try ev.arena.alloc(Value, items.len);
                const build: BuildSet = .{ .values = values, .k = k };
                return ev.evalTerms(items, values, 0, cont(&build));
            },
            .object => |items| {
                const terms = try ev.arena.alloc(Term, items.len * 2);
                for (items, 0..) |item, i| {
                    terms[2 * i] = item.key;
                    terms[2 * i + 1] = item.value;
                }
                const values = try ev.arena.alloc(Value, terms.len);
                const build: BuildObject = .{ .values = values, .k = k };
                return ev.evalTerms(terms, values, 0, cont(&build));
            },
            .array_comprehension => |comp| {
                var list: std.ArrayList(Value) = .empty;
                const collect: CollectValue = .{ .term = comp.value, .list = &list };
                try ev.evalBody(comp.body, cont(&collect));
                return k.call(ev, .{ .array = list.items });
            },
            .set_comprehension => |comp| {
                var list: std.ArrayList(Value) = .empty;
                const collect: CollectValue = .{ .term = comp.value, .list = &list };
                try ev.evalBody(comp.body, cont(&collect));
                return k.call(ev, .{ .set = try order.setFromUnsorted(ev.arena, list.items) });
            },
            .object_comprehension => |comp| {
                var keys: std.ArrayList(Value) = .empty;
                var values: std.ArrayList(Value) = .empty;
                const collect: CollectPair = .{ .key = comp.key, .value = comp.value, .keys = &keys, .values = &values };
                try ev.evalBody(comp.body, cont(&collect));
                const object = try ev.buildObject(keys.items, values.items, .none);
                return k.call(ev, .{ .object = object });
            },
            .call => |call| {
                if (call.target == .special and call.target.special == .print) return ev.evalPrint(call, k);
                return ev.evalCall(call, k);
            },
            .template => |parts| {
                var out: std.ArrayList(u8) = .empty;
                for (parts) |part| switch (part) {
                    .literal => |s| try out.appendSlice(ev.arena, s),
                    .values => |comp| {
                        var list: std.ArrayList(Value) = .empty;
                        const collect: CollectValue = .{ .term = comp.value, .list = &list };
                        try ev.evalBody(comp.body, cont(&collect));
                        if (list.items.len > 0) {
                            try ev.appendTemplateValue(&out, list.items[0]);
                        } else try out.appendSlice(ev.arena, "<undefined>");
                    },
                    .term => |pt| {
                        if (try ev.evalSingle(pt)) |v| {
                            try ev.appendTemplateValue(&out, v);
                        } else try out.appendSlice(ev.arena, "<undefined>");
                    },
                };
                return k.call(ev, .{ .string = out.items });
            },
        }
    }

    /// Template strings print strings as they are and other values as Rego text (`{1}`, `set()`).
    fn appendTemplateValue(ev: *Eval, out: *std.ArrayList(u8), v: Value) Error!void {
        switch (v) {
            .string => |s| try out.appendSlice(ev.arena, s),
            else => try sprintf.writeRegoText(ev.arena, out, v),
        }
    }

    fn buildObject(ev: *Eval, keys: []const Value, values: []const Value, location: ir.Location) Error!*const value_mod.Object {
        return order.objectFromUnsorted(ev.arena, keys, values, .reject_conflicting, null) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.DuplicateKey => return ev.fail("eval_conflict_error", location, "object keys must be unique", .{}),
        };
    }

    /// Evaluates `terms[i..]` into `values[i..]` (each may have several values), then `k`.
    fn evalTerms(ev: *Eval, terms: []const Term, values: []Value, i: usize, k: Cont) Error!void {
        if (i == terms.len) return k.call(ev);
        const next: StoreAndContinue = .{ .terms = terms, .values = values, .i = i, .k = k };
        return ev.evalTerm(terms[i], vcont(&next));
    }

    const StoreAndContinue = struct {
        terms: []const Term,
        values: []Value,
        i: usize,
        k: Cont,
        fn onValue(self: *const StoreAndContinue, ev: *Eval, v: Value) Error!void {
            self.values[self.i] = v;
            return ev.evalTerms(self.terms, self.values, self.i + 1, self.k);
        }
    };

    const BuildArray = struct {
        values: []Value,
        k: ValueCont,
        fn run(self: *const BuildArray, ev: *Eval) Error!void {
            return self.k.call(ev, .{ .array = try ev.arena.dupe(Value, self.values) });
        }
    };

    const BuildSet = struct {
        values: []Value,
        k: ValueCont,
        fn run(self: *const BuildSet, ev: *Eval) Error!void {
            return self.k.call(ev, .{ .set = try order.setFromUnsorted(ev.arena, self.values) });
        }
    };

    const BuildObject = struct {
        values: []Value,
        k: ValueCont,
        fn run(self: *const BuildObject, ev: *Eval) Error!void {
            const n = self.values.len / 2;
            const keys = try ev.arena.alloc(Value, n);
            const vals = try ev.arena.alloc(Value, n);
            for (0..n) |i| {
                keys[i] = self.values[2 * i];
                vals[i] = self.values[2 * i + 1];
            }
            const object = order.objectFromUnsorted(ev.arena, keys, vals, .last_wins, null) catch |err| switch (err) {
                error.OutOfMemory => return error.OutOfMemory,
                error.DuplicateKey => return,
            };
            return self.k.call(ev, .{ .object = object });
        }
    };

    const CollectValue = struct {
        term: Term,
        list: *std.ArrayList(Value),
        fn run(self: *const CollectValue, ev: *Eval) Error!void {
            const push: PushValue = .{ .list = self.list };
            return ev.evalTerm(self.term, vcont(&push));
        }
    };

    const PushValue = struct {
        list: *std.ArrayList(Value),
        fn onValue(self: *const PushValue, ev: *Eval, v: Value) Error!void {
            try self.list.append(ev.arena, v);
        }
    };

    const CollectPair = struct {
        key: Term,
        value: Term,
        keys: *std.ArrayList(Value),
        values: *std.ArrayList(Value),
        fn run(self: *const CollectPair, ev: *Eval) Error!void {
            const pair = try ev.arena.alloc(Value, 2);
            const terms = try ev.arena.alloc(Term, 2);
            terms[0] = self.key;
            terms[1] = self.value;
            const push: PushPair = .{ .pair = pair, .keys = self.keys, .values = self.values };
            return ev.evalTerms(terms, pair, 0, cont(&push));
        }
    };

    const PushPair = struct {
        pair: []Value,
        keys: *std.ArrayList(Value),
        values: *std.ArrayList(Value),
        fn run(self: *const PushPair, ev: *Eval) Error!void {
            try self.keys.append(ev.arena, self.pair[0]);
            try self.values.append(ev.arena, self.pair[1]);
        }
    };

    // -- refs ------------------------------------------------------------------------

    fn evalRef(ev: *Eval, ref: *const ir.Ref, k: ValueCont) Error!void {
        switch (ref.head) {
            .input => {
                if (ev.overrides.items.len > 0) {
                    if (try ev.inputWithOverrides()) |input| return ev.walkValue(input, ref.path, 0, k);
                    return;
                }
                const input = ev.input orelse return;
                return ev.walkValue(input, ref.path, 0, k);
            },
            .local => |l| {
                const base = ev.frame[l] orelse return;
                return ev.walkValue(base, ref.path, 0, k);
            },
            .term => |head| {
                const walker: WalkFrom = .{ .path = ref.path, .k = k };
                return ev.evalTerm(head.*, vcont(&walker));
            },
            .data => {
                if (!ev.hasDataOverrides()) {
                    if (ref.node) |node| {
                        const v = try ev.ruleNodeValue(node, ref.location) orelse return;
                        return ev.walkValue(v, ref.path, ref.node_depth, k);
                    }
                    if (ref.base_only) return ev.walkValueIn(ev.data, ref.path, 0, k, true);
                }
                var path_values: std.ArrayList(Value) = .empty;
                return ev.walkData(ev.root, ev.data, true, ref.path, 0, &path_values, k, ref.location);
            },
        }
    }

    const WalkFrom = struct {
        path: []const Term,
        k: ValueCont,
        fn onValue(self: *const WalkFrom, ev: *Eval, v: Value) Error!void {
            return ev.walkValue(v, self.path, 0, self.k);
        }
    };

    fn inputWithOverrides(ev: *Eval) Error!?Value {
        var result = ev.input;
        for (ev.overrides.items) |o| {
            if (o.target != .input) continue;
            result = try upsert(ev.arena, result, o.path, o.value);
        }
        return result;
    }

    /// Follows `path[i..]` inside a plain value; unbound path variables enumerate.
    /// `store`: `v` is base data, where OPA's storage paths are strings: a number key reads
    /// an object member named by its text, a numeric string indexes an array.
    fn walkValue(ev: *Eval, v: Value, path: []const Term, i: usize, k: ValueCont) Error!void {
        return ev.walkValueIn(v, path, i, k, false);
    }

    fn walkValueIn(ev: *Eval, v: Value, path: []const Term, i: usize, k: ValueCont, store: bool) Error!void {
        if (i == path.len) return k.call(ev, v);
        const p = path[i];
        if (ev.unboundLocal(p)) |l| {
            switch (v) {
                .array => |items| for (items, 0..) |item, idx| {
                    ev.frame[l] = .{ .number = .fromInt(@intCast(idx)) };
                    defer ev.frame[l] = null;
                    try ev.walkValueIn(item, path, i + 1, k, store);
                },
                .object => |obj| for (obj.keys, obj.values) |key, val| {
                    ev.frame[l] = key;
                    defer ev.frame[l] = null;
                    try ev.walkValueIn(val, path, i + 1, k, store);
                },
                .set => |set| for (set.items) |item| {
                    ev.frame[l] = item;
                    defer ev.frame[l] = null;
                    try ev.walkValueIn(item, path, i + 1, k, store);
                },
                else => {},
            }
            return;
        }
        if (ev.hasUnboundPattern(p)) {
            // A composite pattern as a key (`x[[a, b]]`): enumerate keys and unify.
            const each: KeyPattern = .{ .pattern = p, .path = path, .i = i, .k = k };
            return each.enumerate(ev, v);
        }
        const step: WalkStep = .{ .base = v, .path = path, .i = i, .k = k, .store = store };
        return ev.evalTerm(p, vcont(&step));
    }

    const WalkStep = struct {
        base: Value,
        path: []const Term,
        i: usize,
        k: ValueCont,
        store: bool,
        fn onValue(self: *const WalkStep, ev: *Eval, key: Value) Error!void {
            const child = (if (self.store) try lookupStore(ev.arena, self.base, key) else lookup(self.base, key)) orelse return;
            return ev.walkValueIn(child, self.path, self.i + 1, self.k, self.store);
        }
    };

    const KeyPattern = struct {
        pattern: Term,
        path: []const Term,
        i: usize,
        k: ValueCont,
        fn enumerate(self: *const KeyPattern, ev: *Eval, v: Value) Error!void {
            switch (v) {
                .array => |items| for (items, 0..) |item, idx| try self.one(ev, .{ .number = .fromInt(@intCast(idx)) }, item),
                .object => |obj| for (obj.keys, obj.values) |key, val| try self.one(ev, key, val),
                .set => |set| for (set.items) |item| try self.one(ev, item, item),
                else => {},
            }
        }
        fn one(self: *const KeyPattern, ev: *Eval, key: Value, child: Value) Error!void {
            const next: WalkNext = .{ .child = child, .path = self.path, .i = self.i, .k = self.k };
            return ev.unifyValue(self.pattern, key, cont(&next));
        }
    };

    const WalkNext = struct {
        child: Value,
        path: []const Term,
        i: usize,
        k: ValueCont,
        fn run(self: *const WalkNext, ev: *Eval) Error!void {
            return ev.walkValue(self.child, self.path, self.i + 1, self.k);
        }
    };

    fn unboundLocal(ev: *Eval, t: Term) ?ir.Local {
        return switch (t) {
            .local => |l| if (ev.frame[l] == null) l else null,
            else => null,
        };
    }

    /// True when the term has unbound variables in pattern positions (it cannot be evaluated, only matched).
    fn hasUnboundPattern(ev: *Eval, t: Term) bool {
        return switch (t) {
            .local => |l| ev.frame[l] == null,
            .array, .set => |items| for (items) |item| {
                if (ev.hasUnboundPattern(item)) break true;
            } else false,
            .object => |items| for (items) |item| {
                if (ev.hasUnboundPattern(item.value)) break true;
            } else false,
            else => false,
        };
    }

    /// Walks the data tree: rule nodes and base data side by side.
    fn walkData(
        ev: *Eval,
        node: ?*const ir.Node,
        base: ?Value,
        base_defined: bool,
        path: []const Term,
        i: usize,
        so_far: *std.ArrayList(Value),
        k: ValueCont,
        location: ir.Location,
    ) Error!void {
        _ = base_defined;
        // `with data.x as v` replaces the document at x.
        if (ev.overrides.items.len > 0) {
            if (ev.dataOverrideAt(so_far.items)) |v| return ev.walkValue(v, path, i, k);
        }
        if (node) |n| {
            if (n.rules.len > 0) {
                if (n.isFunction()) return;
                const v = try ev.ruleNodeValue(n, location) orelse return;
                return ev.walkValue(v, path, i, k);
            }
        } else if (!ev.hasDataOverrideBelow(so_far.items)) {
            // No rules below: plain base data.
            const b = base orelse return;
            return ev.walkValueIn(b, path, i, k, true);
        }
        if (i == path.len) {
            const v = try ev.documentValue(node, base, so_far) orelse return;
            return k.call(ev, v);
        }
        const p = path[i];
        if (ev.unboundLocal(p)) |l| {
            // Enumerate the union of rule children and base data keys.
            var keys: std.ArrayList(Value) = .empty;
            if (node) |n| for (n.children) |child| try keys.append(ev.arena, .{ .string = child.key });
            if (base) |b| switch (b) {
                .object => |obj| try keys.appendSlice(ev.arena, obj.keys),
                else => {},
            };
            const set = try order.setFromUnsorted(ev.arena, keys.items);
            for (set.items) |key| {
                ev.frame[l] = key;
                defer ev.frame[l] = null;
                try ev.walkDataKey(node, base, key, path, i, so_far, k, location);
            }
            return;
        }
        const step: DataStep = .{ .node = node, .base = base, .path = path, .i = i, .so_far = so_far, .k = k, .location = location };
        return ev.evalTerm(p, vcont(&step));
    }

    const DataStep = struct {
        node: ?*const ir.Node,
        base: ?Value,
        path: []const Term,
        i: usize,
        so_far: *std.ArrayList(Value),
        k: ValueCont,
        location: ir.Location,
        fn onValue(self: *const DataStep, ev: *Eval, key: Value) Error!void {
            return ev.walkDataKey(self.node, self.base, key, self.path, self.i, self.so_far, self.k, self.location);
        }
    };

    fn walkDataKey(
        ev: *Eval,
        node: ?*const ir.Node,
        base: ?Value,
        key: Value,
        path: []const Term,
        i: usize,
        so_far: *std.ArrayList(Value),
        k: ValueCont,
        location: ir.Location,
    ) Error!void {
        const child_node: ?*const ir.Node = if (node) |n| switch (key) {
            .string => |s| n.child(s),
            else => null,
        } else null;
        const child_base: ?Value = if (base) |b| try lookupStore(ev.arena, b, key) else null;
        if (child_node == null and child_base == null and !ev.hasDataOverrideUnder(so_far.items, key)) return;
        try so_far.append(ev.arena, key);
        defer _ = so_far.pop();
        return ev.walkData(child_node, child_base, true, path, i + 1, so_far, k, location);
    }

    fn dataOverrideAt(ev: *Eval, path: []const Value) ?Value {
        var i = ev.overrides.items.len;
        while (i > 0) {
            i -= 1;
            const o = ev.overrides.items[i];
            if (o.target != .data) continue;
            if (o.path.len != path.len) continue;
            if (pathsEqual(o.path, path)) return o.value;
        }
        return null;
    }

    fn hasDataOverrides(ev: *Eval) bool {
        for (ev.overrides.items) |o| if (o.target == .data) return true;
        return false;
    }

    fn hasDataOverrideBelow(ev: *Eval, prefix: []const Value) bool {
        for (ev.overrides.items) |o| {
            if (o.target != .data) continue;
            if (o.path.len <= prefix.len) continue;
            if (pathsEqual(o.path[0..prefix.len], prefix)) return true;
        }
        return false;
    }

    fn hasDataOverrideUnder(ev: *Eval, prefix: []const Value, key: Value) bool {
        for (ev.overrides.items) |o| {
            if (o.target != .data) continue;
            if (o.path.len <= prefix.len) continue;
            if (!pathsEqual(o.path[0..prefix.len], prefix)) continue;
            if (order.equal(o.path[prefix.len], key)) return true;
        }
        return false;
    }

    /// The whole document at a data path: base data merged with the values of the rules below.
    fn documentValue(ev: *Eval, node: ?*const ir.Node, base: ?Value, path: *std.ArrayList(Value)) Error!?Value {
        var result: ?Value = base;
        if (node) |n| {
            if (n.rules.len > 0) {
                if (n.isFunction()) return null;
                const virtual = try ev.ruleNodeValue(n, .none) orelse return base;
                return if (base) |b| try ev.mergeBaseVirtual(b, virtual) else virtual;
            }
            // A package (or a prefix of rule paths) is an object, empty when nothing below is
            // defined. Base data that is not an object wins over it, as in OPA.
            if (base == null or base.? == .object) {
                var keys: std.ArrayList(Value) = .empty;
                var values: std.ArrayList(Value) = .empty;
                if (base) |b| switch (b) {
                    .object => |obj| {
                        try keys.appendSlice(ev.arena, obj.keys);
                        try values.appendSlice(ev.arena, obj.values);
                    },
                    else => {},
                };
                for (n.children) |child| {
                    const key: Value = .{ .string = child.key };
                    try path.append(ev.arena, key);
                    defer _ = path.pop();
                    const child_base: ?Value = if (base) |b| lookup(b, key) else null;
                    const v = try ev.documentValue(child, child_base, path) orelse continue;
                    if (child_base != null) {
                        // Replace the base entry.
                        for (keys.items, 0..) |existing, idx| {
                            if (order.equal(existing, key)) values.items[idx] = v;
                        }
                    } else {
                        try keys.append(ev.arena, key);
                        try values.append(ev.arena, v);
                    }
                }
                if (keys.items.len > 0 or base != null) {
                    const object = order.objectFromUnsorted(ev.arena, keys.items, values.items, .last_wins, null) catch |err| switch (err) {
                        error.OutOfMemory => return error.OutOfMemory,
                        error.DuplicateKey => return error.EvalError, // last_wins never reports duplicates
                    };
                    result = .{ .object = object };
                } else {
                    result = .{ .object = &value_mod.Object.empty };
                }
            }
        }
        // Overrides below this path.
        for (ev.overrides.items) |o| {
            if (o.target != .data) continue;
            if (o.path.len <= path.items.len) continue;
            if (!pathsEqual(o.path[0..path.items.len], path.items)) continue;
            result = try upsert(ev.arena, result, o.path[path.items.len..], o.value);
        }
        return result;
    }

    // -- rules -------------------------------------------------------------------------

    /// The value of the document a rule node defines, computed once per evaluation.
    fn ruleNodeValue(ev: *Eval, node: *const ir.Node, location: ir.Location) Error!?Value {
        const entry = &ev.cache[node.index];
        switch (entry.state) {
            .done => return entry.value,
            .computing => return ev.fail("rego_recursion_error", location, "rule {s} is recursive", .{node.path_text}),
            .empty => {},
        }
        entry.state = .computing;
        errdefer entry.state = .empty;
        const v = try ev.computeRuleNode(node);
        // `with` may have replaced the cache while computing; store into the current one.
        ev.cache[node.index] = .{ .state = .done, .value = v };
        return v;
    }

    fn computeRuleNode(ev: *Eval, node: *const ir.Node) Error!?Value {
        var own = try ev.computeOwnRules(node);
        // A complete value cannot be extended by rules below it.
        const own_is_complete = own != null and node.rules[0].path.len == 0 and node.rules[0].kind == .single_value;
        // Rules with deeper ground paths (`p.q.r := 1` beside `p[x] := ...`) add to the
        // same document; the same leaf defined twice with different values is a conflict.
        if (node.children.len > 0) {
            var path: std.ArrayList(Value) = .empty;
            for (node.children) |child| {
                const child_value = try ev.documentValue(child, null, &path) orelse continue;
                if (own_is_complete and !isEmptyObject(child_value)) {
                    return ev.fail("eval_conflict_error", node.rules[0].location, "object keys must be unique", .{});
                }
                const key: Value = .{ .string = child.key };
                const current: *const value_mod.Object = if (own) |o| switch (o) {
                    .object => |obj| obj,
                    else => return ev.fail("eval_conflict_error", node.rules[0].location, "object keys must be unique", .{}),
                } else &value_mod.Object.empty;
                // `existing` sits one level below the node: its structure (from the rules'
                // ref heads) ends where their values begin.
                const merged: Value = if (order.objectGet(current, key)) |existing|
                    try ev.mergeDocuments(existing, child_value, node.rules[0].location, maxRulePathLen(node) -| 1)
                else
                    child_value;
                own = .{ .object = try objectPut(ev.arena, current, key, merged) };
            }
        }
        return own;
    }

    /// The rules of an indexed node worth trying for this input, or null to try them all.
    fn indexedCandidates(ev: *Eval, node: *const ir.Node) Error!?std.DynamicBitSetUnmanaged {
        const index = node.rule_index orelse return null;
        // `with input as ...` replaces input: look it up the general way.
        for (ev.overrides.items) |o| if (o.target == .input) return null;
        var candidates = try std.DynamicBitSetUnmanaged.initEmpty(ev.arena, node.rules.len);
        for (index.unconditioned) |i| candidates.set(i);
        var v: ?Value = ev.input;
        for (index.path) |key| {
            v = lookup(v orelse break, key);
        }
        if (v) |value| {
            // Binary search among the buckets (sorted in OPA's order).
            var lo: usize = 0;
            var hi: usize = index.buckets.len;
            while (lo < hi) {
                const mid = lo + (hi - lo) / 2;
                switch (order.compare(index.buckets[mid].key, value)) {
                    .eq => {
                        for (index.buckets[mid].rules) |i| candidates.set(i);
                        break;
                    },
                    .lt => lo = mid + 1,
                    .gt => hi = mid,
                }
            }
        }
        return candidates;
    }

    /// Base data and a rule's value at the same path, as OPA merges them when a whole
    /// document is read: objects key by key, and otherwise the base value wins.
    fn mergeBaseVirtual(ev: *Eval, base: Value, virtual: Value) Error!Value {
        if (base != .object or virtual != .object) return base;
        var result = virtual.object;
        for (base.object.keys, base.object.values) |key, val| {
            const merged = if (order.objectGet(result, key)) |existing| try ev.mergeBaseVirtual(val, existing) else val;
            result = try objectPut(ev.arena, result, key, merged);
        }
        return .{ .object = result };
    }

    /// Merges a deeper rule's document `b` into `a`, whose first `structure_depth` levels are
    /// the objects made by ref heads: those merge key by key. Below them `a` is a rule's value,
    /// which other rules cannot extend (OPA's conflict), except sets of multi-value rules,
    /// which unite.
    fn mergeDocuments(ev: *Eval, a: Value, b: Value, location: ir.Location, structure_depth: usize) Error!Value {
        if (a == .object and b == .object and structure_depth > 0) {
            var result = a.object;
            for (b.object.keys, b.object.values) |key, val| {
                const merged = if (order.objectGet(result, key)) |existing| try ev.mergeDocuments(existing, val, location, structure_depth - 1) else val;
                result = try objectPut(ev.arena, result, key, merged);
            }
            return .{ .object = result };
        }
        if (a == .set and b == .set) {
            const items = try ev.arena.alloc(Value, a.set.items.len + b.set.items.len);
            @memcpy(items[0..a.set.items.len], a.set.items);
            @memcpy(items[a.set.items.len..], b.set.items);
            return .{ .set = try order.setFromUnsorted(ev.arena, items) };
        }
        if (order.equal(a, b)) return a;
        return ev.fail("eval_conflict_error", location, "object keys must be unique", .{});
    }

    /// How many levels of a node's document its rules' ref heads make (`p[q].r := v` makes 2).
    fn maxRulePathLen(node: *const ir.Node) usize {
        var max: usize = 0;
        for (node.rules) |rule| max = @max(max, rule.path.len);
        return max;
    }

    fn computeOwnRules(ev: *Eval, node: *const ir.Node) Error!?Value {
        const first = node.rules[0];
        var acc: RuleAccumulator = .{ .node = node };
        if (try ev.indexedCandidates(node)) |candidates| {
            // Only the rules whose indexed condition can hold, in their original order.
            for (node.rules, 0..) |rule, i| {
                if (rule.is_default) continue;
                if (!candidates.isSet(i)) continue;
                try ev.evalRuleChain(rule, &acc);
            }
        } else for (node.rules) |rule| {
            if (rule.is_default) continue;
            try ev.evalRuleChain(rule, &acc);
        }
        if (acc.result == null) {
            if (node.default_rule) |d| {
                const saved_file = ev.file_name;
                ev.file_name = d.file_name;
                defer ev.file_name = saved_file;
                return ev.evalHeadValueNoBody(d);
            }
            // A partial set or object with no members is empty, not undefined.
            if (first.kind == .multi_value and first.path.len == 0) return .{ .set = &value_mod.Set.empty };
            if (first.path.len > 0) return .{ .object = &value_mod.Object.empty };
            return null;
        }
        return acc.finish(ev);
    }

    fn evalHeadValueNoBody(ev: *Eval, rule: *const ir.Rule) Error!?Value {
        const frame = try ev.arena.alloc(?Value, rule.locals);
        @memset(frame, null);
        const saved = ev.frame;
        ev.frame = frame;
        defer ev.frame = saved;
        return ev.evalSingle(rule.value orelse return null);
    }

    /// Evaluates one rule and its else chain: the first branch that produces a value wins.
    fn evalRuleChain(ev: *Eval, rule: *const ir.Rule, acc: *RuleAccumulator) Error!void {
        var current: ?*const ir.Rule = rule;
        while (current) |r| : (current = r.else_rule) {
            const before = acc.count;
            try ev.evalRule(r, acc, r.else_rule != null or r != rule);
            if (acc.count > before) return;
        }
    }

    fn evalRule(ev: *Eval, rule: *const ir.Rule, acc: *RuleAccumulator, in_else_chain: bool) Error!void {
        const frame = try ev.arena.alloc(?Value, rule.locals);
        @memset(frame, null);
        const saved = ev.frame;
        const saved_file = ev.file_name;
        ev.frame = frame;
        ev.file_name = rule.file_name;
        defer {
            ev.frame = saved;
            ev.file_name = saved_file;
        }
        const head: HeadCollector = .{ .rule = rule, .acc = acc, .first_only = in_else_chain };
        ev.evalBody(rule.body, cont(&head)) catch |err| switch (err) {
            error.Stop => {},
            else => return err,
        };
    }

    const HeadCollector = struct {
        rule: *const ir.Rule,
        acc: *RuleAccumulator,
        first_only: bool,
        fn run(self: *const HeadCollector, ev: *Eval) Error!void {
            const r = self.rule;
            var terms: std.ArrayList(Term) = .empty;
            try terms.appendSlice(ev.arena, r.path);
            switch (r.kind) {
                .multi_value => try terms.append(ev.arena, r.key.?),
                else => try terms.append(ev.arena, r.value.?),
            }
            const values = try ev.arena.alloc(Value, terms.items.len);
            const record: RecordHead = .{ .rule = r, .acc = self.acc, .values = values };
            try ev.evalTerms(terms.items, values, 0, cont(&record));
            if (self.first_only and self.acc.count > 0) return error.Stop;
        }
    };

    const RecordHead = struct {
        rule: *const ir.Rule,
        acc: *RuleAccumulator,
        values: []Value,
        fn run(self: *const RecordHead, ev: *Eval) Error!void {
            return self.acc.add(ev, self.rule, try ev.arena.dupe(Value, self.values));
        }
    };

    const RuleAccumulator = struct {
        node: *const ir.Node,
        count: usize = 0,
        result: ?Value = null,
        /// For partial documents: (path ++ [value]) entries.
        entries: std.ArrayList([]const Value) = .empty,
        kinds: std.ArrayList(ir.RuleKind) = .empty,

        fn add(acc: *RuleAccumulator, ev: *Eval, rule: *const ir.Rule, values: []const Value) Error!void {
            acc.count += 1;
            if (rule.path.len == 0 and rule.kind != .multi_value) {
                const v = values[0];
                if (acc.result) |existing| {
                    if (!order.equal(existing, v)) {
                        return ev.fail("eval_conflict_error", rule.location, "complete rules must not produce multiple outputs", .{});
                    }
                    return;
                }
                acc.result = v;
                return;
            }
            try acc.entries.append(ev.arena, values);
            try acc.kinds.append(ev.arena, rule.kind);
            acc.result = .null; // marks "defined"
        }

        fn finish(acc: *RuleAccumulator, ev: *Eval) Error!?Value {
            if (acc.entries.items.len == 0) return acc.result;
            // Common shapes built in one step: a partial set, a partial object.
            var all_members = true;
            var all_pairs = true;
            for (acc.entries.items, acc.kinds.items) |entry, kind| {
                if (entry.len != 1) all_members = false;
                if (entry.len != 2 or kind == .multi_value) all_pairs = false;
            }
            if (all_members) {
                const items = try ev.arena.alloc(Value, acc.entries.items.len);
                for (acc.entries.items, 0..) |entry, i| items[i] = entry[0];
                return .{ .set = try order.setFromUnsorted(ev.arena, items) };
            }
            if (all_pairs) {
                const keys = try ev.arena.alloc(Value, acc.entries.items.len);
                const values = try ev.arena.alloc(Value, acc.entries.items.len);
                for (acc.entries.items, 0..) |entry, i| {
                    keys[i] = entry[0];
                    values[i] = entry[1];
                }
                const object = order.objectFromUnsorted(ev.arena, keys, values, .reject_conflicting, null) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.DuplicateKey => return ev.fail("eval_conflict_error", acc.node.rules[0].location, "object keys must be unique", .{}),
                };
                return .{ .object = object };
            }
            var doc: ?Value = null;
            for (acc.entries.items, acc.kinds.items) |entry, kind| {
                doc = try insertEntry(ev, doc, entry, kind, acc.node);
            }
            return doc;
        }
    };

    /// Adds one partial rule solution into the document being built.
    fn insertEntry(ev: *Eval, doc: ?Value, entry: []const Value, kind: ir.RuleKind, node: *const ir.Node) Error!Value {
        if (entry.len == 1) {
            // Multi-value rule without a path: a set member.
            assert(kind == .multi_value);
            const existing: []const Value = if (doc) |d| switch (d) {
                .set => |s| s.items,
                else => &.{},
            } else &.{};
            const items = try ev.arena.alloc(Value, existing.len + 1);
            @memcpy(items[0..existing.len], existing);
            items[existing.len] = entry[0];
            return .{ .set = try order.setFromUnsorted(ev.arena, items) };
        }
        const key = entry[0];
        const rest = entry[1..];
        const obj: *const value_mod.Object = if (doc) |d| switch (d) {
            .object => |o| o,
            else => return ev.fail("eval_conflict_error", .none, "rule {s} produces both a value and an object", .{node.path_text}),
        } else &value_mod.Object.empty;
        const current = order.objectGet(obj, key);
        var new_child: Value = undefined;
        if (rest.len == 1 and kind != .multi_value) {
            if (current) |c| {
                if (!order.equal(c, rest[0])) {
                    return ev.fail("eval_conflict_error", .none, "object keys must be unique", .{});
                }
                return .{ .object = obj };
            }
            new_child = rest[0];
        } else {
            if (current) |c| {
                if (c != .object and c != .set) return ev.fail("eval_conflict_error", .none, "object keys must be unique", .{});
            }
            new_child = try insertEntry(ev, current, rest, kind, node);
        }
        return .{ .object = try objectPut(ev.arena, obj, key, new_child) };
    }

    // -- calls ---------------------------------------------------------------------------

    fn evalCall(ev: *Eval, call: *const ir.Call, k: ValueCont) Error!void {
        const args = try ev.arena.alloc(Value, call.args.len);
        const invocation: Invoke = .{ .call = call, .args = args, .k = k };
        if (call.arg_order) |arg_order| return ev.evalTermsOrdered(call.args, args, arg_order, 0, cont(&invocation));
        return ev.evalTerms(call.args, args, 0, cont(&invocation));
    }

    /// Like `evalTerms`, visiting `terms` in `arg_order`.
    fn evalTermsOrdered(ev: *Eval, terms: []const Term, values: []Value, arg_order: []const u16, i: usize, k: Cont) Error!void {
        if (i == arg_order.len) return k.call(ev);
        const next: StoreOrdered = .{ .terms = terms, .values = values, .arg_order = arg_order, .i = i, .k = k };
        return ev.evalTerm(terms[arg_order[i]], vcont(&next));
    }

    const StoreOrdered = struct {
        terms: []const Term,
        values: []Value,
        arg_order: []const u16,
        i: usize,
        k: Cont,
        fn onValue(self: *const StoreOrdered, ev: *Eval, v: Value) Error!void {
            self.values[self.arg_order[self.i]] = v;
            return ev.evalTermsOrdered(self.terms, self.values, self.arg_order, self.i + 1, self.k);
        }
    };

    const Invoke = struct {
        call: *const ir.Call,
        args: []Value,
        k: ValueCont,
        fn run(self: *const Invoke, ev: *Eval) Error!void {
            const args = try ev.arena.dupe(Value, self.args);
            return ev.invoke(self.call, self.call.target, args, self.k);
        }
    };

    fn replacementFor(ev: *Eval, target: ir.CallTarget) ?usize {
        var i = ev.overrides.items.len;
        while (i > 0) {
            i -= 1;
            const o = &ev.overrides.items[i];
            if (!o.active) continue;
            const t = switch (o.target) {
                .function => |f| f,
                else => continue,
            };
            if (sameTarget(t, target)) return i;
        }
        return null;
    }

    fn invoke(ev: *Eval, call: *const ir.Call, target: ir.CallTarget, args: []const Value, k: ValueCont) Error!void {
        if (ev.overrides.items.len > 0) {
            if (ev.replacementFor(target)) |index| {
                const o = ev.overrides.items[index];
                if (o.replacement) |replacement| {
                    if (!sameTarget(replacement, target)) {
                        // Compute the replacement's value with this override off, then continue with it on.
                        // (Overrides are indexed, not pointed to: nested `with` may grow the list.)
                        // A mock does not call other mocks either: all function overrides are off inside it.
                        var result: ?Value = null;
                        const grab: FirstValue = .{ .out = &result };
                        const saved = try ev.arena.alloc(bool, ev.overrides.items.len);
                        for (ev.overrides.items, 0..) |*other, j| {
                            saved[j] = other.active;
                            if (other.target == .function) other.active = false;
                        }
                        const outcome = ev.invoke(call, replacement, args, vcont(&grab));
                        for (saved, 0..) |active, j| {
                            if (j < ev.overrides.items.len) ev.overrides.items[j].active = active;
                        }
                        outcome catch |err| switch (err) {
                            error.Stop => {},
                            else => return err,
                        };
                        return k.call(ev, result orelse return);
                    }
                } else return k.call(ev, o.value);
            }
        }
        switch (target) {
            .builtin => |b| {
                if (b.nondeterministic) {
                    for (ev.nondeterministic.items) |cached| {
                        if (cached.builtin == b and pathsEqual(cached.args, args)) return k.call(ev, cached.result);
                    }
                }
                ev.builtin_ctx.message.clearRetainingCapacity();
                const result = b.func(&ev.builtin_ctx, args) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    error.Undefined => return,
                    error.TypeError => return ev.recordBuiltinError("eval_type_error", call),
                    error.BuiltinError => return ev.recordBuiltinError("eval_builtin_error", call),
                };
                if (b.nondeterministic) {
                    try ev.nondeterministic.append(ev.arena, .{ .builtin = b, .args = args, .result = result });
                }
                return k.call(ev, result);
            },
            .function => |node| {
                const v = try ev.callFunction(node, args, call.location) orelse return;
                return k.call(ev, v);
            },
            // Compiled only because a `with` mocks it, but that mock is not in effect here.
            .unimplemented => |u| return ev.fail("eval_builtin_error", call.location, "unsupported builtin: {s}", .{u.name}),
            .special => |s| switch (s) {
                .member_2 => return k.call(ev, .{ .boolean = member(args[0], args[1]) }),
                .member_3 => return k.call(ev, .{ .boolean = member3(args[0], args[1], args[2]) }),
                .now_ns => return k.call(ev, .{ .number = .fromInt(ev.options.now_ns) }),
                // Reached only through `with` replacements: print is evaluated by evalPrint.
                .print => return k.call(ev, Value.true),
                .walk => return ev.walk(args[0], k),
            },
        }
    }

    /// `print(...)` never fails: each argument prints all its values (`<undefined>` for none),
    /// strings as they are and other values as Rego text, as OPA's print does.
    fn evalPrint(ev: *Eval, call: *const ir.Call, k: ValueCont) Error!void {
        if (ev.options.print_sink) |sink| {
            var line: std.ArrayList(u8) = .empty;
            for (call.args, 0..) |arg, i| {
                if (i > 0) try line.append(ev.arena, ' ');
                var values: std.ArrayList(Value) = .empty;
                const push: PushValue = .{ .list = &values };
                try ev.evalTerm(arg, vcont(&push));
                if (values.items.len == 0) try line.appendSlice(ev.arena, "<undefined>");
                for (values.items, 0..) |v, j| {
                    if (j > 0) try line.appendSlice(ev.arena, ", ");
                    try ev.appendTemplateValue(&line, v);
                }
            }
            try line.append(ev.arena, '\n');
            sink.writeAll(line.items) catch {};
            sink.flush() catch {};
        }
        return k.call(ev, Value.true);
    }

    fn walk(ev: *Eval, root: Value, k: ValueCont) Error!void {
        var path: std.ArrayList(Value) = .empty;
        return ev.walkInto(root, &path, k);
    }

    fn walkInto(ev: *Eval, v: Value, path: *std.ArrayList(Value), k: ValueCont) Error!void {
        const pair = try ev.arena.alloc(Value, 2);
        pair[0] = .{ .array = try ev.arena.dupe(Value, path.items) };
        pair[1] = v;
        try k.call(ev, .{ .array = pair });
        switch (v) {
            .array => |items| for (items, 0..) |item, i| {
                try path.append(ev.arena, .{ .number = .fromInt(@intCast(i)) });
                defer _ = path.pop();
                try ev.walkInto(item, path, k);
            },
            .object => |obj| for (obj.keys, obj.values) |key, val| {
                try path.append(ev.arena, key);
                defer _ = path.pop();
                try ev.walkInto(val, path, k);
            },
            .set => |set| for (set.items) |item| {
                try path.append(ev.arena, item);
                defer _ = path.pop();
                try ev.walkInto(item, path, k);
            },
            else => {},
        }
    }

    /// Calls a user function: every definition whose arguments match contributes its value.
    fn callFunction(ev: *Eval, node: *const ir.Node, args: []const Value, location: ir.Location) Error!?Value {
        if (ev.call_depth >= max_call_depth) {
            return ev.fail("eval_builtin_error", location, "maximum function call depth exceeded", .{});
        }
        ev.call_depth += 1;
        defer ev.call_depth -= 1;
        var result: ?Value = null;
        for (node.rules) |rule| {
            if (rule.is_default) continue;
            var current: ?*const ir.Rule = rule;
            while (current) |r| : (current = r.else_rule) {
                const v = try ev.callDefinition(r, args);
                if (v) |value| {
                    if (result) |existing| {
                        if (!order.equal(existing, value)) {
                            return ev.fail("eval_conflict_error", location, "functions must not produce multiple outputs for same inputs", .{});
                        }
                    }
                    result = value;
                    break;
                }
            }
        }
        if (result == null) {
            if (node.default_rule) |d| return ev.evalHeadValueNoBody(d);
        }
        return result;
    }

    fn callDefinition(ev: *Eval, rule: *const ir.Rule, args: []const Value) Error!?Value {
        const frame = try ev.arena.alloc(?Value, rule.locals);
        @memset(frame, null);
        const saved = ev.frame;
        const saved_file = ev.file_name;
        ev.frame = frame;
        ev.file_name = rule.file_name;
        defer {
            ev.frame = saved;
            ev.file_name = saved_file;
        }
        var outputs: std.ArrayList(Value) = .empty;
        const collect: CollectValue = .{ .term = rule.value orelse Term{ .value = Value.true }, .list = &outputs };
        const body: BodyThen = .{ .body = rule.body, .k = cont(&collect) };
        try ev.unifyArgs(rule.args, args, 0, cont(&body));
        if (outputs.items.len == 0) return null;
        const first = outputs.items[0];
        for (outputs.items[1..]) |other| {
            if (!order.equal(first, other)) {
                return ev.fail("eval_conflict_error", rule.location, "functions must not produce multiple outputs for same inputs", .{});
            }
        }
        return first;
    }

    const BodyThen = struct {
        body: ir.Body,
        k: Cont,
        fn run(self: *const BodyThen, ev: *Eval) Error!void {
            return ev.evalBody(self.body, self.k);
        }
    };

    fn unifyArgs(ev: *Eval, patterns: []const Term, args: []const Value, i: usize, k: Cont) Error!void {
        if (i == patterns.len) return k.call(ev);
        const next: NextArg = .{ .patterns = patterns, .args = args, .i = i, .k = k };
        return ev.unifyValue(patterns[i], args[i], cont(&next));
    }

    const NextArg = struct {
        patterns: []const Term,
        args: []const Value,
        i: usize,
        k: Cont,
        fn run(self: *const NextArg, ev: *Eval) Error!void {
            return ev.unifyArgs(self.patterns, self.args, self.i + 1, self.k);
        }
    };

    // -- unification -------------------------------------------------------------------

    fn unify(ev: *Eval, a: Term, b: Term, k: Cont) Error!void {
        const a_open = ev.hasUnboundPattern(a);
        const b_open = ev.hasUnboundPattern(b);
        if (!a_open) {
            const then: UnifyWith = .{ .pattern = b, .k = k };
            return ev.evalTerm(a, vcont(&then));
        }
        if (!b_open) {
            const then: UnifyWith = .{ .pattern = a, .k = k };
            return ev.evalTerm(b, vcont(&then));
        }
        // Both sides open: only composite patterns of the same shape can meet.
        switch (a) {
            .array => |xs| switch (b) {
                .array => |ys| {
                    if (xs.len != ys.len) return;
                    return ev.unifyPairs(xs, ys, 0, k);
                },
                else => return,
            },
            .object => |xs| switch (b) {
                .object => |ys| {
                    if (xs.len != ys.len) return;
                    var left: std.ArrayList(Term) = .empty;
                    var right: std.ArrayList(Term) = .empty;
                    for (xs) |x| {
                        const x_key = try ev.evalSingle(x.key) orelse return;
                        for (ys) |y| {
                            const y_key = try ev.evalSingle(y.key) orelse return;
                            if (order.equal(x_key, y_key)) {
                                try left.append(ev.arena, x.value);
                                try right.append(ev.arena, y.value);
                                break;
                            }
                        } else return;
                    }
                    return ev.unifyPairs(left.items, right.items, 0, k);
                },
                else => return,
            },
            else => return,
        }
    }

    fn unifyPairs(ev: *Eval, xs: []const Term, ys: []const Term, i: usize, k: Cont) Error!void {
        if (i == xs.len) return k.call(ev);
        const next: NextPair = .{ .xs = xs, .ys = ys, .i = i, .k = k };
        return ev.unify(xs[i], ys[i], cont(&next));
    }

    const NextPair = struct {
        xs: []const Term,
        ys: []const Term,
        i: usize,
        k: Cont,
        fn run(self: *const NextPair, ev: *Eval) Error!void {
            return ev.unifyPairs(self.xs, self.ys, self.i + 1, self.k);
        }
    };

    /// Matches a pattern term against a value, binding its unbound variables.
    fn unifyValue(ev: *Eval, pattern: Term, v: Value, k: Cont) Error!void {
        switch (pattern) {
            .local => |l| {
                if (ev.frame[l]) |bound| {
                    if (order.equal(bound, v)) return k.call(ev);
                    return;
                }
                ev.frame[l] = v;
                defer ev.frame[l] = null;
                return k.call(ev);
            },
            .array => |items| {
                if (!ev.hasUnboundPattern(pattern)) return ev.compareTerm(pattern, v, k);
                const values = switch (v) {
                    .array => |vs| vs,
                    else => return,
                };
                if (values.len != items.len) return;
                return ev.unifyValues(items, values, 0, k);
            },
            .object => |items| {
                if (!ev.hasUnboundPattern(pattern)) return ev.compareTerm(pattern, v, k);
                const obj = switch (v) {
                    .object => |o| o,
                    else => return,
                };
                if (obj.keys.len != items.len) return;
                const patterns = try ev.arena.alloc(Term, items.len);
                const values = try ev.arena.alloc(Value, items.len);
                for (items, 0..) |item, i| {
                    const key = try ev.evalSingle(item.key) orelse return;
                    values[i] = order.objectGet(obj, key) orelse return;
                    patterns[i] = item.value;
                }
                return ev.unifyValues(patterns, values, 0, k);
            },
            else => return ev.compareTerm(pattern, v, k),
        }
    }

    fn compareTerm(ev: *Eval, t: Term, v: Value, k: Cont) Error!void {
        const cmp: EqualThen = .{ .expected = v, .k = k };
        return ev.evalTerm(t, vcont(&cmp));
    }

    const EqualThen = struct {
        expected: Value,
        k: Cont,
        fn onValue(self: *const EqualThen, ev: *Eval, v: Value) Error!void {
            if (order.equal(self.expected, v)) return self.k.call(ev);
        }
    };

    fn unifyValues(ev: *Eval, patterns: []const Term, values: []const Value, i: usize, k: Cont) Error!void {
        if (i == patterns.len) return k.call(ev);
        const next: NextValue = .{ .patterns = patterns, .values = values, .i = i, .k = k };
        return ev.unifyValue(patterns[i], values[i], cont(&next));
    }

    const NextValue = struct {
        patterns: []const Term,
        values: []const Value,
        i: usize,
        k: Cont,
        fn run(self: *const NextValue, ev: *Eval) Error!void {
            return ev.unifyValues(self.patterns, self.values, self.i + 1, self.k);
        }
    };
};

// -- continuations -------------------------------------------------------------------------

pub const Cont = struct {
    ctx: *const anyopaque,
    func: *const fn (ctx: *const anyopaque, ev: *Eval) Error!void,

    pub fn call(k: Cont, ev: *Eval) Error!void {
        return k.func(k.ctx, ev);
    }
};

pub const ValueCont = struct {
    ctx: *const anyopaque,
    func: *const fn (ctx: *const anyopaque, ev: *Eval, v: Value) Error!void,

    pub fn call(k: ValueCont, ev: *Eval, v: Value) Error!void {
        return k.func(k.ctx, ev, v);
    }
};

/// A continuation from a pointer to a struct with `fn run(*const Self, *Eval) Error!void`.
fn cont(ptr: anytype) Cont {
    const T = @TypeOf(ptr.*);
    return .{ .ctx = ptr, .func = struct {
        fn call(c: *const anyopaque, ev: *Eval) Error!void {
            const self: *const T = @ptrCast(@alignCast(c));
            return self.run(ev);
        }
    }.call };
}

/// A value continuation from a pointer to a struct with `fn onValue(*const Self, *Eval, Value) Error!void`.
fn vcont(ptr: anytype) ValueCont {
    const T = @TypeOf(ptr.*);
    return .{ .ctx = ptr, .func = struct {
        fn call(c: *const anyopaque, ev: *Eval, v: Value) Error!void {
            const self: *const T = @ptrCast(@alignCast(c));
            return self.onValue(ev, v);
        }
    }.call };
}

// -- value helpers --------------------------------------------------------------------------

/// `v[key]`: object member, array element (integer index), or set member.
pub fn lookup(v: Value, key: Value) ?Value {
    switch (v) {
        .object => |obj| return order.objectGet(obj, key),
        .array => |items| {
            const n = switch (key) {
                .number => |num| num,
                else => return null,
            };
            const idx = n.toI64() orelse return null;
            if (!n.isInteger() or idx < 0 or idx >= items.len) return null;
            return items[@intCast(idx)];
        },
        .set => |set| return if (order.setContains(set, key)) key else null,
        else => return null,
    }
}

/// `lookup` with OPA's storage-path semantics for base data: path elements are strings.
fn lookupStore(arena: Allocator, v: Value, key: Value) Error!?Value {
    if (lookup(v, key)) |found| return found;
    switch (v) {
        .object => |obj| switch (key) {
            .number => |n| {
                var buffer: [20]u8 = undefined;
                const text = n.literal(&buffer);
                _ = arena;
                return order.objectGetString(obj, text);
            },
            else => return null,
        },
        .array => |items| switch (key) {
            .string => |s| {
                const idx = std.fmt.parseInt(usize, s, 10) catch return null;
                if (idx >= items.len) return null;
                return items[idx];
            },
            else => return null,
        },
        else => return null,
    }
}

fn member(x: Value, collection: Value) bool {
    switch (collection) {
        .array => |items| for (items) |item| {
            if (order.equal(item, x)) return true;
        },
        .object => |obj| for (obj.values) |item| {
            if (order.equal(item, x)) return true;
        },
        .set => |set| return order.setContains(set, x),
        else => {},
    }
    return false;
}

fn member3(key: Value, x: Value, collection: Value) bool {
    switch (collection) {
        .array, .object => {
            const v = lookup(collection, key) orelse return false;
            return order.equal(v, x);
        },
        .set => |set| return order.equal(key, x) and order.setContains(set, x),
        else => return false,
    }
}

fn isEmptyObject(v: Value) bool {
    return v == .object and v.object.keys.len == 0;
}

fn pathsEqual(a: []const Value, b: []const Value) bool {
    if (a.len != b.len) return false;
    for (a, b) |x, y| if (!order.equal(x, y)) return false;
    return true;
}

fn sameTarget(a: ir.CallTarget, b: ir.CallTarget) bool {
    return switch (a) {
        .builtin => |x| b == .builtin and x == b.builtin,
        .function => |x| b == .function and x == b.function,
        .special => |x| b == .special and x == b.special,
        .unimplemented => |x| b == .unimplemented and x == b.unimplemented,
    };
}

/// A copy of `obj` with `key` set to `v`.
fn objectPut(arena: Allocator, obj: *const value_mod.Object, key: Value, v: Value) Error!*const value_mod.Object {
    const keys = try arena.alloc(Value, obj.keys.len + 1);
    const values = try arena.alloc(Value, obj.keys.len + 1);
    @memcpy(keys[0..obj.keys.len], obj.keys);
    @memcpy(values[0..obj.keys.len], obj.values);
    keys[obj.keys.len] = key;
    values[obj.keys.len] = v;
    return order.objectFromUnsorted(arena, keys, values, .last_wins, null) catch |err| switch (err) {
        error.OutOfMemory => return error.OutOfMemory,
        error.DuplicateKey => return error.EvalError, // last_wins never reports duplicates
    };
}

/// `doc` with the value at `path` replaced by `v` (objects created along the way).
fn upsert(arena: Allocator, doc: ?Value, path: []const Value, v: Value) Error!Value {
    if (path.len == 0) return v;
    const obj: *const value_mod.Object = if (doc) |d| switch (d) {
        .object => |o| o,
        else => &value_mod.Object.empty,
    } else &value_mod.Object.empty;
    const child = order.objectGet(obj, path[0]);
    const new_child = try upsert(arena, child, path[1..], v);
    return .{ .object = try objectPut(arena, obj, path[0], new_child) };
}
