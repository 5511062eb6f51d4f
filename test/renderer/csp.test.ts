import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../vite.renderer.config'

describe('Content-Security-Policy of the renderer', () => {
  it('is read from index.html', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self';/)
  })

  it('allows nothing from other origins and no JavaScript eval', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|'unsafe-eval'/)
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval';")
  })
})
