/*
 * A scenario read by the command line: the core parses the YAML and validates it against the
 * schema (src/core/scenario/parse.ts). A cold process pays about 18 ms for that on a bundled
 * scenario (the YAML parser and zod run once, on code not yet compiled), a tenth of a cold
 * `bootlab boot`; so a bundled scenario's validated form is kept on disk (compile-cache.ts) and
 * read back by later processes. A scenario of the learner's (a path) is parsed each time: the
 * cache holds only what ships with BootLab, so it cannot grow with every edit.
 */
import { dirname, resolve } from 'node:path'
import { parseScenario, type Scenario, type ScenarioParse } from '../core'
import { cacheKey, readCached, writeCached } from './compile-cache'
import { type NamedText, SCENARIO_DIR } from './resources'

const isScenario = (value: unknown): value is Scenario => {
  const v = value as Scenario | null
  return !!v && typeof v.name === 'string' && Array.isArray(v.machine?.ram) && Array.isArray(v.machine?.cpus)
}

/** `named` parsed and validated: a bundled scenario from the disk cache when it is there. */
export function readScenario(named: NamedText): ScenarioParse {
  const bundled = dirname(resolve(named.file)) === resolve(SCENARIO_DIR)
  const key = bundled ? cacheKey('scenario', [named]) : null
  const cached = key ? readCached(key, isScenario) : null
  if (cached) return { scenario: cached, errors: [] }
  const parsed = parseScenario(named.text, named.file)
  if (key && parsed.scenario) writeCached(key, parsed.scenario)
  return parsed
}
