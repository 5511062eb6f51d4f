import { describe, expect, it } from 'vitest'
import { isAppRequest, isTrustedSender } from '../../src/main/security'

const built = 'app://bootlab/index.html'
const dev = 'http://localhost:5173/'

describe('isTrustedSender', () => {
  it('trusts only the app:// page, or the dev server in development', () => {
    expect(isTrustedSender(built, built)).toBe(true)
    expect(isTrustedSender('app://bootlab/index.html#lab', built)).toBe(true)
    expect(isTrustedSender('app://evil/index.html', built)).toBe(false)
    expect(isTrustedSender('file:///tmp/evil.html', built)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/any/page', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedSender('https://example.com/', dev)).toBe(false)
    expect(isTrustedSender(undefined, built)).toBe(false)
    expect(isTrustedSender('not a url', built)).toBe(false)
  })
})

describe('isAppRequest', () => {
  it('allows the app, data and blob URLs; blocks files and remote origins', () => {
    expect(isAppRequest('app://bootlab/assets/index.js', built)).toBe(true)
    expect(isAppRequest('file:///etc/passwd', built)).toBe(false)
    expect(isAppRequest('https://cdn.example.com/monaco.js', built)).toBe(false)
    expect(isAppRequest('data:font/ttf;base64,AAAA', built)).toBe(true)
    expect(isAppRequest('blob:app://bootlab/1234', built)).toBe(true)
  })

  it('allows the dev server and its HMR socket in development, nothing else', () => {
    expect(isAppRequest('http://localhost:5173/src/main.ts', dev)).toBe(true)
    expect(isAppRequest('ws://localhost:5173/', dev)).toBe(true)
    expect(isAppRequest('ws://localhost:9999/', dev)).toBe(false)
    expect(isAppRequest('https://example.com/', dev)).toBe(false)
    expect(isAppRequest('ws://localhost:5173/', built)).toBe(false)
  })
})
