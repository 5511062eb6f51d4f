import { describe, expect, it } from 'vitest'
import { isAppRequest, isTrustedSender } from '../../src/main/security'

const built = 'file:///opt/BootLab/resources/app/out/renderer/index.html'
const dev = 'http://localhost:5173/'

describe('isTrustedSender', () => {
  it('trusts only the built index.html, or the dev server origin in development', () => {
    expect(isTrustedSender(built, built)).toBe(true)
    expect(isTrustedSender(`${built}#lab`, built)).toBe(true)
    expect(isTrustedSender('file:///tmp/evil.html', built)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/any/page', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedSender('https://example.com/', dev)).toBe(false)
    expect(isTrustedSender(undefined, built)).toBe(false)
    expect(isTrustedSender('not a url', built)).toBe(false)
  })
})

describe('isAppRequest', () => {
  it('allows the app folder, data and blob URLs; blocks other files and remote origins', () => {
    expect(isAppRequest('file:///opt/BootLab/resources/app/out/renderer/assets/index.js', built)).toBe(true)
    expect(isAppRequest('file:///opt/BootLab/resources/app/out/renderer/../main/index.js', built)).toBe(false)
    expect(isAppRequest('file:///etc/passwd', built)).toBe(false)
    expect(isAppRequest('https://cdn.example.com/monaco.js', built)).toBe(false)
    expect(isAppRequest('data:font/ttf;base64,AAAA', built)).toBe(true)
    expect(isAppRequest('blob:file:///1234', built)).toBe(true)
  })

  it('allows the dev server and its HMR socket in development, nothing else', () => {
    expect(isAppRequest('http://localhost:5173/src/main.ts', dev)).toBe(true)
    expect(isAppRequest('ws://localhost:5173/', dev)).toBe(true)
    expect(isAppRequest('ws://localhost:9999/', dev)).toBe(false)
    expect(isAppRequest('https://example.com/', dev)).toBe(false)
  })
})
