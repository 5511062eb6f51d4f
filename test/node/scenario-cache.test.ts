/*
 * The command line's scenarios on disk (src/node/scenario-cache.ts): a bundled scenario's
 * validated form is written once and read back by later processes; what is read is what the
 * core's parser makes of the text; a damaged entry is parsed again; an edited text, or other
 * code, is another entry; a learner's own scenario file is never written.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serialize } from 'node:v8'
import { afterAll, describe, expect, it } from 'vitest'
import { parseScenario } from '../../src/core'
import { setCompilerIdentity } from '../../src/node/compile-cache'
import { readNamed, SCENARIO_DIR } from '../../src/node/resources'
import { readScenario } from '../../src/node/scenario-cache'
import { useCacheDir } from '../helpers/cache-dir'

const { dir, entries } = useCacheDir('scenario-cache', { emptyEachTest: true })
const own = mkdtempSync(join(tmpdir(), 'bootlab-own-scenario-'))
const parsedByCore = (name: string) => {
  const s = readNamed(name, 'scenario')
  return parseScenario(s.text, s.file)
}

afterAll(() => rmSync(own, { recursive: true, force: true }))

describe('bundled scenarios on disk', () => {
  it('writes a bundled scenario once and reads back what the parser made of it', () => {
    const expected = parsedByCore('realm')
    expect(readScenario(readNamed('realm', 'scenario'))).toEqual(expected)
    expect(entries()).toHaveLength(1)
    expect(readScenario(readNamed('realm', 'scenario'))).toEqual(expected)
    expect(entries()).toHaveLength(1)
  })

  it('really reads the entry, and parses again over a damaged one', () => {
    readScenario(readNamed('realm', 'scenario'))
    const [entry] = entries()
    // An entry holding another scenario is what comes back: the read did not parse.
    const other = parsedByCore('host-mixed').scenario
    writeFileSync(join(dir, entry), serialize(other))
    expect(readScenario(readNamed('realm', 'scenario')).scenario).toEqual(other)
    writeFileSync(join(dir, entry), 'not a serialized scenario')
    expect(readScenario(readNamed('realm', 'scenario'))).toEqual(parsedByCore('realm'))
  })

  it('keys entries by the text and by the code', () => {
    readScenario(readNamed('realm', 'scenario'))
    const edited = { ...readNamed('realm', 'scenario') }
    edited.text = edited.text.replace(/^name: .*$/m, 'name: realm-edited')
    expect(readScenario(edited).scenario?.name).toBe('realm-edited')
    expect(entries()).toHaveLength(2)
    setCompilerIdentity('other-code')
    readScenario(readNamed('realm', 'scenario'))
    expect(entries()).toHaveLength(3)
  })

  it("never writes a learner's own scenario, nor anything when the code cannot be named", () => {
    const mine = join(own, 'realm.yaml')
    copyFileSync(join(SCENARIO_DIR, 'realm.yaml'), mine)
    expect(readScenario(readNamed(mine, 'scenario'))).toEqual(parseScenario(readNamed(mine, 'scenario').text, mine))
    expect(entries()).toHaveLength(0)
    setCompilerIdentity(null)
    expect(readScenario(readNamed('realm', 'scenario'))).toEqual(parsedByCore('realm'))
    expect(entries()).toHaveLength(0)
  })

  it('keeps no entry for a scenario with errors', () => {
    const broken = { ...readNamed('realm', 'scenario') }
    broken.text = broken.text.replace(/^realm: .*$/m, 'realm: maybe')
    expect(readScenario(broken).errors[0]?.path).toBe('realm')
    expect(entries()).toHaveLength(0)
  })
})
