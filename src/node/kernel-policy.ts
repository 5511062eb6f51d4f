/*
 * Kernel policies for Node hosts: the base kernel compiled once per process,
 * any policy text linked over it.
 *
 * A bundled kernel state (series, patched-v2, ...) linked over the base is also
 * kept on disk, keyed by the content hash of the running command-line bundle
 * and of every file of its chain, so a later process loads it with one
 * v8.deserialize() instead of loading tree-sitter and compiling the chain
 * (about 250 ms of a cold `bootlab boot --policy series`). Only the bundled
 * command line (out/cli) uses the disk: there the bundle's own hash names the
 * compiler that made the entry; running from source it cannot be named so
 * cheaply, and every process compiles (in-process caching still applies).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'
import { type CompiledPolicy, compileBase, type KernelPolicy, policyParent, type PolicyLookup, preparePolicy, type PolicySource } from '../core'
import type { Parser } from 'web-tree-sitter'
import type { LabCompiler } from '../labs'
import { loadCParser } from './c-parser'
import { BASE_POLICY, isBundledName, readNamed } from './resources'

let base: Promise<CompiledPolicy> | null = null

export function loadBasePolicy(): Promise<CompiledPolicy> {
  base ??= loadCParser().then((parser) => {
    const b = readNamed(BASE_POLICY, 'policy')
    return compileBase(parser, { name: b.name, file: `${b.name}.c`, text: b.text })
  })
  return base
}

/**
 * A bundled kernel state by name, for `Builds on:` lines and the disk cache's key. A bare name is
 * read once per process (the bundled files are the install's, not edited while it runs): a class
 * grader asks for every submission's own name, and a miss would list the folder for its error
 * message. A name with a dot or a folder is a path, read each time.
 */
const bundled = new Map<string, PolicySource | undefined>()

function bundledPolicy(name: string): PolicySource | undefined {
  if (bundled.has(name)) return bundled.get(name)
  let source: PolicySource | undefined
  try {
    const p = readNamed(name, 'policy')
    source = { name: p.name, file: `${p.name}.c`, text: p.text }
  } catch {
    source = undefined
  }
  if (isBundledName(name)) bundled.set(name, source)
  return source
}

/** The file name of a source, without its folders (diagnostics and cache keys name the file alone). */
const ownSource = (source: PolicySource): PolicySource => ({ ...source, file: source.file.split(/[\\/]/).pop() ?? source.file })

/** The disk cache's key for a bundled kernel state unchanged, else null (a learner's file is compiled). */
const cacheKeyOf = (own: PolicySource, lookup: PolicyLookup): string | null => (bundledPolicy(own.name)?.text === own.text ? chainKey(own, lookup) : null)

function compileOver(parser: Parser, compiledBase: CompiledPolicy, own: PolicySource, lookup: PolicyLookup, key: string | null): KernelPolicy {
  const policy = preparePolicy(parser, own, compiledBase, lookup)
  if (key && policy.program) writeCompiled(key, policy)
  return policy
}

/** Compile a policy (a bundled one, a learner's file) over the kernel state it builds on. */
export async function loadKernelPolicy(source: PolicySource, lookup: PolicyLookup = bundledPolicy): Promise<KernelPolicy> {
  const own = ownSource(source)
  const key = cacheKeyOf(own, lookup)
  const cached = key ? readCompiled(key) : null
  if (cached) return cached
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  return compileOver(parser, compiledBase, own, lookup, key)
}

/** The compiler src/labs grades with (gradePolicy): the C parser and the base kernel loaded once, then each compile synchronous. */
export async function loadLabCompiler(): Promise<LabCompiler> {
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  return {
    parser,
    compile: (source, lookup) => {
      const own = ownSource(source)
      const key = cacheKeyOf(own, lookup)
      return (key ? readCompiled(key) : null) ?? compileOver(parser, compiledBase, own, lookup, key)
    },
  }
}

// ---- the compiled-state cache on disk -------------------------------------

/** Bumped when the cache file's layout changes. */
const CACHE_FORMAT = 1

/** The running bundle's content hash, or null when running from source (no cheap name for the compiler). */
let codeHash: string | null | undefined

function bundleHash(): string | null {
  if (codeHash !== undefined) return codeHash
  const self = fileURLToPath(import.meta.url)
  codeHash = null
  // Built, this module is a chunk of out/cli (assets/*.js, named by content hash and importing its
  // neighbours by hashed names, so its own hash names the compiler); from source it is a .ts file.
  if (!/\.m?js$/.test(self) || process.env.BOOTLAB_COMPILE_CACHE === '0') return codeHash
  try {
    codeHash = createHash('sha256').update(readFileSync(self)).digest('hex')
  } catch {
    codeHash = null
  }
  return codeHash
}

/**
 * Names the compiler for the disk cache when the process cannot (running from source): tests use
 * it; null turns the disk cache off. The bundle names itself.
 */
export function setCompilerIdentity(hash: string | null): void {
  codeHash = hash
}

export function compileCacheDir(): string {
  return process.env.BOOTLAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bootlab')
}

/** Content hash of the compiler and every file the linked program comes from; null when it cannot be named. */
function chainKey(policy: PolicySource, lookup: PolicyLookup): string | null {
  const code = bundleHash()
  if (!code) return null
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${code}\0`)
  const baseText = readNamed(BASE_POLICY, 'policy').text
  hash.update(`${BASE_POLICY}.c\0${baseText}\0`)
  const seen = new Set<string>()
  for (let p: PolicySource | undefined = policy; p; ) {
    if (seen.has(p.file)) return null
    seen.add(p.file)
    hash.update(`${p.file}\0${p.text}\0`)
    const parent = policyParent(p.text)
    if (!parent || parent.name === BASE_POLICY) break
    p = lookup(parent.name)
    if (!p) return null
  }
  return hash.digest('hex')
}

function readCompiled(key: string): KernelPolicy | null {
  try {
    const value = deserialize(readFileSync(join(compileCacheDir(), `${key}.v8`))) as KernelPolicy
    return value && Array.isArray(value.program?.functions) && Array.isArray(value.diagnostics) ? value : null
  } catch {
    return null
  }
}

/** Written whole under a temporary name, then renamed: a reader never sees half a file. A read-only cache is no error. */
function writeCompiled(key: string, policy: KernelPolicy): void {
  try {
    const dir = compileCacheDir()
    mkdirSync(dir, { recursive: true })
    const tmp = join(dir, `${key}.${process.pid}.tmp`)
    writeFileSync(tmp, serialize(policy))
    renameSync(tmp, join(dir, `${key}.v8`))
  } catch {
    // The next process compiles again.
  }
}
