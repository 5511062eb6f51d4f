/*
 * The Realm Services Interface as a realm guest sees it (arch/arm64/kernel/rsi.c,
 * arch/arm64/include/asm/rsi.h).
 *
 * Each protected IPA has a RIPAS: RAM (private to the realm) or EMPTY (given up,
 * so the host may back the shared alias). rsi_set_memory_range_shared() turns a
 * range EMPTY, ..._protected() back to RAM. The guest's page tables pick which
 * alias an access uses: PROT_NS_SHARED set = the shared (host-visible) alias.
 * The model keeps the EMPTY ranges; everything else is RAM.
 */
import { addRange, firstEndingFrom, type Range, removeRange } from '../memory/ranges'

export class RealmState {
  /** arm64_rsi_init() found an RMM answering the RSI version handshake. */
  detected = false
  /** realm_register_memory_enc_ops() ran: set_memory_{en,de}crypted() reach the realm ops. */
  cryptOps = false
  /** PA ranges whose RIPAS is EMPTY (shared with the host). */
  readonly empty: Range[] = []

  setShared(start: number, end: number): void {
    addRange(this.empty, start, end)
  }

  setProtected(start: number, end: number): void {
    removeRange(this.empty, start, end)
  }

  /** Bytes of [start, end) whose RIPAS is EMPTY. */
  sharedBytes(start: number, end: number): number {
    // Binary search to the first EMPTY range that can overlap: checked after every decrypt, with thousands of ranges.
    let n = 0
    for (let i = firstEndingFrom(this.empty, start); i < this.empty.length && this.empty[i].start < end; i++) {
      const r = this.empty[i]
      const s = Math.max(r.start, start)
      const e = Math.min(r.end, end)
      if (e > s) n += e - s
    }
    return n
  }

  isShared(start: number, end: number): boolean {
    return this.sharedBytes(start, end) === end - start
  }
}
