; Ruby symbols. Instance methods of classes and modules are methods; `def self.x`
; and methods inside `class << self` are methods of the enclosing class.

(class
  name: [(constant) (scope_resolution)] @name) @definition.class

(module
  name: [(constant) (scope_resolution)] @name) @definition.module

(module
  body: (body_statement
    (method
      name: (_) @name) @definition.method))

(method
  name: (_) @name) @definition.function

(singleton_method
  name: (_) @name) @definition.method

(program
  (assignment
    left: (constant) @name) @definition.constant)

(body_statement
  (assignment
    left: (constant) @name) @definition.constant)
