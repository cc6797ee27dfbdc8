; Kotlin symbols. Interfaces and enum classes are class_declarations with a keyword
; or an enum body; extension functions take their receiver type as container.

(class_declaration
  "interface"
  (type_identifier) @name) @definition.interface

(class_declaration
  (type_identifier) @name
  (enum_class_body)) @definition.enum

(class_declaration
  (type_identifier) @name) @definition.class

(object_declaration
  (type_identifier) @name) @definition.class

(companion_object
  (type_identifier) @name) @definition.class

(type_alias
  (type_identifier) @name) @definition.type

; Extension functions: `fun Receiver.name()`.
(function_declaration
  (user_type (type_identifier) @container)
  .
  (simple_identifier) @name) @definition.function

(function_declaration
  (simple_identifier) @name) @definition.function

(secondary_constructor
  "constructor" @name) @definition.constructor

(property_declaration
  (modifiers (property_modifier) @modifier)
  (variable_declaration (simple_identifier) @name)
  (#eq? @modifier "const")) @definition.constant

(source_file
  (property_declaration
    (variable_declaration (simple_identifier) @name)) @definition.variable)

(class_body
  (property_declaration
    (variable_declaration (simple_identifier) @name)) @definition.property)
