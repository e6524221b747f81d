//! Regular expressions with Go's regexp syntax and semantics (RE2: UTF-8,
//! leftmost-first, linear time), answering exactly as OPA's Go regexp does.
//!
//!   var re = try regex.compile(gpa, "a(x*)b");   // or compileDiagnostic for Go's message
//!   defer re.deinit(gpa);
//!   _ = try re.isMatch(scratch, "-axxb-");
//!
//! A `Regex` is immutable after compilation: any number of threads may match
//! with it at once. Matching allocates its scratch space from the allocator
//! passed to each call (an arena is ideal) and frees it before returning.
//!
//! Pipeline, each stage following Go's regexp/syntax: parser.zig (syntax tree,
//! errors, limits) -> simplify.zig (counted repetition) -> compiler.zig
//! (instructions) -> pikevm.zig (matching).
const std = @import("std");
const Allocator = std.mem.Allocator;
const parser = @import("parser.zig");
const simplify_mod = @import("simplify.zig");
const compiler = @import("compiler.zig");
const prog_mod = @import("prog.zig");
const pikevm = @import("pikevm.zig");
const unicode = @import("unicode.zig");
const utf8 = @import("utf8.zig");

pub const Diagnostic = parser.Diagnostic;
pub const ErrorCode = parser.ErrorCode;
pub const Prog = prog_mod.Prog;
pub const no_pos = pikevm.no_pos;

pub const Error = error{ OutOfMemory, Syntax };

/// A match or submatch: input[start..end].
pub const Span = struct {
    start: usize,
    end: usize,

    pub fn slice(s: Span, input: []const u8) []const u8 {
        return input[s.start..s.end];
    }
};

/// Compiles `pattern`; error.Syntax when Go would reject it.
pub fn compile(gpa: Allocator, pattern: []const u8) Error!Regex {
    var diagnostic: Diagnostic = .{};
    return compileDiagnostic(gpa, pattern, &diagnostic);
}

/// Like `compile`, filling `diagnostic` on error.Syntax. Format it with
/// "{f}" for Go's message ("error parsing regexp: missing closing ): `(`").
pub fn compileDiagnostic(gpa: Allocator, pattern: []const u8, diagnostic: *Diagnostic) Error!Regex {
    var arena_state: std.heap.ArenaAllocator = .init(gpa);
    defer arena_state.deinit();
    const arena = arena_state.allocator();

    const tree = try parser.parse(arena, pattern, diagnostic);
    const num_subexp = tree.maxCap();
    const names = try arena.alloc([]const u8, num_subexp + 1);
    @memset(names, "");
    tree.capNames(names);

    const simple = try simplify_mod.simplify(arena, tree);
    var prog = compiler.compile(gpa, simple) catch |err| switch (err) {
        error.TooLarge => {
            diagnostic.* = .{ .code = .large, .expr = pattern };
            return error.Syntax;
        },
        error.OutOfMemory => return error.OutOfMemory,
    };
    errdefer freeProg(gpa, &prog);

    var prefix: std.ArrayList(u8) = .empty;
    errdefer prefix.deinit(gpa);
    const prefix_complete = try prog.prefix(gpa, &prefix);

    // Names are copied into one buffer so the regex outlives the pattern.
    var names_len: usize = 0;
    for (names) |n| names_len += n.len;
    const names_buf = try gpa.alloc(u8, names_len);
    errdefer gpa.free(names_buf);
    const cap_names = try gpa.alloc([]const u8, names.len);
    errdefer gpa.free(cap_names);
    var at: usize = 0;
    for (names, cap_names) |n, *dst| {
        @memcpy(names_buf[at..][0..n.len], n);
        dst.* = names_buf[at..][0..n.len];
        at += n.len;
    }

    const min_len = try minInputLen(gpa, &prog);
    const prefix_bytes = try prefix.toOwnedSlice(gpa);
    return .{
        .prog = prog,
        .num_subexp = num_subexp,
        .cap_names = cap_names,
        .names_buf = names_buf,
        .prefix = prefix_bytes,
        .prefix_complete = prefix_complete,
        .start_cond = prog.startCond(),
        .empty_pattern = pattern.len == 0,
        .min_input_len = min_len,
    };
}

