/*
 * Realm "decrypt"/"encrypt" entry points (arch/arm64/mm/mem_encrypt.c,
 * arch/arm64/mm/pageattr.c realm_set_memory_{en,de}crypted, arch/arm64/kernel/rsi.c).
 *
 * set_memory_decrypted() does nothing outside a realm (no crypt ops
 * registered). In a realm it reaches realm_set_memory_decrypted(), which calls
 * the policy's __set_memory_enc_dec() and WARNs "Failed to decrypt memory, N
 * pages will be leaked" on every failure (WARN, not WARN_ONCE).
 */
import type { Kernel } from '../kernel/kernel'
import { bool, num, type NativeRow } from '../kernel/native-row'
import { bigToVirt, LINEAR_MAP_SIZE, PAGE_SIZE, virtToPhys } from '../memory/addr'
import { type CValue, isRef } from '../policy/value'

const MEM_ENCRYPT = 'arch/arm64/mm/mem_encrypt.c'
const PAGEATTR = 'arch/arm64/mm/pageattr.c'
const RSI = 'arch/arm64/kernel/rsi.c'
/** The WARN(ret, ...) lines of realm_set_memory_{de,en}crypted, counted in a v6.18-era pageattr.c. */
const DECRYPT_WARN_LINE = 330
const ENCRYPT_WARN_LINE = 320
/** The alignment WARN_ON()s of set_memory_encrypted()/_decrypted() in mem_encrypt.c (approximate lines). */
const ENCRYPT_ALIGN_WARN_LINE = 38
const DECRYPT_ALIGN_WARN_LINE = 47

function realmCrypt(k: Kernel, call: (name: string, args: CValue[]) => CValue, args: CValue[], encrypt: boolean): bigint {
  const ret = BigInt.asIntN(32, call('__set_memory_enc_dec', [args[0], args[1], bool(encrypt)]) as bigint)
  if (ret !== 0n) {
    const message = `Failed to ${encrypt ? 'encrypt' : 'decrypt'} memory, ${num(args[1])} pages will be leaked`
    k.warn({ fn: `realm_set_memory_${encrypt ? 'encrypted' : 'decrypted'}`, file: PAGEATTR, line: encrypt ? ENCRYPT_WARN_LINE : DECRYPT_WARN_LINE, origin: 'kernel' }, message)
    k.probe?.warnSites.push(`realm_set_memory_${encrypt ? 'en' : 'de'}crypted ("${message}")`)
  }
  return ret
}

/**
 * arch/arm64/mm/mem_encrypt.c set_memory_{en,de}crypted(): `if (likely(!crypt_ops) ||
 * WARN_ON(!PAGE_ALIGNED(addr))) return 0;` then the registered op.
 */
function cryptEntry(k: Kernel, call: (name: string, args: CValue[]) => CValue, args: CValue[], encrypt: boolean): bigint {
  if (!k.realm.cryptOps) return 0n
  if (BigInt.asUintN(64, (args[0] as bigint) ?? 0n) % BigInt(PAGE_SIZE) !== 0n) {
    k.warn({ fn: `set_memory_${encrypt ? 'en' : 'de'}crypted`, file: MEM_ENCRYPT, line: encrypt ? ENCRYPT_ALIGN_WARN_LINE : DECRYPT_ALIGN_WARN_LINE, origin: 'kernel' })
    return 0n
  }
  return call(`realm_set_memory_${encrypt ? 'en' : 'de'}crypted`, args) as bigint
}

