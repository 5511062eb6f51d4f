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

/**
 * The longest payload a link may carry (characters after #/share/). lz-string's dictionary lets a
 * crafted payload expand quadratically: measured, 16 K characters decompress to about 20 million
 * in 90 ms and 150 MB, while 260 K characters crashed the tab. The bundled kernel states make
 * 1–5 K, so a learner's policy several times their size still fits; Share says when one does not.
 */
export const MAX_SHARE_PAYLOAD = 16 * 1024

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
  // Refused before it is decompressed: the length is the only bound on what decompressing costs.
  if (payload.length > MAX_SHARE_PAYLOAD) return { error: `the link holds ${payload.length} characters, more than a BootLab share link ever holds (${MAX_SHARE_PAYLOAD})` }
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