/// A lower bound of the bytes any match consumes: the fewest rune
/// instructions on a path from start to match (0-1 breadth-first search).
/// Inputs shorter than that are rejected without running the matcher.
fn minInputLen(gpa: Allocator, prog: *const Prog) Allocator.Error!usize {
    const n = prog.insts.len;
    const unreached = std.math.maxInt(u32);
    const dist = try gpa.alloc(u32, n);
    defer gpa.free(dist);
    @memset(dist, unreached);
    // A deque as a ring of capacity 2n: each pc is pushed at most twice
    // (once per improvement from one distance level to the next).
    const ring = try gpa.alloc(u32, 2 * n + 1);
    defer gpa.free(ring);
    var head: usize = 0;
    var len: usize = 0;
    dist[prog.start] = 0;
    ring[0] = prog.start;
    len = 1;
    while (len > 0) {
        const pc = ring[head];
        head = (head + 1) % ring.len;
        len -= 1;
        const inst = prog.insts[pc];
        const d = dist[pc];
        const Edge = struct { u32, u32 };
        var edges: [2]Edge = undefined;
        var count: usize = 0;
        switch (inst.op) {
            .match => return d,
            .fail => {},
            .alt => {
                edges[0] = .{ inst.out, 0 };
                edges[1] = .{ inst.arg, 0 };
                count = 2;
            },
            .capture, .nop, .empty_width => {
                edges[0] = .{ inst.out, 0 };
                count = 1;
            },
            .rune, .rune1, .rune_any, .rune_any_not_nl => {
                edges[0] = .{ inst.out, 1 };
                count = 1;
            },
        }
        for (edges[0..count]) |e| {
            const next, const w = e;
            if (next == 0 or d + w >= dist[next]) continue;
            if (len == ring.len) return 0; // cannot happen; no bound then
            dist[next] = d + w;
            if (w == 0) {
                head = (head + ring.len - 1) % ring.len;
                ring[head] = next;
            } else {
                ring[(head + len) % ring.len] = next;
            }
            len += 1;
        }
    }
    return 0; // no match is reachable (the matcher finds none either)
}

/// Whether Go's regexp/syntax.Parse accepts `pattern` (what OPA's
/// regex.is_valid checks: parsing only, no compilation).
pub fn isValid(gpa: Allocator, pattern: []const u8, diagnostic: *Diagnostic) Allocator.Error!bool {
    var arena_state: std.heap.ArenaAllocator = .init(gpa);
    defer arena_state.deinit();
    _ = parser.parse(arena_state.allocator(), pattern, diagnostic) catch |err| switch (err) {
        error.Syntax => return false,
        error.OutOfMemory => return error.OutOfMemory,
    };
    return true;
}

fn freeProg(gpa: Allocator, prog: *Prog) void {
    gpa.free(prog.insts);
    gpa.free(prog.runes);
}

/// Go's regexp.QuoteMeta: escapes every metacharacter of `s`.
pub fn quoteMeta(gpa: Allocator, s: []const u8) Allocator.Error![]u8 {
    var out: std.ArrayList(u8) = .empty;
    errdefer out.deinit(gpa);
    try out.ensureTotalCapacity(gpa, s.len);
    for (s) |c| {
        if (std.mem.indexOfScalar(u8, "\\.+*?()|[]{}^$", c) != null) try out.append(gpa, '\\');
        try out.append(gpa, c);
    }
    return out.toOwnedSlice(gpa);
}

