//! Compiles parsed modules into the rule tree and IR the evaluator runs.
//!
//! Passes, as OPA's compiler orders them where it matters:
//!   1. collect every rule under its path (package ++ ground prefix of the head ref),
//!   2. freeze the tree (children sorted, one ir.Node per path),
//!   3. compile rule bodies: resolve names (locals, imports, rules of the package,
//!      builtins), fold constants, reorder each body for safety and report unsafe
//!      variables, check arities,
//!   4. check recursion between rules.
//! Everything is allocated in one arena owned by the caller (the engine keeps it
//! with the program); nothing here is freed piecemeal.
const std = @import("std");
const Allocator = std.mem.Allocator;
const assert = std.debug.assert;

const ast = @import("ast.zig");
const ir = @import("ir.zig");
const parser = @import("parser.zig");
const value_mod = @import("../value/mod.zig");
const number = value_mod.number;
const order = value_mod.order;
const registry = @import("../builtins/registry.zig");
const opa_builtins = @import("../builtins/opa_names.zig");

const Value = value_mod.Value;
pub const Diagnostic = parser.Diagnostic;
pub const Error = error{ OutOfMemory, CompileError };

pub const SourceModule = struct {
    file_name: []const u8,
    source: []const u8,
    module: ast.Module,
};

pub const Program = struct {
    root: *const ir.Node,
    node_count: u32,
};

/// A node while the tree is being collected (mutable; frozen into ir.Node).
const BuildNode = struct {
    key: []const u8,
    path_text: []const u8,
    children: std.StringArrayHashMapUnmanaged(*BuildNode) = .empty,
    rules: std.ArrayList(RuleSource) = .empty,
    frozen: ?*ir.Node = null,
};

const RuleSource = struct {
    module: *const SourceModule,
    package_node: *BuildNode,
    rule: *const ast.Rule,
    /// Head ref terms after the node path.
    extra: []const ast.Term,
};

