//! Corpus check for the front end: parses every module, query and input term
//! of the OPA conformance suite and reports how many parse. With a dump
//! directory it also writes each result as JSON in OPA's AST encoding
//! (`opa parse --format json --json-include locations,-comments`; errors as
//! `{"errors":[{message,row,col}]}`) for a diff against OPA's own parser.
//!
//! The suite is YAML; extract it first (needs PyYAML), e.g.:
//!
//!     import yaml, glob, os
//!     os.makedirs('/tmp/corpus/files', exist_ok=True); lines = []; n = 0
//!     for path in sorted(glob.glob('/work/shared/opa-conformance/cases-v1/**/*.yaml', recursive=True)):
//!         for doc in yaml.safe_load_all(open(path)):
//!             for case in (doc or {}).get('cases', []):
//!                 n += 1; exp = '1' if case.get('experimental_keywords') else '0'
//!                 err = '1' if 'rego_parse_error' in str(case.get('want_error_code', '')) else '0'
//!                 inputs = [('module', m) for m in case.get('modules') or []]
//!                 inputs += [('query', case['query'])] if 'query' in case else []
//!                 inputs += [('term', case['input_term'])] if 'input_term' in case else []
//!                 for j, (kind, text) in enumerate(inputs):
//!                     f = f'/tmp/corpus/files/c{n:04d}_{j}_{kind}.rego'; open(f, 'w').write(text)
//!                     lines.append('\t'.join([kind, exp, err, f, case.get('note', '')]))
//!     open('/tmp/corpus/manifest.tsv', 'w').write('\n'.join(lines) + '\n')
//!
//! then
//!
//!     scripts/zig run zig/compile/parse_corpus.zig -- /tmp/corpus/manifest.tsv [dump-dir]
//!
//! Manifest lines: kind (module|query|term) \t experimental (0|1) \t
//! expects-parse-error (0|1) \t path \t note. Sets and objects are dumped in
//! source order (OPA sorts and deduplicates them), so a comparison should
//! normalise those.
const std = @import("std");
const front = @import("front.zig");
const ast = front.ast;

