//! Time zones by name from the system's IANA database, as Go's
//! time.LoadLocation finds them, with OPA's error texts.
//!
//! Sources, in Go's order: the directory named by ZONEINFO (Go also takes a
//! zip file there; we do not), then /usr/share/zoneinfo/,
//! /usr/share/lib/zoneinfo/, /usr/lib/locale/TZ/ and /etc/zoneinfo. OPA also
//! embeds Go's copy of the database as a last resort; we have none, so a zone
//! the system lacks (and every zone on Windows, which has no such directory)
//! is an "unknown time zone".
//!
//! "Local" is the host's zone as Go determines it at first use: the zone named
//! by TZ (a path when it starts with '/', "" or "UTC" meaning UTC), else
//! /etc/localtime, else UTC. On Windows it is UTC.
//!
//! Loaded zones are cached for the life of the process (as OPA caches them),
//! under a lock, up to `max_cached` names; beyond that a zone is loaded into
//! the caller's allocator for each call.
const std = @import("std");
const builtin = @import("builtin");
const Allocator = std.mem.Allocator;
const zone = @import("zone.zig");
const tzif = @import("tzif.zig");
const env = @import("env.zig");

const Location = zone.Location;

pub const Loaded = union(enum) {
    location: *const Location,
    /// Go's error text, e.g. "unknown time zone Mars/Olympus_Mons".
    failure: []const u8,
};

const platform_sources: []const []const u8 = if (builtin.os.tag == .windows) &.{} else &.{
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
    "/etc/zoneinfo",
};

/// Go refuses larger zone files.
const max_file_size = 10 << 20;
const max_cached = 1024;

const Cache = struct {
    mutex: std.Thread.Mutex = .{},
    arena: std.heap.ArenaAllocator = .init(std.heap.page_allocator),
    by_name: std.StringHashMapUnmanaged(*const Location) = .empty,
    /// ZONEINFO, read once as Go reads it.
    zoneinfo: ?[]const u8 = null,
    zoneinfo_read: bool = false,
    local: ?*const Location = null,
};

var cache: Cache = .{};

/// The location named `name` (anything but "", "UTC" and "Local", which the
/// caller maps); `scratch` holds file contents and failure texts.
pub fn load(scratch: Allocator, name: []const u8) Allocator.Error!Loaded {
    if (containsDotDot(name) or (name.len > 0 and (name[0] == '/' or name[0] == '\\'))) {
        return .{ .failure = "time: invalid location name" };
    }
    cache.mutex.lock();
    defer cache.mutex.unlock();
    if (cache.by_name.get(name)) |location| return .{ .location = location };

    var sources: [platform_sources.len + 1][]const u8 = undefined;
    var source_count: usize = 0;
    if (try zoneinfoDir(scratch)) |dir| {
        sources[0] = dir;
        source_count = 1;
    }
    for (platform_sources) |source| {
        sources[source_count] = source;
        source_count += 1;
    }
    const found = try find(scratch, name, sources[0..source_count]);
    switch (found) {
        .failure => |text| return .{ .failure = text },
        .data => |data| {
            // Only a zone that parsed reaches the cache, so failures cannot grow it.
            if (cache.by_name.count() >= max_cached) return .{ .location = try parseFound(scratch, name, data) };
            const location = try parseFound(cache.arena.allocator(), name, data);
            try cache.by_name.put(cache.arena.allocator(), location.name, location);
            return .{ .location = location };
        },
    }
}

/// Go's Local, loaded on first use.
pub fn local(scratch: Allocator) Allocator.Error!*const Location {
    cache.mutex.lock();
    defer cache.mutex.unlock();
    if (cache.local) |location| return location;
    const location = try loadLocal(scratch, cache.arena.allocator());
    cache.local = location;
    return location;
}

fn loadLocal(scratch: Allocator, allocator: Allocator) Allocator.Error!*const Location {
    if (builtin.os.tag == .windows) return &Location.utc;
    var name: []const u8 = "localtime";
    var sources: []const []const u8 = &.{"/etc"};
    if (try env.get(scratch, "TZ")) |tz| {
        name = if (tz.len > 0 and tz[0] == ':') tz[1..] else tz;
        if (name.len == 0 or std.mem.eql(u8, name, "UTC")) return &Location.utc;
        // An absolute path is read as is ("" + name).
        sources = if (name[0] == '/') &.{""} else platform_sources;
    }
    return switch (try find(scratch, name, sources)) {
        .failure => &Location.utc,
        .data => |data| try parseFound(allocator, name, data),
    };
}

/// ZONEINFO when it names a directory; read once, under the lock.
fn zoneinfoDir(scratch: Allocator) Allocator.Error!?[]const u8 {
    if (!cache.zoneinfo_read) {
        if (try env.get(scratch, "ZONEINFO")) |dir| {
            if (dir.len > 0 and !std.mem.endsWith(u8, dir, ".zip")) {
                cache.zoneinfo = try cache.arena.allocator().dupe(u8, dir);
            }
        }
        cache.zoneinfo_read = true;
    }
    return cache.zoneinfo;
}

const Found = union(enum) {
    /// The contents of a file that parses.
    data: []const u8,
    failure: []const u8,
};

