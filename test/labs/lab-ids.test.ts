/*
 * "Did you mean" for a lab id typed by hand: by spelling, else the one lab it is the start of.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { closestLabId } from '../../src/labs'

const ids = readdirSync(join(import.meta.dirname, '../../labs')).sort()

describe('closestLabId', () => {
  it('names the lab a slip was meant for', () => {
    expect(closestLabId('05-move-swiotbl', ids)).toBe('05-move-swiotlb')
  })

  it('names the one lab an id is the start of, with or without its number', () => {
    expect(closestLabId('05-move', ids)).toBe('05-move-swiotlb')
    expect(closestLabId('05', ids)).toBe('05-move-swiotlb')
    expect(closestLabId('move-swiotlb', ids)).toBe('05-move-swiotlb')
  })

  it('names none when the start fits several labs, or none', () => {
    expect(ids.filter((id) => id.startsWith('0')).length).toBeGreaterThan(1)
    expect(closestLabId('0', ids)).toBeUndefined()
    expect(closestLabId('zz-nothing-like-it', ids)).toBeUndefined()
  })
})