pub const Regex = struct {
    prog: Prog,
    /// Number of capture groups in the pattern (Go's NumSubexp).
    num_subexp: u32,
    /// Name of each group ("" if unnamed), index 0 being the whole match.
    cap_names: []const []const u8,
    names_buf: []const u8,
    /// Literal prefix of every match, and whether it is the whole regex.
    prefix: []const u8,
    prefix_complete: bool,
    start_cond: ?prog_mod.EmptyOp,
    empty_pattern: bool,
    /// No match is shorter than this (bytes).
    min_input_len: usize,

    pub fn deinit(re: *Regex, gpa: Allocator) void {
        freeProg(gpa, &re.prog);
        gpa.free(re.cap_names);
        gpa.free(re.names_buf);
        gpa.free(re.prefix);
        re.* = undefined;
    }

    fn info(re: *const Regex) pikevm.Info {
        return .{ .prefix = re.prefix, .start_cond = re.start_cond };
    }

    /// Cheap proof that no match starts at or after `pos` (Go's minInputLen
    /// test, and the literal prefix being absent).
    fn cannotMatch(re: *const Regex, input: []const u8, pos: usize) bool {
        if (input.len < re.min_input_len) return true;
        return re.prefix.len > 0 and std.mem.indexOf(u8, input[pos..], re.prefix) == null;
    }

    fn machine(re: *const Regex, scratch: Allocator, ncap: usize) Allocator.Error!pikevm.Machine {
        return pikevm.Machine.init(scratch, &re.prog, re.info(), ncap);
    }

    /// Whether `input` contains a match (Go's MatchString).
    pub fn isMatch(re: *const Regex, scratch: Allocator, input: []const u8) Allocator.Error!bool {
        if (re.cannotMatch(input, 0)) return false;
        var m = try re.machine(scratch, 0);
        defer m.deinit();
        return m.run(input, 0);
    }

    /// The leftmost-first match (Go's FindStringIndex).
    pub fn find(re: *const Regex, scratch: Allocator, input: []const u8) Allocator.Error!?Span {
        if (re.cannotMatch(input, 0)) return null;
        var m = try re.machine(scratch, 2);
        defer m.deinit();
        if (!try m.run(input, 0)) return null;
        return .{ .start = m.slots()[0], .end = m.slots()[1] };
    }

    /// The leftmost-first match and its groups (Go's FindStringSubmatchIndex),
    /// num_subexp + 1 entries, null for groups that did not participate.
    pub fn findSubmatch(re: *const Regex, gpa: Allocator, input: []const u8) Allocator.Error!?[]?Span {
        if (re.cannotMatch(input, 0)) return null;
        var m = try re.machine(gpa, re.prog.num_cap);
        defer m.deinit();
        if (!try m.run(input, 0)) return null;
        return try re.spans(gpa, m.slots());
    }

    fn spans(re: *const Regex, gpa: Allocator, slots: []const usize) Allocator.Error![]?Span {
        const out = try gpa.alloc(?Span, re.num_subexp + 1);
        for (out, 0..) |*s, i| {
            s.* = if (2 * i + 1 < slots.len and slots[2 * i] != no_pos)
                .{ .start = slots[2 * i], .end = slots[2 * i + 1] }
            else
                null;
        }
        return out;
    }

    /// Successive non-overlapping matches, as Go's allMatches: at most `n`
    /// of them (all if n < 0); an empty match right after a match is skipped.
    /// Calls `deliver(context, slots)` for each, slots having `ncap` entries.
    fn allMatches(
        re: *const Regex,
        scratch: Allocator,
        input: []const u8,
        n_in: i64,
        ncap: usize,
        context: anytype,
        comptime deliver: fn (@TypeOf(context), []const usize) Allocator.Error!void,
    ) Allocator.Error!void {
        const n: u64 = if (n_in < 0) input.len + 1 else @intCast(n_in);
        if (n == 0 or re.cannotMatch(input, 0)) return;
        var m = try re.machine(scratch, ncap);
        defer m.deinit();
        var pos: usize = 0;
        var count: u64 = 0;
        var prev_match_end: ?usize = null;
        while (count < n and pos <= input.len) {
            if (!try m.run(input, pos)) break;
            const slots = m.slots();
            var accept = true;
            if (slots[1] == pos) {
                // An empty match: never right after the previous match.
                if (prev_match_end) |prev| {
                    if (slots[0] == prev) accept = false;
                }
                const width = utf8.decode(input[pos..]).width;
                pos = if (width > 0) pos + width else input.len + 1;
            } else {
                pos = slots[1];
            }
            prev_match_end = slots[1];
            if (accept) {
                try deliver(context, slots);
                count += 1;
            }
        }
    }

    /// All matches (Go's FindAllStringIndex); at most n if n >= 0.
    pub fn findAll(re: *const Regex, gpa: Allocator, input: []const u8, n: i64) Allocator.Error![]Span {
        var out: std.ArrayList(Span) = .empty;
        errdefer out.deinit(gpa);
        const Ctx = struct { list: *std.ArrayList(Span), gpa: Allocator };
        try re.allMatches(gpa, input, n, 2, Ctx{ .list = &out, .gpa = gpa }, struct {
            fn f(c: Ctx, slots: []const usize) Allocator.Error!void {
                try c.list.append(c.gpa, .{ .start = slots[0], .end = slots[1] });
            }
        }.f);
        return out.toOwnedSlice(gpa);
    }

    /// All matches with their groups (Go's FindAllStringSubmatchIndex): each
    /// entry has num_subexp + 1 spans, null where a group did not participate.
    pub fn findAllSubmatch(re: *const Regex, gpa: Allocator, input: []const u8, n: i64) Allocator.Error![][]?Span {
        var out: std.ArrayList([]?Span) = .empty;
        errdefer {
            for (out.items) |s| gpa.free(s);
            out.deinit(gpa);
        }
        const Ctx = struct { list: *std.ArrayList([]?Span), gpa: Allocator, re: *const Regex };
        try re.allMatches(gpa, input, n, re.prog.num_cap, Ctx{ .list = &out, .gpa = gpa, .re = re }, struct {
            fn f(c: Ctx, slots: []const usize) Allocator.Error!void {
                const s = try c.re.spans(c.gpa, slots);
                errdefer c.gpa.free(s);
                try c.list.append(c.gpa, s);
            }
        }.f);
        return out.toOwnedSlice(gpa);
    }

    /// Go's Regexp.Split: the pieces between matches; at most n if n > 0,
    /// none if n == 0. The pieces are slices of `input`.
    pub fn split(re: *const Regex, gpa: Allocator, input: []const u8, n: i64) Allocator.Error![][]const u8 {
        var out: std.ArrayList([]const u8) = .empty;
        errdefer out.deinit(gpa);
        if (n == 0) return out.toOwnedSlice(gpa);
        // A non-empty pattern splits "" into [""] (an empty pattern into []).
        if (input.len == 0 and !re.empty_pattern) {
            try out.append(gpa, "");
            return out.toOwnedSlice(gpa);
        }
        const matches = try re.findAll(gpa, input, n);
        defer gpa.free(matches);
        var beg: usize = 0;
        var end: usize = 0;
        for (matches) |match| {
            if (n > 0 and out.items.len >= n - 1) break;
            end = match.start;
            if (match.end != 0) try out.append(gpa, input[beg..end]);
            beg = match.end;
        }
        if (end != input.len) try out.append(gpa, input[beg..]);
        return out.toOwnedSlice(gpa);
    }

    /// Go's ReplaceAllString: every match replaced by `template` with $1,
    /// ${1}, $name and ${name} expanded ($$ is a '$').
    pub fn replaceAll(re: *const Regex, gpa: Allocator, src: []const u8, template: []const u8) Allocator.Error![]u8 {
        var buf: std.ArrayList(u8) = .empty;
        errdefer buf.deinit(gpa);
        var nmatch: usize = 2;
        if (std.mem.indexOfScalar(u8, template, '$') != null) nmatch = 2 * (re.num_subexp + 1);
        nmatch = @min(nmatch, re.prog.num_cap);

        if (re.cannotMatch(src, 0)) {
            try buf.appendSlice(gpa, src);
            return buf.toOwnedSlice(gpa);
        }
        var m = try re.machine(gpa, nmatch);
        defer m.deinit();
        var last_match_end: usize = 0;
        var search_pos: usize = 0;
        while (search_pos <= src.len) {
            if (!try m.run(src, search_pos)) break;
            const a = m.slots();
            try buf.appendSlice(gpa, src[last_match_end..a[0]]);
            // No replacement for an empty match right after a match
            // (patterns matching both empty and non-empty text would double it).
            if (a[1] > last_match_end or a[0] == 0) try re.expand(gpa, &buf, template, src, a);
            last_match_end = a[1];
            // Advance at least one rune.
            const width = utf8.decode(src[search_pos..]).width;
            if (search_pos + width > a[1]) {
                search_pos += width;
            } else if (search_pos + 1 > a[1]) {
                search_pos += 1; // only at the end of the input
            } else {
                search_pos = a[1];
            }
        }
        try buf.appendSlice(gpa, src[last_match_end..]);
        return buf.toOwnedSlice(gpa);
    }

    /// Go's Regexp.ExpandString: appends `template` to `dst` with $ references
    /// replaced by the groups of `match` (capture slots as matching produced).
    pub fn expand(re: *const Regex, gpa: Allocator, dst: *std.ArrayList(u8), template_in: []const u8, src: []const u8, match: []const usize) Allocator.Error!void {
        var template = template_in;
        while (template.len > 0) {
            const dollar = std.mem.indexOfScalar(u8, template, '$') orelse break;
            try dst.appendSlice(gpa, template[0..dollar]);
            template = template[dollar + 1 ..];
            if (template.len > 0 and template[0] == '$') {
                try dst.append(gpa, '$');
                template = template[1..];
                continue;
            }
            const ref = extract(template) orelse {
                // Malformed: the '$' is literal text.
                try dst.append(gpa, '$');
                continue;
            };
            template = template[ref.len..];
            if (ref.num) |num| {
                if (2 * num + 1 < match.len and match[2 * num] != no_pos) {
                    try dst.appendSlice(gpa, src[match[2 * num]..match[2 * num + 1]]);
                }
            } else {
                for (re.cap_names, 0..) |name, i| {
                    if (std.mem.eql(u8, ref.name, name) and 2 * i + 1 < match.len and match[2 * i] != no_pos) {
                        try dst.appendSlice(gpa, src[match[2 * i]..match[2 * i + 1]]);
                        break;
                    }
                }
            }
        }
        try dst.appendSlice(gpa, template);
    }
};