pub const Compiler = struct {
    arena: Allocator,
    diagnostics: *std.ArrayList(Diagnostic),
    root: *BuildNode,
    node_count: u32 = 0,
    /// Per package (path text) the first segments of its rule heads: what a bare name resolves to.
    package_rules: std.StringHashMapUnmanaged(std.StringHashMapUnmanaged(void)) = .empty,
    /// Names of unimplemented builtins that some `with` replaces, and the calls to them: such
    /// a call compiles only when its builtin is mocked somewhere (see `opa_names.unimplemented`).
    mocked: std.StringHashMapUnmanaged(void) = .empty,
    unimplemented_calls: std.ArrayList(UnimplementedCall) = .empty,

    const UnimplementedCall = struct { name: []const u8, file: []const u8, location: ast.Location };

    pub fn init(arena: Allocator, diagnostics: *std.ArrayList(Diagnostic)) Error!Compiler {
        const root = try arena.create(BuildNode);
        root.* = .{ .key = "data", .path_text = "data" };
        return .{ .arena = arena, .diagnostics = diagnostics, .root = root };
    }

    /// Compiles all modules together. On error.CompileError the reasons are in `diagnostics`.
    pub fn compileModules(c: *Compiler, modules: []const SourceModule) Error!Program {
        for (modules) |*module| try c.collect(module);
        const root = try c.freeze(c.root);
        if (c.diagnostics.items.len > 0) return error.CompileError;
        try c.compileNode(c.root);
        try c.checkUnimplementedCalls();
        if (c.diagnostics.items.len > 0) return error.CompileError;
        try c.checkRecursion(root);
        if (c.diagnostics.items.len > 0) return error.CompileError;
        return .{ .root = root, .node_count = c.node_count };
    }

    // -- pass 1: collect -----------------------------------------------------

    fn collect(c: *Compiler, module: *const SourceModule) Error!void {
        var node = c.root;
        const package_path = module.module.package.path;
        for (package_path[1..]) |segment| {
            const key = switch (segment.value) {
                .string => |s| s,
                else => return c.fail(module.file_name, segment.location, "rego_parse_error", "package path must be a ref of strings", .{}),
            };
            node = try c.childOf(node, key);
        }
        const package_node = node;
        const names = try c.package_rules.getOrPut(c.arena, package_node.path_text);
        if (!names.found_existing) names.value_ptr.* = .empty;

        for (module.module.rules) |*rule| {
            const head = rule.head;
            var target = package_node;
            const first = switch (head.ref[0].value) {
                .variable => |v| v,
                else => return c.fail(module.file_name, head.location, "rego_parse_error", "rule head must start with a name", .{}),
            };
            try names.value_ptr.put(c.arena, first, {});
            target = try c.childOf(target, first);
            var i: usize = 1;
            // Ground string segments extend the path; a multi-value rule's last segment
            // stays the set's own node (`a.b contains x` lives at a.b).
            while (i < head.ref.len) : (i += 1) {
                const key = switch (head.ref[i].value) {
                    .string => |s| s,
                    else => break,
                };
                target = try c.childOf(target, key);
            }
            try target.rules.append(c.arena, .{
                .module = module,
                .package_node = package_node,
                .rule = rule,
                .extra = head.ref[i..],
            });
        }
    }

    fn childOf(c: *Compiler, node: *BuildNode, key: []const u8) Error!*BuildNode {
        const entry = try node.children.getOrPut(c.arena, key);
        if (!entry.found_existing) {
            const child = try c.arena.create(BuildNode);
            child.* = .{ .key = key, .path_text = try std.fmt.allocPrint(c.arena, "{s}.{s}", .{ node.path_text, key }) };
            entry.value_ptr.* = child;
        }
        return entry.value_ptr.*;
    }

    // -- pass 2: freeze -------------------------------------------------------

    fn freeze(c: *Compiler, build: *BuildNode) Error!*ir.Node {
        const node = try c.arena.create(ir.Node);
        build.frozen = node;
        const keys = build.children.keys();
        const sorted = try c.arena.dupe([]const u8, keys);
        std.mem.sort([]const u8, sorted, {}, lessString);
        const children = try c.arena.alloc(*ir.Node, sorted.len);
        for (sorted, 0..) |key, i| children[i] = try c.freeze(build.children.get(key).?);
        node.* = .{
            .key = build.key,
            .path_text = build.path_text,
            .children = children,
            .rules = &.{},
            .index = c.node_count,
            .function_arity = functionArity(build),
            .has_rules = build.rules.items.len > 0,
        };
        c.node_count += 1;
        c.checkRuleKinds(build) catch |err| switch (err) {
            error.CompileError => {}, // recorded; keep freezing to report every conflict
            else => return err,
        };
        return node;
    }

    fn functionArity(build: *const BuildNode) ?u32 {
        for (build.rules.items) |source| {
            if (source.rule.head.args) |args| return @intCast(args.len);
        }
        return null;
    }

    fn lessString(_: void, a: []const u8, b: []const u8) bool {
        return std.mem.order(u8, a, b) == .lt;
    }

    fn checkRuleKinds(c: *Compiler, build: *BuildNode) Error!void {
        if (build.rules.items.len == 0) return;
        const first = build.rules.items[0];
        const first_function = first.rule.head.args != null;
        var defaults: u32 = 0;
        for (build.rules.items) |source| {
            const head = source.rule.head;
            const is_function = head.args != null;
            if (is_function != first_function) {
                return c.fail(source.module.file_name, head.location, "rego_type_error", "conflicting rules {s} found", .{build.path_text});
            }
            if (is_function and first_function and head.args.?.len != first.rule.head.args.?.len) {
                return c.fail(source.module.file_name, head.location, "rego_type_error", "conflicting rules {s} found", .{build.path_text});
            }
            if (source.rule.default) defaults += 1;
        }
        if (defaults > 1) {
            const source = build.rules.items[build.rules.items.len - 1];
            return c.fail(source.module.file_name, source.rule.location, "rego_type_error", "multiple default rules {s} found", .{build.path_text});
        }
        if (build.children.count() > 0 and build.rules.items.len > 0) {
            // A rule with a value and rules below it: OPA rejects unless the rule is a
            // partial (object/set) with a dynamic key.
            for (build.rules.items) |source| {
                if (source.extra.len == 0 and source.rule.head.key == null and source.rule.head.args == null) {
                    return c.fail(source.module.file_name, source.rule.head.location, "rego_type_error", "rule {s} conflicts with [{s}]", .{ build.path_text, firstChildPath(build) });
                }
            }
        }
    }

    fn firstChildPath(build: *BuildNode) []const u8 {
        const values = build.children.values();
        return if (values.len > 0) values[0].path_text else "";
    }

    // -- pass 3: compile rules --------------------------------------------------

    fn compileNode(c: *Compiler, build: *BuildNode) Error!void {
        const node = build.frozen.?;
        if (build.rules.items.len > 0) {
            const rules = try c.arena.alloc(*const ir.Rule, build.rules.items.len);
            var default_rule: ?*const ir.Rule = null;
            for (build.rules.items, 0..) |source, i| {
                const rule = try c.compileRule(source);
                rules[i] = rule;
                if (rule.is_default) default_rule = rule;
            }
            node.rules = rules;
            node.default_rule = default_rule;
            node.rule_index = try c.buildRuleIndex(rules);
        }
        for (build.children.values()) |child| try c.compileNode(child);
    }

    /// Indexes a node's rules on the input path most of them compare with a constant.
    fn buildRuleIndex(c: *Compiler, rules: []const *const ir.Rule) Error!?*const ir.RuleIndex {
        const min_rules = 4;
        if (rules.len < min_rules or rules[0].kind == .function) return null;
        // Each rule's first usable condition: (path, constant).
        const conditions = try c.arena.alloc(?Condition, rules.len);
        for (rules, 0..) |rule, i| conditions[i] = if (rule.is_default or rule.else_rule != null) null else firstCondition(rule.body);
        // The path used by the most rules.
        var best: ?[]const ir.Term = null;
        var best_count: usize = 0;
        for (conditions) |candidate| {
            const cond = candidate orelse continue;
            var count: usize = 0;
            for (conditions) |other| {
                if (other) |o| if (pathsEqualTerms(o.path, cond.path)) {
                    count += 1;
                };
            }
            if (count > best_count) {
                best = cond.path;
                best_count = count;
            }
        }
        const path = best orelse return null;
        if (best_count < min_rules / 2) return null;
        var keys: std.ArrayList(Value) = .empty;
        var unconditioned: std.ArrayList(u32) = .empty;
        for (rules, 0..) |rule, i| {
            if (rule.is_default) continue;
            const cond = conditionOn(rule, path) orelse {
                try unconditioned.append(c.arena, @intCast(i));
                continue;
            };
            try keys.append(c.arena, cond);
        }
        const sorted = try order.setFromUnsorted(c.arena, keys.items);
        const buckets = try c.arena.alloc(ir.RuleIndex.Bucket, sorted.items.len);
        for (sorted.items, 0..) |key, b| {
            var members: std.ArrayList(u32) = .empty;
            for (rules, 0..) |rule, i| {
                if (rule.is_default) continue;
                const cond = conditionOn(rule, path) orelse continue;
                if (order.equal(cond, key)) try members.append(c.arena, @intCast(i));
            }
            buckets[b] = .{ .key = key, .rules = members.items };
        }
        const path_values = try c.arena.alloc(Value, path.len);
        for (path, 0..) |p, i| path_values[i] = p.value;
        const index = try c.arena.create(ir.RuleIndex);
        index.* = .{ .path = path_values, .buckets = buckets, .unconditioned = unconditioned.items };
        return index;
    }

    const Condition = struct { path: []const ir.Term, value: Value };

    /// The constant a rule's body requires `input.<path>` to equal, if any (first such expression).
    fn conditionOn(rule: *const ir.Rule, path: []const ir.Term) ?Value {
        if (rule.else_rule != null) return null;
        for (rule.body) |expr| {
            const cond = exprCondition(expr) orelse continue;
            if (pathsEqualTerms(cond.path, path)) return cond.value;
        }
        return null;
    }

    fn firstCondition(body: ir.Body) ?Condition {
        for (body) |expr| if (exprCondition(expr)) |cond| return cond;
        return null;
    }

    /// `input.a.b == "c"`, `"c" == input.a.b`, `input.a.b = "c"` (not negated, no `with`).
    fn exprCondition(expr: ir.Expr) ?Condition {
        if (expr.negated or expr.with.len > 0) return null;
        var lhs: ir.Term = undefined;
        var rhs: ir.Term = undefined;
        switch (expr.kind) {
            .unify => |u| {
                lhs = u.a;
                rhs = u.b;
            },
            .term => |t| {
                const call = switch (t) {
                    .call => |call| call,
                    else => return null,
                };
                const b = switch (call.target) {
                    .builtin => |b| b,
                    else => return null,
                };
                if (!std.mem.eql(u8, b.name, "equal") or call.args.len != 2) return null;
                lhs = call.args[0];
                rhs = call.args[1];
            },
            else => return null,
        }
        if (inputPath(lhs)) |path| if (scalarConstant(rhs)) |v| return .{ .path = path, .value = v };
        if (inputPath(rhs)) |path| if (scalarConstant(lhs)) |v| return .{ .path = path, .value = v };
        return null;
    }

    fn inputPath(t: ir.Term) ?[]const ir.Term {
        const ref = switch (t) {
            .ref => |r| r,
            else => return null,
        };
        if (ref.head != .input or ref.path.len == 0) return null;
        for (ref.path) |p| {
            if (p != .value or p.value != .string) return null;
        }
        return ref.path;
    }

    fn scalarConstant(t: ir.Term) ?Value {
        const v = switch (t) {
            .value => |v| v,
            else => return null,
        };
        return switch (v) {
            .null, .boolean, .number, .string => v,
            else => null,
        };
    }

    fn pathsEqualTerms(a: []const ir.Term, b: []const ir.Term) bool {
        if (a.len != b.len) return false;
        for (a, b) |x, y| if (!std.mem.eql(u8, x.value.string, y.value.string)) return false;
        return true;
    }

    fn compileRule(c: *Compiler, source: RuleSource) Error!*const ir.Rule {
        var rc: RuleCompiler = .{ .c = c, .source = source };
        return rc.compileRuleChain(source.rule);
    }

    /// Compiles an ad-hoc query against a compiled program.
    pub fn compileQuery(c: *Compiler, body: ast.Body, file_name: []const u8, source_text: []const u8) Error!ir.Query {
        const module: *SourceModule = try c.arena.create(SourceModule);
        module.* = .{
            .file_name = file_name,
            .source = source_text,
            .module = .{ .file = 0, .package = .{ .path = &.{}, .location = .none }, .imports = &.{}, .rules = &.{} },
        };
        var rc: RuleCompiler = .{ .c = c, .source = .{ .module = module, .package_node = c.root, .rule = undefined, .extra = &.{} } };
        rc.is_query = true;
        // This compiler is a copy shared with other queries: own its mock bookkeeping.
        c.mocked = try c.mocked.clone(c.arena);
        c.unimplemented_calls = .empty;
        var scope: Scope = .{ .parent = null, .depth = 0 };
        const compiled = try rc.compileBody(&scope, body);
        try c.checkUnimplementedCalls();
        if (c.diagnostics.items.len > 0) return error.CompileError;
        // Terms (other than plain variables) report their value, even `false`, as OPA's
        // query rewriting does; the capture local is a generated name, so it is no binding.
        // With several expressions, or iteration, a captured `false` still filters the row:
        // a generated truth test follows (as OPA's rewriting appends one).
        var captured: std.ArrayList(ir.Expr) = .empty;
        try captured.appendSlice(c.arena, compiled);
        var checks: std.ArrayList(ir.Expr) = .empty;
        for (captured.items) |*expr| {
            if (expr.negated) continue;
            const t = switch (expr.kind) {
                .term => |t| t,
                else => continue,
            };
            if (t == .local) continue;
            const local = try rc.declare(&scope, "$capture");
            expr.kind = .{ .unify = .{ .a = .{ .local = local }, .b = t } };
            expr.capture = local;
            if (compiled.len > 1 or termIterates(t)) {
                try checks.append(c.arena, .{ .kind = .{ .term = .{ .local = local } }, .location = expr.location, .generated = true });
            }
        }
        try captured.appendSlice(c.arena, checks.items);
        var bindings: std.ArrayList(ir.Query.Binding) = .empty;
        for (rc.local_names.items, 0..) |name, i| {
            if (rc.local_depth.items[i] != 0) continue;
            if (isGenerated(name)) continue;
            try bindings.append(c.arena, .{ .name = name, .local = @intCast(i) });
        }
        return .{ .body = captured.items, .locals = rc.locals, .bindings = bindings.items };
    }

    fn checkUnimplementedCalls(c: *Compiler) Error!void {
        for (c.unimplemented_calls.items) |call| {
            if (c.mocked.contains(call.name)) continue;
            _ = c.fail(call.file, call.location, "rego_type_error", "unsupported builtin: {s}", .{call.name}) catch {};
        }
    }

    fn fail(c: *Compiler, file: []const u8, location: ast.Location, code: []const u8, comptime fmt: []const u8, args: anytype) Error {
        const message = try std.fmt.allocPrint(c.arena, fmt, args);
        try c.diagnostics.append(c.arena, .{
            .code = code,
            .message = message,
            .file = file,
            .row = location.row,
            .col = location.col,
            .offset = location.offset,
        });
        return error.CompileError;
    }

    // -- pass 4: recursion ------------------------------------------------------

    fn checkRecursion(c: *Compiler, root: *const ir.Node) Error!void {
        const state = try c.arena.alloc(u8, c.node_count);
        @memset(state, 0);
        var stack: std.ArrayList(*const ir.Node) = .empty;
        try c.visitRecursion(root, state, &stack);
    }

    fn visitRecursion(c: *Compiler, node: *const ir.Node, state: []u8, stack: *std.ArrayList(*const ir.Node)) Error!void {
        if (node.rules.len > 0) try c.visitRuleNode(node, state, stack);
        for (node.children) |child| try c.visitRecursion(child, state, stack);
    }

    fn visitRuleNode(c: *Compiler, node: *const ir.Node, state: []u8, stack: *std.ArrayList(*const ir.Node)) Error!void {
        switch (state[node.index]) {
            2 => return,
            1 => {
                var path: std.ArrayList(u8) = .empty;
                var start: usize = 0;
                for (stack.items, 0..) |n, i| {
                    if (n == node) start = i;
                }
                for (stack.items[start..]) |n| {
                    try path.appendSlice(c.arena, n.path_text);
                    try path.appendSlice(c.arena, " -> ");
                }
                try path.appendSlice(c.arena, node.path_text);
                const rule = node.rules[0];
                _ = c.fail(rule.file_name, rule.location, "rego_recursion_error", "rule {s} is recursive: {s}", .{ node.path_text, path.items }) catch {};
                return;
            },
            else => {},
        }
        state[node.index] = 1;
        try stack.append(c.arena, node);
        var deps: std.ArrayList(*const ir.Node) = .empty;
        for (node.rules) |rule| {
            var r: ?*const ir.Rule = rule;
            while (r) |current| : (r = current.else_rule) try collectRuleDeps(c, current, &deps);
        }
        for (deps.items) |dep| {
            try c.visitDependency(dep, state, stack);
            if (c.diagnostics.items.len > 0) break;
        }
        _ = stack.pop();
        state[node.index] = 2;
    }

    fn visitDependency(c: *Compiler, node: *const ir.Node, state: []u8, stack: *std.ArrayList(*const ir.Node)) Error!void {
        if (node.rules.len > 0) try c.visitRuleNode(node, state, stack);
        for (node.children) |child| {
            try c.visitDependency(child, state, stack);
            if (c.diagnostics.items.len > 0) return;
        }
    }
};

fn collectRuleDeps(c: *Compiler, rule: *const ir.Rule, deps: *std.ArrayList(*const ir.Node)) Error!void {
    var walker: DepWalker = .{ .c = c, .deps = deps };
    for (rule.path) |t| try walker.term(t);
    if (rule.key) |k| try walker.term(k);
    if (rule.value) |v| try walker.term(v);
    for (rule.args) |t| try walker.term(t);
    try walker.body(rule.body);
}