pub fn main() !void {
    var gpa_state: std.heap.DebugAllocator(.{}) = .init;
    defer _ = gpa_state.deinit();
    const gpa = gpa_state.allocator();

    const args = try std.process.argsAlloc(gpa);
    defer std.process.argsFree(gpa, args);
    if (args.len < 2) {
        std.debug.print("usage: parse_corpus <manifest.tsv> [dump-dir]\n", .{});
        return error.Usage;
    }
    const dump_dir: ?[]const u8 = if (args.len > 2) args[2] else null;

    const manifest = try std.fs.cwd().readFileAlloc(gpa, args[1], 64 << 20);
    defer gpa.free(manifest);

    var counts: [3]struct { total: u32 = 0, ok: u32 = 0, expected_fail: u32 = 0 } = .{ .{}, .{}, .{} };
    var lines = std.mem.splitScalar(u8, manifest, '\n');
    while (lines.next()) |line| {
        if (line.len == 0) continue;
        var fields = std.mem.splitScalar(u8, line, '\t');
        const kind = fields.next().?;
        const experimental = std.mem.eql(u8, fields.next().?, "1");
        const expects_error = std.mem.eql(u8, fields.next().?, "1");
        const path = fields.next().?;
        const note = fields.next() orelse "";

        var arena_state: std.heap.ArenaAllocator = .init(gpa);
        defer arena_state.deinit();
        const arena = arena_state.allocator();
        const source = try std.fs.cwd().readFileAlloc(arena, path, 16 << 20);
        var diagnostics: std.ArrayList(front.Diagnostic) = .empty;
        const options: front.Options = .{ .file_name = std.fs.path.basename(path), .experimental_keywords = experimental };

        const slot: usize = if (std.mem.eql(u8, kind, "module")) 0 else if (std.mem.eql(u8, kind, "query")) 1 else 2;
        counts[slot].total += 1;
        var out: std.Io.Writer.Allocating = .init(arena);
        const w = &out.writer;
        try w.writeAll("{\"ast\":");
        const ok = parsed: {
            switch (slot) {
                0 => {
                    const module = front.parseModule(arena, source, options, &diagnostics) catch |err| switch (err) {
                        error.ParseError => break :parsed false,
                        else => return err,
                    };
                    try writeModule(w, module, source);
                },
                1 => {
                    const body = front.parseQuery(arena, source, options, &diagnostics) catch |err| switch (err) {
                        error.ParseError => break :parsed false,
                        else => return err,
                    };
                    try writeBody(w, body, source);
                },
                else => {
                    const term = front.parseTerm(arena, source, options, &diagnostics) catch |err| switch (err) {
                        error.ParseError => break :parsed false,
                        else => return err,
                    };
                    try writeTerm(w, term, source);
                },
            }
            break :parsed true;
        };
        if (!ok) {
            out.clearRetainingCapacity();
            try w.writeAll("{\"errors\":[");
            for (diagnostics.items, 0..) |d, i| {
                if (i > 0) try w.writeAll(",");
                try w.writeAll("{\"message\":");
                try writeString(w, d.message);
                try w.print(",\"row\":{d},\"col\":{d}}}", .{ d.row, d.col });
            }
            try w.writeAll("]");
        }
        try w.writeAll("}\n");
        if (dump_dir) |dir| {
            const name = try std.fmt.allocPrint(arena, "{s}/{s}.json", .{ dir, std.fs.path.basename(path) });
            try std.fs.cwd().writeFile(.{ .sub_path = name, .data = out.written() });
        }
        if (ok) {
            counts[slot].ok += 1;
        } else if (expects_error) {
            counts[slot].expected_fail += 1;
        } else {
            std.debug.print("FAIL {s} {s} ({s})\n", .{ kind, path, note });
            for (diagnostics.items) |d| std.debug.print("  {d}:{d}: {s}\n", .{ d.row, d.col, d.message });
        }
    }
    const names = [_][]const u8{ "modules", "queries", "input terms" };
    for (counts, names) |c, name| {
        std.debug.print("{s}: {d}/{d} parsed, {d} failed as expected, {d} unexpected failures\n", .{
            name, c.ok, c.total, c.expected_fail, c.total - c.ok - c.expected_fail,
        });
    }
}

// ---------------------------------------------------------------------------
// OPA's JSON rendering of an AST (policy_json.go, term_json.go), with
// locations; sets and objects in source order (the comparison sorts them).

const W = *std.Io.Writer;

fn writeModule(w: W, module: ast.Module, source: []const u8) !void {
    try w.writeAll("{\"package\":{");
    try writeLocationField(w, module.package.location, source);
    try w.writeAll("\"path\":");
    try writeTerms(w, module.package.path, source);
    try w.writeAll("}");
    if (module.imports.len > 0) {
        try w.writeAll(",\"imports\":[");
        for (module.imports, 0..) |import, i| {
            if (i > 0) try w.writeAll(",");
            try w.writeAll("{");
            try writeLocationField(w, import.location, source);
            if (import.alias) |alias| try w.print("\"alias\":\"{s}\",", .{alias});
            try w.writeAll("\"path\":");
            try writeTerm(w, import.path, source);
            try w.writeAll("}");
        }
        try w.writeAll("]");
    }
    if (module.rules.len > 0) {
        try w.writeAll(",\"rules\":[");
        for (module.rules, 0..) |rule, i| {
            if (i > 0) try w.writeAll(",");
            try writeRule(w, rule, source);
        }
        try w.writeAll("]");
    }
    try w.writeAll("}");
}

