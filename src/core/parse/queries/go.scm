; Go symbols. Methods take their receiver's type as container.

; Tests, benchmarks and fuzz targets: `func TestX(t *testing.T)`.
(function_declaration
  name: (identifier) @name
  parameters: (parameter_list
    (parameter_declaration
      type: (pointer_type (qualified_type) @type)))
  (#match? @name "^(Test|Benchmark|Fuzz)")
  (#match? @type "^testing\\.[TBF]$")) @definition.test

(function_declaration
  name: (identifier) @name) @definition.function

(method_declaration
  receiver: (parameter_list
    (parameter_declaration
      type: [
        (type_identifier) @container
        (pointer_type (type_identifier) @container)
        (generic_type type: (type_identifier) @container)
        (pointer_type (generic_type type: (type_identifier) @container))
      ]))
  name: (field_identifier) @name) @definition.method

(type_spec
  name: (type_identifier) @name
  type: (struct_type)) @definition.struct

(type_spec
  name: (type_identifier) @name
  type: (interface_type)) @definition.interface

(type_spec
  name: (type_identifier) @name) @definition.type

(type_alias
  name: (type_identifier) @name) @definition.type

(interface_type
  (method_spec
    name: (field_identifier) @name) @definition.method)

(field_declaration_list
  (field_declaration
    name: (field_identifier) @name) @definition.field)

; Package-level constants and variables (the first name of each spec).
(source_file
  (const_declaration
    (const_spec
      name: (identifier) @name) @definition.constant))

(source_file
  (var_declaration
    (var_spec
      name: (identifier) @name) @definition.variable))