/// Finds the rule nodes a rule's body refers to (statically: ground prefixes of data refs, function calls).
const DepWalker = struct {
    c: *Compiler,
    deps: *std.ArrayList(*const ir.Node),

    fn body(w: *DepWalker, exprs: ir.Body) Error!void {
        for (exprs) |expr| {
            switch (expr.kind) {
                .term => |t| try w.term(t),
                .unify => |u| {
                    try w.term(u.a);
                    try w.term(u.b);
                },
                .call_output => |co| {
                    try w.call(co.call);
                    try w.term(co.output);
                },
                .member => |m| {
                    if (m.key) |k| try w.term(k);
                    try w.term(m.value);
                    try w.term(m.collection);
                },
                .every => |e| {
                    try w.term(e.domain);
                    try w.body(e.body);
                },
                .not_body => |b| try w.body(b),
                .logical => |l| {
                    try w.body(l.lhs);
                    try w.body(l.rhs);
                },
            }
            for (expr.with) |with| try w.term(with.value);
        }
    }

    fn call(w: *DepWalker, call_ptr: *const ir.Call) Error!void {
        switch (call_ptr.target) {
            .function => |node| try w.deps.append(w.c.arena, node),
            else => {},
        }
        for (call_ptr.args) |a| try w.term(a);
    }

    fn term(w: *DepWalker, t: ir.Term) Error!void {
        switch (t) {
            .value, .local => {},
            .ref => |ref| {
                switch (ref.head) {
                    .data => {
                        var node: *const ir.Node = w.c.root.frozen.?;
                        var reached = true;
                        for (ref.path) |p| {
                            const key = switch (p) {
                                .value => |v| switch (v) {
                                    .string => |s| s,
                                    else => break,
                                },
                                else => break,
                            };
                            node = node.child(key) orelse {
                                reached = false;
                                break;
                            };
                            if (node.rules.len > 0) break;
                        }
                        if (reached and node != w.c.root.frozen.?) try w.deps.append(w.c.arena, node);
                    },
                    .term => |head| try w.term(head.*),
                    else => {},
                }
                for (ref.path) |p| try w.term(p);
            },
            .array, .set => |items| for (items) |item| try w.term(item),
            .object => |items| for (items) |item| {
                try w.term(item.key);
                try w.term(item.value);
            },
            .array_comprehension, .set_comprehension, .object_comprehension => |comp| {
                try w.term(comp.key);
                try w.term(comp.value);
                try w.body(comp.body);
            },
            .call => |call_ptr| try w.call(call_ptr),
            .template => |parts| for (parts) |part| switch (part) {
                .term => |pt| try w.term(pt),
                .values => |comp| {
                    try w.term(comp.value);
                    try w.body(comp.body);
                },
                .literal => {},
            },
        }
    }
};

/// Variable names an expression mentions, outside `not { ... }` bodies.
fn collectExprNames(arena: Allocator, expr: *const ast.Expr, names: *std.StringHashMapUnmanaged(void)) Error!void {
    switch (expr.terms) {
        .term => |t| try collectTermNames(arena, t, names),
        .call => |call| for (call) |t| try collectTermNames(arena, t, names),
        .some => |some| for (some.symbols) |t| try collectTermNames(arena, t, names),
        .every => |every| try collectTermNames(arena, every.domain, names),
        .not, .logical_and, .logical_or => {},
    }
    for (expr.with) |w| try collectTermNames(arena, w.value, names);
}

fn collectTermNames(arena: Allocator, t: ast.Term, names: *std.StringHashMapUnmanaged(void)) Error!void {
    switch (t.value) {
        .variable => |v| try names.put(arena, v, {}),
        .ref, .array, .set, .call => |items| for (items) |item| try collectTermNames(arena, item, names),
        .object => |items| for (items) |item| {
            try collectTermNames(arena, item.key, names);
            try collectTermNames(arena, item.value, names);
        },
        else => {},
    }
}

/// Whether evaluating the term enumerates (a ref with a variable in its path, anywhere in it).
fn termIterates(t: ir.Term) bool {
    return switch (t) {
        .ref => |ref| blk: {
            for (ref.path) |p| if (p != .value) break :blk true;
            break :blk switch (ref.head) {
                .term => |head| termIterates(head.*),
                else => false,
            };
        },
        .array, .set => |items| for (items) |item| {
            if (termIterates(item)) break true;
        } else false,
        .object => |items| for (items) |item| {
            if (termIterates(item.key) or termIterates(item.value)) break true;
        } else false,
        .call => |call| for (call.args) |a| {
            if (termIterates(a)) break true;
        } else false,
        else => false,
    };
}

/// Refs first when some ref comes after another kind of argument; null for left to right.
fn argOrder(arena: Allocator, args: []const ir.Term) Error!?[]const u16 {
    var seen_other = false;
    var needs = false;
    for (args) |a| {
        if (a == .ref) {
            if (seen_other) needs = true;
        } else seen_other = true;
    }
    if (!needs) return null;
    const order_list = try arena.alloc(u16, args.len);
    var n: usize = 0;
    for (args, 0..) |a, i| if (a == .ref) {
        order_list[n] = @intCast(i);
        n += 1;
    };
    for (args, 0..) |a, i| if (a != .ref) {
        order_list[n] = @intCast(i);
        n += 1;
    };
    return order_list;
}

fn isGenerated(name: []const u8) bool {
    return name.len > 0 and (name[0] == '$' or std.mem.startsWith(u8, name, "__local"));
}

/// A lexical scope: a rule body, a comprehension body, an `every` body.
const Scope = struct {
    parent: ?*Scope,
    depth: u32,
    names: std.StringHashMapUnmanaged(ir.Local) = .empty,
    /// Locals bound before the body runs: function arguments, `every` key and value.
    prebound: std.ArrayList(ir.Local) = .empty,
    /// A `not { ... }` body: names it uses without declaring them that the enclosing body also
    /// uses (outside its own `not` bodies) belong to the enclosing body.
    transparent: bool = false,
    /// The variable names the body of this scope uses outside `not { ... }` bodies.
    body_names: std.StringHashMapUnmanaged(void) = .empty,

    fn lookup(scope: *const Scope, name: []const u8) ?ir.Local {
        var s: ?*const Scope = scope;
        while (s) |current| : (s = current.parent) {
            if (current.names.get(name)) |local| return local;
        }
        return null;
    }
};

