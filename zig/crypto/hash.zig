//! The hash functions signatures are computed over, chosen at run time (by a
//! JWS "alg" or an X.509 signature algorithm).
const std = @import("std");
const crypto = std.crypto;

pub const Hash = enum {
    md5,
    sha1,
    sha224,
    sha256,
    sha384,
    sha512,

    pub const max_length = 64;

    pub fn Type(comptime h: Hash) type {
        return switch (h) {
            .md5 => crypto.hash.Md5,
            .sha1 => crypto.hash.Sha1,
            .sha224 => crypto.hash.sha2.Sha224,
            .sha256 => crypto.hash.sha2.Sha256,
            .sha384 => crypto.hash.sha2.Sha384,
            .sha512 => crypto.hash.sha2.Sha512,
        };
    }

    pub fn length(h: Hash) usize {
        return switch (h) {
            inline else => |c| Type(c).digest_length,
        };
    }

    /// The digest of the concatenation of `parts`, in `out`.
    pub fn digest(h: Hash, parts: []const []const u8, out: *[max_length]u8) []u8 {
        switch (h) {
            inline else => |c| {
                const H = Type(c);
                var state = H.init(.{});
                for (parts) |part| state.update(part);
                state.final(out[0..H.digest_length]);
                return out[0..H.digest_length];
            },
        }
    }

    /// The DER DigestInfo header that precedes the digest in a PKCS #1 v1.5
    /// signature (RFC 8017 section 9.2, note 1).
    pub fn digestInfoPrefix(h: Hash) []const u8 {
        return switch (h) {
            .md5 => "\x30\x20\x30\x0c\x06\x08\x2a\x86\x48\x86\xf7\x0d\x02\x05\x05\x00\x04\x10",
            .sha1 => "\x30\x21\x30\x09\x06\x05\x2b\x0e\x03\x02\x1a\x05\x00\x04\x14",
            .sha224 => "\x30\x2d\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x04\x05\x00\x04\x1c",
            .sha256 => "\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20",
            .sha384 => "\x30\x41\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x02\x05\x00\x04\x30",
            .sha512 => "\x30\x51\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x03\x05\x00\x04\x40",
        };
    }

    /// XORs MGF1(seed) into `out` (RFC 8017 appendix B.2.1).
    pub fn mgf1Xor(h: Hash, out: []u8, seed: []const u8) void {
        var counter: u32 = 0;
        var done: usize = 0;
        var block: [max_length]u8 = undefined;
        while (done < out.len) : (counter += 1) {
            var counter_bytes: [4]u8 = undefined;
            std.mem.writeInt(u32, &counter_bytes, counter, .big);
            const d = h.digest(&.{ seed, &counter_bytes }, &block);
            const n = @min(d.len, out.len - done);
            for (out[done..][0..n], d[0..n]) |*o, b| o.* ^= b;
            done += n;
        }
    }
};

test "digest matches the std hash" {
    var out: [Hash.max_length]u8 = undefined;
    const d = Hash.sha256.digest(&.{ "ab", "c" }, &out);
    var want: [32]u8 = undefined;
    crypto.hash.sha2.Sha256.hash("abc", &want, .{});
    try std.testing.expectEqualSlices(u8, &want, d);
}
