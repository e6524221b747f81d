//! Certificate policy validation of a chain (RFC 5280 section 6.1, as Go's
//! policiesValid implements it with a policy graph), with OPA's options:
//! any policy acceptable, nothing required or inhibited by the caller.
const std = @import("std");
const Allocator = std.mem.Allocator;
const x509 = @import("x509.zig");

const any_policy = "\x55\x1d\x20\x00";

const Node = struct {
    policy: []const u8,
    expected: []const []const u8,
    parents: std.ArrayList(u32) = .empty,
    children: std.ArrayList(u32) = .empty,
    alive: bool = true,
};

const Graph = struct {
    allocator: Allocator,
    nodes: std.ArrayList(Node) = .empty,
    /// Node indices per depth.
    strata: std.ArrayList(std.ArrayList(u32)) = .empty,

    fn init(allocator: Allocator) Allocator.Error!Graph {
        var g: Graph = .{ .allocator = allocator };
        try g.nodes.append(allocator, .{ .policy = any_policy, .expected = &.{any_policy} });
        try g.strata.append(allocator, .empty);
        try g.strata.items[0].append(allocator, 0);
        return g;
    }

    fn depth(g: *const Graph) usize {
        return g.strata.items.len - 1;
    }

    fn incrDepth(g: *Graph) Allocator.Error!void {
        try g.strata.append(g.allocator, .empty);
    }

    fn stratum(g: *Graph, d: usize) *std.ArrayList(u32) {
        return &g.strata.items[d];
    }

    fn find(g: *Graph, d: usize, policy: []const u8) ?u32 {
        for (g.stratum(d).items) |i| {
            if (g.nodes.items[i].alive and std.mem.eql(u8, g.nodes.items[i].policy, policy)) return i;
        }
        return null;
    }

    /// Adds a leaf (replacing a leaf of the same policy, as Go's map does).
    fn insert(g: *Graph, policy: []const u8, expected: []const []const u8, parents: []const u32) Allocator.Error!void {
        if (g.find(g.depth(), policy)) |old| g.remove(old);
        const index: u32 = @intCast(g.nodes.items.len);
        try g.nodes.append(g.allocator, .{ .policy = policy, .expected = expected });
        for (parents) |p| {
            try g.nodes.items[index].parents.append(g.allocator, p);
            try g.nodes.items[p].children.append(g.allocator, index);
        }
        try g.stratum(g.depth()).append(g.allocator, index);
    }

    fn remove(g: *Graph, index: u32) void {
        const node = &g.nodes.items[index];
        node.alive = false;
        for (node.parents.items) |p| removeValue(&g.nodes.items[p].children, index);
        for (node.children.items) |c| removeValue(&g.nodes.items[c].parents, index);
    }

    /// Parents one level up whose expected set includes `policy`.
    fn parentsWithExpected(g: *Graph, policy: []const u8) Allocator.Error![]const u32 {
        var out: std.ArrayList(u32) = .empty;
        if (g.depth() == 0) return out.items;
        for (g.stratum(g.depth() - 1).items) |i| {
            const n = g.nodes.items[i];
            if (!n.alive) continue;
            for (n.expected) |e| if (std.mem.eql(u8, e, policy)) {
                try out.append(g.allocator, i);
                break;
            };
        }
        return out.items;
    }

    /// Removes, from the top down to depth 1, nodes with no children.
    fn prune(g: *Graph) void {
        var d = g.depth();
        while (d > 1) {
            d -= 1;
            for (g.stratum(d).items) |i| {
                if (g.nodes.items[i].alive and g.nodes.items[i].children.items.len == 0) g.remove(i);
            }
        }
    }
};

fn removeValue(list: *std.ArrayList(u32), v: u32) void {
    var i: usize = 0;
    while (i < list.items.len) {
        if (list.items[i] == v) {
            _ = list.orderedRemove(i);
        } else i += 1;
    }
}