/// Compiles one rule (and its else chain) or one query: owns the frame layout.
const RuleCompiler = struct {
    c: *Compiler,
    source: RuleSource,
    is_query: bool = false,
    locals: u32 = 0,
    local_names: std.ArrayList([]const u8) = .empty,
    local_depth: std.ArrayList(u32) = .empty,
    /// Variables generated for the dynamic terms of negated expressions, so far.
    hoisted: u32 = 0,

    fn file(rc: *RuleCompiler) []const u8 {
        return rc.source.module.file_name;
    }

    fn fail(rc: *RuleCompiler, location: ast.Location, code: []const u8, comptime fmt: []const u8, args: anytype) Error {
        return rc.c.fail(rc.file(), location, code, fmt, args);
    }

    fn compileRuleChain(rc: *RuleCompiler, rule: *const ast.Rule) Error!*const ir.Rule {
        const compiled = try rc.c.arena.create(ir.Rule);
        rc.locals = 0;
        rc.local_names = .empty;
        rc.local_depth = .empty;
        var scope: Scope = .{ .parent = null, .depth = 0 };
        const head = rule.head;

        // Function arguments are patterns bound by the call.
        var args: []ir.Term = &.{};
        var source_body = rule.body;
        if (head.args) |head_args| {
            args = try rc.c.arena.alloc(ir.Term, head_args.len);
            for (head_args, 0..) |a, i| {
                if (a.value == .template_string) {
                    // `f($"{x}")`: not a pattern but a value computed from the body's variables.
                    // As OPA, the argument becomes a fresh variable and the body compares it.
                    const name = try std.fmt.allocPrint(rc.c.arena, "__targ{d}__", .{i});
                    const arg_var: ast.Term = .{ .value = .{ .variable = name }, .location = a.location };
                    args[i] = .{ .local = try rc.declare(&scope, name) };
                    source_body = try appendEquality(rc.c.arena, source_body, arg_var, a);
                } else args[i] = try rc.compilePatternDeclaring(&scope, a);
            }
            for (0..rc.locals) |l| try scope.prebound.append(rc.c.arena, @intCast(l));
        }
        const body = try rc.compileBody(&scope, source_body);
        // Head terms see the body's variables.
        var kind: ir.RuleKind = if (head.args != null) .function else .single_value;
        var key: ?ir.Term = null;
        var path: []ir.Term = undefined;
        if (head.value != null and head.key != null and rc.source.extra.len == 0 and head.ref.len == 1) {
            // `p[k] := v` with the key kept apart from the ref: the key is the path.
            path = try rc.c.arena.alloc(ir.Term, 1);
            path[0] = try rc.compileTerm(&scope, head.key.?);
        } else {
            path = try rc.c.arena.alloc(ir.Term, rc.source.extra.len);
            for (rc.source.extra, 0..) |t, i| path[i] = try rc.compileTerm(&scope, t);
        }
        if (head.value == null) {
            kind = .multi_value;
            key = try rc.compileTerm(&scope, head.key.?);
        }
        const value: ?ir.Term = if (head.value) |v| try rc.compileTerm(&scope, v) else null;
        // Vars in the head must be bound by the body (or be arguments).
        try rc.checkHeadSafety(&scope, rule, body, args, path, key, value);

        var else_rule: ?*const ir.Rule = null;
        if (rule.else_rule) |next| {
            var next_compiler: RuleCompiler = .{ .c = rc.c, .source = rc.source };
            else_rule = try next_compiler.compileRuleChain(next);
        }
        compiled.* = .{
            .kind = kind,
            .is_default = rule.default,
            .path = path,
            .key = key,
            .value = value,
            .args = args,
            .body = body,
            .locals = rc.locals,
            .else_rule = else_rule,
            .location = rule.location,
            .file_name = rc.file(),
        };
        return compiled;
    }

    /// `body` followed by `lhs = rhs`.
    fn appendEquality(arena: Allocator, body: ast.Body, lhs: ast.Term, rhs: ast.Term) Error!ast.Body {
        const out = try arena.alloc(ast.Expr, body.len + 1);
        @memcpy(out[0..body.len], body);
        out[body.len] = try equalityExpr(arena, lhs, rhs, @intCast(body.len));
        return out;
    }

    /// The expression `lhs = rhs`, at position `index` of its body.
    fn equalityExpr(arena: Allocator, lhs: ast.Term, rhs: ast.Term, index: u32) Error!ast.Expr {
        const operator = try arena.alloc(ast.Term, 1);
        operator[0] = .{ .value = .{ .variable = "eq" }, .location = rhs.location };
        const call = try arena.alloc(ast.Term, 3);
        call[0] = .{ .value = .{ .ref = operator }, .location = rhs.location };
        call[1] = lhs;
        call[2] = rhs;
        return .{ .index = index, .negated = false, .location = rhs.location, .with = &.{}, .terms = .{ .call = call } };
    }

    fn checkHeadSafety(
        rc: *RuleCompiler,
        scope: *Scope,
        rule: *const ast.Rule,
        body: ir.Body,
        args: []const ir.Term,
        path: []const ir.Term,
        key: ?ir.Term,
        value: ?ir.Term,
    ) Error!void {
        _ = scope;
        var bound: std.DynamicBitSetUnmanaged = try .initEmpty(rc.c.arena, rc.locals);
        for (args) |a| try collectLocals(a, &bound);
        var analysis: Safety = .{ .rc = rc, .depth = 0 };
        for (body) |expr| {
            const io = try analysis.exprIo(expr);
            var it = io.outputs.iterator(.{});
            while (it.next()) |l| bound.set(l);
        }
        // Head terms are evaluated like expressions: their refs may enumerate (`q := xs[_]`),
        // but plain variables must be bound by the body or the arguments.
        var head: Io = .{ .inputs = try analysis.empty(), .outputs = try analysis.empty() };
        for (path) |t| try analysis.term(t, &head, .test_value);
        if (key) |k| try analysis.term(k, &head, .test_value);
        if (value) |v| try analysis.term(v, &head, .test_value);
        var it = head.inputs.iterator(.{});
        while (it.next()) |l| {
            // Locals of nested bodies (comprehensions in the head) are checked with their body.
            if (rc.local_depth.items[l] != 0) continue;
            if (!bound.isSet(l)) {
                return rc.fail(rule.head.location, "rego_unsafe_var_error", "var {s} is unsafe", .{displayName(rc.local_names.items[l])});
            }
        }
    }

    // -- bodies ----------------------------------------------------------------

    fn compileBody(rc: *RuleCompiler, scope: *Scope, source_body: ast.Body) Error!ir.Body {
        var generated: std.DynamicBitSetUnmanaged = .{};
        const body = try rc.hoistNegatedDynamics(source_body, &generated);
        for (body) |*expr| try collectExprNames(rc.c.arena, expr, &scope.body_names);
        var exprs: std.ArrayList(ir.Expr) = .empty;
        for (body, 0..) |*expr, i| {
            var compiled = rc.compileExpr(scope, expr) catch |err| switch (err) {
                error.CompileError => continue,
                else => return err,
            };
            if (compiled) |*e| {
                if (generated.bit_length > 0 and generated.isSet(i)) e.generated = true;
                try exprs.append(rc.c.arena, e.*);
            }
        }
        if (rc.c.diagnostics.items.len > 0) return error.CompileError;
        return rc.reorderForSafety(scope, exprs.items);
    }

    // -- dynamic terms of negated expressions ------------------------------------------

    /// As OPA's RewriteDynamicTerms (and RewriteExprTerms for nested calls), the refs, calls
    /// and comprehensions that are arguments of a negated expression are evaluated before the
    /// negation, each bound to a generated variable: `not is_string(input.x)` is undefined, not
    /// true, when `input.x` is. Returns `body` itself when no expression needs it; the indexes
    /// of generated expressions are set in `generated`.
    fn hoistNegatedDynamics(rc: *RuleCompiler, body: ast.Body, generated: *std.DynamicBitSetUnmanaged) Error!ast.Body {
        var needed = false;
        for (body) |expr| if (expr.negated) {
            needed = true;
            break;
        };
        if (!needed) return body;
        var out: std.ArrayList(ast.Expr) = .empty;
        var marks: std.ArrayList(bool) = .empty;
        for (body) |expr| {
            if (!expr.negated) {
                try out.append(rc.c.arena, expr);
                try marks.append(rc.c.arena, false);
                continue;
            }
            var hoist: Hoist = .{ .rc = rc, .original = &expr, .out = &out, .marks = &marks };
            var rewritten = expr;
            switch (expr.terms) {
                .term => |t| rewritten.terms = .{ .term = try hoist.inTerm(t) },
                .call => |call| {
                    const args = try rc.c.arena.dupe(ast.Term, call);
                    const is_unify = call[0].value.isRefNamed("eq") or call[0].value.isRefNamed("assign");
                    for (args[1..]) |*a| a.* = if (is_unify) try hoist.inTerm(a.*) else try hoist.one(a.*);
                    rewritten.terms = .{ .call = args };
                },
                else => {},
            }
            try out.append(rc.c.arena, rewritten);
            try marks.append(rc.c.arena, false);
        }
        for (out.items, 0..) |*expr, i| expr.index = @intCast(i);
        generated.* = try .initEmpty(rc.c.arena, out.items.len);
        for (marks.items, 0..) |mark, i| if (mark) generated.set(i);
        return out.items;
    }

    const Hoist = struct {
        rc: *RuleCompiler,
        original: *const ast.Expr,
        out: *std.ArrayList(ast.Expr),
        marks: *std.ArrayList(bool),

        /// A term of the expression itself: a ref stays (its dynamic parts move out).
        fn inTerm(h: *Hoist, t: ast.Term) Error!ast.Term {
            return switch (t.value) {
                .ref => |ref| .{ .value = .{ .ref = try h.refParts(ref) }, .location = t.location },
                .array_comprehension, .set_comprehension, .object_comprehension => t,
                else => h.one(t),
            };
        }

        /// An argument: refs, calls, comprehensions and templates become generated variables.
        fn one(h: *Hoist, t: ast.Term) Error!ast.Term {
            const arena = h.rc.c.arena;
            switch (t.value) {
                .ref => |ref| return h.bind(.{ .value = .{ .ref = try h.refParts(ref) }, .location = t.location }),
                .call => |call| {
                    const args = try arena.dupe(ast.Term, call);
                    for (args[1..]) |*a| a.* = try h.one(a.*);
                    return h.bind(.{ .value = .{ .call = args }, .location = t.location });
                },
                .array_comprehension, .set_comprehension, .object_comprehension, .template_string => return h.bind(t),
                .array => |items| {
                    const copy = try arena.dupe(ast.Term, items);
                    for (copy) |*item| item.* = try h.one(item.*);
                    return .{ .value = .{ .array = copy }, .location = t.location };
                },
                .set => |items| {
                    const copy = try arena.dupe(ast.Term, items);
                    for (copy) |*item| item.* = try h.one(item.*);
                    return .{ .value = .{ .set = copy }, .location = t.location };
                },
                .object => |items| {
                    const copy = try arena.dupe(ast.ObjectItem, items);
                    for (copy) |*item| item.* = .{ .key = try h.one(item.key), .value = try h.one(item.value) };
                    return .{ .value = .{ .object = copy }, .location = t.location };
                },
                else => return t,
            }
        }

        fn refParts(h: *Hoist, ref: []const ast.Term) Error![]const ast.Term {
            const copy = try h.rc.c.arena.dupe(ast.Term, ref);
            if (copy[0].value == .call) copy[0] = try h.one(copy[0]);
            for (copy[1..]) |*part| part.* = try h.one(part.*);
            return copy;
        }

        /// Appends `__local_negN__ = t` (with the expression's `with`) and returns the variable.
        fn bind(h: *Hoist, t: ast.Term) Error!ast.Term {
            const arena = h.rc.c.arena;
            const name = try std.fmt.allocPrint(arena, "__local_neg{d}__", .{h.rc.hoisted});
            h.rc.hoisted += 1;
            const variable: ast.Term = .{ .value = .{ .variable = name }, .location = t.location };
            // Its index is set when the body is assembled.
            var eq = try equalityExpr(arena, variable, t, 0);
            eq.with = h.original.with;
            try h.out.append(arena, eq);
            try h.marks.append(arena, true);
            return variable;
        }
    };

    fn compileExpr(rc: *RuleCompiler, scope: *Scope, expr: *const ast.Expr) Error!?ir.Expr {
        var out: ir.Expr = .{
            .negated = expr.negated,
            .kind = undefined,
            .location = expr.location,
            .text = expr.location.textIn(rc.source.module.source),
        };
        if (expr.with.len > 0) {
            const withs = try rc.c.arena.alloc(ir.With, expr.with.len);
            for (expr.with, 0..) |w, i| withs[i] = try rc.compileWith(scope, w);
            out.with = withs;
        }
        switch (expr.terms) {
            .term => |t| out.kind = .{ .term = try rc.compileTerm(scope, t) },
            .call => |call| {
                const op = call[0];
                if (op.value.isRefNamed("eq") and call.len == 3) {
                    out.kind = .{ .unify = .{ .a = try rc.compileTerm(scope, call[1]), .b = try rc.compileTerm(scope, call[2]) } };
                } else if (op.value.isRefNamed("assign") and call.len == 3) {
                    // The right side is compiled before the left declares its variables.
                    const b = try rc.compileTerm(scope, call[2]);
                    const a = try rc.compileAssignTarget(scope, call[1]);
                    out.kind = .{ .unify = .{ .a = a, .b = b } };
                } else {
                    out.kind = try rc.compileCallExpr(scope, call, expr.location);
                }
            },
            .some => |some| {
                if (some.symbols.len == 1 and some.symbols[0].value == .call) {
                    const call = some.symbols[0].value.call;
                    const is3 = call[0].value.isRefNamed("internal.member_3");
                    // The collection is compiled in the enclosing scope, before the new names exist.
                    const collection = try rc.compileTerm(scope, call[call.len - 1]);
                    if (is3) {
                        const k = try rc.compilePatternDeclaring(scope, call[1]);
                        const v = try rc.compilePatternDeclaring(scope, call[2]);
                        out.kind = .{ .member = .{ .key = k, .value = v, .collection = collection } };
                    } else {
                        const v = try rc.compilePatternDeclaring(scope, call[1]);
                        out.kind = .{ .member = .{ .key = null, .value = v, .collection = collection } };
                    }
                } else {
                    for (some.symbols) |symbol| {
                        switch (symbol.value) {
                            .variable => |name| _ = try rc.declare(scope, name),
                            else => return rc.fail(symbol.location, "rego_compile_error", "unexpected term in some declaration", .{}),
                        }
                    }
                    return null;
                }
            },
            .every => |every| {
                const domain = try rc.compileTerm(scope, every.domain);
                const inner = try rc.c.arena.create(Scope);
                inner.* = .{ .parent = scope, .depth = scope.depth + 1 };
                const first_local = rc.locals;
                const k: ?ir.Term = if (every.key) |key| try rc.compilePatternDeclaring(inner, key) else null;
                const v = try rc.compilePatternDeclaring(inner, every.value);
                for (first_local..rc.locals) |l| try inner.prebound.append(rc.c.arena, @intCast(l));
                const body = try rc.compileBody(inner, every.body);
                const compiled = try rc.c.arena.create(ir.Every);
                compiled.* = .{ .key = k, .value = v, .domain = domain, .body = body };
                out.kind = .{ .every = compiled };
            },
            .not => |not_expr| {
                const inner = try rc.c.arena.create(Scope);
                inner.* = .{ .parent = scope, .depth = scope.depth + 1, .transparent = true };
                out.kind = .{ .not_body = try rc.compileBody(inner, not_expr.body) };
            },
            .logical_and, .logical_or => |logical| {
                const compiled = try rc.c.arena.create(ir.Logical);
                compiled.* = .{
                    .op = if (expr.terms == .logical_and) .@"and" else .@"or",
                    .lhs = try rc.compileNestedBody(scope, logical.lhs),
                    .rhs = try rc.compileNestedBody(scope, logical.rhs),
                };
                out.kind = .{ .logical = compiled };
            },
        }
        return out;
    }

    /// A body with its own scope: names it introduces stay inside it.
    fn compileNestedBody(rc: *RuleCompiler, scope: *Scope, body: ast.Body) Error!ir.Body {
        const inner = try rc.c.arena.create(Scope);
        inner.* = .{ .parent = scope, .depth = scope.depth + 1 };
        return rc.compileBody(inner, body);
    }

    fn compileWith(rc: *RuleCompiler, scope: *Scope, w: ast.With) Error!ir.With {
        const saved = rc.c.diagnostics.items.len;
        const function_target = rc.withFunctionTarget(scope, w) catch |err| switch (err) {
            error.CompileError => blk: {
                rc.c.diagnostics.shrinkRetainingCapacity(saved);
                break :blk null;
            },
            else => return err,
        };
        if (function_target) |target| {
            // `with f as g`: g names a function or builtin, or is a value.
            if (rc.replacementTarget(scope, w.value)) |replacement| {
                return .{ .target = .{ .function = target }, .value = .{ .value = .null }, .replacement = replacement };
            }
            return .{ .target = .{ .function = target }, .value = try rc.compileTerm(scope, w.value) };
        }
        const value = try rc.compileTerm(scope, w.value);
        const target_ref = switch (w.target.value) {
            .ref => |ref| ref,
            .variable => &[_]ast.Term{w.target},
            else => return rc.fail(w.location, "rego_type_error", "with keyword target must reference existing input, data, or a function", .{}),
        };
        const head = switch (target_ref[0].value) {
            .variable => |v| v,
            else => return rc.fail(w.location, "rego_type_error", "with keyword target must reference existing input, data, or a function", .{}),
        };
        if (std.mem.eql(u8, head, "input") or std.mem.eql(u8, head, "data")) {
            const path = try rc.c.arena.alloc(ir.Term, target_ref.len - 1);
            for (target_ref[1..], 0..) |t, i| path[i] = try rc.compileTerm(scope, t);
            if (std.mem.eql(u8, head, "data")) {
                // `with data.pkg.f as g` where data.pkg.f is a function replaces it.
                if (rc.resolveDataNode(path)) |node| {
                    if (node.isFunction()) return .{ .target = .{ .function = .{ .function = node } }, .value = value };
                }
                return .{ .target = .{ .data = path }, .value = value };
            }
            return .{ .target = .{ .input = path }, .value = value };
        }
        return rc.fail(w.location, "rego_type_error", "with keyword target must reference existing input, data, or a function", .{});
    }

    /// The function or builtin a `with` target names, or null for input/data targets.
    fn withFunctionTarget(rc: *RuleCompiler, scope: *Scope, w: ast.With) Error!?ir.CallTarget {
        const target_ref: []const ast.Term = switch (w.target.value) {
            .ref => |ref| ref,
            .variable => (&w.target)[0..1],
            else => return null,
        };
        const head = switch (target_ref[0].value) {
            .variable => |v| v,
            else => return null,
        };
        if (std.mem.eql(u8, head, "input")) return null;
        if (std.mem.eql(u8, head, "data")) {
            const segments = (try stringSegments(rc.c.arena, target_ref[1..])) orelse return null;
            var node: *const ir.Node = rc.c.root.frozen.?;
            for (segments) |segment| node = node.child(segment) orelse return null;
            return if (node.isFunction()) .{ .function = node } else null;
        }
        const name = try refName(rc.c.arena, target_ref);
        const target = try rc.resolveCallTarget(scope, target_ref, name, w.location);
        if (target == .unimplemented) try rc.c.mocked.put(rc.c.arena, target.unimplemented.name, {});
        return target;
    }

    /// When a `with` value names a function or builtin (`count`, `data.x.f`, `f`), that target.
    fn replacementTarget(rc: *RuleCompiler, scope: *Scope, t: ast.Term) ?ir.CallTarget {
        const ref: []const ast.Term = switch (t.value) {
            .ref => |r| r,
            .variable => |v| blk: {
                if (scope.lookup(v) != null) return null;
                break :blk (&t)[0..1];
            },
            else => return null,
        };
        const name = refName(rc.c.arena, ref) catch return null;
        const saved = rc.c.diagnostics.items.len;
        const target = rc.resolveCallTarget(scope, ref, name, t.location) catch {
            rc.c.diagnostics.shrinkRetainingCapacity(saved);
            return null;
        };
        rc.noteUnimplementedCall(target, t.location) catch return null;
        return target;
    }

    fn resolveDataNode(rc: *RuleCompiler, path: []const ir.Term) ?*const ir.Node {
        var node: *const ir.Node = rc.c.root.frozen.?;
        for (path) |p| {
            const key = switch (p) {
                .value => |v| switch (v) {
                    .string => |s| s,
                    else => return null,
                },
                else => return null,
            };
            node = node.child(key) orelse return null;
        }
        return node;
    }

    fn compileCallExpr(rc: *RuleCompiler, scope: *Scope, call: []const ast.Term, location: ast.Location) Error!ir.Expr.Kind {
        const op_ref = switch (call[0].value) {
            .ref => |ref| ref,
            else => return rc.fail(location, "rego_type_error", "illegal call", .{}),
        };
        const name = try refName(rc.c.arena, op_ref);
        const target = try rc.resolveCallTarget(scope, op_ref, name, location);
        try rc.noteUnimplementedCall(target, location);
        const arity = targetArity(target);
        const given = call.len - 1;
        if (given == arity + 1 and !(target == .special and target.special == .print)) {
            const args = try rc.c.arena.alloc(ir.Term, arity);
            for (call[1 .. call.len - 1], 0..) |a, i| args[i] = try rc.compileTerm(scope, a);
            const output = try rc.compileTerm(scope, call[call.len - 1]);
            const compiled = try rc.c.arena.create(ir.Call);
            compiled.* = .{ .target = target, .args = args, .name = name, .location = location, .arg_order = try argOrder(rc.c.arena, args) };
            return .{ .call_output = .{ .call = compiled, .output = output } };
        }
        return .{ .term = try rc.compileCallTerm(scope, call, location) };
    }

    fn noteUnimplementedCall(rc: *RuleCompiler, target: ir.CallTarget, location: ast.Location) Error!void {
        if (target != .unimplemented) return;
        try rc.c.unimplemented_calls.append(rc.c.arena, .{ .name = target.unimplemented.name, .file = rc.file(), .location = location });
    }

    fn targetArity(target: ir.CallTarget) usize {
        return switch (target) {
            .builtin => |b| b.arity,
            .unimplemented => |u| u.arity,
            .function => |node| node.function_arity.?,
            .special => |s| switch (s) {
                .member_2 => 2,
                .member_3 => 3,
                .print => std.math.maxInt(u16),
                .now_ns => 0,
                .walk => 1,
            },
        };
    }

    fn compileCallTerm(rc: *RuleCompiler, scope: *Scope, call: []const ast.Term, location: ast.Location) Error!ir.Term {
        const op_ref = switch (call[0].value) {
            .ref => |ref| ref,
            else => return rc.fail(location, "rego_type_error", "illegal call", .{}),
        };
        const name = try refName(rc.c.arena, op_ref);
        const target = try rc.resolveCallTarget(scope, op_ref, name, location);
        try rc.noteUnimplementedCall(target, location);
        const arity = targetArity(target);
        const given = call.len - 1;
        const is_print = target == .special and target.special == .print;
        if (!is_print and given != arity) {
            return rc.fail(location, "rego_type_error", "{s}: arity mismatch\n\thave: {d} argument(s)\n\twant: {d} argument(s)", .{ name, given, arity });
        }
        const args = try rc.c.arena.alloc(ir.Term, given);
        for (call[1..], 0..) |a, i| args[i] = try rc.compileTerm(scope, a);
        const compiled = try rc.c.arena.create(ir.Call);
        compiled.* = .{ .target = target, .args = args, .name = name, .location = location, .arg_order = try argOrder(rc.c.arena, args) };
        return .{ .call = compiled };
    }

    fn resolveCallTarget(rc: *RuleCompiler, scope: *Scope, op_ref: []const ast.Term, name: []const u8, location: ast.Location) Error!ir.CallTarget {
        _ = scope;
        const head = switch (op_ref[0].value) {
            .variable => |v| v,
            else => return rc.fail(location, "rego_type_error", "illegal call", .{}),
        };
        // Functions: data.x.f, an import alias, or a rule of this package.
        var data_path: ?[]const []const u8 = null;
        if (std.mem.eql(u8, head, "data")) {
            data_path = try stringSegments(rc.c.arena, op_ref[1..]);
        } else if (rc.importTarget(head)) |imported| {
            if (imported.is_data) {
                var segments: std.ArrayList([]const u8) = .empty;
                try segments.appendSlice(rc.c.arena, imported.path);
                const rest = (try stringSegments(rc.c.arena, op_ref[1..])) orelse return rc.fail(location, "rego_type_error", "undefined function {s}", .{name});
                try segments.appendSlice(rc.c.arena, rest);
                data_path = segments.items;
            }
        } else if (!rc.is_query and rc.packageHasRule(head)) {
            var segments: std.ArrayList([]const u8) = .empty;
            try rc.appendPackagePath(&segments);
            const rest = (try stringSegments(rc.c.arena, op_ref)) orelse return rc.fail(location, "rego_type_error", "undefined function {s}", .{name});
            try segments.appendSlice(rc.c.arena, rest);
            data_path = segments.items;
        }
        if (data_path) |segments_opt| {
            var node: *const ir.Node = rc.c.root.frozen.?;
            for (segments_opt) |segment| {
                node = node.child(segment) orelse return rc.fail(location, "rego_type_error", "undefined function {s}", .{name});
            }
            if (!node.isFunction()) {
                return rc.fail(location, "rego_type_error", "undefined function {s}", .{name});
            }
            return .{ .function = node };
        }
        if (std.mem.eql(u8, name, "internal.member_2")) return .{ .special = .member_2 };
        if (std.mem.eql(u8, name, "internal.member_3")) return .{ .special = .member_3 };
        if (std.mem.eql(u8, name, "print")) return .{ .special = .print };
        if (std.mem.eql(u8, name, "time.now_ns")) return .{ .special = .now_ns };
        if (std.mem.eql(u8, name, "walk")) return .{ .special = .walk };
        if (registry.lookup(name)) |b| return .{ .builtin = b };
        if (opa_builtins.findUnimplemented(name)) |u| return .{ .unimplemented = u };
        if (opa_builtins.isBuiltin(name)) {
            return rc.fail(location, "rego_type_error", "unsupported builtin: {s}", .{name});
        }
        return rc.fail(location, "rego_type_error", "undefined function {s}", .{name});
    }

    const Imported = struct { is_data: bool, path: []const []const u8 };

    fn importTarget(rc: *RuleCompiler, name: []const u8) ?Imported {
        for (rc.source.module.module.imports) |imp| {
            const ref = switch (imp.path.value) {
                .ref => |r| r,
                .variable => continue,
                else => continue,
            };
            const head = switch (ref[0].value) {
                .variable => |v| v,
                else => continue,
            };
            if (!std.mem.eql(u8, head, "data") and !std.mem.eql(u8, head, "input")) continue;
            if (ref.len < 2) continue;
            const alias = imp.alias orelse switch (ref[ref.len - 1].value) {
                .string => |s| s,
                else => continue,
            };
            if (!std.mem.eql(u8, alias, name)) continue;
            const segments = stringSegments(rc.c.arena, ref[1..]) catch return null;
            return .{ .is_data = std.mem.eql(u8, head, "data"), .path = segments orelse continue };
        }
        return null;
    }

    fn packageHasRule(rc: *RuleCompiler, name: []const u8) bool {
        const names = rc.c.package_rules.get(rc.source.package_node.path_text) orelse return false;
        return names.contains(name);
    }

    fn appendPackagePath(rc: *RuleCompiler, segments: *std.ArrayList([]const u8)) Error!void {
        for (rc.source.module.module.package.path[1..]) |segment| {
            try segments.append(rc.c.arena, segment.value.string);
        }
    }

    // -- terms -----------------------------------------------------------------

    fn declare(rc: *RuleCompiler, scope: *Scope, name: []const u8) Error!ir.Local {
        const local: ir.Local = rc.locals;
        rc.locals += 1;
        try rc.local_names.append(rc.c.arena, name);
        try rc.local_depth.append(rc.c.arena, scope.depth);
        try scope.names.put(rc.c.arena, name, local);
        return local;
    }

    /// Compiles a pattern whose variables are all new declarations (`some`, `every`, function args).
    fn compilePatternDeclaring(rc: *RuleCompiler, scope: *Scope, t: ast.Term) Error!ir.Term {
        switch (t.value) {
            .variable => |name| return .{ .local = try rc.declare(scope, name) },
            .array => |items| {
                const out = try rc.c.arena.alloc(ir.Term, items.len);
                for (items, 0..) |item, i| out[i] = try rc.compilePatternDeclaring(scope, item);
                return rc.foldArray(out);
            },
            .object => |items| {
                const out = try rc.c.arena.alloc(ir.ObjectItem, items.len);
                for (items, 0..) |item, i| out[i] = .{
                    .key = try rc.compileTerm(scope, item.key),
                    .value = try rc.compilePatternDeclaring(scope, item.value),
                };
                return rc.foldObject(out);
            },
            else => return rc.compileTerm(scope, t),
        }
    }

    /// The left side of `:=`: its variables are new (redeclaring one in the same scope is an error).
    fn compileAssignTarget(rc: *RuleCompiler, scope: *Scope, t: ast.Term) Error!ir.Term {
        switch (t.value) {
            .variable => |name| {
                if (scope.names.contains(name) and !isGenerated(name)) {
                    return rc.fail(t.location, "rego_compile_error", "var {s} assigned above", .{name});
                }
                if (std.mem.eql(u8, name, "input") or std.mem.eql(u8, name, "data")) {
                    return rc.fail(t.location, "rego_compile_error", "variables must not shadow {s} (use a different variable name)", .{name});
                }
                return .{ .local = try rc.declare(scope, name) };
            },
            .array => |items| {
                const out = try rc.c.arena.alloc(ir.Term, items.len);
                for (items, 0..) |item, i| out[i] = try rc.compileAssignTarget(scope, item);
                return rc.foldArray(out);
            },
            .object => |items| {
                const out = try rc.c.arena.alloc(ir.ObjectItem, items.len);
                for (items, 0..) |item, i| out[i] = .{
                    .key = try rc.compileTerm(scope, item.key),
                    .value = try rc.compileAssignTarget(scope, item.value),
                };
                return rc.foldObject(out);
            },
            .ref => return rc.fail(t.location, "rego_parse_error", "cannot assign to ref", .{}),
            else => return rc.compileTerm(scope, t),
        }
    }

    fn compileTerm(rc: *RuleCompiler, scope: *Scope, t: ast.Term) Error!ir.Term {
        switch (t.value) {
            .null => return .{ .value = .null },
            .boolean => |b| return .{ .value = .{ .boolean = b } },
            .string => |s| return .{ .value = .{ .string = s } },
            .number => |text| {
                const n = number.parseLiteral(rc.c.arena, text) catch |err| switch (err) {
                    error.OutOfMemory => return error.OutOfMemory,
                    else => return rc.fail(t.location, "rego_parse_error", "invalid number {s}", .{text}),
                };
                return .{ .value = .{ .number = n } };
            },
            .variable => |name| return rc.compileVar(scope, name, t.location),
            .ref => |ref| return rc.compileRef(scope, ref, t.location),
            .array => |items| {
                const out = try rc.c.arena.alloc(ir.Term, items.len);
                for (items, 0..) |item, i| out[i] = try rc.compileTerm(scope, item);
                return rc.foldArray(out);
            },
            .set => |items| {
                const out = try rc.c.arena.alloc(ir.Term, items.len);
                for (items, 0..) |item, i| out[i] = try rc.compileTerm(scope, item);
                return rc.foldSet(out);
            },
            .object => |items| {
                const out = try rc.c.arena.alloc(ir.ObjectItem, items.len);
                for (items, 0..) |item, i| out[i] = .{ .key = try rc.compileTerm(scope, item.key), .value = try rc.compileTerm(scope, item.value) };
                return rc.foldObject(out);
            },
            .array_comprehension => |comp| return .{ .array_comprehension = try rc.compileComprehension(scope, null, comp.term, comp.body) },
            .set_comprehension => |comp| return .{ .set_comprehension = try rc.compileComprehension(scope, null, comp.term, comp.body) },
            .object_comprehension => |comp| return .{ .object_comprehension = try rc.compileComprehension(scope, comp.key, comp.value, comp.body) },
            .call => |call| return rc.compileCallTerm(scope, call, t.location),
            .template_string => |template| {
                const parts = try rc.c.arena.alloc(ir.TemplatePart, template.parts.len);
                for (template.parts, 0..) |part, i| {
                    parts[i] = switch (part) {
                        .term => |pt| switch (pt.value) {
                            .string => |s| .{ .literal = s },
                            else => .{ .term = try rc.compileTerm(scope, pt) },
                        },
                        .expr => |e| blk: {
                            if (e.with.len > 0) {
                                // `{a with input as x}`: evaluated as its own body, `$template = a with ...`.
                                break :blk .{ .values = try rc.compileTemplateWith(scope, e) };
                            }
                            // An embedded expression: a single term (refs, calls) is evaluated as a term.
                            switch (e.terms) {
                                .term => |et| break :blk .{ .term = try rc.compileTerm(scope, et) },
                                .call => |call| break :blk .{ .term = try rc.compileCallTerm(scope, call, e.location) },
                                else => return rc.fail(e.location, "rego_compile_error", "unsupported template expression", .{}),
                            }
                        },
                    };
                }
                return .{ .template = parts };
            },
        }
    }

    fn compileTemplateWith(rc: *RuleCompiler, scope: *Scope, e: *const ast.Expr) Error!*const ir.Comprehension {
        const term: ast.Term = switch (e.terms) {
            .term => |t| t,
            .call => |call| .{ .value = .{ .call = call }, .location = e.location },
            else => return rc.fail(e.location, "rego_compile_error", "unsupported template expression", .{}),
        };
        const eq_ref = try rc.c.arena.alloc(ast.Term, 1);
        eq_ref[0] = .{ .value = .{ .variable = "eq" }, .location = e.location };
        const holder: ast.Term = .{ .value = .{ .variable = "$template" }, .location = e.location };
        const call = try rc.c.arena.alloc(ast.Term, 3);
        call[0] = .{ .value = .{ .ref = eq_ref }, .location = e.location };
        call[1] = holder;
        call[2] = term;
        const body = try rc.c.arena.alloc(ast.Expr, 1);
        body[0] = e.*;
        body[0].terms = .{ .call = call };
        return rc.compileComprehension(scope, null, holder, body);
    }

    fn compileComprehension(rc: *RuleCompiler, scope: *Scope, key: ?ast.Term, value: ast.Term, body: ast.Body) Error!*const ir.Comprehension {
        const inner = try rc.c.arena.create(Scope);
        inner.* = .{ .parent = scope, .depth = scope.depth + 1 };
        const compiled_body = try rc.compileBody(inner, body);
        const comp = try rc.c.arena.create(ir.Comprehension);
        comp.* = .{
            .key = if (key) |k| try rc.compileTerm(inner, k) else .{ .value = .null },
            .value = try rc.compileTerm(inner, value),
            .body = compiled_body,
        };
        return comp;
    }

    fn compileVar(rc: *RuleCompiler, scope: *Scope, name: []const u8, location: ast.Location) Error!ir.Term {
        if (scope.lookup(name)) |local| return .{ .local = local };
        if (std.mem.eql(u8, name, "input")) return rc.makeRef(.input, &.{}, location);
        if (std.mem.eql(u8, name, "data")) return rc.makeRef(.data, &.{}, location);
        if (rc.importTarget(name)) |imported| {
            const path = try rc.c.arena.alloc(ir.Term, imported.path.len);
            for (imported.path, 0..) |segment, i| path[i] = .{ .value = .{ .string = segment } };
            return rc.makeRef(if (imported.is_data) .data else .input, path, location);
        }
        if (!rc.is_query and rc.packageHasRule(name)) {
            var segments: std.ArrayList(ir.Term) = .empty;
            for (rc.source.module.module.package.path[1..]) |segment| {
                try segments.append(rc.c.arena, .{ .value = .{ .string = segment.value.string } });
            }
            try segments.append(rc.c.arena, .{ .value = .{ .string = name } });
            return rc.makeRef(.data, segments.items, location);
        }
        // An implicit variable: bound by unification or enumeration, in the nearest scope
        // that owns its names (a `not` body shares the enclosing body's).
        var owner = scope;
        while (owner.transparent) {
            const parent = owner.parent orelse break;
            if (!parent.body_names.contains(name)) break;
            owner = parent;
        }
        return .{ .local = try rc.declare(owner, name) };
    }

    fn makeRef(rc: *RuleCompiler, head: ir.RefHead, path: []const ir.Term, location: ast.Location) Error!ir.Term {
        const ref = try rc.c.arena.create(ir.Ref);
        ref.* = .{ .head = head, .path = path, .location = location };
        if (head == .data) rc.resolveDataRef(ref);
        return .{ .ref = ref };
    }

    /// Resolves a data ref's constant prefix against the rule tree, so evaluation can jump to
    /// the rule node (or straight into base data) instead of walking from the root each time.
    fn resolveDataRef(rc: *RuleCompiler, ref: *ir.Ref) void {
        var node: *const ir.Node = rc.c.root.frozen orelse return;
        for (ref.path, 0..) |p, i| {
            const key = switch (p) {
                .value => |v| switch (v) {
                    .string => |str| str,
                    else => return,
                },
                else => return,
            };
            node = node.child(key) orelse {
                if (i == 0) ref.base_only = true;
                return;
            };
            if (node.has_rules) {
                if (node.function_arity != null) return;
                ref.node = node;
                ref.node_depth = @intCast(i + 1);
                return;
            }
        }
    }

    fn compileRef(rc: *RuleCompiler, scope: *Scope, ref: []const ast.Term, location: ast.Location) Error!ir.Term {
        const head_term = try rc.compileTerm(scope, ref[0]);
        var path: std.ArrayList(ir.Term) = .empty;
        var head: ir.RefHead = undefined;
        switch (head_term) {
            .ref => |inner| {
                head = inner.head;
                try path.appendSlice(rc.c.arena, inner.path);
            },
            .local => |l| head = .{ .local = l },
            else => {
                const boxed = try rc.c.arena.create(ir.Term);
                boxed.* = head_term;
                head = .{ .term = boxed };
            },
        }
        for (ref[1..]) |p| try path.append(rc.c.arena, try rc.compileTerm(scope, p));
        return rc.makeRef(head, path.items, location);
    }

    fn foldArray(rc: *RuleCompiler, items: []ir.Term) Error!ir.Term {
        for (items) |item| if (item != .value) return .{ .array = items };
        const values = try rc.c.arena.alloc(Value, items.len);
        for (items, 0..) |item, i| values[i] = item.value;
        return .{ .value = .{ .array = values } };
    }

    fn foldSet(rc: *RuleCompiler, items: []ir.Term) Error!ir.Term {
        for (items) |item| if (item != .value) return .{ .set = items };
        const values = try rc.c.arena.alloc(Value, items.len);
        for (items, 0..) |item, i| values[i] = item.value;
        return .{ .value = .{ .set = try order.setFromUnsorted(rc.c.arena, values) } };
    }

    fn foldObject(rc: *RuleCompiler, items: []ir.ObjectItem) Error!ir.Term {
        for (items) |item| if (item.key != .value or item.value != .value) return .{ .object = items };
        const keys = try rc.c.arena.alloc(Value, items.len);
        const values = try rc.c.arena.alloc(Value, items.len);
        for (items, 0..) |item, i| {
            keys[i] = item.key.value;
            values[i] = item.value.value;
        }
        const object = order.objectFromUnsorted(rc.c.arena, keys, values, .last_wins, null) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.DuplicateKey => return .{ .object = items },
        };
        return .{ .value = .{ .object = object } };
    }

    // -- safety ------------------------------------------------------------------

    /// Orders a body so that every expression's inputs are bound before it runs (OPA's
    /// reorderBodyForSafety: stable, first ready expression wins), or reports unsafe vars.
    fn reorderForSafety(rc: *RuleCompiler, scope: *Scope, exprs: []ir.Expr) Error!ir.Body {
        var analysis: Safety = .{ .rc = rc, .depth = scope.depth };
        var bound: std.DynamicBitSetUnmanaged = try .initEmpty(rc.c.arena, rc.locals);
        // Variables of enclosing scopes are bound by the time this body runs.
        for (rc.local_depth.items, 0..) |depth, l| {
            if (depth < scope.depth) bound.set(l);
        }
        for (scope.prebound.items) |l| bound.set(l);
        // Function arguments and some-declared names of this scope count as outer for
        // argument patterns only; they are bound by the call (handled by the caller).
        const ios = try rc.c.arena.alloc(Io, exprs.len);
        for (exprs, 0..) |expr, i| ios[i] = try analysis.exprIo(expr);

        const placed = try rc.c.arena.alloc(bool, exprs.len);
        @memset(placed, false);
        var out = try rc.c.arena.alloc(ir.Expr, exprs.len);
        var n: usize = 0;
        while (n < exprs.len) {
            var progressed = false;
            for (exprs, 0..) |expr, i| {
                if (placed[i]) continue;
                if (!try ios[i].ready(&bound, rc.c.arena)) continue;
                placed[i] = true;
                out[n] = expr;
                n += 1;
                var it = ios[i].outputs.iterator(.{});
                while (it.next()) |l| bound.set(l);
                progressed = true;
                break;
            }
            if (!progressed) break;
        }
        if (n < exprs.len) {
            for (exprs, 0..) |expr, i| {
                if (placed[i]) continue;
                var unsafe = ios[i].inputs.clone(rc.c.arena) catch return error.OutOfMemory;
                var outputs_it = ios[i].outputs.iterator(.{});
                while (outputs_it.next()) |l| unsafe.set(l);
                var it = unsafe.iterator(.{});
                while (it.next()) |l| {
                    if (bound.isSet(l)) continue;
                    _ = rc.fail(expr.location, "rego_unsafe_var_error", "var {s} is unsafe", .{displayName(rc.local_names.items[l])}) catch {};
                }
            }
            return error.CompileError;
        }
        return out;
    }
};

