//! Compiled patterns shared by every evaluation of the process, as OPA keeps its
//! regex cache: a policy matching a few patterns against many strings compiles each
//! pattern once instead of on every call.
//!
//! Bounded (`capacity` patterns, replaced round-robin when full) and thread-safe: a
//! mutex guards the table, and each entry is reference-counted so that a pattern
//! replaced while another thread still matches with it is freed by the last user.
const std = @import("std");
const regex = @import("regex.zig");

const capacity = 512;
/// Longer patterns are compiled per call: keeping them would let one policy fill the
/// cache with large programs.
const max_pattern_len = 4096;

/// Compiled programs live outside any evaluation's arena.
const gpa = std.heap.smp_allocator;

pub const Entry = struct {
    re: regex.Regex,
    pattern: []u8,
    /// One for the table while the entry is in it, one per `acquire` not yet released.
    refs: std.atomic.Value(u32),

    fn destroy(entry: *Entry) void {
        entry.re.deinit(gpa);
        gpa.free(entry.pattern);
        gpa.destroy(entry);
    }
};

var mutex: std.Thread.Mutex = .{};
var by_pattern: std.StringHashMapUnmanaged(*Entry) = .empty;
var slots: [capacity]?*Entry = @splat(null);
var next_slot: usize = 0;

/// The compiled `pattern` if it is cached; release it with `release`.
pub fn acquire(pattern: []const u8) ?*Entry {
    mutex.lock();
    defer mutex.unlock();
    const entry = by_pattern.get(pattern) orelse return null;
    _ = entry.refs.fetchAdd(1, .monotonic);
    return entry;
}

/// Compiles `pattern` into a new cached entry, acquired for the caller. Errors as
/// `regex.compileDiagnostic`; null when the pattern is not worth keeping or memory
/// for the table ran out (the caller then compiles it for itself).
pub fn insert(pattern: []const u8, diagnostic: *regex.Diagnostic) regex.Error!?*Entry {
    if (pattern.len > max_pattern_len) return null;
    var re = try regex.compileDiagnostic(gpa, pattern, diagnostic);
    const owned = gpa.dupe(u8, pattern) catch {
        re.deinit(gpa);
        return null;
    };
    const entry = gpa.create(Entry) catch {
        re.deinit(gpa);
        gpa.free(owned);
        return null;
    };
    entry.* = .{ .re = re, .pattern = owned, .refs = .init(2) };

    mutex.lock();
    defer mutex.unlock();
    if (by_pattern.get(pattern)) |existing| {
        // Another thread compiled it meanwhile: use theirs.
        _ = existing.refs.fetchAdd(1, .monotonic);
        entry.destroy();
        return existing;
    }
    by_pattern.ensureUnusedCapacity(gpa, 1) catch {
        entry.refs.store(1, .monotonic);
        return entry; // not kept: freed by its one release
    };
    if (slots[next_slot]) |old| {
        std.debug.assert(by_pattern.remove(old.pattern));
        release(old);
    }
    slots[next_slot] = entry;
    next_slot = (next_slot + 1) % capacity;
    by_pattern.putAssumeCapacity(entry.pattern, entry);
    return entry;
}

pub fn release(entry: *Entry) void {
    if (entry.refs.fetchSub(1, .acq_rel) == 1) entry.destroy();
}

test "a pattern is compiled once and shared" {
    var diagnostic: regex.Diagnostic = .{};
    const first = (try insert("^a+b$", &diagnostic)).?;
    defer release(first);
    const again = acquire("^a+b$").?;
    defer release(again);
    try std.testing.expectEqual(first, again);
    var buf: [4096]u8 = undefined;
    var fba: std.heap.FixedBufferAllocator = .init(&buf);
    try std.testing.expect(try again.re.isMatch(fba.allocator(), "aaab"));
    try std.testing.expect(acquire("^no such pattern$") == null);
    try std.testing.expectError(error.Syntax, insert("(", &diagnostic));
}

test "replaced entries stay valid for their users" {
    var diagnostic: regex.Diagnostic = .{};
    const held = (try insert("held-[0-9]+", &diagnostic)).?;
    // Fill every slot so the held entry is replaced while still acquired.
    var i: usize = 0;
    while (i < capacity + 1) : (i += 1) {
        var name: [32]u8 = undefined;
        const pattern = try std.fmt.bufPrint(&name, "filler{d}", .{i});
        if (try insert(pattern, &diagnostic)) |e| release(e);
    }
    try std.testing.expect(acquire("held-[0-9]+") == null);
    var buf: [4096]u8 = undefined;
    var fba: std.heap.FixedBufferAllocator = .init(&buf);
    try std.testing.expect(try held.re.isMatch(fba.allocator(), "held-42"));
    release(held);
}
