; Lua symbols. `function M.f` and `M.f = function` take M as container; `function M:f`
; is a method of M.

(function_definition_statement
  name: (identifier) @name) @definition.function

(function_definition_statement
  name: (variable
    table: (_) @container
    field: (identifier) @name)) @definition.function

(function_definition_statement
  name: (variable
    table: (_) @container
    method: (identifier) @name)) @definition.method

(local_function_definition_statement
  name: (identifier) @name) @definition.function

(variable_assignment
  (variable_list
    (variable
      table: (_) @container
      field: (identifier) @name))
  (expression_list
    value: (function_definition))) @definition.function

(variable_assignment
  (variable_list
    (variable name: (identifier) @name))
  (expression_list
    value: (function_definition))) @definition.function

(local_variable_declaration
  (variable_list
    (variable name: (identifier) @name))
  (expression_list
    value: (function_definition))) @definition.function

; File-level locals: UPPER_CASE names are constants.
(chunk
  (local_variable_declaration
    (variable_list
      (variable name: (identifier) @name))) @definition.constant
  (#match? @name "^[A-Z][A-Z0-9_]*$"))

(chunk
  (local_variable_declaration
    (variable_list
      (variable name: (identifier) @name))) @definition.variable)
