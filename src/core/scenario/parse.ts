/*
 * Reading a scenario from text: YAML (a superset of JSON) then the schema.
 * Every problem comes back as {path, message} naming the field, never as a throw.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { scenarioSchema, type Scenario } from './schema'

export interface ScenarioError {
  file: string
  /** Dotted path of the field, e.g. `machine.cpus.1.model`; empty for a syntax error. */
  path: string
  message: string
  line?: number
}

export interface ScenarioParse {
  scenario?: Scenario
  errors: ScenarioError[]
}

export function parseScenario(text: string, file: string): ScenarioParse {
  let data: unknown
  try {
    data = parseYaml(text)
  } catch (e) {
    const line = e instanceof YAMLParseError ? e.linePos?.[0]?.line : undefined
    return { errors: [{ file, path: '', message: `not valid YAML: ${(e as Error).message.split('\n')[0]}`, line }] }
  }
  return validateScenario(data, file)
}

export function validateScenario(data: unknown, file: string): ScenarioParse {
  const result = scenarioSchema.safeParse(data)
  if (result.success) return { scenario: result.data, errors: [] }
  return {
    errors: result.error.issues.map((issue) => ({
      file,
      path: issue.path.join('.'),
      message: issue.message,
    })),
  }
}

export function formatScenarioErrors(errors: ScenarioError[]): string {
  return errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n')
}