const Reference = struct {
    name: []const u8,
    /// The group number when the name is one.
    num: ?usize,
    /// Bytes of the template the reference takes (after the '$').
    len: usize,
};

/// Parses the reference after a '$': a name of letters, digits and '_', or
/// the same in braces (Go's extract).
fn extract(str: []const u8) ?Reference {
    if (str.len == 0) return null;
    var s = str;
    const brace = s[0] == '{';
    if (brace) s = s[1..];
    var i: usize = 0;
    while (i < s.len) {
        const d = utf8.decode(s[i..]);
        if (!unicode.isLetter(d.rune) and !unicode.isDigit(d.rune) and d.rune != '_') break;
        i += d.width;
    }
    if (i == 0) return null; // empty name
    const name = s[0..i];
    if (brace) {
        if (i >= s.len or s[i] != '}') return null;
        i += 1;
    }
    var value: usize = 0;
    var numeric = true;
    for (name) |c| {
        if (c < '0' or c > '9' or value >= 100_000_000) {
            numeric = false;
            break;
        }
        value = value * 10 + (c - '0');
    }
    // No leading zeros.
    if (name[0] == '0' and name.len > 1) numeric = false;
    return .{ .name = name, .num = if (numeric) value else null, .len = i + @intFromBool(brace) };
}

test {
    _ = @import("utf8.zig");
    _ = @import("unicode.zig");
    _ = @import("class.zig");
    _ = @import("regex_test.zig");
    _ = @import("globs.zig");
    _ = @import("goquote.zig");
    _ = @import("gofmt.zig");
}