/// Whether the chain (leaf first) has valid policies.
pub fn valid(allocator: Allocator, chain: []const x509.Certificate) Allocator.Error!bool {
    if (chain.len == 1) return true;
    const n = chain.len - 1;
    var graph: ?Graph = try Graph.init(allocator);
    var inhibit_any: i64 = @intCast(n + 1);
    var explicit: i64 = @intCast(n + 1);
    var mapping: i64 = @intCast(n + 1);

    var i = n;
    while (i > 0) {
        i -= 1;
        const cert = chain[i];
        const f = cert.ext;
        const self_signed = std.mem.eql(u8, cert.raw_issuer, cert.raw_subject);
        const policies = f.policies orelse &.{};
        if (policies.len == 0) graph = null;
        if (explicit == 0 and graph == null) return false;
        if (graph) |*g| {
            try g.incrDepth();
            var has_any = false;
            for (policies) |p| {
                if (std.mem.eql(u8, p, any_policy)) {
                    has_any = true;
                    continue;
                }
                var parents = try g.parentsWithExpected(p);
                if (parents.len == 0) {
                    if (g.find(g.depth() - 1, any_policy)) |any_parent| parents = try allocator.dupe(u32, &.{any_parent});
                }
                if (parents.len > 0) try g.insert(p, try allocator.dupe([]const u8, &.{p}), parents);
            }
            if (has_any and (inhibit_any > 0 or (n - i < n and self_signed))) {
                // Every expected policy of a parent without a leaf gets one.
                var missing: std.ArrayList([]const u8) = .empty;
                var missing_parents: std.ArrayList(std.ArrayList(u32)) = .empty;
                for (g.stratum(g.depth() - 1).items) |pi| {
                    const parent = g.nodes.items[pi];
                    if (!parent.alive) continue;
                    for (parent.expected) |e| {
                        if (g.find(g.depth(), e) != null) continue;
                        const slot = for (missing.items, 0..) |m, k| {
                            if (std.mem.eql(u8, m, e)) break k;
                        } else blk: {
                            try missing.append(allocator, e);
                            try missing_parents.append(allocator, .empty);
                            break :blk missing.items.len - 1;
                        };
                        try missing_parents.items[slot].append(allocator, pi);
                    }
                }
                for (missing.items, missing_parents.items) |policy, parents| {
                    try g.insert(policy, try allocator.dupe([]const u8, &.{policy}), parents.items);
                }
            }
            g.prune();
            const mappings = f.policy_mappings orelse &.{};
            if (i != 0 and mappings.len > 0) {
                var issuers: std.ArrayList([]const u8) = .empty;
                var subjects: std.ArrayList(std.ArrayList([]const u8)) = .empty;
                for (mappings) |m| {
                    if (mapping > 0) {
                        if (std.mem.eql(u8, m.issuer, any_policy) or std.mem.eql(u8, m.subject, any_policy)) return false;
                        const slot = for (issuers.items, 0..) |s, k| {
                            if (std.mem.eql(u8, s, m.issuer)) break k;
                        } else blk: {
                            try issuers.append(allocator, m.issuer);
                            try subjects.append(allocator, .empty);
                            break :blk issuers.items.len - 1;
                        };
                        try subjects.items[slot].append(allocator, m.subject);
                    } else if (g.find(g.depth(), m.issuer)) |leaf| {
                        g.remove(leaf);
                    }
                }
                g.prune();
                for (issuers.items, subjects.items) |issuer, subject_list| {
                    if (g.find(g.depth(), issuer)) |leaf| {
                        g.nodes.items[leaf].expected = subject_list.items;
                    } else if (g.find(g.depth(), any_policy)) |any_leaf| {
                        try g.insert(issuer, subject_list.items, &.{any_leaf});
                    }
                }
            }
        }
        if (i != 0) {
            if (!self_signed) {
                if (explicit > 0) explicit -= 1;
                if (mapping > 0) mapping -= 1;
                if (inhibit_any > 0) inhibit_any -= 1;
            }
            if ((f.require_explicit_policy > 0 or f.require_explicit_policy_zero) and f.require_explicit_policy < explicit) explicit = f.require_explicit_policy;
            if ((f.inhibit_policy_mapping > 0 or f.inhibit_policy_mapping_zero) and f.inhibit_policy_mapping < mapping) mapping = f.inhibit_policy_mapping;
            if ((f.inhibit_any_policy > 0 or f.inhibit_any_policy_zero) and f.inhibit_any_policy < inhibit_any) inhibit_any = f.inhibit_any_policy;
        }
    }
    if (explicit > 0) explicit -= 1;
    if (chain[0].ext.require_explicit_policy_zero) explicit = 0;
    if (explicit != 0) return true;
    // Explicit policy is required: some valid policy must remain.
    var g = graph orelse return false;
    if (g.find(g.depth(), any_policy) != null) return true;
    for (g.strata.items) |level| {
        for (level.items) |index| {
            const node = g.nodes.items[index];
            if (!node.alive or std.mem.eql(u8, node.policy, any_policy)) continue;
            if (node.parents.items.len == 1 and std.mem.eql(u8, g.nodes.items[node.parents.items[0]].policy, any_policy)) return true;
        }
    }
    return false;
}
