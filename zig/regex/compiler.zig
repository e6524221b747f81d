//! Compiles a simplified syntax tree into a program, instruction for
//! instruction as Go's regexp/syntax.Compile does (Thompson construction with
//! patch lists), so that thread priorities, and hence matches, are Go's.
const std = @import("std");
const Allocator = std.mem.Allocator;
const ast = @import("ast.zig");
const prog_mod = @import("prog.zig");
const unicode = @import("unicode.zig");
const parser = @import("parser.zig");

const Node = ast.Node;
const Inst = prog_mod.Inst;
const Prog = prog_mod.Prog;

/// Programs larger than Go's nominal size limit are refused, whatever Go's
/// cheaper estimate let through; this bounds the memory of compiling and matching.
pub const max_insts: usize = @intCast(parser.max_size);

pub const Error = error{ OutOfMemory, TooLarge };

/// Instruction lists awaiting their target: an encoded list threaded through
/// the out/arg fields themselves (index << 1, | 1 for arg). 0 is empty, which
/// is safe because instruction 0 is always `fail`.
const PatchList = struct {
    head: u32 = 0,
    tail: u32 = 0,

    fn single(n: u32) PatchList {
        return .{ .head = n, .tail = n };
    }

    fn patch(l: PatchList, insts: []Inst, val: u32) void {
        var head = l.head;
        while (head != 0) {
            const inst = &insts[head >> 1];
            if (head & 1 == 0) {
                head = inst.out;
                inst.out = val;
            } else {
                head = inst.arg;
                inst.arg = val;
            }
        }
    }

    fn append(l1: PatchList, insts: []Inst, l2: PatchList) PatchList {
        if (l1.head == 0) return l2;
        if (l2.head == 0) return l1;
        const inst = &insts[l1.tail >> 1];
        if (l1.tail & 1 == 0) {
            inst.out = l2.head;
        } else {
            inst.arg = l2.head;
        }
        return .{ .head = l1.head, .tail = l2.tail };
    }
};

/// A compiled fragment; i == 0 means "never matches".
const Frag = struct {
    i: u32 = 0,
    out: PatchList = .{},
    nullable: bool = false,
};

const any_rune_not_nl = [_]u32{ 0, '\n' - 1, '\n' + 1, 0x10FFFF };
const any_rune = [_]u32{ 0, 0x10FFFF };

pub fn compile(gpa: Allocator, root: *Node) Error!Prog {
    var c: Compiler = .{ .gpa = gpa };
    errdefer c.insts.deinit(gpa);
    errdefer c.runes.deinit(gpa);
    _ = try c.inst(.fail);
    const f = try c.compileTree(root);
    const match = try c.inst(.match);
    f.out.patch(c.insts.items, match.i);
    const insts = try c.insts.toOwnedSlice(gpa);
    errdefer gpa.free(insts);
    const runes = try c.runes.toOwnedSlice(gpa);
    return .{ .insts = insts, .runes = runes, .start = f.i, .num_cap = c.num_cap };
}

