/*
 * One source for each picture: the memory map's canvas, its legend, the walk text, the
 * ptdump tab and the report's SVG take their colours from src/report/palette.ts and their
 * leaf kinds from core/pgtable/leaf.ts's LEAF_KINDS. (Before: the legend and the walk text
 * coloured shared memory yellow #f0e442 while the map drew it pink #cc79a7.)
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { type BootResult, LEAF_KINDS, type LeafKind, type MapExtent, phys, virt } from '../../src/core'
import { LEAF_KINDS as LAB_LEAF_KINDS } from '../../src/labs/boot-vocabulary'
import MemoryMapView from '../../src/renderer/components/MemoryMapView.vue'
import PtdumpView from '../../src/renderer/components/PtdumpView.vue'
import { drawMapBar, type MapCanvasContext } from '../../src/renderer/inspect/map-canvas'
import { regionsOf } from '../../src/report/map-model'
import { LEAF_COLOUR, leafCssVar, PALETTE, paletteCss, REPORT_PALETTE, SHARED_COLOUR } from '../../src/report/palette'
import { memoryMapSvg } from '../../src/report/svg-memory-map'
import { bootNamed } from '../helpers/boot'

const SRC = join(import.meta.dirname, '../../src')
const KINDS = LEAF_KINDS.map((k) => k.kind)

/** A canvas context that records the colour of every filled rectangle. */
function recorder() {
  const fills: { fill: string; x: number; y: number; w: number; h: number }[] = []
  const strokes: string[] = []
  const ctx = {
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    font: '',
    fillRect(x: number, y: number, w: number, hgt: number) {
      fills.push({ fill: String(this.fillStyle), x, y, w, h: hgt })
    },
    strokeRect() {
      strokes.push(String(this.strokeStyle))
    },
    fillText() {},
    clearRect() {},
    setLineDash() {},
  }
  return { ctx: ctx as unknown as MapCanvasContext, fills, strokes }
}

const extent = (leaf: LeafKind, more: Partial<MapExtent> = {}): MapExtent => ({ va: virt(0), pa: phys(2 ** 30), size: 2 ** 30, leaf, valid: true, shared: false, readOnly: false, noExec: true, ...more })

describe('one palette, one leaf-kind table', () => {
  it('the app gets the palette as CSS custom properties: style.css holds exactly paletteCss()', () => {
    expect(readFileSync(join(SRC, 'renderer/style.css'), 'utf8')).toContain(paletteCss())
    for (const k of KINDS) expect(paletteCss()).toContain(`${leafCssVar(k)}: ${LEAF_COLOUR[k]};`)
    expect(PALETTE.light.leaf).toEqual(PALETTE.dark.leaf)
    expect(paletteCss()).toContain(`--map-invalid: ${PALETTE.light.invalid};`)
  })

  it('the map canvas paints each leaf kind and shared ranges in the palette colour, in both themes', () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const k of KINDS) {
        const { ctx, fills } = recorder()
        const extents = [extent(k, { shared: true })]
        drawMapBar(ctx, { extents, region: regionsOf(extents)[0], view: { start: 0, end: 2 ** 30 }, width: 400, palette: PALETTE[theme] })
        const bar = fills.filter((f) => f.w >= 399)
        expect(bar.map((f) => f.fill)).toEqual([PALETTE[theme].leaf[k], SHARED_COLOUR])
      }
    }
  })

  it('the report SVG uses the same colours for the same kinds, and its legend lists LEAF_KINDS in order', () => {
    for (const k of KINDS) {
      const svg = memoryMapSvg({ step: 0, label: k, extents: [extent(k, { shared: true })], ptdump: [] })
      expect(svg).toContain(`fill="${LEAF_COLOUR[k]}"><title>${k} leaves`)
      expect(svg).toContain(`fill="${REPORT_PALETTE.shared}"><title>shared with the host (NS)`)
    }
    const legend = memoryMapSvg({ step: 0, label: 'x', extents: [extent('PUD')], ptdump: [] })
    const order = [...legend.matchAll(/<g transform="translate\([^)]*\)"><rect width="12" height="12" fill="(#[0-9a-f]{6})"\/><text x="16" y="10">([A-Z_]+)</g)].map((m) => [m[2], m[1]])
    expect(order).toEqual(KINDS.map((k) => [k, LEAF_COLOUR[k]]))
    expect(SHARED_COLOUR).not.toBe('#f0e442')
  })

  it('the labs vocabulary has the same leaf kinds as the core table', () => {
    expect([...LAB_LEAF_KINDS]).toEqual(KINDS)
  })
})

describe('the app views read the same table and palette', () => {
  let result: BootResult
  beforeAll(async () => {
    result = await bootNamed('realm', 'series')
  })
  const render = (component: object, props: Record<string, unknown>) => {
    const pinia = createPinia()
    setActivePinia(pinia)
    return renderToString(createSSRApp({ render: () => h(component, props) }).use(pinia))
  }

  it('the map legend lists LEAF_KINDS in order with the palette variable of each kind; shared uses --map-shared', async () => {
    const html = await render(MemoryMapView, { result, step: null })
    const legend = [...html.matchAll(/data-leaf="([A-Z_]+)"[^>]*><i style="background:var\((--[a-z-]+)\);"/g)].map((m) => [m[1], m[2]])
    expect(legend).toEqual(KINDS.map((k) => [k, leafCssVar(k)]))
    expect(html).toMatch(/class="shared" data-colour-var="--map-shared"/)
    // The amounts come from the end-of-boot picture: the series shares the swiotlb pool, whose edges are pages.
    expect(html).toMatch(/data-leaf="PTE"[^>]*>.*?<span class="amount"[^>]*>\d/)
  })

  it('the walk text marks the leaf name with a swatch of its kind variable and shared memory with --map-shared (no colour of its own), its text in the text colour', () => {
    const source = readFileSync(join(SRC, 'renderer/components/MemoryMapView.vue'), 'utf8')
    expect(source).toContain('<i class="swatch" :style="{ background: `var(${leafCssVar(walk.leaf)})` }" aria-hidden="true"></i>{{ walk.leaf }}')
    expect(source).toMatch(/\.walk \.shared-swatch \{\s*background: var\(--map-shared\);/)
    // Leaf colours on a light background are under AA for text (#e69f00 on white is 2.0:1): never text colours here.
    expect(source).not.toMatch(/color: var\(--(leaf|map-shared)/)
    expect(source).not.toContain(':style="{ color:')
    // No colour literals left in the map and ptdump views: every colour comes from the palette.
    for (const file of ['MemoryMapView.vue', 'PtdumpView.vue']) expect(readFileSync(join(SRC, 'renderer/components', file), 'utf8')).not.toMatch(/#[0-9a-fA-F]{3,6}\b/)
  })

  it('the ptdump tab marks each line with its leaf kind variable, the same as the legend', async () => {
    const html = await render(PtdumpView, { result, step: null })
    const rows = [...html.matchAll(/data-leaf="([A-Z_]+)" style="border-left-color:var\((--[a-z-]+)\);"/g)]
    expect(rows.length).toBeGreaterThan(3)
    for (const [, kind, variable] of rows) expect(variable).toBe(leafCssVar(kind as LeafKind))
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['PUD', 'CONT_PMD', 'PMD', 'CONT_PTE', 'PTE']))
  })
})
