// Shared setup for the policy tests: a parser, small native tables, and compile-and-run shorthands.
import { expect } from 'vitest'
import {
  type CValue,
  type CompiledPolicy,
  type Diagnostic,
  Interpreter,
  type Limits,
  type NativeContext,
  type NativeFunction,
  type NativeTable,
  PolicyError,
  type Program,
  compilePolicy,
} from '../../../src/core/policy'
import { loadCParser } from '../../helpers/c-parser'

export const parser = await loadCParser()

type Impl = (ctx: NativeContext, args: CValue[]) => CValue | void

/** A native table from `name: [arity, impl]` rows and `name: value` constants. */
export function natives(
  fns: Record<string, [NativeFunction['arity'], Impl]> = {},
  constants: Record<string, bigint> = {},
  objects: string[] = [],
): NativeTable {
  return {
    functions: new Map(Object.entries(fns).map(([name, [arity, impl]]) => [name, { name, arity, file: `kernel/${name}.c`, doc: name, impl }])),
    constants: new Map(Object.entries(constants).map(([name, value]) => [name, { name, value, doc: name }])),
    objects: new Map(objects.map((name) => [name, { name, doc: name }])),
  }
}

export const NONE = natives()

export function compile(source: string, table: NativeTable = NONE, base?: Program, file = 'policy.c'): CompiledPolicy {
  return compilePolicy(parser, source, file, table, { base })
}

/** Compile (expecting no diagnostics) and make an interpreter. */
export function load(source: string, table: NativeTable = NONE, limits?: Limits): Interpreter {
  const c = compile(source, table)
  expect(c.diagnostics).toEqual([])
  return new Interpreter(c.program!, table, limits)
}

/** Compile and call one function. */
export function run(source: string, fn = 'f', args: CValue[] = [], table: NativeTable = NONE): CValue {
  return load(source, table).call(fn, args)
}

/** Diagnostics as `line:column code message` strings. */
export const brief = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)

/** Run and return the PolicyError thrown (fails the test if none was). */
export function runError(interp: Interpreter, fn = 'f', args: CValue[] = []): Diagnostic {
  try {
    interp.call(fn, args)
  } catch (e) {
    if (e instanceof PolicyError) return e.diagnostic
    throw e
  }
  throw new Error(`${fn}() did not fail`)
}
