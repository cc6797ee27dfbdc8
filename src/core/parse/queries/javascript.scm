; JavaScript symbols.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(class_declaration
  name: (identifier) @name) @definition.class

(method_definition
  name: [(property_identifier) (private_property_identifier) (string)] @name) @definition.method

; Class fields holding functions are methods; other fields are fields.
(field_definition
  property: [(property_identifier) (private_property_identifier)] @name
  value: [(arrow_function) (function_expression)]) @definition.method

(field_definition
  property: [(property_identifier) (private_property_identifier)] @name) @definition.field

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
    (variable_declarator name: (identifier) @name value: (_) @value) @definition.constant)
  (#not-match? @value "^require\\("))
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
  (variable_declaration
    (variable_declarator name: (identifier) @name) @definition.variable))
