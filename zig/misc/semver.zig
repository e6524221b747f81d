//! OPA's internal/semver: parsing "[v]MAJOR.MINOR.PATCH[-PRERELEASE][+METADATA]"
//! and ordering versions, as semver.compare and semver.is_valid use them.
const std = @import("std");

pub const Version = struct {
    major: i64,
    minor: i64,
    patch: i64,
    pre_release: []const u8,
    metadata: []const u8,
};

fn cut(s: []const u8, separator: u8) struct { []const u8, []const u8 } {
    const i = std.mem.indexOfScalar(u8, s, separator) orelse return .{ s, "" };
    return .{ s[0..i], s[i + 1 ..] };
}

/// `^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$`: dot-separated, non-empty identifiers.
fn isIdentifierList(s: []const u8) bool {
    var identifiers = std.mem.splitScalar(u8, s, '.');
    while (identifiers.next()) |identifier| {
        if (identifier.len == 0) return false;
        for (identifier) |c| {
            if (!std.ascii.isAlphanumeric(c) and c != '-') return false;
        }
    }
    return true;
}

/// strconv.ParseInt(s, 10, 64) for text without signs (the separators were cut).
fn parseNumber(s: []const u8) ?i64 {
    if (s.len == 0) return null;
    var n: i64 = 0;
    for (s) |c| {
        if (c < '0' or c > '9') return null;
        n = std.math.mul(i64, n, 10) catch return null;
        n = std.math.add(i64, n, c - '0') catch return null;
    }
    return n;
}

/// semver.Parse; null where it returns an error.
pub fn parse(text: []const u8) ?Version {
    var version = text;
    if (std.mem.startsWith(u8, version, "v")) version = version[1..];
    version, const metadata = cut(version, '+');
    if (metadata.len > 0 and !isIdentifierList(metadata)) return null;
    version, const pre_release = cut(version, '-');
    if (pre_release.len > 0 and !isIdentifierList(pre_release)) return null;
    if (std.mem.count(u8, version, ".") != 2) return null;
    const major, const after_major = cut(version, '.');
    const minor, const patch = cut(after_major, '.');
    return .{
        .major = parseNumber(major) orelse return null,
        .minor = parseNumber(minor) orelse return null,
        .patch = parseNumber(patch) orelse return null,
        .pre_release = pre_release,
        .metadata = metadata,
    };
}

fn isAllDecimals(s: []const u8) bool {
    for (s) |c| {
        if (c < '0' or c > '9') return false;
    }
    return s.len > 0;
}

/// strconv.Atoi of digits: values past i64 clamp to its maximum.
fn atoiClamped(s: []const u8) i64 {
    return parseNumber(s) orelse std.math.maxInt(i64);
}

/// Version.Compare: -1, 0 or 1. Metadata does not count. Pre-release
/// identifiers compare numerically when both are digits, else bytewise.
///
/// Divergence: when two different pre-releases run out of identifiers
/// together while comparing equal ("01" against "1"), OPA loops forever;
/// here they are equal.
pub fn compare(a: Version, b: Version) i2 {
    inline for (.{ "major", "minor", "patch" }) |field| {
        const x = @field(a, field);
        const y = @field(b, field);
        if (x != y) return if (x > y) 1 else -1;
    }
    if (std.mem.eql(u8, a.pre_release, b.pre_release)) return 0;
    if (a.pre_release.len == 0) return 1;
    if (b.pre_release.len == 0) return -1;

    var rest_a = a.pre_release;
    var rest_b = b.pre_release;
    while (rest_a.len > 0 or rest_b.len > 0) {
        const x, rest_a = cut(rest_a, '.');
        const y, rest_b = cut(rest_b, '.');
        // Identifiers are never empty (see isIdentifierList) until one side ends.
        if (x.len == 0 and y.len > 0) return -1;
        if (x.len > 0 and y.len == 0) return 1;
        const x_numeric = isAllDecimals(x);
        const y_numeric = isAllDecimals(y);
        if (x_numeric != y_numeric) return if (x_numeric) -1 else 1;
        if (x_numeric) {
            const i = atoiClamped(x);
            const j = atoiClamped(y);
            if (i != j) return if (i > j) 1 else -1;
        } else switch (std.mem.order(u8, x, y)) {
            .gt => return 1,
            .lt => return -1,
            .eq => {},
        }
        if (rest_a.len > 0 and rest_b.len == 0) return 1;
        if (rest_a.len == 0 and rest_b.len > 0) return -1;
    }
    return 0;
}

const testing = std.testing;

test "parse accepts OPA's forms" {
    const v = parse("v1.2.3-rc.1+build.5").?;
    try testing.expectEqual(@as(i64, 2), v.minor);
    try testing.expectEqualStrings("rc.1", v.pre_release);
    try testing.expectEqualStrings("build.5", v.metadata);
    try testing.expect(parse("1.2.3-") != null);
    try testing.expect(parse("01.2.3") != null);
    for ([_][]const u8{ "1", "1.2", "1.2.3.4", "1.2.x", "1.2.3-a..b", "1.2.3+_", "vv1.2.3", "1.2.99999999999999999999", "" }) |text| {
        try testing.expect(parse(text) == null);
    }
}

test "compare orders versions and pre-releases" {
    const cases = .{
        .{ "1.0.0", "1.0.0", 0 },
        .{ "1.0.0", "2.0.0", -1 },
        .{ "1.0.0-alpha", "1.0.0", -1 },
        .{ "1.0.0-alpha", "1.0.0-alpha.1", -1 },
        .{ "1.0.0-alpha.1", "1.0.0-alpha.beta", -1 },
        .{ "1.0.0-beta.11", "1.0.0-beta.2", 1 },
        .{ "1.0.0-rc.1", "1.0.0-beta.11", 1 },
        .{ "1.0.0+a", "1.0.0+b", 0 },
        .{ "1.0.0-01", "1.0.0-1", 0 },
    };
    inline for (cases) |case| {
        try testing.expectEqual(@as(i2, case[2]), compare(parse(case[0]).?, parse(case[1]).?));
    }
}
