/*
 * One palette for every picture of a boot, in the app and in exported reports, so a colour
 * means the same thing everywhere. Okabe-Ito colours: told apart with the common
 * colour-vision deficiencies; coarse leaves cool, fine leaves warm, shared (NS) reddish
 * purple. Leaf and shared colours are the same in both themes (they read on light and on
 * dark); the marks drawn in ink (invalid leaves, the kernel image outline, the highlight)
 * follow the theme.
 *
 * The app gets the palette as CSS custom properties: paletteCss() is the block in
 * src/renderer/style.css (a test keeps the two equal); canvases and SVG strings take the
 * values from here.
 */
import type { CallOutcome, LeafKind } from '../core'

export const LEAF_COLOUR: Readonly<Record<LeafKind, string>> = { PUD: '#0072b2', CONT_PMD: '#56b4e9', PMD: '#009e73', CONT_PTE: '#e69f00', PTE: '#d55e00' }
export const SHARED_COLOUR = '#cc79a7'
export const OUTCOME_COLOUR: Readonly<Record<CallOutcome, string>> = { ok: '#009e73', warn: '#e69f00', error: '#d55e00', skipped: '#999999' }

export type Theme = 'light' | 'dark'

/** What a picture draws with: the shared colours plus the theme's ink. */
export interface Palette {
  leaf: Readonly<Record<LeafKind, string>>
  shared: string
  invalid: string
  kernelImage: string
  highlight: string
  divergence: string
}

export const PALETTE: Readonly<Record<Theme, Palette>> = {
  light: { leaf: LEAF_COLOUR, shared: SHARED_COLOUR, invalid: '#000000', kernelImage: '#000000', highlight: '#b8860b', divergence: '#cc0066' },
  dark: { leaf: LEAF_COLOUR, shared: SHARED_COLOUR, invalid: '#f2f2f2', kernelImage: '#ffffff', highlight: '#ffd400', divergence: '#ff5fa2' },
}

/** Reports are documents on white: they use the light palette. */
export const REPORT_PALETTE = PALETTE.light

/** The CSS custom property holding a leaf kind's colour: --leaf-pud-block, --leaf-cont-pmd, ... */
export function leafCssVar(kind: LeafKind): string {
  return { PUD: '--leaf-pud-block', CONT_PMD: '--leaf-cont-pmd', PMD: '--leaf-pmd-block', CONT_PTE: '--leaf-cont-pte', PTE: '--leaf-pte' }[kind]
}

function declarations(p: Palette): string[] {
  return [
    ...(Object.keys(p.leaf) as LeafKind[]).map((k) => `  ${leafCssVar(k)}: ${p.leaf[k]};`),
    `  --map-shared: ${p.shared};`,
    `  --map-invalid: ${p.invalid};`,
    `  --map-kernel-image: ${p.kernelImage};`,
    `  --map-highlight: ${p.highlight};`,
    `  --divergence: ${p.divergence};`,
  ]
}

/** The palette as CSS custom properties for both themes (data-theme on <html>; dark is the default). */
export function paletteCss(): string {
  return [
    '/* palette: generated from src/report/palette.ts (paletteCss); test/report/palette.test.ts keeps it equal */',
    ':root {',
    ...declarations(PALETTE.dark),
    '}',
    ':root[data-theme="light"] {',
    // Only what the light theme changes: the leaf and shared colours are the same in both.
    ...declarations(PALETTE.light).filter((d) => !declarations(PALETTE.dark).includes(d)),
    '}',
    '/* end palette */',
  ].join('\n')
}
