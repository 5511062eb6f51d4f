// The boot worker's warm-up (src/renderer/workers/warm-up.ts): repeats the last request's work while
// idle, a fixed number of runs over the worker's life, yielding to every new request.
import { describe, expect, it } from 'vitest'
import { isEdit, WarmUp } from '../../src/renderer/workers/warm-up'

/** A task queue standing in for setTimeout: run() drains it, as an idle worker would. */
function tasks() {
  const queue = new Map<number, () => void>()
  let next = 1
  return {
    schedule: (run: () => void) => {
      queue.set(next, run)
      return next++
    },
    cancel: (handle: unknown) => void queue.delete(handle as number),
    /** Run queued tasks until none is left (or `max`). */
    run(max = Infinity) {
      let ran = 0
      while (queue.size && ran < max) {
        const [id, task] = queue.entries().next().value!
        queue.delete(id)
        task()
        ran++
      }
      return ran
    },
    get size() {
      return queue.size
    },
  }
}

describe('warming the worker', () => {
  it('repeats the work while idle, its runs over the worker life at most, one per task', () => {
    const q = tasks()
    const w = new WarmUp({ runs: 5, maxMs: 40, ...q })
    let a = 0
    w.after(() => a++, 3)
    expect(q.size).toBe(1)
    expect(q.run()).toBe(5)
    expect(a).toBe(5)
    // Spent: a later request is not repeated.
    let b = 0
    w.after(() => b++, 3)
    expect(q.run()).toBe(0)
    expect(b).toBe(0)
  })

  it('yields to a new request: the runs still to come wait for its answer and then repeat it', () => {
    const q = tasks()
    const w = new WarmUp({ runs: 6, maxMs: 40, ...q })
    let first = 0
    let second = 0
    w.after(() => first++, 3)
    q.run(2)
    w.stop()
    expect(q.run()).toBe(0)
    w.after(() => second++, 3)
    q.run()
    expect([first, second]).toEqual([2, 4])
    // All six spent.
    w.after(() => first++, 3)
    expect(q.run()).toBe(0)
  })

  it('does not repeat a request that took long, or one that throws more than once', () => {
    const q = tasks()
    const w = new WarmUp({ runs: 6, maxMs: 40, ...q })
    w.after(() => {
      throw new Error('never')
    }, 41)
    expect(q.size).toBe(0)
    let thrown = 0
    w.after(() => {
      thrown++
      throw new Error('a warm-up run failed')
    }, 5)
    q.run()
    expect(thrown).toBe(1)
    // The failed run counted, the next request gets the five left.
    let later = 0
    w.after(() => later++, 5)
    q.run()
    expect(later).toBe(5)
  })
})

describe('an edit', () => {
  it('is the same policy file with other text: opening, reloading and navigating are not', () => {
    const a = { path: 'start.c', text: 'int x;' }
    expect(isEdit(undefined, a)).toBe(false)
    expect(isEdit(a, { ...a })).toBe(false)
    expect(isEdit(a, { path: 'series.c', text: 'int y;' })).toBe(false)
    expect(isEdit(a, { path: 'start.c', text: 'int x; ' })).toBe(true)
  })
})