fn displayName(name: []const u8) []const u8 {
    return if (name.len > 0 and name[0] == '$') "_" else name;
}

const Io = struct {
    inputs: std.DynamicBitSetUnmanaged,
    outputs: std.DynamicBitSetUnmanaged,
    /// Unification: its terms, checked against what is bound when the expression is placed.
    unify_terms: ?[2]ir.Term = null,

    fn ready(io: *const Io, bound: *const std.DynamicBitSetUnmanaged, arena: Allocator) Error!bool {
        var it = io.inputs.iterator(.{});
        while (it.next()) |l| if (!bound.isSet(l)) return false;
        if (io.unify_terms) |terms| {
            var scratch = try bound.clone(arena);
            return unifyReady(terms[0], terms[1], &scratch);
        }
        return true;
    }

    /// Whether unifying `a` with `b` can bind every pattern variable, given `bound` (updated).
    /// Arrays and objects of the same shape unify element-wise, so a variable bound by one
    /// pair can feed a later one (`[1, x, 3] = [1, 2, x]`).
    fn unifyReady(a: ir.Term, b: ir.Term, bound: *std.DynamicBitSetUnmanaged) bool {
        if (a == .array and b == .array and a.array.len == b.array.len) {
            return pairsReady(a.array, b.array, bound);
        }
        if (a == .object and b == .object and a.object.len == b.object.len and a.object.len <= 64) {
            // Pair values by constant keys; anything else needs one side known.
            var xs: [64]ir.Term = undefined;
            var ys: [64]ir.Term = undefined;
            var paired: usize = 0;
            for (a.object) |x| {
                const x_key = switch (x.key) {
                    .value => |v| v,
                    else => break,
                };
                for (b.object) |y| {
                    if (y.key == .value and order.equal(x_key, y.key.value)) {
                        xs[paired] = x.value;
                        ys[paired] = y.value;
                        paired += 1;
                        break;
                    }
                }
            }
            if (paired == a.object.len) return pairsReady(xs[0..paired], ys[0..paired], bound);
        }
        if (patternKnown(a, bound)) {
            bindPattern(b, bound);
            return true;
        }
        if (patternKnown(b, bound)) {
            bindPattern(a, bound);
            return true;
        }
        return false;
    }

    fn pairsReady(xs: []const ir.Term, ys: []const ir.Term, bound: *std.DynamicBitSetUnmanaged) bool {
        var done: u64 = 0;
        if (xs.len > 64) return false;
        var remaining = xs.len;
        while (remaining > 0) {
            var progressed = false;
            for (xs, ys, 0..) |x, y, i| {
                if (done & (@as(u64, 1) << @intCast(i)) != 0) continue;
                if (!unifyReady(x, y, bound)) continue;
                done |= @as(u64, 1) << @intCast(i);
                remaining -= 1;
                progressed = true;
            }
            if (!progressed) return false;
        }
        return true;
    }

    fn patternKnown(t: ir.Term, bound: *const std.DynamicBitSetUnmanaged) bool {
        return switch (t) {
            .local => |l| bound.isSet(l),
            .array, .set => |items| for (items) |item| {
                if (!patternKnown(item, bound)) break false;
            } else true,
            .object => |items| for (items) |item| {
                if (!patternKnown(item.value, bound)) break false;
            } else true,
            else => true,
        };
    }

    fn bindPattern(t: ir.Term, bound: *std.DynamicBitSetUnmanaged) void {
        switch (t) {
            .local => |l| bound.set(l),
            .array, .set => |items| for (items) |item| bindPattern(item, bound),
            .object => |items| for (items) |item| bindPattern(item.value, bound),
            else => {},
        }
    }

    fn allSet(set: *const std.DynamicBitSetUnmanaged, bound: *const std.DynamicBitSetUnmanaged) bool {
        var it = set.iterator(.{});
        while (it.next()) |l| if (!bound.isSet(l)) return false;
        return true;
    }
};

