/*
 * Debian's Chromium driven by playwright-core (no browser download): headless,
 * no sandbox (containers), nothing that talks to Google in the background.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { describe, it } from 'vitest'

export const CHROMIUM = '/usr/bin/chromium'
export const ARTIFACTS = join(import.meta.dirname, '../artifacts')

/** Null when Chromium is there; otherwise why the browser tests cannot run. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install -y chromium)`
}

export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const profile = mkdtempSync(join(tmpdir(), 'bootlab-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/**
 * describe() for a Chromium suite: without Chromium it is one test, skipped with the reason
 * (printed too: default reporters do not name skipped tests); in CI (CI=true) the file fails
 * instead, because CI must run the browser tests.
 */
export function describeInChromium(name: string, body: () => void): void {
  const missing = chromiumMissing()
  if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)
  if (!missing) {
    describe(name, body)
    return
  }
  describe(name, () => {
    it(`skipped: ${missing}`, (context) => {
      console.warn(`${context.task.suite?.name} skipped: ${missing}`)
      context.skip(missing)
    })
  })
}
