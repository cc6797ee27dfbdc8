; Scala symbols (the bundled grammar parses Scala 2 syntax).

(class_definition
  name: (identifier) @name) @definition.class

(object_definition
  name: (identifier) @name) @definition.class

(trait_definition
  name: (identifier) @name) @definition.trait

(type_definition
  name: (type_identifier) @name) @definition.type

(function_definition
  name: (identifier) @name) @definition.function

(function_declaration
  name: (identifier) @name) @definition.function

; Vals and vars at the top level and in class, object and trait bodies.
(compilation_unit
  (val_definition pattern: (identifier) @name) @definition.constant)

(compilation_unit
  (var_definition pattern: (identifier) @name) @definition.variable)

(template_body
  (val_definition pattern: (identifier) @name) @definition.field)

(template_body
  (var_definition pattern: (identifier) @name) @definition.field)

(template_body
  (val_declaration name: (identifier) @name) @definition.field)
