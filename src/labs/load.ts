/*
 * Loading a lab: a LabFolder (the folder's text files, from the Node reader or
 * the app's bundle) and the bundled kernel resources in, a Lab or the list of
 * problems out, each naming its file and field. Never throws on bad input.
 */
import { closestName, fieldPath, type PolicySource, parseScenario, readYamlText, type Scenario } from '../core'
import type { KernelResources, LabFolder, TextFile } from '../shared/bootlab-api'
import { isFileReference, labPath } from './lab-paths'
import { type Lab, type LabError, type LabLoad, type LabScenario, MANIFEST_NAMES } from './lab'
import { readmeQuestionProblems } from './readme-questions'
import { type LabManifest, labManifestSchema } from './schema'
import { generateVariants, variantSpecProblems } from './variants'

const REQUIRED_FILES = { 'README.md': 'the instructions', 'start.c': 'the starting policy', 'solution.c': 'the reference solution' }
const SCENARIO_EXTENSIONS = /\.(ya?ml|json)$/

const stripC = (path: string) => path.replace(/\.c$/, '')

/** Lab-relative file lookups and the problems they find, for one folder. */
class FolderReader {
  readonly errors: LabError[] = []
  /** The manifest's own name (lab.yaml, lab.yml or lab.json), once found, and its text. */
  manifestPath = 'lab.yaml'
  manifestText = ''
  /** The manifest line of a dotted field path, once the manifest is read. */
  lineOf: (path: string) => number | undefined = () => undefined

  constructor(
    readonly folder: LabFolder,
    readonly resources: KernelResources,
  ) {}

  file(path: string): string {
    return `${this.folder.id}/${path}`
  }

  /** A problem with a field of the manifest. */
  fieldError(path: string, message: string, line = this.lineOf(path)): void {
    this.errors.push({ file: this.file(this.manifestPath), path, message, ...(line ? { line } : {}) })
  }

  /** A problem with a whole file of the lab. */
  fileError(path: string, message: string): void {
    this.errors.push({ file: this.file(path), path: '', message })
  }

  /** A file of the lab named by a manifest field, or undefined after reporting why not. */
  labFile(ref: string, field: string, extension: RegExp, what: string): TextFile | undefined {
    const p = labPath(ref)
    if ('outside' in p) {
      this.fieldError(field, `${p.outside}; a lab may only use files inside its own folder`)
      return undefined
    }
    if (!extension.test(p.path)) {
      this.fieldError(field, `'${ref}' is not ${what}`)
      return undefined
    }
    const found = this.folder.files.find((f) => f.path === p.path)
    if (!found) this.fieldError(field, `no file '${p.path}' in the lab folder`)
    return found
  }

  scenario(ref: string, field: string): LabScenario | undefined {
    if (isFileReference(ref)) {
      const f = this.labFile(ref, field, SCENARIO_EXTENSIONS, 'a scenario file (.yaml, .yml or .json)')
      return f && this.parsedScenario(f.text, this.file(f.path), 'lab')
    }
    const bundled = this.resources.scenarios.find((s) => s.path === `${ref}.yaml`)
    if (bundled) return this.parsedScenario(bundled.text, `resources/scenarios/${bundled.path}`, 'bundled')
    const names = this.resources.scenarios.map((s) => s.path.replace(SCENARIO_EXTENSIONS, ''))
    const near = closestName(ref, names)
    this.fieldError(field, `no bundled scenario '${ref}'${near ? `; did you mean '${near}'?` : ''} (bundled: ${names.join(', ')}); a file of the lab needs its extension`)
    return undefined
  }

  parsedScenario(text: string, file: string, origin: LabScenario['origin']): LabScenario | undefined {
    const parsed = parseScenario(text, file)
    this.errors.push(...parsed.errors)
    return parsed.scenario && { name: parsed.scenario.name, origin, family: parsed.scenario.name, scenario: parsed.scenario }
  }

