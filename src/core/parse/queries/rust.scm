; Rust symbols. An impl block is named after its type; its functions are methods.

(struct_item
  name: (type_identifier) @name) @definition.struct

(enum_item
  name: (type_identifier) @name) @definition.enum

(union_item
  name: (type_identifier) @name) @definition.union

(trait_item
  name: (type_identifier) @name) @definition.trait

(type_item
  name: (type_identifier) @name) @definition.type

(impl_item
  type: [
    (type_identifier) @name
    (generic_type type: (type_identifier) @name)
    (generic_type type: (scoped_type_identifier name: (type_identifier) @name))
    (scoped_type_identifier name: (type_identifier) @name)
  ]) @definition.impl

; `#[test]` functions (also `#[tokio::test]`, with one more attribute after it).
((attribute_item
  (attribute [(identifier) (scoped_identifier)] @attribute))
  .
  (function_item
    name: (identifier) @name) @definition.test
  (#match? @attribute "(^|::)test$"))

((attribute_item
  (attribute [(identifier) (scoped_identifier)] @attribute))
  .
  (attribute_item)
  .
  (function_item
    name: (identifier) @name) @definition.test
  (#match? @attribute "(^|::)test$"))

(function_item
  name: (identifier) @name) @definition.function

(function_signature_item
  name: (identifier) @name) @definition.function

(mod_item
  name: (identifier) @name) @definition.module

(macro_definition
  name: (identifier) @name) @definition.macro

(const_item
  name: (identifier) @name) @definition.constant

(static_item
  name: (identifier) @name) @definition.variable

; Named fields of structs and unions (not of enum variants).
(struct_item
  body: (field_declaration_list
    (field_declaration
      name: (field_identifier) @name) @definition.field))

(union_item
  body: (field_declaration_list
    (field_declaration
      name: (field_identifier) @name) @definition.field))
