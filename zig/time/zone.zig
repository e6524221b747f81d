//! Locations: the zones (abbreviation, offset) a place has used and when each
//! was in effect, answered as Go's time.Location answers (lookup, lookupName).
const std = @import("std");
const assert = std.debug.assert;
const tzrule = @import("tzrule.zig");

pub const Period = tzrule.Period;

/// Go's alpha and omega: the beginning and end of time for transitions.
pub const alpha: i64 = std.math.minInt(i64);
pub const omega: i64 = tzrule.omega;

pub const Zone = struct {
    /// Abbreviation, e.g. "CET".
    name: []const u8,
    /// Seconds east of UTC.
    offset: i64,
    is_dst: bool,
};

pub const Transition = struct {
    /// Unix seconds at which `zones[index]` takes effect.
    when: i64,
    index: u8,
};

pub const Location = struct {
    name: []const u8,
    /// Empty only for UTC.
    zones: []const Zone,
    /// Sorted by `when`; non-empty when `zones` is (see tzif.zig).
    transitions: []const Transition,
    /// TZ rule string for instants after the last transition, or "".
    extend: []const u8,

    pub const utc: Location = .{ .name = "UTC", .zones = &.{}, .transitions = &.{}, .extend = "" };

    /// The zone in effect at `sec` (Unix seconds) and the period around it.
    pub fn lookup(loc: *const Location, sec: i64) Period {
        if (loc.zones.len == 0) return .{ .name = "UTC", .offset = 0, .start = alpha, .end = omega, .is_dst = false };
        const tx = loc.transitions;
        if (tx.len == 0 or sec < tx[0].when) {
            const zone = loc.zones[loc.firstZone()];
            return .{
                .name = zone.name,
                .offset = zone.offset,
                .start = alpha,
                .end = if (tx.len > 0) tx[0].when else omega,
                .is_dst = zone.is_dst,
            };
        }
        // The last transition at or before `sec`; `end` is the one after it.
        var end = omega;
        var lo: usize = 0;
        var hi: usize = tx.len;
        while (hi - lo > 1) {
            const mid = lo + (hi - lo) / 2;
            if (sec < tx[mid].when) {
                end = tx[mid].when;
                hi = mid;
            } else {
                lo = mid;
            }
        }
        const zone = loc.zones[tx[lo].index];
        if (lo == tx.len - 1 and loc.extend.len > 0) {
            if (tzrule.evaluate(loc.extend, tx[lo].when, sec)) |period| return period;
        }
        return .{ .name = zone.name, .offset = zone.offset, .start = tx[lo].when, .end = end, .is_dst = zone.is_dst };
    }

    /// The zone for instants before the first transition (tzcode's rules, as Go):
    /// the first zone if no transition uses it; else, when the first transition
    /// is to daylight time, the nearest standard zone before that one; else the
    /// first standard zone; else the first zone.
    fn firstZone(loc: *const Location) usize {
        assert(loc.zones.len > 0);
        const first_used = for (loc.transitions) |t| {
            if (t.index == 0) break true;
        } else false;
        if (!first_used) return 0;
        if (loc.transitions.len > 0 and loc.zones[loc.transitions[0].index].is_dst) {
            var i: usize = loc.transitions[0].index;
            while (i > 0) {
                i -= 1;
                if (!loc.zones[i].is_dst) return i;
            }
        }
        for (loc.zones, 0..) |zone, i| {
            if (!zone.is_dst) return i;
        }
        return 0;
    }

    /// The offset of the zone abbreviated `name` around `unix` (the local time
    /// read as if UTC): preferably a zone of that name in effect then, else any
    /// zone of that name (Sydney uses "EST" for two offsets).
    pub fn lookupName(loc: *const Location, name: []const u8, unix: i64) ?i64 {
        for (loc.zones) |zone| {
            if (!std.mem.eql(u8, zone.name, name)) continue;
            const period = loc.lookup(unix -% zone.offset);
            if (std.mem.eql(u8, period.name, zone.name)) return period.offset;
        }
        for (loc.zones) |zone| {
            if (std.mem.eql(u8, zone.name, name)) return zone.offset;
        }
        return null;
    }
};

// ---------------------------------------------------------------------------
// Tests

const testing = std.testing;

/// For tests here and in the files above: a small New York (LMT, EST from
/// 1883, EDT from 2007-03-11, EST again from 2007-11-04, then the US rules).
pub const test_new_york: Location = .{
    .name = "America/New_York",
    .zones = &.{
        .{ .name = "LMT", .offset = -17762, .is_dst = false },
        .{ .name = "EDT", .offset = -4 * 3600, .is_dst = true },
        .{ .name = "EST", .offset = -5 * 3600, .is_dst = false },
    },
    .transitions = &.{
        .{ .when = -2717650800, .index = 2 },
        .{ .when = 1173596400, .index = 1 },
        .{ .when = 1194156000, .index = 2 },
    },
    .extend = "EST5EDT,M3.2.0,M11.1.0",
};

test "lookup: before, between and after the transitions" {
    const ny = &test_new_york;
    const lmt = ny.lookup(-2717650801);
    try testing.expectEqualStrings("LMT", lmt.name);
    try testing.expectEqual(alpha, lmt.start);
    try testing.expectEqual(@as(i64, -2717650800), lmt.end);
    const edt = ny.lookup(1180000000);
    try testing.expectEqualStrings("EDT", edt.name);
    try testing.expectEqual(@as(i64, 1173596400), edt.start);
    try testing.expectEqual(@as(i64, 1194156000), edt.end);
    // 2018-02-05T12:00:00Z, after the last transition: the rule string.
    const winter = ny.lookup(1517832000);
    try testing.expectEqualStrings("EST", winter.name);
    try testing.expectEqual(@as(i64, -5 * 3600), winter.offset);
    try testing.expectEqualStrings("EDT", ny.lookup(1530000000).name);
}

test "lookup: UTC and names" {
    const utc = Location.utc.lookup(123);
    try testing.expectEqualStrings("UTC", utc.name);
    try testing.expectEqual(@as(i64, 0), utc.offset);
    try testing.expectEqual(@as(?i64, -4 * 3600), test_new_york.lookupName("EDT", 1530000000));
    try testing.expectEqual(@as(?i64, -5 * 3600), test_new_york.lookupName("EST", 1530000000));
    try testing.expectEqual(@as(?i64, null), test_new_york.lookupName("PST", 1530000000));
}

test "first zone for instants before the first transition" {
    const loc: Location = .{
        .name = "x",
        .zones = &.{
            .{ .name = "A", .offset = 0, .is_dst = false },
            .{ .name = "B", .offset = 3600, .is_dst = false },
            .{ .name = "C", .offset = 7200, .is_dst = true },
        },
        .transitions = &.{ .{ .when = 10, .index = 2 }, .{ .when = 20, .index = 0 } },
        .extend = "",
    };
    try testing.expectEqualStrings("B", loc.lookup(0).name);
    try testing.expectEqualStrings("A", loc.lookup(25).name);
}
