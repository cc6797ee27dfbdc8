; Zig symbols. `const X = struct {...}` is a struct named X; functions inside
; containers become methods.

(variable_declaration
  (identifier) @name
  (struct_declaration)) @definition.struct

(variable_declaration
  (identifier) @name
  (enum_declaration)) @definition.enum

(variable_declaration
  (identifier) @name
  (union_declaration)) @definition.union

(variable_declaration
  (identifier) @name
  (opaque_declaration)) @definition.type

(function_declaration
  name: (identifier) @name) @definition.function

(test_declaration
  (string (string_content) @name)) @definition.test

(struct_declaration
  (container_field
    name: (identifier) @name) @definition.field)

(union_declaration
  (container_field
    name: (identifier) @name) @definition.field)

; `const std = @import("std");` is an import, not a definition.
(source_file
  (variable_declaration
    (identifier) @name
    (builtin_function (builtin_identifier) @builtin)) @definition.skip
  (#eq? @builtin "@import"))

(source_file
  (variable_declaration
    "const"
    (identifier) @name) @definition.constant)

(source_file
  (variable_declaration
    "var"
    (identifier) @name) @definition.variable)