fn writeRule(w: W, rule: ast.Rule, source: []const u8) !void {
    try w.writeAll("{");
    try writeLocationField(w, rule.location, source);
    if (rule.default) try w.writeAll("\"default\":true,");
    if (rule.else_rule) |next| {
        try w.writeAll("\"else\":");
        try writeRule(w, next.*, source);
        try w.writeAll(",");
    }
    try w.writeAll("\"head\":{");
    const head = rule.head;
    try writeLocationField(w, head.location, source);
    if (head.name.len > 0) try w.print("\"name\":\"{s}\",", .{head.name});
    if (head.args) |args| {
        if (args.len > 0) {
            try w.writeAll("\"args\":");
            try writeTerms(w, args, source);
            try w.writeAll(",");
        }
    }
    if (head.key) |key| {
        try w.writeAll("\"key\":");
        try writeTerm(w, key, source);
        try w.writeAll(",");
    }
    if (head.value) |value| {
        try w.writeAll("\"value\":");
        try writeTerm(w, value, source);
        try w.writeAll(",");
    }
    if (head.assign) try w.writeAll("\"assign\":true,");
    try w.writeAll("\"ref\":");
    try writeTerms(w, head.ref, source);
    try w.writeAll("},\"body\":");
    try writeBody(w, rule.body, source);
    try w.writeAll("}");
}

fn writeBody(w: W, body: ast.Body, source: []const u8) anyerror!void {
    try w.writeAll("[");
    for (body, 0..) |expr, i| {
        if (i > 0) try w.writeAll(",");
        try writeExpr(w, expr, source);
    }
    try w.writeAll("]");
}

fn writeExpr(w: W, expr: ast.Expr, source: []const u8) anyerror!void {
    try w.writeAll("{");
    try writeLocationField(w, expr.location, source);
    try w.print("\"index\":{d},", .{expr.index});
    if (expr.negated) try w.writeAll("\"negated\":true,");
    if (expr.with.len > 0) {
        try w.writeAll("\"with\":[");
        for (expr.with, 0..) |with, i| {
            if (i > 0) try w.writeAll(",");
            try w.writeAll("{");
            try writeLocationField(w, with.location, source);
            try w.writeAll("\"target\":");
            try writeTerm(w, with.target, source);
            try w.writeAll(",\"value\":");
            try writeTerm(w, with.value, source);
            try w.writeAll("}");
        }
        try w.writeAll("],");
    }
    try w.writeAll("\"terms\":");
    switch (expr.terms) {
        .term => |term| try writeTerm(w, term, source),
        .call => |terms| try writeTerms(w, terms, source),
        .some => |some| {
            try w.writeAll("{");
            try writeLocationField(w, some.location, source);
            try w.writeAll("\"symbols\":");
            try writeTerms(w, some.symbols, source);
            try w.writeAll("}");
        },
        .every => |every| {
            try w.writeAll("{");
            try writeLocationField(w, every.location, source);
            try w.writeAll("\"key\":");
            if (every.key) |key| try writeTerm(w, key, source) else try w.writeAll("null");
            try w.writeAll(",\"value\":");
            try writeTerm(w, every.value, source);
            try w.writeAll(",\"domain\":");
            try writeTerm(w, every.domain, source);
            try w.writeAll(",\"body\":");
            try writeBody(w, every.body, source);
            try w.writeAll("}");
        },
        .not => |not| {
            try w.print("{{\"type\":\"not\",\"explicit_body\":{},\"body\":", .{not.explicit_body});
            try writeBody(w, not.body, source);
            try w.writeAll("}");
        },
        inline .logical_and, .logical_or => |logical, tag| {
            try w.print("{{\"type\":\"{s}\",", .{if (tag == .logical_and) "and" else "or"});
            if (logical.explicit_lhs) try w.writeAll("\"explicit_lhs\":true,");
            if (logical.explicit_rhs) try w.writeAll("\"explicit_rhs\":true,");
            try w.writeAll("\"lhs\":");
            try writeBody(w, logical.lhs, source);
            try w.writeAll(",\"rhs\":");
            try writeBody(w, logical.rhs, source);
            try w.writeAll("}");
        },
    }
    try w.writeAll("}");
}

