//! The compiled form the evaluator runs: names resolved (locals are frame
//! slots, rule references are paths into the rule tree, calls point at a
//! builtin or a function node), constants folded into values, and bodies
//! reordered for safety. Built once per policy change, read-only afterwards,
//! so any number of evaluations may share it across threads.
const std = @import("std");
const ast = @import("ast.zig");
const value_mod = @import("../value/mod.zig");
const builtin = @import("../builtins/builtin.zig");
const opa_names = @import("../builtins/opa_names.zig");

pub const Value = value_mod.Value;
pub const Location = ast.Location;

/// A slot in the frame of the rule (or query) being evaluated.
pub const Local = u32;

pub const Term = union(enum) {
    /// A constant: scalar, or a composite without variables.
    value: Value,
    local: Local,
    ref: *const Ref,
    array: []const Term,
    object: []const ObjectItem,
    set: []const Term,
    array_comprehension: *const Comprehension,
    set_comprehension: *const Comprehension,
    object_comprehension: *const Comprehension,
    call: *const Call,
    template: []const TemplatePart,
};

pub const ObjectItem = struct { key: Term, value: Term };

pub const TemplatePart = union(enum) {
    literal: []const u8,
    /// An embedded term: its value is printed; undefined prints `<undefined>`.
    term: Term,
    /// An embedded expression with `with`: its first value (`<undefined>` when none).
    values: *const Comprehension,
};

pub const RefHead = union(enum) {
    input,
    /// `data`: the path terms start at the root of the data tree.
    data,
    local: Local,
    /// A composite or call at the head: `[1, 2][i]`, `f(x).y`.
    term: *const Term,
};

pub const Ref = struct {
    head: RefHead,
    path: []const Term,
    location: Location,
    /// Data refs resolved at compile time (used unless `with data...` is active):
    /// `path[0..node_depth]` are constant keys leading to the rule node `node`,
    node: ?*const Node = null,
    node_depth: u32 = 0,
    /// or no rule lives under the first key, so the ref reads base data only.
    base_only: bool = false,
};

pub const Comprehension = struct {
    /// For object comprehensions `key` is the key term; unused otherwise.
    key: Term,
    value: Term,
    body: Body,
};

pub const Special = enum {
    /// `x in xs` as a value: true or false.
    member_2,
    /// `k, v in xs` as a value.
    member_3,
    print,
    now_ns,
    walk,
};

pub const CallTarget = union(enum) {
    builtin: *const builtin.Builtin,
    /// A user function: the rule node that holds its definitions.
    function: *const Node,
    special: Special,
    /// An OPA builtin this library does not implement, compiled only because a `with`
    /// replaces it somewhere; calling it unreplaced is an evaluation error.
    unimplemented: *const opa_names.Unimplemented,
};

pub const Call = struct {
    target: CallTarget,
    args: []const Term,
    /// Evaluation order of the arguments when it is not left to right: refs first, since
    /// they may bind variables other arguments use (`x == input.xs[x]`), as OPA's rewriting does.
    arg_order: ?[]const u16 = null,
    /// OPA's name for errors: `count`, `data.test.f`.
    name: []const u8,
    location: Location,
};

pub const Expr = struct {
    negated: bool = false,
    kind: Kind,
    with: []const With = &.{},
    location: Location,
    /// The source text of the expression (query results report it).
    text: []const u8 = "",
    /// Query expressions that are terms report their value rather than being tested for
    /// truth (OPA rewrites them to `__localq__ = term`): the local holding that value.
    capture: ?Local = null,
    /// Added by the compiler (a captured value's truth test): not reported in results.
    generated: bool = false,

    pub const Kind = union(enum) {
        /// True when the term is defined and not `false`.
        term: Term,
        /// `a = b` and `a := b`.
        unify: struct { a: Term, b: Term },
        /// A call whose last argument is an output: `count(xs, n)`.
        call_output: struct { call: *const Call, output: Term },
        /// `some x in xs`, `some k, v in xs`: enumerate and unify.
        member: struct { key: ?Term, value: Term, collection: Term },
        every: *const Every,
        /// `not { ... }`: true when the body has no solution.
        not_body: Body,
        /// Experimental `a and b` / `a or b`: one success at most, no bindings escape.
        logical: *const Logical,
    };
};

pub const Logical = struct {
    op: enum { @"and", @"or" },
    lhs: Body,
    rhs: Body,
};

pub const Every = struct {
    key: ?Term,
    value: Term,
    domain: Term,
    body: Body,
};

pub const WithTarget = union(enum) {
    input: []const Term,
    data: []const Term,
    /// Replaces a builtin or a function.
    function: CallTarget,
};

pub const With = struct {
    target: WithTarget,
    value: Term,
    /// For function targets replaced by another function or builtin (`with f as g`).
    replacement: ?CallTarget = null,
};

pub const Body = []const Expr;

pub const RuleKind = enum { single_value, multi_value, function };

pub const Rule = struct {
    kind: RuleKind,
    is_default: bool,
    /// Head ref terms after the node's path (`p[k] := v` has `[k]`).
    path: []const Term,
    /// Multi-value rules: the element; functions: unused.
    key: ?Term,
    value: ?Term,
    args: []const Term,
    body: Body,
    /// Frame size for one invocation (locals of the body, its comprehensions, everything).
    locals: u32,
    else_rule: ?*const Rule,
    location: Location,
    file_name: []const u8,
};

/// A node of the rule tree: one path segment under `data`.
pub const Node = struct {
    key: []const u8,
    /// Full path from the data root, for messages: "data.a.b".
    path_text: []const u8,
    children: []const *Node,
    rules: []const *const Rule,
    /// Same rules, split by role, filled at compile time.
    default_rule: ?*const Rule = null,
    /// A stable index for per-evaluation caches.
    index: u32,
    /// Set for function nodes (known before any body is compiled, so calls resolve in any order).
    function_arity: ?u32 = null,
    /// Rules defined at this node (known before bodies are compiled; `rules` is filled later).
    has_rules: bool = false,
    /// Selects the rules whose `input.path == constant` condition can hold (OPA's rule index).
    rule_index: ?*const RuleIndex = null,

    pub fn child(node: *const Node, key: []const u8) ?*Node {
        // Children are sorted by key.
        var lo: usize = 0;
        var hi: usize = node.children.len;
        while (lo < hi) {
            const mid = lo + (hi - lo) / 2;
            switch (std.mem.order(u8, node.children[mid].key, key)) {
                .eq => return node.children[mid],
                .lt => lo = mid + 1,
                .gt => hi = mid,
            }
        }
        return null;
    }

    pub fn isFunction(node: *const Node) bool {
        return node.function_arity != null;
    }
};

/// A compiled query: its body and the user-visible variables of its result rows.
pub const Query = struct {
    body: Body,
    locals: u32,
    /// The query's named variables and their slots, in first-appearance order.
    bindings: []const Binding,

    pub const Binding = struct { name: []const u8, local: Local };
};

/// For a node with many rules that test the same input path against constants
/// (`allow if input.action == "read"`): the rules to try for a value of that path.
/// Rules not in any bucket and not in `unconditioned` cannot match any value.
pub const RuleIndex = struct {
    /// The indexed path under `input` (constant string keys).
    path: []const Value,
    /// Sorted by key (OPA's order); each holds indices into `Node.rules`.
    buckets: []const Bucket,
    /// Rules without a condition on `path`: always tried.
    unconditioned: []const u32,

    pub const Bucket = struct { key: Value, rules: []const u32 };
};
