//! The Rego v1 front end: source text to AST.
//!
//! `lexer` scans, `parser` builds `ast` nodes the way OPA v1.19.0 does (same
//! tree shape, same locations, same error messages). `parse_corpus.zig` is
//! the conformance-suite check.
pub const lexer = @import("lexer.zig");
pub const ast = @import("ast.zig");
pub const parser = @import("parser.zig");

pub const Options = parser.Options;
pub const Diagnostic = parser.Diagnostic;
pub const Error = parser.Error;
pub const parseModule = parser.parseModule;
pub const parseQuery = parser.parseQuery;
pub const parseTerm = parser.parseTerm;

test {
    _ = lexer;
    _ = ast;
    _ = parser;
}
