//! Test root for the crypto family: `scripts/zig test zig/test_crypto.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
const std = @import("std");

const modules = .{
    @import("crypto/base64.zig"),
    @import("crypto/der.zig"),
    @import("crypto/pem.zig"),
    @import("crypto/hash.zig"),
    @import("crypto/rsa.zig"),
    @import("crypto/p521.zig"),
    @import("crypto/ecdsa.zig"),
    @import("crypto/keys.zig"),
    @import("crypto/x509.zig"),
    @import("crypto/x509_extensions.zig"),
    @import("crypto/x509_json.zig"),
    @import("crypto/x509_verify.zig"),
    @import("crypto/x509_policy.zig"),
    @import("crypto/go_json.zig"),
    @import("crypto/tls_keypair.zig"),
    @import("crypto/csr.zig"),
    @import("crypto/jwk.zig"),
    @import("crypto/jws.zig"),
    @import("crypto/fastjson.zig"),
    @import("crypto/url.zig"),
    @import("crypto/go_quote.zig"),
    @import("crypto/ip.zig"),
    @import("crypto/verification_keys.zig"),
    @import("crypto/builtins_x509.zig"),
    @import("crypto/robustness_test.zig"),
    @import("builtins/jwt.zig"),
    @import("builtins/crypto.zig"),
    @import("builtins/aws.zig"),
};

test {
    inline for (modules) |m| std.testing.refAllDecls(m);
}
