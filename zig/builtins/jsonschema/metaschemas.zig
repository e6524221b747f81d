//! The meta-schemas of JSON Schema drafts 4, 6 and 7 as json-schema.org publishes
//! them at their ids. gojsonschema serves these three from memory when a $ref
//! names them (it never fetches them), so a schema may $ref a meta-schema offline.

const std = @import("std");

pub const Draft = enum(u32) {
    draft4 = 4,
    draft6 = 6,
    draft7 = 7,
    /// No $schema (or an unknown one): every keyword of every draft.
    hybrid = 0x7fff_ffff,

    pub fn atLeast(d: Draft, other: Draft) bool {
        return @intFromEnum(d) >= @intFromEnum(other);
    }
};

pub const MetaSchema = struct { url: []const u8, draft: Draft, text: []const u8 };

pub const all = [_]MetaSchema{
    .{ .url = "http://json-schema.org/draft-04/schema", .draft = .draft4, .text =
    \\{
    \\  "$schema": "http://json-schema.org/draft-04/schema#",
    \\  "default": {},
    \\  "definitions": {
    \\    "positiveInteger": {
    \\      "minimum": 0,
    \\      "type": "integer"
    \\    },
    \\    "positiveIntegerDefault0": {
    \\      "allOf": [
    \\        {
    \\          "$ref": "#/definitions/positiveInteger"
    \\        },
    \\        {
    \\          "default": 0
    \\        }
    \\      ]
    \\    },
    \\    "schemaArray": {
    \\      "items": {
    \\        "$ref": "#"
    \\      },
    \\      "minItems": 1,
    \\      "type": "array"
    \\    },
    \\    "simpleTypes": {
    \\      "enum": [
    \\        "array",
    \\        "boolean",
    \\        "integer",
    \\        "null",
    \\        "number",
    \\        "object",
    \\        "string"
    \\      ]
    \\    },
    \\    "stringArray": {
    \\      "items": {
    \\        "type": "string"
    \\      },
    \\      "minItems": 1,
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    }
    \\  },
    \\  "dependencies": {
    \\    "exclusiveMaximum": [
    \\      "maximum"
    \\    ],
    \\    "exclusiveMinimum": [
    \\      "minimum"
    \\    ]
    \\  },
    \\  "description": "Core schema meta-schema",
    \\  "id": "http://json-schema.org/draft-04/schema#",
    \\  "properties": {
    \\    "$schema": {
    \\      "type": "string"
    \\    },
    \\    "additionalItems": {
    \\      "anyOf": [
    \\        {
    \\          "type": "boolean"
    \\        },
    \\        {
    \\          "$ref": "#"
    \\        }
    \\      ],
    \\      "default": {}
    \\    },
    \\    "additionalProperties": {
    \\      "anyOf": [
    \\        {
    \\          "type": "boolean"
    \\        },
    \\        {
    \\          "$ref": "#"
    \\        }
    \\      ],
    \\      "default": {}
    \\    },
    \\    "allOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "anyOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "default": {},
    \\    "definitions": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "dependencies": {
    \\      "additionalProperties": {
    \\        "anyOf": [
    \\          {
    \\            "$ref": "#"
    \\          },
    \\          {
    \\            "$ref": "#/definitions/stringArray"
    \\          }
    \\        ]
    \\      },
    \\      "type": "object"
    \\    },
    \\    "description": {
    \\      "type": "string"
    \\    },
    \\    "enum": {
    \\      "minItems": 1,
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    },
    \\    "exclusiveMaximum": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    },
    \\    "exclusiveMinimum": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    },
    \\    "format": {
    \\      "type": "string"
    \\    },
    \\    "id": {
    \\      "type": "string"
    \\    },
    \\    "items": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#"
    \\        },
    \\        {
    \\          "$ref": "#/definitions/schemaArray"
    \\        }
    \\      ],
    \\      "default": {}
    \\    },
    \\    "maxItems": {
    \\      "$ref": "#/definitions/positiveInteger"
    \\    },
    \\    "maxLength": {
    \\      "$ref": "#/definitions/positiveInteger"
    \\    },
    \\    "maxProperties": {
    \\      "$ref": "#/definitions/positiveInteger"
    \\    },
    \\    "maximum": {
    \\      "type": "number"
    \\    },
    \\    "minItems": {
    \\      "$ref": "#/definitions/positiveIntegerDefault0"
    \\    },
    \\    "minLength": {
    \\      "$ref": "#/definitions/positiveIntegerDefault0"
    \\    },
    \\    "minProperties": {
    \\      "$ref": "#/definitions/positiveIntegerDefault0"
    \\    },
    \\    "minimum": {
    \\      "type": "number"
    \\    },
    \\    "multipleOf": {
    \\      "exclusiveMinimum": true,
    \\      "minimum": 0,
    \\      "type": "number"
    \\    },
    \\    "not": {
    \\      "$ref": "#"
    \\    },
    \\    "oneOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "pattern": {
    \\      "format": "regex",
    \\      "type": "string"
    \\    },
    \\    "patternProperties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "properties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "required": {
    \\      "$ref": "#/definitions/stringArray"
    \\    },
    \\    "title": {
    \\      "type": "string"
    \\    },
    \\    "type": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#/definitions/simpleTypes"
    \\        },
    \\        {
    \\          "items": {
    \\            "$ref": "#/definitions/simpleTypes"
    \\          },
    \\          "minItems": 1,
    \\          "type": "array",
    \\          "uniqueItems": true
    \\        }
    \\      ]
    \\    },
    \\    "uniqueItems": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    }
    \\  },
    \\  "type": "object"
    \\}
    },
    .{ .url = "http://json-schema.org/draft-06/schema", .draft = .draft6, .text =
    \\{
    \\  "$id": "http://json-schema.org/draft-06/schema#",
    \\  "$schema": "http://json-schema.org/draft-06/schema#",
    \\  "default": {},
    \\  "definitions": {
    \\    "nonNegativeInteger": {
    \\      "minimum": 0,
    \\      "type": "integer"
    \\    },
    \\    "nonNegativeIntegerDefault0": {
    \\      "allOf": [
    \\        {
    \\          "$ref": "#/definitions/nonNegativeInteger"
    \\        },
    \\        {
    \\          "default": 0
    \\        }
    \\      ]
    \\    },
    \\    "schemaArray": {
    \\      "items": {
    \\        "$ref": "#"
    \\      },
    \\      "minItems": 1,
    \\      "type": "array"
    \\    },
    \\    "simpleTypes": {
    \\      "enum": [
    \\        "array",
    \\        "boolean",
    \\        "integer",
    \\        "null",
    \\        "number",
    \\        "object",
    \\        "string"
    \\      ]
    \\    },
    \\    "stringArray": {
    \\      "default": [],
    \\      "items": {
    \\        "type": "string"
    \\      },
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    }
    \\  },
    \\  "properties": {
    \\    "$id": {
    \\      "format": "uri-reference",
    \\      "type": "string"
    \\    },
    \\    "$ref": {
    \\      "format": "uri-reference",
    \\      "type": "string"
    \\    },
    \\    "$schema": {
    \\      "format": "uri",
    \\      "type": "string"
    \\    },
    \\    "additionalItems": {
    \\      "$ref": "#"
    \\    },
    \\    "additionalProperties": {
    \\      "$ref": "#"
    \\    },
    \\    "allOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "anyOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "const": {},
    \\    "contains": {
    \\      "$ref": "#"
    \\    },
    \\    "default": {},
    \\    "definitions": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "dependencies": {
    \\      "additionalProperties": {
    \\        "anyOf": [
    \\          {
    \\            "$ref": "#"
    \\          },
    \\          {
    \\            "$ref": "#/definitions/stringArray"
    \\          }
    \\        ]
    \\      },
    \\      "type": "object"
    \\    },
    \\    "description": {
    \\      "type": "string"
    \\    },
    \\    "enum": {
    \\      "minItems": 1,
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    },
    \\    "examples": {
    \\      "items": {},
    \\      "type": "array"
    \\    },
    \\    "exclusiveMaximum": {
    \\      "type": "number"
    \\    },
    \\    "exclusiveMinimum": {
    \\      "type": "number"
    \\    },
    \\    "format": {
    \\      "type": "string"
    \\    },
    \\    "items": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#"
    \\        },
    \\        {
    \\          "$ref": "#/definitions/schemaArray"
    \\        }
    \\      ],
    \\      "default": {}
    \\    },
    \\    "maxItems": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maxLength": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maxProperties": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maximum": {
    \\      "type": "number"
    \\    },
    \\    "minItems": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minLength": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minProperties": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minimum": {
    \\      "type": "number"
    \\    },
    \\    "multipleOf": {
    \\      "exclusiveMinimum": 0,
    \\      "type": "number"
    \\    },
    \\    "not": {
    \\      "$ref": "#"
    \\    },
    \\    "oneOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "pattern": {
    \\      "format": "regex",
    \\      "type": "string"
    \\    },
    \\    "patternProperties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "properties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "propertyNames": {
    \\      "$ref": "#"
    \\    },
    \\    "required": {
    \\      "$ref": "#/definitions/stringArray"
    \\    },
    \\    "title": {
    \\      "type": "string"
    \\    },
    \\    "type": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#/definitions/simpleTypes"
    \\        },
    \\        {
    \\          "items": {
    \\            "$ref": "#/definitions/simpleTypes"
    \\          },
    \\          "minItems": 1,
    \\          "type": "array",
    \\          "uniqueItems": true
    \\        }
    \\      ]
    \\    },
    \\    "uniqueItems": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    }
    \\  },
    \\  "title": "Core schema meta-schema",
    \\  "type": [
    \\    "object",
    \\    "boolean"
    \\  ]
    \\}
    },
    .{ .url = "http://json-schema.org/draft-07/schema", .draft = .draft7, .text =
    \\{
    \\  "$id": "http://json-schema.org/draft-07/schema#",
    \\  "$schema": "http://json-schema.org/draft-07/schema#",
    \\  "default": true,
    \\  "definitions": {
    \\    "nonNegativeInteger": {
    \\      "minimum": 0,
    \\      "type": "integer"
    \\    },
    \\    "nonNegativeIntegerDefault0": {
    \\      "allOf": [
    \\        {
    \\          "$ref": "#/definitions/nonNegativeInteger"
    \\        },
    \\        {
    \\          "default": 0
    \\        }
    \\      ]
    \\    },
    \\    "schemaArray": {
    \\      "items": {
    \\        "$ref": "#"
    \\      },
    \\      "minItems": 1,
    \\      "type": "array"
    \\    },
    \\    "simpleTypes": {
    \\      "enum": [
    \\        "array",
    \\        "boolean",
    \\        "integer",
    \\        "null",
    \\        "number",
    \\        "object",
    \\        "string"
    \\      ]
    \\    },
    \\    "stringArray": {
    \\      "default": [],
    \\      "items": {
    \\        "type": "string"
    \\      },
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    }
    \\  },
    \\  "properties": {
    \\    "$comment": {
    \\      "type": "string"
    \\    },
    \\    "$id": {
    \\      "format": "uri-reference",
    \\      "type": "string"
    \\    },
    \\    "$ref": {
    \\      "format": "uri-reference",
    \\      "type": "string"
    \\    },
    \\    "$schema": {
    \\      "format": "uri",
    \\      "type": "string"
    \\    },
    \\    "additionalItems": {
    \\      "$ref": "#"
    \\    },
    \\    "additionalProperties": {
    \\      "$ref": "#"
    \\    },
    \\    "allOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "anyOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "const": true,
    \\    "contains": {
    \\      "$ref": "#"
    \\    },
    \\    "contentEncoding": {
    \\      "type": "string"
    \\    },
    \\    "contentMediaType": {
    \\      "type": "string"
    \\    },
    \\    "default": true,
    \\    "definitions": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "dependencies": {
    \\      "additionalProperties": {
    \\        "anyOf": [
    \\          {
    \\            "$ref": "#"
    \\          },
    \\          {
    \\            "$ref": "#/definitions/stringArray"
    \\          }
    \\        ]
    \\      },
    \\      "type": "object"
    \\    },
    \\    "description": {
    \\      "type": "string"
    \\    },
    \\    "else": {
    \\      "$ref": "#"
    \\    },
    \\    "enum": {
    \\      "items": true,
    \\      "minItems": 1,
    \\      "type": "array",
    \\      "uniqueItems": true
    \\    },
    \\    "examples": {
    \\      "items": true,
    \\      "type": "array"
    \\    },
    \\    "exclusiveMaximum": {
    \\      "type": "number"
    \\    },
    \\    "exclusiveMinimum": {
    \\      "type": "number"
    \\    },
    \\    "format": {
    \\      "type": "string"
    \\    },
    \\    "if": {
    \\      "$ref": "#"
    \\    },
    \\    "items": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#"
    \\        },
    \\        {
    \\          "$ref": "#/definitions/schemaArray"
    \\        }
    \\      ],
    \\      "default": true
    \\    },
    \\    "maxItems": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maxLength": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maxProperties": {
    \\      "$ref": "#/definitions/nonNegativeInteger"
    \\    },
    \\    "maximum": {
    \\      "type": "number"
    \\    },
    \\    "minItems": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minLength": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minProperties": {
    \\      "$ref": "#/definitions/nonNegativeIntegerDefault0"
    \\    },
    \\    "minimum": {
    \\      "type": "number"
    \\    },
    \\    "multipleOf": {
    \\      "exclusiveMinimum": 0,
    \\      "type": "number"
    \\    },
    \\    "not": {
    \\      "$ref": "#"
    \\    },
    \\    "oneOf": {
    \\      "$ref": "#/definitions/schemaArray"
    \\    },
    \\    "pattern": {
    \\      "format": "regex",
    \\      "type": "string"
    \\    },
    \\    "patternProperties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "propertyNames": {
    \\        "format": "regex"
    \\      },
    \\      "type": "object"
    \\    },
    \\    "properties": {
    \\      "additionalProperties": {
    \\        "$ref": "#"
    \\      },
    \\      "default": {},
    \\      "type": "object"
    \\    },
    \\    "propertyNames": {
    \\      "$ref": "#"
    \\    },
    \\    "readOnly": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    },
    \\    "required": {
    \\      "$ref": "#/definitions/stringArray"
    \\    },
    \\    "then": {
    \\      "$ref": "#"
    \\    },
    \\    "title": {
    \\      "type": "string"
    \\    },
    \\    "type": {
    \\      "anyOf": [
    \\        {
    \\          "$ref": "#/definitions/simpleTypes"
    \\        },
    \\        {
    \\          "items": {
    \\            "$ref": "#/definitions/simpleTypes"
    \\          },
    \\          "minItems": 1,
    \\          "type": "array",
    \\          "uniqueItems": true
    \\        }
    \\      ]
    \\    },
    \\    "uniqueItems": {
    \\      "default": false,
    \\      "type": "boolean"
    \\    }
    \\  },
    \\  "title": "Core schema meta-schema",
    \\  "type": [
    \\    "object",
    \\    "boolean"
    \\  ]
    \\}
    },
};

pub fn find(url: []const u8) ?*const MetaSchema {
    for (&all) |*m| if (std.mem.eql(u8, m.url, url)) return m;
    return null;
}
