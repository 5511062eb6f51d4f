/*
 * Every IPC handler, one by one (extends ipc-handlers.test.ts, which tests
 * their behaviour): each refuses a foreign sender, and each that takes
 * arguments refuses bad ones, in both cases before the host is touched. The
 * table must name every channel, so a new handler cannot arrive untested.
 */
import { describe, expect, it, vi } from 'vitest'
import { InvalidArgument } from '../../src/main/ipc-arguments'
import { createHandlers, guardHandlers, type HostServices } from '../../src/main/ipc-handlers'
import { BOOTLAB_CHANNELS, MAX_TEXT_BYTES } from '../../src/shared/bootlab-api'

type Channel = keyof typeof BOOTLAB_CHANNELS

const APP_URL = 'app://bootlab/index.html'
const appContents = { id: 1 }

/** A host whose every service is a spy, so "not touched" can be checked. */
function spyHost(): HostServices {
  return {
    readKernelResources: vi.fn(async () => ({ policies: [], scenarios: [] })),
    listLabs: vi.fn(async () => []),
    loadLab: vi.fn(async (id: string) => ({ id, files: [] })),
    loadPolicy: vi.fn(async () => null),
    savePolicy: vi.fn(async () => {}),
    loadProgress: vi.fn(async () => ({ labs: {} })),
    saveProgress: vi.fn(async () => {}),
    chooseSavePath: vi.fn(async () => '/home/ada/out'),
    writeFileAtomic: vi.fn(async () => {}),
    printToPdf: vi.fn(async () => new Uint8Array()),
    openExternal: vi.fn(async () => {}),
  }
}

const untouched = (host: HostServices) => Object.values(host).every((spy) => vi.mocked(spy).mock.calls.length === 0)

/** For each channel: arguments it accepts, and argument lists it must refuse (none for a handler without arguments). */
const TABLE: Record<Channel, { good: unknown[]; bad: unknown[][] }> = {
  loadKernelResources: { good: [], bad: [] },
  listLabs: { good: [], bad: [] },
  loadProgress: { good: [], bad: [] },
  loadLab: { good: ['01-linear-map-tour'], bad: [[], ['../etc'], ['/abs'], ['a/b'], ['UPPER'], [''], [42], [null], [{ toString: () => 'x' }], ['x'.repeat(81)]] },
  loadPolicy: { good: ['workbench-series'], bad: [[], ['../../.bashrc'], ['.hidden'], [7], [['a']]] },
  savePolicy: {
    good: ['workbench-series', 'int x;'],
    bad: [[], ['ok-key'], ['../x', 'int x;'], ['ok-key', 42], ['ok-key', null], ['ok-key', new Uint8Array(4)], ['ok-key', 'x'.repeat(MAX_TEXT_BYTES + 1)]],
  },
  saveProgress: {
    good: [{ labs: { '01-linear-map-tour': 'passed' } }],
    bad: [[], [null], ['passed'], [[]], [{}], [{ labs: 5 }], [{ labs: { '01-a': 'done' } }], [{ labs: { '../x': 'passed' } }], [JSON.parse('{"labs": {"__proto__": "passed"}}')]],
  },
  exportFile: {
    good: [{ suggestedName: 'report.md', mimeType: 'text/markdown', text: '# r' }],
    bad: [
      [],
      [null],
      [{ suggestedName: '../../.bashrc', mimeType: 'text/markdown', text: '' }],
      [{ suggestedName: '/etc/passwd', mimeType: 'text/plain', text: '' }],
      [{ suggestedName: 'r.exe', mimeType: 'application/x-msdownload', text: '' }],
      [{ suggestedName: 'r.md', mimeType: 'text/markdown', text: 7 }],
      [{ suggestedName: 'r.md', mimeType: 'text/markdown', text: 'x'.repeat(MAX_TEXT_BYTES + 1) }],
      [{ suggestedName: 'r.zip', mimeType: 'application/zip', bytes: 'PK' }],
      [{ suggestedName: '../r.zip', mimeType: 'application/zip', bytes: new Uint8Array(2) }],
      [{ suggestedName: 'r.zip', mimeType: 'application/zip', bytes: new Uint8Array(MAX_TEXT_BYTES + 1) }],
    ],
  },
  exportPdf: {
    good: [{ suggestedName: 'report.pdf', html: '<h1>r</h1>' }],
    bad: [[], [null], [{ suggestedName: 'report.html', html: '<p>' }], [{ suggestedName: '../report.pdf', html: '<p>' }], [{ suggestedName: 'report.pdf', html: 42 }]],
  },
  openExternal: {
    good: ['https://docs.kernel.org/arch/arm64/'],
    bad: [[], ['http://example.com/'], ['file:///etc/passwd'], ['javascript:alert(1)'], ['app://bootlab/index.html'], [`https://x.org/${'a'.repeat(3000)}`], [{ href: 'https://x.org' }]],
  },
}

const CHANNELS = Object.keys(BOOTLAB_CHANNELS) as Channel[]

describe('every IPC handler', () => {
  it('the table covers every channel of window.bootlab', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...CHANNELS].sort())
  })

  describe.each(CHANNELS)('%s', (channel) => {
    const { good, bad } = TABLE[channel]

    it.each([
      ['another window', { sender: { id: 2 }, senderFrame: { url: APP_URL } }],
      ['a page of another origin in the app window', { sender: appContents, senderFrame: { url: 'https://evil.example/' } }],
      ['a file: page', { sender: appContents, senderFrame: { url: 'file:///tmp/evil.html' } }],
      ['an app:// page of another host', { sender: appContents, senderFrame: { url: 'app://evil/index.html' } }],
      ['no frame (it navigated away or was destroyed)', { sender: appContents, senderFrame: null }],
    ])('refuses %s before reading anything', (_who, event) => {
      const host = spyHost()
      const guarded = guardHandlers(createHandlers(host), () => appContents, APP_URL)
      expect(() => guarded[channel](event, ...good)).toThrow(`${channel}: IPC from an untrusted sender`)
      expect(untouched(host)).toBe(true)
    })

    it('answers the app page with good arguments', async () => {
      const host = spyHost()
      const guarded = guardHandlers(createHandlers(host), () => appContents, APP_URL)
      await expect(Promise.resolve(guarded[channel]({ sender: appContents, senderFrame: { url: APP_URL } }, ...good))).resolves.not.toThrow()
      expect(untouched(host)).toBe(false)
    })

    if (bad.length === 0) {
      it('takes no arguments: whatever the page sends is not passed on', async () => {
        const host = spyHost()
        await createHandlers(host)[channel]('../etc/passwd', { __proto__: null }, 'x'.repeat(1000))
        const called = Object.values(host).filter((spy) => vi.mocked(spy).mock.calls.length > 0)
        expect(called).toHaveLength(1)
        expect(vi.mocked(called[0]).mock.calls).toEqual([[]])
      })
      return
    }

    it('refuses each bad argument list without touching the host', async () => {
      for (const args of bad) {
        const host = spyHost()
        const handlers = createHandlers(host)
        await expect(Promise.resolve().then((): Promise<unknown> => handlers[channel](...args)), JSON.stringify(args)?.slice(0, 80)).rejects.toBeInstanceOf(InvalidArgument)
        expect(untouched(host), JSON.stringify(args)?.slice(0, 80)).toBe(true)
      }
    })
  })
})
