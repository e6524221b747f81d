//! Test root for the misc job's builtins: `scripts/zig test zig/test_misc.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
pub const units = @import("builtins/units.zig");
pub const glob = @import("builtins/glob.zig");
pub const semver = @import("builtins/semver.zig");
pub const uuid = @import("builtins/uuid.zig");
pub const net = @import("builtins/net.zig");
pub const graph = @import("builtins/graph.zig");
pub const rand = @import("builtins/rand.zig");
pub const uri = @import("builtins/uri.zig");
pub const builtin = @import("builtins/builtin.zig");
pub const value = @import("value/mod.zig");

test {
    _ = units;
    _ = glob;
    _ = semver;
    _ = uuid;
    _ = net;
    _ = graph;
    _ = rand;
    _ = uri;
    _ = @import("misc/gobig.zig");
    _ = @import("misc/gotext.zig");
    _ = @import("misc/semver.zig");
    _ = @import("misc/goip.zig");
    _ = @import("misc/cidrmerge.zig");
    _ = @import("misc/hosts.zig");
    _ = @import("misc/gourl.zig");
    _ = @import("misc/gobwas/syntax.zig");
    _ = @import("misc/gobwas/match.zig");
    _ = @import("misc/gobwas/compile.zig");
}