fn writeTerms(w: W, terms: []const ast.Term, source: []const u8) anyerror!void {
    try w.writeAll("[");
    for (terms, 0..) |term, i| {
        if (i > 0) try w.writeAll(",");
        try writeTerm(w, term, source);
    }
    try w.writeAll("]");
}

fn writeTerm(w: W, term: ast.Term, source: []const u8) anyerror!void {
    try w.writeAll("{");
    try writeLocationField(w, term.location, source);
    try w.print("\"type\":\"{s}\",\"value\":", .{term.value.name()});
    switch (term.value) {
        .null => try w.writeAll("null"),
        .boolean => |b| try w.print("{}", .{b}),
        // Go refuses to marshal a json.Number that is not JSON (`.5`).
        .number => |n| if (isJsonNumber(n)) try w.writeAll(n) else try writeString(w, n),
        .string, .variable => |s| try writeString(w, s),
        .ref, .array, .set, .call => |terms| try writeTerms(w, terms, source),
        .object => |items| {
            try w.writeAll("[");
            for (items, 0..) |item, i| {
                if (i > 0) try w.writeAll(",");
                try w.writeAll("[");
                try writeTerm(w, item.key, source);
                try w.writeAll(",");
                try writeTerm(w, item.value, source);
                try w.writeAll("]");
            }
            try w.writeAll("]");
        },
        .array_comprehension, .set_comprehension => |c| {
            try w.writeAll("{\"term\":");
            try writeTerm(w, c.term, source);
            try w.writeAll(",\"body\":");
            try writeBody(w, c.body, source);
            try w.writeAll("}");
        },
        .object_comprehension => |c| {
            try w.writeAll("{\"key\":");
            try writeTerm(w, c.key, source);
            try w.writeAll(",\"value\":");
            try writeTerm(w, c.value, source);
            try w.writeAll(",\"body\":");
            try writeBody(w, c.body, source);
            try w.writeAll("}");
        },
        .template_string => |t| {
            try w.print("{{\"multi_line\":{},\"parts\":[", .{t.multi_line});
            for (t.parts, 0..) |part, i| {
                if (i > 0) try w.writeAll(",");
                switch (part) {
                    .term => |pt| try writeTerm(w, pt, source),
                    .expr => |e| try writeExpr(w, e.*, source),
                }
            }
            try w.writeAll("]}");
        },
    }
    try w.writeAll("}");
}

fn writeLocationField(w: W, location: ast.Location, source: []const u8) !void {
    if (location.isNone()) return;
    const text = location.textIn(source);
    try w.print("\"location\":{{\"row\":{d},\"col\":{d},\"text\":\"", .{ location.row, location.col });
    try std.base64.standard.Encoder.encodeWriter(w, text);
    try w.writeAll("\"},");
}

fn writeString(w: W, s: []const u8) !void {
    try w.writeAll("\"");
    for (s) |c| {
        switch (c) {
            '"' => try w.writeAll("\\\""),
            '\\' => try w.writeAll("\\\\"),
            '\n' => try w.writeAll("\\n"),
            '\r' => try w.writeAll("\\r"),
            '\t' => try w.writeAll("\\t"),
            0...8, 11, 12, 14...0x1f => try w.print("\\u{x:0>4}", .{c}),
            else => try w.writeByte(c),
        }
    }
    try w.writeAll("\"");
}

fn isJsonNumber(text: []const u8) bool {
    var i: usize = 0;
    if (i < text.len and text[i] == '-') i += 1;
    if (i >= text.len) return false;
    if (text[i] == '0') {
        i += 1;
    } else {
        if (text[i] < '1' or text[i] > '9') return false;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
    }
    if (i < text.len and text[i] == '.') {
        i += 1;
        const digits = i;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        if (i == digits) return false;
    }
    if (i < text.len and (text[i] == 'e' or text[i] == 'E')) {
        i += 1;
        if (i < text.len and (text[i] == '+' or text[i] == '-')) i += 1;
        const digits = i;
        while (i < text.len and std.ascii.isDigit(text[i])) i += 1;
        if (i == digits) return false;
    }
    return i == text.len;
}