/// Which locals an expression needs bound (inputs) and which it binds (outputs).
const Safety = struct {
    rc: *RuleCompiler,
    /// Depth of the scope whose body is analysed: deeper locals belong to nested bodies.
    depth: u32,

    fn empty(s: *Safety) Error!std.DynamicBitSetUnmanaged {
        return std.DynamicBitSetUnmanaged.initEmpty(s.rc.c.arena, s.rc.locals) catch error.OutOfMemory;
    }

    fn exprIo(s: *Safety, expr: ir.Expr) Error!Io {
        var io: Io = .{ .inputs = try s.empty(), .outputs = try s.empty() };
        switch (expr.kind) {
            .term => |t| try s.term(t, &io, .test_value),
            .unify => |u| {
                var a: Io = .{ .inputs = try s.empty(), .outputs = try s.empty() };
                var b: Io = .{ .inputs = try s.empty(), .outputs = try s.empty() };
                try s.term(u.a, &a, .pattern);
                try s.term(u.b, &b, .pattern);
                io.inputs.setUnion(a.inputs);
                io.inputs.setUnion(b.inputs);
                io.outputs.setUnion(a.outputs);
                io.outputs.setUnion(b.outputs);
                io.unify_terms = .{ u.a, u.b };
            },
            .call_output => |co| {
                try s.callArgs(co.call, &io);
                try s.term(co.output, &io, .pattern);
            },
            .member => |m| {
                try s.term(m.collection, &io, .test_value);
                if (m.key) |k| try s.term(k, &io, .pattern);
                try s.term(m.value, &io, .pattern);
            },
            .every => |e| {
                try s.term(e.domain, &io, .test_value);
                try s.freeVars(e.body, &io);
            },
            .not_body => |body| try s.freeVars(body, &io),
            .logical => |l| {
                try s.freeVars(l.lhs, &io);
                try s.freeVars(l.rhs, &io);
            },
        }
        for (expr.with) |w| {
            try s.term(w.value, &io, .input);
            switch (w.target) {
                .input, .data => |path| for (path) |p| try s.term(p, &io, .input),
                .function => {},
            }
        }
        if (expr.negated) {
            // Nothing escapes a negation: everything it mentions must already be bound.
            io.inputs.setUnion(io.outputs);
            io.outputs = try s.empty();
            io.unify_terms = null;
        }
        return io;
    }

    const Mode = enum { pattern, input, test_value };

    /// Arguments are inputs, except variables that a ref among the arguments binds by
    /// enumeration first (see `ir.Call.arg_order`).
    fn callArgs(s: *Safety, call: *const ir.Call, io: *Io) Error!void {
        var inner: Io = .{ .inputs = try s.empty(), .outputs = try s.empty() };
        for (call.args) |a| try s.term(a, &inner, .input);
        var it = inner.outputs.iterator(.{});
        while (it.next()) |l| inner.inputs.unset(l);
        io.inputs.setUnion(inner.inputs);
        io.outputs.setUnion(inner.outputs);
    }

    fn term(s: *Safety, t: ir.Term, io: *Io, mode: Mode) Error!void {
        switch (t) {
            .value => {},
            .local => |l| switch (mode) {
                .pattern => io.outputs.set(l),
                .input, .test_value => io.inputs.set(l),
            },
            .ref => |ref| {
                switch (ref.head) {
                    .local => |l| io.inputs.set(l),
                    .term => |head| try s.term(head.*, io, .input),
                    else => {},
                }
                // Variables in a ref's path are bound by enumerating the document, wherever the ref is.
                for (ref.path) |p| try s.term(p, io, .pattern);
            },
            .array, .set => |items| for (items) |item| try s.term(item, io, mode),
            .object => |items| for (items) |item| {
                try s.term(item.key, io, .input);
                try s.term(item.value, io, mode);
            },
            .array_comprehension, .set_comprehension, .object_comprehension => |comp| {
                try s.freeVars(comp.body, io);
                try s.freeTermVars(comp.key, io);
                try s.freeTermVars(comp.value, io);
            },
            .call => |call| try s.callArgs(call, io),
            .template => |parts| for (parts) |part| switch (part) {
                .term => |pt| try s.term(pt, io, .input),
                .values => |comp| try s.freeVars(comp.body, io),
                .literal => {},
            },
        }
    }

    /// Locals a pattern would bind (top-level vars and vars inside composite patterns).
    fn patternVars(s: *Safety, t: ir.Term, set: *std.DynamicBitSetUnmanaged) Error!void {
        switch (t) {
            .local => |l| set.set(l),
            .array, .set => |items| for (items) |item| try s.patternVars(item, set),
            .object => |items| for (items) |item| try s.patternVars(item.value, set),
            else => {},
        }
    }

    /// A nested body's references to locals of this scope or outer ones are inputs of the
    /// enclosing expression: they must be bound before the nested body runs.
    fn freeVars(s: *Safety, body: ir.Body, io: *Io) Error!void {
        var used = try s.empty();
        for (body) |expr| try collectExprLocals(expr, &used);
        s.markOuter(&used, io);
    }

    fn freeTermVars(s: *Safety, t: ir.Term, io: *Io) Error!void {
        var used = try s.empty();
        try collectLocals(t, &used);
        s.markOuter(&used, io);
    }

    fn markOuter(s: *Safety, used: *std.DynamicBitSetUnmanaged, io: *Io) void {
        var it = used.iterator(.{});
        while (it.next()) |l| {
            if (s.rc.local_depth.items[l] <= s.depth) io.inputs.set(l);
        }
    }
};

