; C# symbols.

(namespace_declaration
  name: [(identifier) (qualified_name)] @name) @definition.namespace

(file_scoped_namespace_declaration
  name: [(identifier) (qualified_name)] @name) @definition.namespace

(class_declaration
  name: (identifier) @name) @definition.class

(record_declaration
  name: (identifier) @name) @definition.class

(struct_declaration
  name: (identifier) @name) @definition.struct

(interface_declaration
  name: (identifier) @name) @definition.interface

(enum_declaration
  name: (identifier) @name) @definition.enum

(delegate_declaration
  name: (identifier) @name) @definition.type

(method_declaration
  name: (identifier) @name) @definition.method

(constructor_declaration
  name: (identifier) @name) @definition.constructor

(destructor_declaration
  name: (identifier) @name) @definition.method

(operator_declaration
  operator: _ @name) @definition.method

(property_declaration
  name: (identifier) @name) @definition.property

(indexer_declaration
  "this" @name) @definition.property

(event_declaration
  name: (identifier) @name) @definition.property

(event_field_declaration
  (variable_declaration
    (variable_declarator (identifier) @name))) @definition.field

; `const` fields are constants; other fields are fields.
(field_declaration
  (modifier) @modifier
  (variable_declaration
    (variable_declarator (identifier) @name))
  (#eq? @modifier "const")) @definition.constant

(field_declaration
  (variable_declaration
    (variable_declarator (identifier) @name))) @definition.field
