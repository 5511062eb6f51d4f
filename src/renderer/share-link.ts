/*
 * Share links: the policy text and the machine it boots on, compressed into the
 * URL's hash with lz-string (the compressor Compiler Explorer uses for its short
 * state), so a link opens the same boot in web mode. Nothing leaves the page: the
 * link is the data. A link that does not decode, or decodes to something else,
 * gets a reason the app shows instead of the boot.
 */
// lz-string is CommonJS: its default export works under Vite, vitest and plain Node alike.
import LZString from 'lz-string'
import { MAX_TEXT_BYTES, type TextFile } from '../shared/bootlab-api'

export interface SharedBoot {
  policy: TextFile
  scenario: TextFile
}

const VERSION = 1

export function encodeShare(shared: SharedBoot): string {
  const plain = { v: VERSION, policy: { path: shared.policy.path, text: shared.policy.text }, scenario: { path: shared.scenario.path, text: shared.scenario.text } }
  return LZString.compressToEncodedURIComponent(JSON.stringify(plain))
}

const isFile = (v: unknown): v is TextFile =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as TextFile).path === 'string' &&
  typeof (v as TextFile).text === 'string' &&
  /^[A-Za-z0-9._/-]{1,160}$/.test((v as TextFile).path) &&
  (v as TextFile).text.length <= MAX_TEXT_BYTES

/** The shared boot, or why the link cannot be opened. */
export function decodeShare(payload: string): { shared: SharedBoot } | { error: string } {
  if (!payload) return { error: 'the link holds no policy (it ends after #/share/)' }
  if (!/^[A-Za-z0-9+\-$]+$/.test(payload)) return { error: 'the link has characters a BootLab share link never has (was it cut or edited?)' }
  let json: string | null
  try {
    json = LZString.decompressFromEncodedURIComponent(payload)
  } catch {
    json = null
  }
  if (!json) return { error: 'the link does not decompress (was it cut short when it was copied?)' }
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch {
    return { error: 'the link decompresses, but not to a shared boot (was it cut short when it was copied?)' }
  }
  const d = data as { v?: unknown; policy?: unknown; scenario?: unknown }
  if (typeof d !== 'object' || d === null || d.v !== VERSION) return { error: `the link is not a version ${VERSION} BootLab share link` }
  if (!isFile(d.policy) || !/\.c$/.test(d.policy.path)) return { error: 'the link has no readable policy file' }
  if (!isFile(d.scenario)) return { error: 'the link has no readable machine' }
  return { shared: { policy: d.policy, scenario: d.scenario } }
}