/// Go's loadLocation: the first source whose file parses; else the first
/// error other than "not found"; else "unknown time zone".
fn find(scratch: Allocator, name: []const u8, sources: []const []const u8) Allocator.Error!Found {
    var first_failure: ?[]const u8 = null;
    for (sources) |source| {
        // Go joins with "/" even after a trailing one, except for "".
        const path = if (source.len == 0) name else try std.mem.concat(scratch, u8, &.{ source, "/", name });
        const data = readFile(scratch, path) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.FileNotFound => continue,
            else => {
                if (first_failure == null) first_failure = try failureText(scratch, err, path);
                continue;
            },
        };
        _ = tzif.parse(scratch, name, data) catch |err| switch (err) {
            error.OutOfMemory => return error.OutOfMemory,
            error.Malformed => {
                if (first_failure == null) first_failure = "malformed time zone information";
                continue;
            },
        };
        return .{ .data = data };
    }
    if (first_failure) |text| return .{ .failure = text };
    return .{ .failure = try std.mem.concat(scratch, u8, &.{ "unknown time zone ", name }) };
}

/// Parses data `find` has already parsed once.
fn parseFound(allocator: Allocator, name: []const u8, data: []const u8) Allocator.Error!*const Location {
    return tzif.parse(allocator, name, data) catch |err| switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        // Parsing is deterministic; a file that parsed once parses again.
        error.Malformed => &Location.utc,
    };
}

const ReadError = std.fs.File.OpenError || std.fs.File.ReadError || error{ InvalidArgument, FileTooBig, OutOfMemory };

fn readFile(allocator: Allocator, path: []const u8) ReadError![]const u8 {
    // Go's open refuses a NUL in the path (Zig's asserts there is none).
    if (std.mem.indexOfScalar(u8, path, 0) != null) return error.InvalidArgument;
    var file = try std.fs.cwd().openFile(path, .{});
    defer file.close();
    var out: std.ArrayList(u8) = .empty;
    errdefer out.deinit(allocator);
    while (true) {
        try out.ensureUnusedCapacity(allocator, 4096);
        const n = try file.read(out.unusedCapacitySlice());
        if (n == 0) break;
        out.items.len += n;
        if (out.items.len > max_file_size) return error.FileTooBig;
    }
    return out.toOwnedSlice(allocator);
}

/// Go's text for a failed read (the errno's strerror, as syscall.Errno prints).
fn failureText(scratch: Allocator, err: ReadError, path: []const u8) Allocator.Error![]const u8 {
    return switch (err) {
        error.OutOfMemory => error.OutOfMemory,
        error.FileTooBig => try std.mem.concat(scratch, u8, &.{ "time: file ", path, " is too large" }),
        error.IsDir => "is a directory",
        error.NotDir => "not a directory",
        error.AccessDenied, error.PermissionDenied => "permission denied",
        error.SymLinkLoop => "too many levels of symbolic links",
        error.NameTooLong => "file name too long",
        error.InvalidArgument, error.BadPathName, error.InvalidUtf8, error.InvalidWtf8 => "invalid argument",
        error.ProcessFdQuotaExceeded => "too many open files",
        error.SystemFdQuotaExceeded => "too many open files in system",
        error.NoDevice => "no such device",
        error.SystemResources => "cannot allocate memory",
        error.FileNotFound => "no such file or directory",
        else => "input/output error",
    };
}

fn containsDotDot(s: []const u8) bool {
    return std.mem.indexOf(u8, s, "..") != null;
}

// ---------------------------------------------------------------------------
// Tests (they read the host's database and skip without one)

const testing = std.testing;

fn hostHasZoneinfo() bool {
    if (builtin.os.tag == .windows) return false;
    std.fs.cwd().access("/usr/share/zoneinfo/America/New_York", .{}) catch return false;
    return true;
}

test "loads IANA zones and reports Go's errors" {
    if (!hostHasZoneinfo()) return error.SkipZigTest;
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const a = arena.allocator();

    const ny = (try load(a, "America/New_York")).location;
    try testing.expectEqualStrings("America/New_York", ny.name);
    try testing.expectEqualStrings("EST", ny.lookup(1517832000).name);
    try testing.expectEqual(ny, (try load(a, "America/New_York")).location);
    try testing.expectEqual(@as(i64, 19800), (try load(a, "Asia/Kolkata")).location.lookup(0).offset);

    const cases = [_][2][]const u8{
        .{ "Mars/Olympus_Mons", "unknown time zone Mars/Olympus_Mons" },
        .{ "../etc/passwd", "time: invalid location name" },
        .{ "/etc/localtime", "time: invalid location name" },
        .{ "\\x", "time: invalid location name" },
        .{ "America", "is a directory" },
        .{ "UTC/x", "not a directory" },
        .{ "zone.tab", "malformed time zone information" },
        .{ "Asia/Kolkata\x00x", "invalid argument" },
        .{ "a" ** 300, "file name too long" },
    };
    for (cases) |case| {
        const loaded = try load(a, case[0]);
        testing.expectEqualStrings(case[1], loaded.failure) catch |err| {
            std.debug.print("zone {s}\n", .{case[0]});
            return err;
        };
    }
}

test "Local loads" {
    if (!hostHasZoneinfo()) return error.SkipZigTest;
    var arena = std.heap.ArenaAllocator.init(testing.allocator);
    defer arena.deinit();
    const loc = try local(arena.allocator());
    try testing.expectEqual(loc, try local(arena.allocator()));
}
