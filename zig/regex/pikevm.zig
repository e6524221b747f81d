//! Leftmost-first matching by NFA simulation (Pike VM), mirroring Go's
//! regexp machine: threads are kept in priority order, a pc is added at most
//! once per input position, and a match cuts off all lower-priority threads.
//! Time is O(input x program), memory O(program x capture slots), whatever
//! the pattern: no backtracking, no blowup.
const std = @import("std");
const Allocator = std.mem.Allocator;
const prog_mod = @import("prog.zig");
const utf8 = @import("utf8.zig");

const Prog = prog_mod.Prog;
const Inst = prog_mod.Inst;

/// Slot value of a group that did not participate.
pub const no_pos: usize = std.math.maxInt(usize);

/// What the matcher needs beyond the program (computed once per regex).
pub const Info = struct {
    /// Literal prefix of every match (UTF-8), or empty.
    prefix: []const u8,
    /// Empty-width conditions required at the start; null: never matches.
    start_cond: ?prog_mod.EmptyOp,
};

const eot: i32 = -1;

/// The runes on both sides of a position, from which ^ $ \b etc. are decided.
const Context = struct {
    before: i32,
    after: i32,

    fn at(input: []const u8, pos: usize) Context {
        var c: Context = .{ .before = eot, .after = eot };
        if (pos > 0 and pos <= input.len) c.before = @intCast(utf8.decodeLast(input[0..pos]).rune);
        if (pos < input.len) c.after = @intCast(utf8.decode(input[pos..]).rune);
        return c;
    }

    fn satisfies(c: Context, op_in: prog_mod.EmptyOp) bool {
        var op = op_in;
        if (op == 0) return true;
        if (op & prog_mod.empty_begin_line != 0) {
            if (c.before != '\n' and c.before >= 0) return false;
            op &= ~prog_mod.empty_begin_line;
        }
        if (op & prog_mod.empty_begin_text != 0) {
            if (c.before >= 0) return false;
            op &= ~prog_mod.empty_begin_text;
        }
        if (op == 0) return true;
        if (op & prog_mod.empty_end_line != 0) {
            if (c.after != '\n' and c.after >= 0) return false;
            op &= ~prog_mod.empty_end_line;
        }
        if (op & prog_mod.empty_end_text != 0) {
            if (c.after >= 0) return false;
            op &= ~prog_mod.empty_end_text;
        }
        if (op == 0) return true;
        if (isWordChar(c.before) != isWordChar(c.after)) {
            op &= ~prog_mod.empty_word_boundary;
        } else {
            op &= ~prog_mod.empty_no_word_boundary;
        }
        return op == 0;
    }
};

/// ASCII word characters, as \b uses them.
pub fn isWordChar(r: i32) bool {
    return (r >= 'a' and r <= 'z') or (r >= 'A' and r <= 'Z') or (r >= '0' and r <= '9') or r == '_';
}

/// Pending threads for one input position: a sparse set of visited pcs plus,
/// in priority order, the threads (rune and match instructions) with their
/// capture slots.
const Queue = struct {
    sparse: []u32,
    dense: []u32,
    dense_len: u32 = 0,
    thread_pc: []u32,
    thread_caps: []usize,
    thread_len: u32 = 0,

    fn contains(q: *const Queue, pc: u32) bool {
        const j = q.sparse[pc];
        return j < q.dense_len and q.dense[j] == pc;
    }

    fn insert(q: *Queue, pc: u32) void {
        q.sparse[pc] = q.dense_len;
        q.dense[q.dense_len] = pc;
        q.dense_len += 1;
    }

    fn clear(q: *Queue) void {
        q.dense_len = 0;
        q.thread_len = 0;
    }
};

/// A pending alternative (pc), or a capture slot to restore to `old`.
const Frame = struct {
    pc_or_slot: u32,
    restore: bool,
    old: usize = 0,
};

