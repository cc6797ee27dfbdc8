; Python symbols. Functions inside classes become methods (see symbols.ts);
; decorated definitions take their decorators through the wrapper rules.

(class_definition
  name: (identifier) @name) @definition.class

; pytest-style tests: `test_*` functions at module level or in `Test*` classes.
(module
  (function_definition
    name: (identifier) @name) @definition.test
  (#match? @name "^test"))

(module
  (decorated_definition
    definition: (function_definition
      name: (identifier) @name) @definition.test)
  (#match? @name "^test"))

(class_definition
  name: (identifier) @class
  body: (block
    (function_definition
      name: (identifier) @name) @definition.test)
  (#match? @class "^Test")
  (#match? @name "^test"))

(function_definition
  name: (identifier) @name) @definition.function

; Module-level assignments: UPPER_CASE names are constants, others variables.
(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.constant)
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

(module
  (expression_statement
    (assignment
      left: (identifier) @name) @definition.variable))

; Class attributes with a value or an annotation.
(class_definition
  body: (block
    (expression_statement
      (assignment
        left: (identifier) @name) @definition.field)))
