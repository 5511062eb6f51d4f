import { describe, expect, it } from 'vitest'
import { BootClient, type BootPort } from '../../src/renderer/boot-client'
import type { BootInput, BootRequest, BootResponse } from '../../src/renderer/workers/boot-protocol'

/** A worker stand-in that records requests and answers when told to. */
class FakeWorker implements BootPort {
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
