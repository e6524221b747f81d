//! Test root for the time family: `scripts/zig test zig/test_time.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("time/calendar.zig");
    _ = @import("time/tzrule.zig");
    _ = @import("time/zone.zig");
    _ = @import("time/tzif.zig");
    _ = @import("time/instant.zig");
    _ = @import("time/env.zig");
    _ = @import("time/tzdb.zig");
    _ = @import("time/layout.zig");
    _ = @import("time/quote.zig");
    _ = @import("time/format.zig");
    _ = @import("time/parse.zig");
    _ = @import("time/duration.zig");
}
