//! The cache's clock: monotonic milliseconds since the first reading in the process.
//!
//! `std.time.Instant` reads the OS's monotonic clock on every target we ship
//! (clock_gettime through the vDSO on Linux, mach time on macOS, QPC on Windows);
//! it needs no libc and is safe to call from any thread.
const std = @import("std");

/// The clock every cache reads; tests give a cache a fake one instead.
pub const Clock = *const fn () u64;

var epoch: std.atomic.Value(u64) = .init(0);
var epoch_instant: std.time.Instant = undefined;
var epoch_lock: std.Thread.Mutex = .{};

/// Milliseconds since this process first called it; never decreases. Starts at 1 so that 0
/// can mean "no deadline" in cache entries without ever colliding with a real reading.
pub fn nowMs() u64 {
    const now = std.time.Instant.now() catch return 1; // no monotonic clock: time stands still (no expiry)
    if (epoch.load(.acquire) == 0) {
        epoch_lock.lock();
        defer epoch_lock.unlock();
        if (epoch.load(.monotonic) == 0) {
            epoch_instant = now;
            epoch.store(1, .release);
        }
    }
    if (now.order(epoch_instant) == .lt) return 1;
    return now.since(epoch_instant) / std.time.ns_per_ms + 1;
}

test "the clock is monotonic and starts after zero" {
    const a = nowMs();
    try std.testing.expect(a >= 1);
    std.Thread.sleep(3 * std.time.ns_per_ms);
    const b = nowMs();
    try std.testing.expect(b >= a + 2);
}
