/*
 * Reading a scenario from text: YAML (a superset of JSON) then the schema.
 * Every problem comes back as {path, message} naming the field, with the line
 * and column of its value in the text (of the map that should hold it, when
 * the field is missing), never as a throw.
 */
import { scenarioSchema, type Scenario } from './schema'
import { fieldPath, readYamlText } from './yaml-text'

export interface ScenarioError {
  file: string
  /** Dotted path of the field, e.g. `machine.cpus.1.model`; empty for a syntax error. */
  path: string
  message: string
  /** 1-based, where the text has it (a scenario built in code has none). */
  line?: number
  column?: number
}

export interface ScenarioParse {
  scenario?: Scenario
  errors: ScenarioError[]
}

export function parseScenario(text: string, file: string): ScenarioParse {
  const yaml = readYamlText(text)
  if (yaml.syntaxError) {
    const { message, line, column } = yaml.syntaxError
    return { errors: [{ file, path: '', message: `not valid YAML: ${message}`, line, column }] }
  }
  const parsed = validateScenario(yaml.data, file)
  for (const e of parsed.errors) Object.assign(e, yaml.positionOf(fieldPath(e.path)))
  return parsed
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
  return errors.map((e) => `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n')
}
