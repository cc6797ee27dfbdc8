; Elixir symbols: modules, protocols and implementations; def/defp/defguard as
; functions (clauses of one function merge into one symbol), defmacro as macros.

(call
  target: (identifier) @keyword
  (arguments (alias) @name)
  (#any-of? @keyword "defmodule" "defprotocol")) @definition.module

(call
  target: (identifier) @keyword
  (arguments (alias) @name)
  (#eq? @keyword "defimpl")) @definition.impl

(call
  target: (identifier) @keyword
  (arguments
    [
      (call target: (identifier) @name)
      (binary_operator left: (call target: (identifier) @name))
      (binary_operator left: (identifier) @name)
      (identifier) @name
    ])
  (#any-of? @keyword "defmacro" "defmacrop")) @definition.macro

(call
  target: (identifier) @keyword
  (arguments
    [
      (call target: (identifier) @name)
      (binary_operator left: (call target: (identifier) @name))
      (binary_operator left: (identifier) @name)
      (identifier) @name
    ])
  (#any-of? @keyword "def" "defp" "defguard" "defguardp" "defdelegate")) @definition.function
