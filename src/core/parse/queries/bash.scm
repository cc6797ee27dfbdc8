; Bash symbols: functions and top-level variables (plain, readonly, export).

(function_definition
  name: (word) @name) @definition.function

(program
  (declaration_command
    "readonly"
    (variable_assignment
      name: (variable_name) @name)) @definition.constant)

(program
  (declaration_command
    (variable_assignment
      name: (variable_name) @name)) @definition.variable)

(program
  (variable_assignment
    name: (variable_name) @name) @definition.variable)
