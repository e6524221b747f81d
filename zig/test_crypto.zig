//! Test root for the crypto family: `scripts/zig test zig/test_crypto.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("crypto/base64.zig");
    _ = @import("crypto/der.zig");
    _ = @import("crypto/pem.zig");
    _ = @import("crypto/hash.zig");
    _ = @import("crypto/rsa.zig");
    _ = @import("crypto/p521.zig");
    _ = @import("crypto/ecdsa.zig");
    _ = @import("crypto/keys.zig");
    _ = @import("crypto/x509.zig");
    _ = @import("crypto/x509_extensions.zig");
    _ = @import("crypto/go_json.zig");
    _ = @import("crypto/x509_json.zig");
    _ = @import("crypto/jwk.zig");
    _ = @import("crypto/jws.zig");
    _ = @import("crypto/fastjson.zig");
    _ = @import("crypto/verification_keys.zig");
    _ = @import("builtins/jwt.zig");
    _ = @import("builtins/crypto.zig");
    _ = @import("builtins/aws.zig");
    _ = @import("crypto/url.zig");
}
