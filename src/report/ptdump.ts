/*
 * The ptdump picture of a boot: the kernel's /sys/kernel/debug/kernel_page_tables text
 * (core/pgtable/ptdump.ts prints it) of the map picture in force at a step. The workbench's
 * ptdump tab, the compare view's line diff, the reports and `bootlab boot --ptdump` all
 * read it from here.
 */
import { type BootResult, formatPtdumpRun, LINEAR_MAP_END_MARKER, LINEAR_MAP_START_MARKER, type LeafKind, leafKind, Attr } from '../core'
import { pictureAt } from './timeline-model'

export interface PtdumpText {
  /** The map picture the dump is of (`after map_mem`, `end of boot`, ...). */
  label: string
  /** The step it was taken in. */
  step: number
  lines: string[]
  /** The same lines with what each maps, for colouring them like the map: markers and holes have no leaf. */
  rows: PtdumpRow[]
}

export interface PtdumpRow {
  text: string
  leaf: LeafKind | null
  shared: boolean
}

/** The linear map's ptdump at the end of step `step` (null: the end of boot); null before map_mem. */
export function ptdumpAt(result: Pick<BootResult, 'events' | 'snapshots' | 'steps'>, step: number | null): PtdumpText | null {
  const picture = pictureAt(result, step)
  if (!picture) return null
  const marker = (text: string): PtdumpRow => ({ text, leaf: null, shared: false })
  const rows = [
    marker(LINEAR_MAP_START_MARKER),
    ...picture.snapshot.ptdump.map((r): PtdumpRow => ({
      text: formatPtdumpRun(r),
      leaf: r.attrs === null ? null : leafKind(r.level, r.attrs),
      shared: r.attrs !== null && (r.attrs & Attr.NS_SHARED) !== 0,
    })),
    marker(LINEAR_MAP_END_MARKER),
  ]
  return { label: picture.snapshot.label, step: picture.step, lines: rows.map((r) => r.text), rows }
}