const Compiler = struct {
    gpa: Allocator,
    insts: std.ArrayList(Inst) = .empty,
    runes: std.ArrayList(u32) = .empty,
    num_cap: u32 = 2, // the whole match

    fn inst(c: *Compiler, op: prog_mod.InstOp) Error!Frag {
        if (c.insts.items.len >= max_insts) return error.TooLarge;
        const i: u32 = @intCast(c.insts.items.len);
        try c.insts.append(c.gpa, .{ .op = op });
        return .{ .i = i, .nullable = true };
    }

    /// Compiles the tree without recursion (simplified trees of legal
    /// patterns can be thousands of levels deep), creating instructions in
    /// the order Go's recursive compiler does.
    fn compileTree(c: *Compiler, root: *Node) Error!Frag {
        const Work = struct {
            node: *Node,
            /// Children compiled so far.
            child: usize = 0,
            /// The fragment built from them.
            acc: Frag = .{},
            /// A capture's opening instruction.
            bra: Frag = .{},
        };
        var stack: std.ArrayList(Work) = .empty;
        defer stack.deinit(c.gpa);
        try stack.append(c.gpa, .{ .node = root });
        while (true) {
            const top = &stack.items[stack.items.len - 1];
            const node = top.node;
            var done: Frag = undefined;
            switch (node.op) {
                .capture, .star, .plus, .quest, .concat, .alternate => {
                    if (node.op == .capture and top.child == 0 and top.bra.i == 0) {
                        top.bra = try c.cap(node.cap << 1);
                    }
                    if (top.child < node.subs.items.len) {
                        try stack.append(c.gpa, .{ .node = node.subs.items[top.child] });
                        continue;
                    }
                    const greedy = node.flags & ast.non_greedy == 0;
                    done = switch (node.op) {
                        .capture => c.cat(c.cat(top.bra, top.acc), try c.cap(node.cap << 1 | 1)),
                        .star => try c.star(top.acc, !greedy),
                        .plus => try c.plus(top.acc, !greedy),
                        .quest => try c.quest(top.acc, !greedy),
                        .concat => if (node.subs.items.len == 0) try c.nop() else top.acc,
                        else => top.acc, // alternate
                    };
                },
                else => done = try c.compileLeaf(node),
            }
            _ = stack.pop();
            if (stack.items.len == 0) return done;
            const parent = &stack.items[stack.items.len - 1];
            parent.acc = switch (parent.node.op) {
                .concat => if (parent.child == 0) done else c.cat(parent.acc, done),
                .alternate => try c.alt(parent.acc, done),
                else => done,
            };
            parent.child += 1;
        }
    }

    fn compileLeaf(c: *Compiler, node: *Node) Error!Frag {
        switch (node.op) {
            .no_match => return .{},
            .empty_match => return c.nop(),
            .literal => {
                if (node.runes.items.len == 0) return c.nop();
                var f: Frag = .{};
                for (node.runes.items, 0..) |r, j| {
                    const start = try c.addRunes(&.{r});
                    const f1 = try c.rune(start, 1, r, node.flags);
                    f = if (j == 0) f1 else c.cat(f, f1);
                }
                return f;
            },
            .char_class => {
                // Copies of one class node (x{3}) share their ranges.
                const start = node.class_id orelse blk: {
                    const s = try c.addRunes(node.runes.items);
                    node.class_id = s;
                    break :blk s;
                };
                const r0 = if (node.runes.items.len > 0) node.runes.items[0] else 0;
                return c.rune(start, @intCast(node.runes.items.len), r0, node.flags);
            },
            .any_char_not_nl => return c.rune(try c.addRunes(&any_rune_not_nl), 4, 0, 0),
            .any_char => return c.rune(try c.addRunes(&any_rune), 2, 0, 0),
            .begin_line => return c.empty(prog_mod.empty_begin_line),
            .end_line => return c.empty(prog_mod.empty_end_line),
            .begin_text => return c.empty(prog_mod.empty_begin_text),
            .end_text => return c.empty(prog_mod.empty_end_text),
            .word_boundary => return c.empty(prog_mod.empty_word_boundary),
            .no_word_boundary => return c.empty(prog_mod.empty_no_word_boundary),
            // Repeats are gone after simplification, markers never reach here,
            // and the rest has children.
            else => return .{},
        }
    }

    fn addRunes(c: *Compiler, runes: []const u32) Error!u32 {
        const start: u32 = @intCast(c.runes.items.len);
        try c.runes.appendSlice(c.gpa, runes);
        return start;
    }

    fn nop(c: *Compiler) Error!Frag {
        var f = try c.inst(.nop);
        f.out = .single(f.i << 1);
        return f;
    }

    fn cap(c: *Compiler, arg: u32) Error!Frag {
        var f = try c.inst(.capture);
        f.out = .single(f.i << 1);
        c.insts.items[f.i].arg = arg;
        c.num_cap = @max(c.num_cap, arg + 1);
        return f;
    }

    fn cat(c: *Compiler, f1: Frag, f2: Frag) Frag {
        if (f1.i == 0 or f2.i == 0) return .{};
        f1.out.patch(c.insts.items, f2.i);
        return .{ .i = f1.i, .out = f2.out, .nullable = f1.nullable and f2.nullable };
    }

    fn alt(c: *Compiler, f1: Frag, f2: Frag) Error!Frag {
        if (f1.i == 0) return f2;
        if (f2.i == 0) return f1;
        var f = try c.inst(.alt);
        const i = &c.insts.items[f.i];
        i.out = f1.i;
        i.arg = f2.i;
        f.out = f1.out.append(c.insts.items, f2.out);
        f.nullable = f1.nullable or f2.nullable;
        return f;
    }

    fn quest(c: *Compiler, f1: Frag, non_greedy: bool) Error!Frag {
        var f = try c.inst(.alt);
        const i = &c.insts.items[f.i];
        if (non_greedy) {
            i.arg = f1.i;
            f.out = .single(f.i << 1);
        } else {
            i.out = f1.i;
            f.out = .single(f.i << 1 | 1);
        }
        f.out = f.out.append(c.insts.items, f1.out);
        return f;
    }

    /// The loop of a plus or star: an alt back to f1.
    fn loop(c: *Compiler, f1: Frag, non_greedy: bool) Error!Frag {
        var f = try c.inst(.alt);
        const i = &c.insts.items[f.i];
        if (non_greedy) {
            i.arg = f1.i;
            f.out = .single(f.i << 1);
        } else {
            i.out = f1.i;
            f.out = .single(f.i << 1 | 1);
        }
        f1.out.patch(c.insts.items, f.i);
        return f;
    }

    fn star(c: *Compiler, f1: Frag, non_greedy: bool) Error!Frag {
        // A nullable body needs (f1+)? to keep Perl's priorities (golang.org/issue/46123).
        if (f1.nullable) return c.quest(try c.plus(f1, non_greedy), non_greedy);
        return c.loop(f1, non_greedy);
    }

    fn plus(c: *Compiler, f1: Frag, non_greedy: bool) Error!Frag {
        return .{ .i = f1.i, .out = (try c.loop(f1, non_greedy)).out, .nullable = f1.nullable };
    }

    fn empty(c: *Compiler, op: prog_mod.EmptyOp) Error!Frag {
        var f = try c.inst(.empty_width);
        c.insts.items[f.i].arg = op;
        f.out = .single(f.i << 1);
        return f;
    }

    fn rune(c: *Compiler, start: u32, len: u32, r0: u32, flags: ast.Flags) Error!Frag {
        var f = try c.inst(.rune);
        f.nullable = false;
        const i = &c.insts.items[f.i];
        i.runes_start = start;
        i.runes_len = len;
        // Case folding only matters for a single rune that has other cases.
        const fold = flags & ast.fold_case != 0 and len == 1 and unicode.simpleFold(r0) != r0;
        i.arg = @intFromBool(fold);
        f.out = .single(f.i << 1);
        const r = c.runes.items[start..][0..len];
        if (!fold and (len == 1 or (len == 2 and r[0] == r[1]))) {
            i.op = .rune1;
        } else if (len == 2 and r[0] == 0 and r[1] == 0x10FFFF) {
            i.op = .rune_any;
        } else if (len == 4 and r[0] == 0 and r[1] == '\n' - 1 and r[2] == '\n' + 1 and r[3] == 0x10FFFF) {
            i.op = .rune_any_not_nl;
        }
        return f;
    }
};
