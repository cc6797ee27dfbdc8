; Haskell symbols. A type signature and the equations of one function are captured
; separately and merged into one symbol (mergeEquations); `where` bindings are local.

(header
  module: (module) @name) @definition.module

(data_type
  name: (name) @name) @definition.type

(newtype
  name: (name) @name) @definition.type

(type_synomym
  name: (name) @name) @definition.type

(type_family
  name: (name) @name) @definition.type

(class
  name: (name) @name) @definition.interface

(instance
  name: (name) @name) @definition.impl

(declarations
  (signature name: (variable) @name) @definition.function)

(declarations
  (function name: (variable) @name) @definition.function)

(declarations
  (bind name: (variable) @name) @definition.function)

(class_declarations
  (signature name: (variable) @name) @definition.function)

(class_declarations
  (function name: (variable) @name) @definition.function)

(instance_declarations
  (function name: (variable) @name) @definition.function)

(instance_declarations
  (bind name: (variable) @name) @definition.function)
