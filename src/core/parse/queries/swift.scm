; Swift symbols. Classes, structs, enums, actors and extensions share class_declaration
; and differ by keyword; an extension is an impl named after the extended type.

(class_declaration
  "extension"
  name: (user_type (type_identifier) @name)) @definition.impl

(class_declaration
  "struct"
  name: (type_identifier) @name) @definition.struct

(class_declaration
  "enum"
  name: (type_identifier) @name) @definition.enum

(class_declaration
  name: (type_identifier) @name) @definition.class

(protocol_declaration
  name: (type_identifier) @name) @definition.interface

(typealias_declaration
  name: (type_identifier) @name) @definition.type

(function_declaration
  name: (simple_identifier) @name) @definition.function

(protocol_function_declaration
  name: (simple_identifier) @name) @definition.method

(init_declaration
  "init" @name) @definition.constructor

(deinit_declaration
  "deinit" @name) @definition.method

(subscript_declaration
  "subscript" @name) @definition.method

(protocol_property_declaration
  name: (pattern (simple_identifier) @name)) @definition.property

; Top-level `let` is a constant, `var` a variable; members are properties.
(source_file
  (property_declaration
    (value_binding_pattern "let")
    name: (pattern (simple_identifier) @name)) @definition.constant)

(source_file
  (property_declaration
    name: (pattern (simple_identifier) @name)) @definition.variable)

(class_body
  (property_declaration
    name: (pattern (simple_identifier) @name)) @definition.property)

(enum_class_body
  (property_declaration
    name: (pattern (simple_identifier) @name)) @definition.property)