  policy(ref: string, field: string): PolicySource | undefined {
    if (isFileReference(ref)) {
      const f = this.labFile(ref, field, /\.c$/, 'a policy file (.c)')
      return f && { name: stripC(f.path), file: f.path.split('/').pop()!, text: f.text }
    }
    const bundled = this.resources.policies.find((p) => p.path === `${ref}.c`)
    if (bundled) return { name: ref, file: bundled.path, text: bundled.text }
    const states = this.resources.policies.map((p) => stripC(p.path))
    const near = closestName(ref, states)
    this.fieldError(field, `no bundled kernel state '${ref}'${near ? `; did you mean '${near}'?` : ''} (bundled: ${states.join(', ')})`)
    return undefined
  }
}

export function loadLab(folder: LabFolder, resources: KernelResources): LabLoad {
  const r = new FolderReader(folder, resources)
  const manifests = folder.files.filter((f) => MANIFEST_NAMES.includes(f.path))
  if (manifests.length !== 1) {
    const message = manifests.length ? `has ${manifests.map((f) => f.path).join(' and ')}; keep exactly one manifest` : 'has no lab.yaml (or lab.json) manifest'
    return { errors: [{ file: folder.id, path: '', message }] }
  }
  r.manifestPath = manifests[0].path
  r.manifestText = manifests[0].text
  const text = readYamlText(manifests[0].text)
  r.lineOf = (path) => text.positionOf(fieldPath(path))?.line
  if (text.syntaxError) {
    r.fieldError('', `not valid YAML/JSON: ${text.syntaxError.message}`, text.syntaxError.line)
    return { errors: r.errors }
  }
  const parsed = labManifestSchema.safeParse(text.data)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const unknown = issue.code === 'unrecognized_keys' ? issue.keys : [undefined]
      for (const key of unknown) {
        const path = [...issue.path, ...(key === undefined ? [] : [key])].join('.')
        r.fieldError(path, key === undefined ? issue.message : 'unknown field', text.positionOf(issue.path, key)?.line)
      }
    }
    return { errors: r.errors }
  }
  const lab = resolve(r, parsed.data)
  return lab && !r.errors.length ? { lab, errors: [] } : { errors: r.errors }
}

/**
 * The lab folder's machines under scenarios/ that the manifest does not list: not graded, offered
 * beside the graded ones (a question may send the learner to one). Checked like the listed ones.
 */
function unlistedScenarios(r: FolderReader, m: LabManifest, listedNames: Set<string>): LabScenario[] {
  const listedFiles = new Set(m.scenarios.filter(isFileReference).map((ref) => labPath(ref)).flatMap((p) => ('path' in p ? [p.path] : [])))
  const out: LabScenario[] = []
  for (const f of r.folder.files) {
    if (!f.path.startsWith('scenarios/') || !SCENARIO_EXTENSIONS.test(f.path) || listedFiles.has(f.path)) continue
    const s = r.parsedScenario(f.text, r.file(f.path), 'lab')
    if (!s) continue
    if (listedNames.has(s.name) || out.some((o) => o.name === s.name)) r.fileError(f.path, `is named '${s.name}' like another machine of this lab; scenario names tell machines apart`)
    else out.push(s)
  }
  return out
}

