/*
 * A malformed lab comes back as a list of problems, each naming the file (the
 * lab's id and path), the field (a dotted path) and, in the manifest, the line.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatLabErrors, type LabError } from '../../src/labs'
import { WINDOW_IDS } from '../../src/labs/boot-vocabulary'
import { editedFolder, load, manifestOf } from './lab-fixtures'

const LAB = '05-move-swiotlb'

function errorsWith(changes: Record<string, string | null>): LabError[] {
  const loaded = load(editedFolder(LAB, changes))
  expect(loaded.lab).toBeUndefined()
  return loaded.errors
}

/** The bundled manifest with one piece of text replaced (which must be there). */
function manifestWith(from: string, to: string): string {
  const text = manifestOf(LAB)
  expect(text).toContain(from)
  return text.replace(from, to)
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length

describe('machines in scenarios/ that the manifest does not list', () => {
  const realm = readFileSync(join(import.meta.dirname, '../../resources/scenarios/realm.yaml'), 'utf8')

  it('are offered ungraded, parsed like the listed ones', () => {
    const extra = realm.replace(/^name: realm$/m, 'name: realm-extra')
    const loaded = load(editedFolder(LAB, { 'scenarios/realm-extra.yaml': extra }))
    expect(loaded.errors).toEqual([])
    expect(loaded.lab!.otherScenarios.map((s) => s.name)).toEqual(['realm-extra'])
    expect(loaded.lab!.scenarios.map((s) => s.name)).not.toContain('realm-extra')
  })

  it('a broken one, or one named like a graded machine, names its file', () => {
    const broken = errorsWith({ 'scenarios/bad.yaml': 'name: bad\nram: lots\n' })
    expect(broken.length).toBeGreaterThan(0)
    expect(broken.every((e) => e.file === `${LAB}/scenarios/bad.yaml`)).toBe(true)
    expect(errorsWith({ 'scenarios/again.yaml': realm })).toEqual([
      { file: `${LAB}/scenarios/again.yaml`, path: '', message: "is named 'realm' like another machine of this lab; scenario names tell machines apart" },
    ])
  })
})

describe('manifest errors name the file and the field', () => {
  it('an unknown top-level field, with its line', () => {
    const text = manifestWith('order: 5\n', 'order: 5\ndifficulty: hard\n')
    const [e] = errorsWith({ 'lab.yaml': text })
    expect(e).toMatchObject({ file: `${LAB}/lab.yaml`, path: 'difficulty', message: 'unknown field', line: lineOf(text, 'difficulty') })
  })

  it('an unknown field inside a goal', () => {
    const text = manifestWith('    weight: 3\n', '    weight: 3\n    severity: high\n')
    expect(errorsWith({ 'lab.yaml': text })).toEqual([
      { file: `${LAB}/lab.yaml`, path: 'goals.0.severity', message: 'unknown field', line: lineOf(text, 'severity') },
    ])
  })

  it('a value outside an enumeration', () => {
    const [e] = errorsWith({ 'lab.yaml': manifestWith('kind: fix', 'kind: repair') })
    expect(e.path).toBe('kind')
    expect(e.message).toMatch(/explore.*fix/)
  })

  it('a missing required field (here misspelt, so also unknown)', () => {
    const errors = errorsWith({ 'lab.yaml': manifestWith('summary: >\n', 'blurb: >\n') })
    expect(errors.map((e) => `${e.file}: ${e.path}`).sort()).toEqual([`${LAB}/lab.yaml: blurb`, `${LAB}/lab.yaml: summary`])
  })

  it('an unknown goal type', () => {
    const [e] = errorsWith({ 'lab.yaml': manifestWith('    type: caller\n    caller: swiotlb default pool\n    window: W1', '    type: callers\n    caller: swiotlb default pool\n    window: W1') })
    expect(e.path).toBe('goals.0.type')
    expect(e.message).toContain('caller')
  })

  it('a window the BootResult does not have, with the windows it has (one or a list: the union said only "Invalid input")', () => {
    for (const wrong of ['W5', '[W1, W5]']) {
      const [e] = errorsWith({ 'lab.yaml': manifestWith('    window: W1', `    window: ${wrong}`) })
      expect(e.path).toBe('goals.0.window')
      expect(e.message).toBe(`Invalid option: expected one of ${WINDOW_IDS.map((w) => `"${w}"`).join('|')}, or a list of them`)
    }
  })

  it('a counter the BootResult does not have', () => {
    const text = manifestWith(
      '  - name: the GIC ITS tables are still shared\n',
      '  - name: page tables\n    type: counter\n    counter: tablePages.memblock\n    op: ">"\n    value: 1\n    message: m\n  - name: the GIC ITS tables are still shared\n',
    )
    const [e] = errorsWith({ 'lab.yaml': text })
    expect(e.path).toBe('goals.4.counter')
    expect(e.line).toBe(lineOf(text, 'tablePages.memblock'))
  })

  it('a counter goal with both a value and relativeTo', () => {
    const text = manifestWith(
      '  - name: the GIC ITS tables are still shared\n',
      '  - name: page tables\n    type: counter\n    counter: pudBlocks\n    op: ">"\n    value: 1\n    relativeTo: compareWith\n    message: m\n  - name: the GIC ITS tables are still shared\n',
    )
    expect(errorsWith({ 'lab.yaml': text }).map((e) => [e.path, e.message])).toEqual([['goals.4.value', 'give exactly one of value or relativeTo']])
  })

  it.each([
    ['a true/false counter compared with a number', 'repaint.happened', '"!="', '1'],
    ['a count compared with true or false', 'ptes', '"=="', 'true'],
  ])('%s (it would pass, or fail, for every policy)', (_what, counter, op, value) => {
    const text = manifestWith(
      '  - name: the GIC ITS tables are still shared\n',
      `  - name: the counter\n    type: counter\n    counter: ${counter}\n    op: ${op}\n    value: ${value}\n    message: m\n  - name: the GIC ITS tables are still shared\n`,
    )
    const errors = errorsWith({ 'lab.yaml': text })
    expect(errors.map((e) => e.path)).toEqual(['goals.4.value'])
    expect(errors[0].message).toMatch(counter === 'ptes' ? /is a count: compare it with a number/ : /is true or false: compare it with true or false/)
    expect(errors[0].line).toBe(lineOf(text, `value: ${value}`))
  })

  it('a YAML syntax error, with its line', () => {
    const errors = errorsWith({ 'lab.yaml': 'id: 05-move-swiotlb\ntitle: [unclosed\n' })
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ file: `${LAB}/lab.yaml`, path: '' })
    expect(errors[0].message).toMatch(/^not valid YAML\/JSON/)
    // The line is the error's own field: the message does not repeat it, or end on the colon before the library's snippet.
    expect(errors[0].message).not.toMatch(/at line \d+|:$/)
    expect(errors[0].line).toBeGreaterThanOrEqual(2)
  })

  it('a lab.json manifest is read and checked the same way', () => {
    const errors = errorsWith({ 'lab.yaml': null, 'lab.json': JSON.stringify({ id: LAB, title: 'x', order: 5, kind: 'fix', summary: 's', scenarios: ['realm'], goals: [], extra: 1 }) })
    expect(errors.map((e) => `${e.file}: ${e.path}`).sort()).toEqual([`${LAB}/lab.json: extra`, `${LAB}/lab.json: goals`])
  })

  it('an id that is not the folder name', () => {
    const [e] = errorsWith({ 'lab.yaml': manifestWith('id: 05-move-swiotlb', 'id: 05-move') })
    expect(e).toMatchObject({ path: 'id', line: 1 })
    expect(e.message).toContain("the folder is '05-move-swiotlb'")
  })

  it('an unknown bundled scenario, listing the bundled ones', () => {
    const [e] = errorsWith({ 'lab.yaml': manifestWith('scenarios: [realm, realm-mixed]', 'scenarios: [realm, realm-mixd]') })
    expect(e.path).toBe('scenarios.1')
    expect(e.message).toContain("no bundled scenario 'realm-mixd'; did you mean 'realm-mixed'?")
    expect(e.message).toContain('(bundled: ')
  })

  it('an unknown bundled kernel state, with the one it was probably meant to be', () => {
    const [e] = errorsWith({ 'lab.yaml': manifestWith('id: 05-move-swiotlb\n', 'id: 05-move-swiotlb\ncompareWith: pached-v2\n') })
    expect(e.path).toBe('compareWith')
    expect(e.message).toMatch(/^no bundled kernel state 'pached-v2'; did you mean 'patched-v2'\? \(bundled: /)
  })

  it('a goal filtered to a scenario the lab does not boot', () => {
    const text = manifestWith('    message: Moving swiotlb must not break the other early caller.', '    scenarios: [host]\n    message: Moving swiotlb must not break the other early caller.')
    const [e] = errorsWith({ 'lab.yaml': text })
    expect(e.path).toBe('goals.4.scenarios.0')
    expect(e.message).toContain("'host' is not a scenario of this lab")
  })

  it('a goal relative to compareWith in a lab without one', () => {
    const text = manifestWith(
      '  - name: the GIC ITS tables are still shared\n',
      '  - name: page tables\n    type: counter\n    counter: pudBlocks\n    op: ">"\n    relativeTo: compareWith\n    message: m\n  - name: the GIC ITS tables are still shared\n',
    )
    expect(errorsWith({ 'lab.yaml': text }).map((e) => e.path)).toEqual(['goals.4.relativeTo'])
  })

  it('a scenario file that does not parse names that file and its field', () => {
    const text = manifestWith('scenarios: [realm, realm-mixed]', 'scenarios: [realm, machines/odd.yaml]')
    const errors = errorsWith({ 'lab.yaml': text, 'machines/odd.yaml': 'name: odd\nmachine:\n  ram: [{ base: 0x40000000, size: 4G }]\n  cpus: [{ model: pentium }]\n' })
    expect(errors[0]).toMatchObject({ file: `${LAB}/machines/odd.yaml`, path: 'machine.cpus.0.model' })
  })

  it('a missing README, start or solution', () => {
    const errors = errorsWith({ 'README.md': null, 'solution.c': null })
    expect(errors.map((e) => e.file).sort()).toEqual([`${LAB}/README.md`, `${LAB}/solution.c`])
  })

  it("README's questions must be the manifest's", () => {
    const readme = editedFolder(LAB, {}).files.find((f) => f.path === 'README.md')!.text
    const errors = errorsWith({ 'README.md': readme.replace('Why is mem_init() the right place', 'Why is mem_init() the best place') })
    expect(errors).toEqual([{ file: `${LAB}/README.md`, path: '', message: "question 1 differs from the manifest's questions.0.prompt" }])
  })

  it('variants whose machines could not hold the base machine\'s CPU-online caller', () => {
    const text = manifestOf('06-secondary-cpu-check').replace('count: { min: 3, max: 8 }', 'count: { min: 2, max: 8 }')
    const loaded = load(editedFolder('06-secondary-cpu-check', { 'lab.yaml': text }))
    expect(loaded.errors.map((e) => [e.file, e.path])).toEqual([['06-secondary-cpu-check/lab.yaml', 'variants.cpus.count.min']])
    expect(loaded.errors[0].message).toContain('a caller on CPU 2')
  })

  it('variants whose RAM cannot be split into the banks asked for', () => {
    const errors = errorsWith({ 'lab.yaml': manifestWith('ram: [2G, 3G, 4G, 5G, 8G]', 'ram: [768M, 3G]') })
    expect(errors.map((e) => e.path)).toEqual(['variants.ram.0'])
  })

  it('a lab .c file named like a bundled kernel state', () => {
    const [e] = errorsWith({ 'series.c': '/* mine */\n' })
    expect(e.file).toBe(`${LAB}/series.c`)
  })

  it('formats as file:line: field: message', () => {
    const text = manifestWith('order: 5\n', 'order: 5\ndifficulty: hard\n')
    expect(formatLabErrors(errorsWith({ 'lab.yaml': text }))).toBe(`${LAB}/lab.yaml:${lineOf(text, 'difficulty')}: difficulty: unknown field`)
  })
})