/// Scratch state for matching one program; reusable across calls on the
/// same program (and capture count), never shared between threads.
pub const Machine = struct {
    gpa: Allocator,
    prog: *const Prog,
    info: Info,
    ncap: usize,
    /// Backing memory of the queues (sparse, dense, thread pcs)...
    words: []u32,
    /// ...and of the capture slots (threads', then the match's).
    positions: []usize,
    q0: Queue,
    q1: Queue,
    /// Fixed capacity: `add` never grows it.
    stack: std.ArrayList(Frame),
    matchcap: []usize,

    /// `ncap`: capture slots wanted (0: just whether it matches, 2: the
    /// match bounds, prog.num_cap: every group).
    pub fn init(gpa: Allocator, prog: *const Prog, info: Info, ncap: usize) Allocator.Error!Machine {
        const n = prog.insts.len;
        var threads: usize = 0;
        for (prog.insts) |inst| switch (inst.op) {
            .match, .rune, .rune1, .rune_any, .rune_any_not_nl => threads += 1,
            else => {},
        };
        // Three allocations in all: the u32 arrays, the position arrays, the stack.
        const words = try gpa.alloc(u32, 2 * (2 * n + threads));
        errdefer gpa.free(words);
        const positions = try gpa.alloc(usize, 2 * threads * ncap + ncap);
        errdefer gpa.free(positions);
        const frames = try gpa.alloc(Frame, n + 1);
        @memset(words, 0);
        var m: Machine = .{
            .gpa = gpa,
            .prog = prog,
            .info = info,
            .ncap = ncap,
            .words = words,
            .positions = positions,
            .q0 = undefined,
            .q1 = undefined,
            .stack = .initBuffer(frames),
            .matchcap = positions[2 * threads * ncap ..],
        };
        const per_queue = 2 * n + threads;
        inline for (.{ &m.q0, &m.q1 }, 0..) |q, k| {
            const w = words[k * per_queue ..][0..per_queue];
            q.* = .{
                .sparse = w[0..n],
                .dense = w[n .. 2 * n],
                .thread_pc = w[2 * n ..],
                .thread_caps = positions[k * threads * ncap ..][0 .. threads * ncap],
            };
        }
        return m;
    }

    pub fn deinit(m: *Machine) void {
        m.gpa.free(m.words);
        m.gpa.free(m.positions);
        m.gpa.free(m.stack.allocatedSlice());
    }

    /// Finds the leftmost-first match starting at or after `pos`. On success
    /// `slots()` holds the `ncap` capture positions (no_pos if unset).
    pub fn run(m: *Machine, input: []const u8, pos_in: usize) Allocator.Error!bool {
        const start_cond = m.info.start_cond orelse return false;
        var pos = pos_in;
        var matched = false;
        @memset(m.matchcap, no_pos);
        var runq = &m.q0;
        var nextq = &m.q1;
        runq.clear();
        nextq.clear();

        var r: i32, var width: usize = step(input, pos);
        var r1: i32 = eot;
        var width1: usize = 0;
        if (r != eot) r1, width1 = step(input, pos + width);
        var ctx: Context = if (pos == 0) .{ .before = eot, .after = r } else Context.at(input, pos);
        while (true) {
            if (runq.thread_len == 0) {
                // Anchored at the start of the text, and past it: no match.
                if (start_cond & prog_mod.empty_begin_text != 0 and pos != 0) break;
                // Have a match and nothing of higher priority is pending.
                if (matched) break;
                // Every match starts with the literal prefix: jump to it.
                const prefix = m.info.prefix;
                if (prefix.len > 0 and !std.mem.startsWith(u8, input[pos..], prefix)) {
                    const advance = std.mem.indexOf(u8, input[pos..], prefix) orelse break;
                    pos += advance;
                    r, width = step(input, pos);
                    r1, width1 = step(input, pos + width);
                    ctx = Context.at(input, pos);
                }
            }
            if (!matched) {
                if (m.ncap > 0) m.matchcap[0] = pos;
                m.add(runq, m.prog.start, pos, m.matchcap, ctx);
            }
            ctx = .{ .before = r, .after = r1 };
            m.step1(runq, nextq, pos, pos + width, r, ctx, &matched);
            if (width == 0) break;
            if (m.ncap == 0 and matched) break; // any match will do
            pos += width;
            r = r1;
            width = width1;
            if (r != eot) r1, width1 = step(input, pos + width);
            std.mem.swap(*Queue, &runq, &nextq);
        }
        nextq.clear();
        return matched;
    }

    pub fn slots(m: *const Machine) []const usize {
        return m.matchcap;
    }

    fn step(input: []const u8, pos: usize) struct { i32, usize } {
        if (pos >= input.len) return .{ eot, 0 };
        const d = utf8.decode(input[pos..]);
        return .{ @intCast(d.rune), d.width };
    }

    /// Runs every thread of `runq` on rune `c` (at pos..next_pos), queuing
    /// survivors on `nextq`.
    fn step1(m: *Machine, runq: *Queue, nextq: *Queue, pos: usize, next_pos: usize, c: i32, next_ctx: Context, matched: *bool) void {
        const ncap = m.ncap;
        var t: usize = 0;
        while (t < runq.thread_len) : (t += 1) {
            const inst = m.prog.insts[runq.thread_pc[t]];
            const cap = runq.thread_caps[t * ncap ..][0..ncap];
            const accept = switch (inst.op) {
                .match => {
                    if (ncap > 0) {
                        cap[1] = pos;
                        @memcpy(m.matchcap, cap);
                    }
                    // Leftmost-first: lower-priority threads are cut off.
                    matched.* = true;
                    break;
                },
                .rune => c >= 0 and m.prog.matchRune(inst, @intCast(c)),
                .rune1 => c >= 0 and @as(u32, @intCast(c)) == m.prog.instRunes(inst)[0],
                .rune_any => c >= 0,
                .rune_any_not_nl => c >= 0 and c != '\n',
                else => false,
            };
            if (accept) m.add(nextq, inst.out, next_pos, cap, next_ctx);
        }
        runq.clear();
    }

    /// Adds the threads reachable from `pc0` through empty-width steps, in
    /// priority order, with `cap` as their capture slots (restored on return).
    /// Never allocates: each pc enters `q` once, so the stack holds at most
    /// one frame per instruction (an alt's second branch or a capture's
    /// saved slot) plus the first, which `init` reserved.
    fn add(m: *Machine, q: *Queue, pc0: u32, pos: usize, cap: []usize, ctx: Context) void {
        const stack = &m.stack;
        var pc = pc0;
        while (true) {
            // Follow one path; alternatives and saved slots go on the stack.
            while (pc != 0 and !q.contains(pc)) {
                q.insert(pc);
                const inst = m.prog.insts[pc];
                switch (inst.op) {
                    .fail => break,
                    .alt => {
                        // Explore out fully first, then arg.
                        stack.appendAssumeCapacity(.{ .pc_or_slot = inst.arg, .restore = false });
                        pc = inst.out;
                    },
                    .empty_width => {
                        if (!ctx.satisfies(@intCast(inst.arg))) break;
                        pc = inst.out;
                    },
                    .nop => pc = inst.out,
                    .capture => {
                        if (inst.arg < cap.len) {
                            stack.appendAssumeCapacity(.{ .pc_or_slot = inst.arg, .restore = true, .old = cap[inst.arg] });
                            cap[inst.arg] = pos;
                        }
                        pc = inst.out;
                    },
                    .match, .rune, .rune1, .rune_any, .rune_any_not_nl => {
                        const t = q.thread_len;
                        q.thread_pc[t] = pc;
                        @memcpy(q.thread_caps[t * cap.len ..][0..cap.len], cap);
                        q.thread_len += 1;
                        break;
                    },
                }
            }
            // Next pending alternative, restoring slots on the way.
            while (true) {
                const frame = stack.pop() orelse return;
                if (!frame.restore) {
                    pc = frame.pc_or_slot;
                    break;
                }
                cap[frame.pc_or_slot] = frame.old;
            }
        }
    }
};