export const MEM_ENCRYPT_NATIVES: NativeRow[] = [
  {
    name: 'set_memory_decrypted',
    arity: 2,
    file: MEM_ENCRYPT,
    doc: 'Share numpages at addr with the host. No-op returning 0 unless realm crypt ops are registered; WARNs and returns 0 for an address not page aligned.',
    impl: (k, ctx, args) => cryptEntry(k, ctx.call, args, false),
  },
  {
    name: 'set_memory_encrypted',
    arity: 2,
    file: MEM_ENCRYPT,
    doc: 'Take numpages at addr back from the host. No-op returning 0 unless realm crypt ops are registered; WARNs and returns 0 for an address not page aligned.',
    impl: (k, ctx, args) => cryptEntry(k, ctx.call, args, true),
  },
  {
    name: 'realm_set_memory_decrypted',
    arity: 2,
    file: PAGEATTR,
    doc: '__set_memory_enc_dec(addr, numpages, false); WARN("Failed to decrypt memory, %d pages will be leaked") on error.',
    impl: (k, ctx, args) => realmCrypt(k, ctx.call, args, false),
  },
  {
    name: 'realm_set_memory_encrypted',
    arity: 2,
    file: PAGEATTR,
    doc: '__set_memory_enc_dec(addr, numpages, true); WARN("Failed to encrypt memory, ...") on error.',
    impl: (k, ctx, args) => realmCrypt(k, ctx.call, args, true),
  },
  {
    name: 'is_realm_world',
    arity: 0,
    file: 'arch/arm64/include/asm/rsi.h',
    doc: 'static_branch_likely(&rsi_present): true only after arm64_rsi_init() detected a realm (after map_mem()).',
    impl: (k) => bool(k.realm.detected),
  },
  {
    name: 'rsi_version_matches',
    arity: 0,
    file: RSI,
    doc: 'RSI_VERSION handshake over the SMCCC conduit (known only after the PSCI probe): answered only inside a realm.',
    impl: (k) => {
      if (!k.smcccConduit || !k.scenario.realm) return 0n
      k.pr('info', 'RME: Using RSI version 1.0')
      return 1n
    },
  },
  {
    name: 'realm_register_memory_enc_ops',
    arity: 0,
    file: PAGEATTR,
    doc: 'Register realm_set_memory_{en,de}crypted as the crypt ops behind set_memory_{en,de}crypted() (arm64_mem_crypt_ops_register()); arm64_rsi_init() calls it (arch/arm64/kernel/rsi.c).',
    impl: (k) => {
      k.realm.cryptOps = true
      return 0n
    },
  },
  {
    name: 'static_branch_enable',
    arity: 1,
    params: 'h',
    file: 'include/linux/jump_label.h',
    doc: 'Enable a static key. static_branch_enable(&rsi_present) makes is_realm_world() true.',
    impl: (k, _ctx, [key]) => {
      if (isRef(key) && key.name === 'rsi_present') k.realm.detected = true
    },
  },
  {
    name: 'rsi_set_memory_range_shared',
    arity: 2,
    file: 'arch/arm64/include/asm/rsi.h',
    doc: 'RSI_IPA_STATE_SET: RIPAS of [start, end) becomes EMPTY (given up so the host can back the shared alias). Returns 0.',
    impl: (k, _ctx, [start, end]) => {
      k.realm.setShared(num(start), num(end))
      return 0n
    },
  },
  {
    name: 'rsi_set_memory_range_protected',
    arity: 2,
    file: 'arch/arm64/include/asm/rsi.h',
    doc: 'RSI_IPA_STATE_SET: RIPAS of [start, end) becomes RAM (private to the realm again). Returns 0.',
    impl: (k, _ctx, [start, end]) => {
      k.realm.setProtected(num(start), num(end))
      return 0n
    },
  },
  {
    name: '__is_lm_address',
    arity: 1,
    file: 'arch/arm64/include/asm/memory.h',
    doc: 'Is addr inside the linear map?',
    impl: (_k, _ctx, [addr]) => bool(typeof addr === 'bigint' && bigToVirt(addr) !== null && Number(bigToVirt(addr)) < LINEAR_MAP_SIZE),
  },
  {
    name: '__virt_to_phys',
    arity: 1,
    file: 'arch/arm64/include/asm/memory.h',
    doc: 'Linear-map VA to PA.',
    impl: (k, _ctx, [addr]) => {
      const va = typeof addr === 'bigint' ? bigToVirt(addr) : null
      return va === null ? 0n : BigInt(virtToPhys(k.layout, va))
    },
  },
]
