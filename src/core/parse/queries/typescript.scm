; TypeScript and TSX symbols (TSX uses this file too).

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(function_signature
  name: (identifier) @name) @definition.function

(class_declaration
  name: (type_identifier) @name) @definition.class

(abstract_class_declaration
  name: (type_identifier) @name) @definition.class

(interface_declaration
  name: (type_identifier) @name) @definition.interface

(type_alias_declaration
  name: (type_identifier) @name) @definition.type

(enum_declaration
  name: (identifier) @name) @definition.enum

(internal_module
  name: [(identifier) (nested_identifier)] @name) @definition.namespace

(module
  name: [(identifier) (string)] @name) @definition.module

(method_definition
  name: [(property_identifier) (private_property_identifier) (string)] @name) @definition.method

(abstract_method_signature
  name: [(property_identifier) (private_property_identifier)] @name) @definition.method

; Interface members (members of inline object types are not definitions).
(interface_body
  (method_signature
    name: [(property_identifier) (private_property_identifier)] @name) @definition.method)

(interface_body
  (property_signature
    name: [(property_identifier) (private_property_identifier)] @name) @definition.property)

; Class fields holding functions are methods; other fields are fields.
(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method

(public_field_definition
  name: [(property_identifier) (private_property_identifier)] @name) @definition.field

; Functions assigned to names: `const f = () => ...`, `const f = function () {...}`.
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; Object methods written as `key: function () {}` or `key: () => {}`.
(pair
  key: [(property_identifier) (string)] @name
  value: [(arrow_function) (function_expression)]) @definition.method

; Functions assigned to members: `Foo.prototype.bar = function`, `exports.baz = () => ...`.
(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @container
      property: (property_identifier) @prototype)
    property: (property_identifier) @name)
  right: [(function_expression) (arrow_function)]
  (#eq? @prototype "prototype")) @definition.method

(assignment_expression
  left: (member_expression
    object: (_) @container
    property: (property_identifier) @name)
  right: [(function_expression) (arrow_function)]) @definition.function

; Test suites and cases: describe/it/test('name', () => {...}), also `describe.only(...)`.
(call_expression
  function: [
    (identifier) @callee
    (member_expression object: (identifier) @callee)
  ]
  arguments: (arguments
    .
    (string (string_fragment) @name)
    .
    [(arrow_function) (function_expression)])
  (#any-of? @callee "describe" "it" "test" "suite" "context")) @definition.test

; Top-level constants (`const`) and variables (`let`, `var`), exported or not.
(program
  (lexical_declaration
    kind: "const"
    (variable_declarator name: (identifier) @name) @definition.constant))
(program
  (export_statement
    (lexical_declaration
      kind: "const"
      (variable_declarator name: (identifier) @name) @definition.constant)))
(program
  (lexical_declaration
    kind: "let"
    (variable_declarator name: (identifier) @name) @definition.variable))
(program
  (export_statement
    (lexical_declaration
      kind: "let"
      (variable_declarator name: (identifier) @name) @definition.variable)))
(program
  (variable_declaration
    (variable_declarator name: (identifier) @name) @definition.variable))

; Ambient declarations (`declare const x: T;` in .d.ts files).
(ambient_declaration
  (lexical_declaration
    kind: "const"
    (variable_declarator name: (identifier) @name) @definition.constant))

(ambient_declaration
  (lexical_declaration
    kind: "let"
    (variable_declarator name: (identifier) @name) @definition.variable))

(ambient_declaration
  (variable_declaration
    (variable_declarator name: (identifier) @name) @definition.variable))