/** Every cross-reference of a schema-valid manifest; problems go to `r.errors`. */
function resolve(r: FolderReader, m: LabManifest): Lab | undefined {
  if (m.id !== r.folder.id) r.fieldError('id', `is '${m.id}' but the folder is '${r.folder.id}'; they must match`)
  const texts: Partial<Record<keyof typeof REQUIRED_FILES, string>> = {}
  for (const [path, what] of Object.entries(REQUIRED_FILES) as [keyof typeof REQUIRED_FILES, string][]) {
    texts[path] = r.folder.files.find((f) => f.path === path)?.text
    if (texts[path] === undefined) r.fileError(path, `missing: every lab has ${path} (${what})`)
  }
  const ownPolicies = r.folder.files.filter((f) => /^[^/]+\.c$/.test(f.path))
  for (const f of ownPolicies) {
    if (r.resources.policies.some((p) => p.path === f.path)) {
      r.fileError(f.path, `has the name of a bundled kernel state, which 'Builds on: ${stripC(f.path)}' would then be ambiguous about; rename it`)
    }
  }

  const scenarios: LabScenario[] = []
  m.scenarios.forEach((ref, i) => {
    const s = r.scenario(ref, `scenarios.${i}`)
    if (s) scenarios.push(s)
  })
  if (m.variants) scenarios.push(...variantScenarios(r, m.variants))
  const names = new Set<string>()
  for (const s of scenarios) {
    if (names.has(s.name)) r.fieldError('scenarios', `two scenarios are named '${s.name}'; scenario names identify boots in goal filters and evidence`)
    names.add(s.name)
  }
  // A goal may name a scenario, or a variant's base to mean the base and all its variants.
  const filterable = new Set([...scenarios.map((s) => s.family), ...names])
  const otherScenarios = unlistedScenarios(r, m, names)

  const compareWith = m.compareWith === undefined ? undefined : r.policy(m.compareWith, 'compareWith')
  const goalNames = new Set<string>()
  m.goals.forEach((g, i) => {
    if (goalNames.has(g.name)) r.fieldError(`goals.${i}.name`, `another goal is already named '${g.name}'`)
    goalNames.add(g.name)
    g.scenarios?.forEach((name, j) => {
      if (!filterable.has(name)) r.fieldError(`goals.${i}.scenarios.${j}`, `'${name}' is not a scenario of this lab (${[...new Set(scenarios.map((s) => s.family))].join(', ')})`)
    })
    if (g.type === 'counter' && g.relativeTo && m.compareWith === undefined) r.fieldError(`goals.${i}.relativeTo`, 'needs the lab to name a compareWith policy')
  })
  if (texts['README.md'] !== undefined) {
    for (const problem of readmeQuestionProblems(texts['README.md'], m.questions.map((q) => q.prompt))) r.fileError('README.md', problem)
  }
  if (r.errors.length || texts['start.c'] === undefined || texts['solution.c'] === undefined) return undefined

  const bundledStates = r.resources.policies.map((p) => ({ name: stripC(p.path), file: p.path, text: p.text }))
  return {
    id: m.id,
    manifest: r.manifestPath,
    manifestText: r.manifestText,
    title: m.title,
    order: m.order,
    kind: m.kind,
    summary: m.summary,
    readme: texts['README.md']!,
    start: { name: 'start', file: 'start.c', text: texts['start.c'] },
    solution: { name: 'solution', file: 'solution.c', text: texts['solution.c'] },
    ...(compareWith ? { compareWith } : {}),
    scenarios,
    otherScenarios,
    hints: m.hints,
    goals: m.goals,
    questions: m.questions,
    revealAnswers: m.revealAnswers,
    ...(m.expectedVerdict && { expectedVerdict: { status: [m.expectedVerdict.status].flat(), note: m.expectedVerdict.note } }),
    machine: m.machine,
    kernelStates: [...ownPolicies.map((f) => ({ name: stripC(f.path), file: f.path, text: f.text })), ...bundledStates],
  }
}

function variantScenarios(r: FolderReader, spec: NonNullable<LabManifest['variants']>): LabScenario[] {
  const base: Scenario | undefined = r.scenario(spec.base, 'variants.base')?.scenario
  if (!base) return []
  const problems = variantSpecProblems(spec, base)
  for (const p of problems) r.fieldError(`variants.${p.path}`, p.message)
  if (problems.length) return []
  const made = generateVariants(spec, base, r.file(r.manifestPath))
  for (const e of made.errors) r.errors.push({ ...e, path: `variants (generated machine): ${e.path}` })
  return made.scenarios.map((scenario) => ({ name: scenario.name, origin: 'variant', family: base.name, scenario }))
}