fn collectExprLocals(expr: ir.Expr, set: *std.DynamicBitSetUnmanaged) Error!void {
    switch (expr.kind) {
        .term => |t| try collectLocals(t, set),
        .unify => |u| {
            try collectLocals(u.a, set);
            try collectLocals(u.b, set);
        },
        .call_output => |co| {
            for (co.call.args) |a| try collectLocals(a, set);
            try collectLocals(co.output, set);
        },
        .member => |m| {
            if (m.key) |k| try collectLocals(k, set);
            try collectLocals(m.value, set);
            try collectLocals(m.collection, set);
        },
        .every => |e| {
            try collectLocals(e.domain, set);
            for (e.body) |inner| try collectExprLocals(inner, set);
        },
        .not_body => |b| for (b) |inner| try collectExprLocals(inner, set),
        .logical => |l| {
            for (l.lhs) |inner| try collectExprLocals(inner, set);
            for (l.rhs) |inner| try collectExprLocals(inner, set);
        },
    }
    for (expr.with) |w| try collectLocals(w.value, set);
}

fn collectLocals(t: ir.Term, set: *std.DynamicBitSetUnmanaged) Error!void {
    switch (t) {
        .value => {},
        .local => |l| set.set(l),
        .ref => |ref| {
            switch (ref.head) {
                .local => |l| set.set(l),
                .term => |head| try collectLocals(head.*, set),
                else => {},
            }
            for (ref.path) |p| try collectLocals(p, set);
        },
        .array, .set => |items| for (items) |item| try collectLocals(item, set),
        .object => |items| for (items) |item| {
            try collectLocals(item.key, set);
            try collectLocals(item.value, set);
        },
        .call => |call| for (call.args) |a| try collectLocals(a, set),
        .array_comprehension, .set_comprehension, .object_comprehension => |comp| {
            try collectLocals(comp.key, set);
            try collectLocals(comp.value, set);
            for (comp.body) |expr| try collectExprLocals(expr, set);
        },
        .template => |parts| for (parts) |part| switch (part) {
            .term => |pt| try collectLocals(pt, set),
            .values => |comp| {
                try collectLocals(comp.value, set);
                for (comp.body) |expr| try collectExprLocals(expr, set);
            },
            .literal => {},
        },
    }
}

/// `object.get` from a ref of var + strings; an error for anything else.
fn refName(arena: Allocator, ref: []const ast.Term) Error![]const u8 {
    var out: std.ArrayList(u8) = .empty;
    for (ref, 0..) |t, i| {
        switch (t.value) {
            .variable => |v| {
                if (i > 0) try out.append(arena, '.');
                try out.appendSlice(arena, v);
            },
            .string => |s| {
                try out.append(arena, '.');
                try out.appendSlice(arena, s);
            },
            else => {
                try out.appendSlice(arena, "[...]");
            },
        }
    }
    return out.items;
}

fn stringSegments(arena: Allocator, terms: []const ast.Term) Error!?[]const []const u8 {
    const out = try arena.alloc([]const u8, terms.len);
    for (terms, 0..) |t, i| {
        out[i] = switch (t.value) {
            .string => |s| s,
            .variable => |v| v,
            else => return null,
        };
    }
    return out;
}
