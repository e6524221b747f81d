//! Test root for the graphql family: `scripts/zig test zig/test_graphql.zig`
//! (relative imports may not leave a test root's directory, so roots live in zig/).
test {
    _ = @import("builtins/graphql.zig");
    _ = @import("graphql/mod.zig");
    _ = @import("graphql/lexer.zig");
    _ = @import("graphql/ast.zig");
    _ = @import("graphql/errors.zig");
    _ = @import("graphql/parser.zig");
    _ = @import("graphql/query.zig");
    _ = @import("graphql/schema_parser.zig");
    _ = @import("graphql/encode.zig");
    _ = @import("graphql/decode.zig");
    _ = @import("graphql/suggest.zig");
    _ = @import("graphql/schema.zig");
    _ = @import("graphql/validate.zig");
    _ = @import("graphql/rules_fields.zig");
    _ = @import("graphql/rules_fragments.zig");
    _ = @import("graphql/rules_operations.zig");
    _ = @import("graphql/rules_values.zig");
    _ = @import("graphql/overlap.zig");
}
