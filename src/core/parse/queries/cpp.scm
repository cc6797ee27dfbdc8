; C++ symbols. Out-of-class definitions `A::B::f` take A and B as containers; a
; function inside a class body becomes a method; one named like its class, a constructor.

; Out-of-class definitions (one, two or three levels of qualification).
(function_definition
  declarator: [
    (function_declarator
      declarator: (qualified_identifier scope: (_) @container name: (_) @name))
    (pointer_declarator
      declarator: (function_declarator
        declarator: (qualified_identifier scope: (_) @container name: (_) @name)))
    (reference_declarator
      (function_declarator
        declarator: (qualified_identifier scope: (_) @container name: (_) @name)))
  ]
  (#not-match? @name "::")) @definition.method

(function_definition
  declarator: [
    (function_declarator
      declarator: (qualified_identifier scope: (_) @container
        name: (qualified_identifier scope: (_) @container name: (_) @name)))
    (pointer_declarator
      declarator: (function_declarator
        declarator: (qualified_identifier scope: (_) @container
          name: (qualified_identifier scope: (_) @container name: (_) @name))))
  ]
  (#not-match? @name "::")) @definition.method

(function_definition
  declarator: (function_declarator
    declarator: (qualified_identifier scope: (_) @container
      name: (qualified_identifier scope: (_) @container
        name: (qualified_identifier scope: (_) @container name: (_) @name))))) @definition.method

; Plain functions, and functions defined inside class bodies (methods).
(function_definition
  declarator: [
    (function_declarator
      declarator: [(identifier) (field_identifier) (destructor_name) (operator_name)] @name)
    (pointer_declarator
      declarator: (function_declarator
        declarator: [(identifier) (field_identifier) (operator_name)] @name))
    (reference_declarator
      (function_declarator
        declarator: [(identifier) (field_identifier) (operator_name)] @name))
  ]) @definition.function

; Method declarations inside class bodies.
(field_declaration_list
  (field_declaration
    declarator: (function_declarator
      declarator: [(field_identifier) (destructor_name) (operator_name)] @name)) @definition.function)

(field_declaration_list
  (declaration
    declarator: (function_declarator
      declarator: [(identifier) (destructor_name) (operator_name)] @name)) @definition.function)

(class_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.class

(struct_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.struct

(union_specifier
  name: (type_identifier) @name
  body: (field_declaration_list)) @definition.union

(enum_specifier
  name: (type_identifier) @name
  body: (enumerator_list)) @definition.enum

(namespace_definition
  name: [(namespace_identifier) (nested_namespace_specifier)] @name) @definition.namespace

(type_definition
  type: (struct_specifier body: (field_declaration_list))
  declarator: (type_identifier) @name) @definition.struct

(type_definition
  declarator: (type_identifier) @name) @definition.type

(alias_declaration
  name: (type_identifier) @name) @definition.type

(concept_definition
  name: (identifier) @name) @definition.type

(field_declaration_list
  (field_declaration
    declarator: [
      (field_identifier) @name
      (pointer_declarator declarator: (field_identifier) @name)
      (array_declarator declarator: (field_identifier) @name)
    ]) @definition.field)

(preproc_def
  name: (identifier) @name) @definition.constant

(preproc_function_def
  name: (identifier) @name) @definition.macro

; Namespace-level constants and variables.
(translation_unit
  (declaration
    (type_qualifier)
    declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)

(declaration_list
  (declaration
    (type_qualifier)
    declarator: (init_declarator declarator: (identifier) @name)) @definition.constant)

(translation_unit
  (declaration
    declarator: [
      (identifier) @name
      (init_declarator declarator: (identifier) @name)
      (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
    ]) @definition.variable)

(declaration_list
  (declaration
    declarator: [
      (identifier) @name
      (init_declarator declarator: (identifier) @name)
      (init_declarator declarator: (pointer_declarator declarator: (identifier) @name))
    ]) @definition.variable)
