//! The byte packing of `sark_cache_get_many` and `sark_cache_set_many` (all integers u32
//! little-endian, no padding):
//!   keys:    repeated { key_len, key bytes }
//!   entries: repeated { key_len, key bytes, value_len, value bytes, ttl_ms }
//!   values:  repeated { value_len or 0xFFFFFFFF for a miss, value bytes }, in key order
//! Readers check every length against the buffer before slicing: a malformed packing is
//! an error, never a read out of bounds.
const std = @import("std");

pub const miss: u32 = std.math.maxInt(u32);

pub const Error = error{Malformed};

pub const Reader = struct {
    bytes: []const u8,
    pos: usize = 0,

    pub fn done(r: *const Reader) bool {
        return r.pos == r.bytes.len;
    }

    pub fn int(r: *Reader) Error!u32 {
        if (r.bytes.len - r.pos < 4) return error.Malformed;
        const n = std.mem.readInt(u32, r.bytes[r.pos..][0..4], .little);
        r.pos += 4;
        return n;
    }

    pub fn slice(r: *Reader) Error![]const u8 {
        const len = try r.int();
        if (r.bytes.len - r.pos < len) return error.Malformed;
        const s = r.bytes[r.pos..][0..len];
        r.pos += len;
        return s;
    }
};

pub const SetEntry = struct { key: []const u8, value: []const u8, ttl_ms: u32 };

pub fn nextEntry(r: *Reader) Error!SetEntry {
    const key = try r.slice();
    const value = try r.slice();
    const ttl_ms = try r.int();
    return .{ .key = key, .value = value, .ttl_ms = ttl_ms };
}

test "packing: reads what is there, rejects truncation and overlong lengths" {
    const good = "\x02\x00\x00\x00ab\x00\x00\x00\x00";
    var r: Reader = .{ .bytes = good };
    try std.testing.expectEqualStrings("ab", try r.slice());
    try std.testing.expectEqualStrings("", try r.slice());
    try std.testing.expect(r.done());
    for ([_][]const u8{ "\x02\x00\x00", "\x03\x00\x00\x00ab", "\xff\xff\xff\xffab" }) |bad| {
        var rb: Reader = .{ .bytes = bad };
        try std.testing.expectError(error.Malformed, rb.slice());
    }
    const entry = "\x01\x00\x00\x00k\x02\x00\x00\x00vv\x10\x00\x00\x00";
    var re: Reader = .{ .bytes = entry };
    const e = try nextEntry(&re);
    try std.testing.expectEqualStrings("k", e.key);
    try std.testing.expectEqualStrings("vv", e.value);
    try std.testing.expectEqual(@as(u32, 16), e.ttl_ms);
    var rt: Reader = .{ .bytes = entry[0 .. entry.len - 1] };
    try std.testing.expectError(error.Malformed, nextEntry(&rt));
}
