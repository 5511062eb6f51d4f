import { afterEach, describe, expect, it, vi } from 'vitest'
import { BootClient, type BootPort } from '../../src/renderer/boot-client'
import type { BootInput, BootRequest, BootResponse } from '../../src/renderer/workers/boot-protocol'

/** A worker stand-in that records requests and answers when told to. */
class FakeWorker implements BootPort {
  terminate?: () => void
  readonly received: BootRequest[] = []
  private onMessage?: (event: MessageEvent<BootResponse>) => void
  private onError?: (event: ErrorEvent) => void

  postMessage(request: BootRequest): void {
    this.received.push(request)
  }
  addEventListener(type: 'message', listener: (event: MessageEvent<BootResponse>) => void): void
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void
  addEventListener(type: 'message' | 'error', listener: ((event: MessageEvent<BootResponse>) => void) | ((event: ErrorEvent) => void)): void {
    if (type === 'message') this.onMessage = listener as (event: MessageEvent<BootResponse>) => void
    else this.onError = listener as (event: ErrorEvent) => void
  }
  answer(request: BootRequest): void {
    this.onMessage?.({ data: { kind: 'crashed', message: `answer to ${request.policy.text}`, id: request.id } } as MessageEvent<BootResponse>)
  }
  fail(message: string): void {
    this.onError?.({ message } as ErrorEvent)
  }
}

const input = (text: string): BootInput => ({
  base: { path: 'unpatched.c', text: 'base' },
  policy: { path: 'patched-v1.c', text },
  scenario: { path: 'realm.yaml', text: 'name: realm' },
  kernelStates: [],
})

describe('BootClient', () => {
  it('sends one request and resolves with its answer', async () => {
    const worker = new FakeWorker()
    const client = new BootClient(worker)
    const pending = client.run(input('a'))
    expect(worker.received.map((r) => r.policy.text)).toEqual(['a'])
    worker.answer(worker.received[0])
    expect(await pending).toEqual({ kind: 'crashed', message: 'answer to a', id: 1 })
  })

  it('keeps one request in the worker; newer requests replace the queued one and the newest wins', async () => {
    const worker = new FakeWorker()
    const client = new BootClient(worker)
    const a = client.run(input('a'))
    const b = client.run(input('b'))
    const c = client.run(input('c'))
    expect(worker.received.map((r) => r.policy.text)).toEqual(['a'])
    expect(await b).toBeNull()
    worker.answer(worker.received[0])
    expect(await a).toBeNull()
    expect(worker.received.map((r) => r.policy.text)).toEqual(['a', 'c'])
    worker.answer(worker.received[1])
    expect(await c).toMatchObject({ message: 'answer to c' })
  })

  it('ignores answers to requests it is not waiting for', async () => {
    const worker = new FakeWorker()
    const client = new BootClient(worker)
    const a = client.run(input('a'))
    worker.answer({ ...worker.received[0], id: 99 })
    worker.answer(worker.received[0])
    expect(await a).toMatchObject({ message: 'answer to a' })
  })

  it('turns a worker error into a crashed outcome instead of waiting forever', async () => {
    const worker = new FakeWorker()
    const client = new BootClient(worker)
    const a = client.run(input('a'))
    worker.fail('CompileError: WebAssembly.instantiate(): refused by CSP')
    expect(await a).toMatchObject({ kind: 'crashed', message: 'CompileError: WebAssembly.instantiate(): refused by CSP' })
    const b = client.run(input('b'))
    expect(worker.received.map((r) => r.policy.text)).toEqual(['a', 'b'])
    worker.answer(worker.received[1])
    expect(await b).toMatchObject({ message: 'answer to b' })
  })

  it('turns a request the worker cannot receive into a crashed outcome', async () => {
    const worker = new FakeWorker()
    worker.postMessage = () => {
      throw new DOMException('#<Object> could not be cloned.', 'DataCloneError')
    }
    const client = new BootClient(worker)
    expect(await client.run(input('a'))).toMatchObject({ kind: 'crashed', message: '#<Object> could not be cloned.' })
  })
})

describe('BootClient with a time limit', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  /** A client whose workers are fakes; `workers` lists every worker it made, first one first. */
  function limited(timeLimitMs: number) {
    const workers: (FakeWorker & { terminated: boolean })[] = []
    const make = () => {
      const w = Object.assign(new FakeWorker(), { terminated: false })
      w.terminate = () => {
        w.terminated = true
      }
      workers.push(w)
      return w
    }
    const client = new BootClient(make(), { restart: make, timeLimitMs })
    return { client, workers }
  }

  it('terminates a worker that runs past the limit, restarts it, and reports the limit as a located outcome', async () => {
    vi.useFakeTimers()
    const { client, workers } = limited(1000)
    const stuck = client.run(input('while (1);'))
    await vi.advanceTimersByTimeAsync(999)
    expect(workers).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    const outcome = await stuck
    expect(outcome).toMatchObject({ kind: 'crashed', limit: 'time' })
    expect((outcome as { message: string }).message).toContain('time limit (1 s)')
    expect(workers[0].terminated).toBe(true)
    expect(workers).toHaveLength(2)
    expect(client.restarts).toBe(1)
    // The next request goes to the fresh worker; a late answer from the old one is ignored.
    const next = client.run(input('fixed'))
    expect(workers[1].received.map((r) => r.policy.text)).toEqual(['fixed'])
    workers[0].answer({ ...workers[0].received[0], id: workers[1].received[0].id })
    workers[1].answer(workers[1].received[0])
    expect(await next).toMatchObject({ message: 'answer to fixed' })
  })

  it('a request waiting behind a stuck one is sent to the fresh worker, and the newest wins', async () => {
    vi.useFakeTimers()
    const { client, workers } = limited(500)
    const stuck = client.run(input('a'))
    const b = client.run(input('b'))
    const c = client.run(input('c'))
    expect(await b).toBeNull()
    await vi.advanceTimersByTimeAsync(500)
    // Superseded while stuck: resolves null like any superseded boot.
    expect(await stuck).toBeNull()
    expect(workers[1].received.map((r) => r.policy.text)).toEqual(['c'])
    workers[1].answer(workers[1].received[0])
    expect(await c).toMatchObject({ message: 'answer to c' })
  })

  it('answers in time never restart anything', async () => {
    vi.useFakeTimers()
    const { client, workers } = limited(1000)
    for (const text of ['a', 'b', 'c']) {
      const p = client.run(input(text))
      await vi.advanceTimersByTimeAsync(900)
      workers[0].answer(workers[0].received.at(-1)!)
      expect(await p).toMatchObject({ message: `answer to ${text}` })
      await vi.advanceTimersByTimeAsync(900)
    }
    expect(workers).toHaveLength(1)
    expect(workers[0].terminated).toBe(false)
  })

  it('replaces a worker that reports an error (it may be dead) and sends the next request to the new one', async () => {
    const { client, workers } = limited(60_000)
    const a = client.run(input('a'))
    workers[0].fail('out of memory')
    expect(await a).toMatchObject({ kind: 'crashed', message: 'out of memory' })
    expect(workers[0].terminated).toBe(true)
    const b = client.run(input('b'))
    expect(workers[1].received.map((r) => r.policy.text)).toEqual(['b'])
    workers[1].answer(workers[1].received[0])
    expect(await b).toMatchObject({ message: 'answer to b' })
  })
})
