//! Go's package time, as far as OPA's time builtins use it: the calendar,
//! locations from the IANA database, layouts (format and parse) and durations.
//! `scripts/zig test zig/test_time.zig` runs every test.
const std = @import("std");

pub const calendar = @import("calendar.zig");
pub const zone = @import("zone.zig");
pub const tzrule = @import("tzrule.zig");
pub const tzif = @import("tzif.zig");
pub const tzdb = @import("tzdb.zig");
pub const instant = @import("instant.zig");
pub const layout = @import("layout.zig");
pub const format = @import("format.zig");
pub const parse = @import("parse.zig");
pub const duration = @import("duration.zig");

pub const Time = instant.Time;
pub const Location = zone.Location;

test {
    std.testing.refAllDecls(@This());
    _ = @import("env.zig");
    _ = @import("quote.zig");
}
