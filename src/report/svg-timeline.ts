/*
 * The boot timeline as a self-contained SVG string. One column per boot step in
 * start_kernel order — a step axis, not a time scale, since most early steps
 * take 0 s on the dmesg clock; each step's label carries its dmesg time. Lanes
 * show the boot window (W0-W3), the allocator stage (memblock → buddy), CPUs
 * online, caps finalization, each caller's set_memory_decrypted() outcome and
 * the WARN/Oops splats and faults; the two black-out windows are shaded across
 * every lane. Pure string building: the same BootResult gives the same bytes.
 * Every step column carries `data-step` so a view can scrub or highlight it.
 */
import { OUTCOME_COLOUR, REPORT_PALETTE } from './palette'
import { byStep, OUTCOME_SEVERITY, picturePlacements, runsOf, TIMELINE_LANES, type TimelineLaneId } from './timeline-model'
import type { BootResult, BootStep, CallerRecord, CallOutcome, WindowInterval } from '../core'
import { escapeXml } from './escape'

export interface TimelineOptions {
  /** Step to mark with a cursor line (a view's scrub position). */
  cursorStep?: number
  /** Step where a compared boot parts ways with this one. */
  divergenceStep?: number
}

const COLUMN = 26
const LANE_LABELS = 150
const HEADER = 58
const LANE = 22
const CALL_ROW = 11
// Beyond this many calls in one step (256 CPUs' ITS tables) the lane stops growing.
const MAX_STACKED_CALLS = 8
const LABEL_FONT = 11
// A monospace glyph is about 0.6 em wide; labels are rotated by 60°.
const GLYPH = LABEL_FONT * 0.6
const SIN60 = Math.sin(Math.PI / 3)
const LEGEND = 34

const WINDOW_FILL = { W0: '#eeeeee', W1: '#e2e2e2', W2: '#d6d6d6', W3: '#cacaca' } as const
const ALLOCATOR_FILL = { memblock: '#f0e1c6', buddy: '#cfe8d9' } as const

const num = (n: number): string => String(Math.round(n * 100) / 100)
const x = (step: number): number => LANE_LABELS + step * COLUMN
const centre = (step: number): number => x(step) + COLUMN / 2

/** An SVG element with a tooltip (`<title>` child), which screen readers also announce. */
function titled(tag: string, attributes: string, title: string, body = ''): string {
  return `<${tag} ${attributes}><title>${escapeXml(title)}</title>${body}</${tag}>`
}

function marker(outcome: CallOutcome, cx: number, cy: number, title: string): string {
  const fill = OUTCOME_COLOUR[outcome]
  // Shapes differ as well as colours, for readers who cannot tell the colours apart.
  switch (outcome) {
    case 'ok':
      return titled('circle', `cx="${num(cx)}" cy="${num(cy)}" r="4" fill="${fill}"`, title)
    case 'warn':
      return titled('path', `d="M${num(cx)} ${num(cy - 4.5)}L${num(cx + 4.5)} ${num(cy + 4)}H${num(cx - 4.5)}Z" fill="${fill}"`, title)
    case 'error':
      return titled('rect', `x="${num(cx - 4)}" y="${num(cy - 4)}" width="8" height="8" fill="${fill}"`, title)
    case 'skipped':
      return titled('circle', `cx="${num(cx)}" cy="${num(cy)}" r="3.5" fill="none" stroke="${fill}" stroke-width="1.5"`, title)
  }
}

function callTitle(c: CallerRecord): string {
  const ret = c.ret ? ` (${c.errno ?? c.ret})` : ''
  return `${c.caller} — ${c.fn}(): ${c.outcome}${ret}${c.assumption ? ' [assumption]' : ''}`
}

function band(steps: readonly BootStep[], y: number, value: (s: BootStep) => string, fill: (v: string) => string, text: (v: string) => string): string[] {
  return runsOf(steps, value).map((run) => {
    const width = (run.to - run.from + 1) * COLUMN
    const label = text(run.value)
    const fits = label.length * GLYPH < width - 4
    const rect = titled('rect', `x="${x(run.from)}" y="${y + 2}" width="${width}" height="${LANE - 4}" fill="${fill(run.value)}" stroke="#ffffff"`, `${label}: steps ${run.from}–${run.to}`)
    return rect + (fits ? `<text x="${x(run.from) + 4}" y="${y + LANE / 2 + 4}">${escapeXml(label)}</text>` : '')
  })
}

function blackout(w: WindowInterval, bottom: number, row: number, svgWidth: number): string {
  const from = x(w.fromStep)
  const width = (w.toStep - w.fromStep + 1) * COLUMN
  const labelY = 30 + row * 14
  const label = `black-out ${w.id.slice(-1)}: ${w.title}`
  // A label that would run off the right edge ends at the edge instead.
  const anchor = from + 2 + label.length * GLYPH > svgWidth - 8 ? `x="${svgWidth - 8}" text-anchor="end"` : `x="${from + 2}"`
  // Drawn over the lanes but transparent to the pointer, so the markers under it keep their tooltips.
  return `<rect class="blackout" x="${from}" y="${labelY + 4}" width="${width}" height="${bottom - labelY - 4}" fill="#d55e00" fill-opacity="0.13" stroke="#d55e00" stroke-opacity="0.5" stroke-dasharray="3 2" pointer-events="none"/>`
    + titled('text', `${anchor} y="${labelY}" fill="#a33c00"`, `${w.title}: ${w.why}`, escapeXml(label))
}

/** A step's axis label: its dmesg time where the clock moved since the previous step, then the function. */
function axisLabel(s: BootStep, previous: BootStep | undefined): { time: string; fn: string } {
  return { time: previous && previous.t0 === s.t0 ? '' : s.t0.toFixed(6), fn: `${s.fn}()` }
}

const axisLabelLength = (l: { time: string; fn: string }): number => (l.time ? l.time.length + 1 : 0) + l.fn.length

function verticalMark(step: number, top: number, bottom: number, colour: string, label: string, dash: string): string {
  const cx = centre(step)
  return `<g class="mark"><line x1="${cx}" y1="${top}" x2="${cx}" y2="${bottom}" stroke="${colour}" stroke-width="2" stroke-dasharray="${dash}"/>`
    + `<text x="${cx + 3}" y="${top + 9}" fill="${colour}" font-size="9">${escapeXml(label)}</text></g>`
}

function legend(y: number): string {
  const items: [string, string][] = [
    [marker('ok', 0, 0, 'ok'), 'call ok'],
    [marker('warn', 0, 0, 'warn'), 'WARN'],
    [marker('error', 0, 0, 'error'), 'error / fault'],
    [marker('skipped', 0, 0, 'skipped'), 'skipped (not a realm)'],
    ['<rect x="-6" y="-6" width="12" height="12" fill="#d55e00" fill-opacity="0.13" stroke="#d55e00" stroke-dasharray="3 2"/>', 'black-out window'],
    ['<text x="-4" y="4" font-weight="700" fill="#0b4f8a">f</text>', 'step runs the policy'],
  ]
  let at = 8
  return items
    .map(([symbol, text]) => {
      const g = `<g transform="translate(${num(at + 6)},${y})">${symbol}<text x="12" y="4">${escapeXml(text)}</text></g>`
      at += 34 + text.length * GLYPH
      return g
    })
    .join('')
}

/** The boot timeline of `result` as an SVG document string. */
export function timelineSvg(result: BootResult, options: TimelineOptions = {}): string {
  const steps = result.steps
  const width = x(steps.length) + 16
  const callsByStep = byStep(result.calls)
  const stacked = Math.min(MAX_STACKED_CALLS, Math.max(1, ...[...callsByStep.values()].map((cs) => cs.length)))

  const lanes: { id: TimelineLaneId; height: number; draw: (y: number) => string[] }[] = [
    { id: 'window', height: LANE, draw: (y) => band(steps, y, (s) => s.window, (v) => WINDOW_FILL[v as keyof typeof WINDOW_FILL], (v) => v) },
    { id: 'allocator', height: LANE, draw: (y) => band(steps, y, (s) => s.allocator, (v) => ALLOCATOR_FILL[v as keyof typeof ALLOCATOR_FILL], (v) => v) },
    { id: 'cpus', height: LANE, draw: (y) => band(steps, y, (s) => String(s.onlineCpus), () => '#e4ecf7', (v) => `${v} CPU${v === '1' ? '' : 's'}`) },
    {
      id: 'caps',
      height: LANE,
      draw: (y) =>
        result.events.flatMap((e) =>
          e.kind === 'caps-finalized'
            ? [titled('path', `d="M${centre(e.step)} ${y + 3}l7 8-7 8-7-8Z" fill="#0072b2"`, `caps finalized at ${steps[e.step]?.fn ?? e.step}(): BBML2_NOABORT ${e.bbml2System ? 'on every CPU' : 'missing on some CPU'}`)]
            : [],
        ),
    },
    {
      id: 'calls',
      height: stacked * CALL_ROW + 6,
      draw: (y) =>
        [...callsByStep].flatMap(([step, calls]) => {
          const sorted = [...calls].sort((a, b) => OUTCOME_SEVERITY.indexOf(a.outcome) - OUTCOME_SEVERITY.indexOf(b.outcome))
          const shown = sorted.length > MAX_STACKED_CALLS ? sorted.slice(0, MAX_STACKED_CALLS - 1) : sorted
          const marks = shown.map((c, i) => marker(c.outcome, centre(step), y + 3 + CALL_ROW * (i + 0.5), callTitle(c)))
          const hidden = sorted.slice(shown.length)
          if (hidden.length) {
            const at = `x="${centre(step)}" y="${num(y + 3 + CALL_ROW * (MAX_STACKED_CALLS - 0.5) + 3)}" text-anchor="middle" font-size="8"`
            marks.push(titled('text', at, hidden.map(callTitle).join('\n'), `+${hidden.length}`))
          }
          return marks
        }),
    },
    {
      id: 'faults',
      height: LANE,
      draw: (y) => {
        const problems = [
          ...result.splats.map((s) => ({
            step: s.step,
            outcome: s.kind === 'warn' ? ('warn' as const) : ('error' as const),
            title: `${s.kind.toUpperCase()} at ${s.site.fn} (${s.site.file}${s.site.line ? `:${s.site.line}` : ''})${s.message ? `: ${s.message}` : ''}`,
          })),
          ...result.faults.map((f) => ({ step: f.step, outcome: 'error' as const, title: `fault (${f.kind}): ${f.message}` })),
        ]
        // Several in one step sit side by side, squeezed to fit the column.
        return [...byStep(problems)].flatMap(([step, here]) => {
          const gap = Math.min(9, (COLUMN - 8) / Math.max(1, here.length - 1))
          return here.map((p, i) => marker(p.outcome, centre(step) + (i - (here.length - 1) / 2) * gap, y + LANE / 2, p.title))
        })
      },
    },
    {
      id: 'map',
      height: LANE,
      draw: (y) =>
        picturePlacements(result).map((p) =>
          titled('rect', `class="picture" x="${num(x(p.step) + 3 + p.at * (COLUMN - 14))}" y="${y + 6}" width="8" height="8" fill="none" stroke="#555555"`, `map picture ${p.snapshot.label}: taken in ${steps[p.snapshot.step]?.fn}()`),
        ),
    },
  ]
  // The lanes in the table's order (one table for the app and the report).
  lanes.sort((a, b) => TIMELINE_LANES.findIndex((l) => l.id === a.id) - TIMELINE_LANES.findIndex((l) => l.id === b.id))
  const laneLabel = (id: TimelineLaneId) => TIMELINE_LANES.find((l) => l.id === id)!.label

  const lanesTop = HEADER
  const lanesBottom = lanesTop + lanes.reduce((sum, l) => sum + l.height, 0)
  const axisLabels = steps.map((s, i) => axisLabel(s, steps[i - 1]))
  const longestLabel = Math.max(0, ...axisLabels.map(axisLabelLength))
  const axisBottom = lanesBottom + 8 + longestLabel * GLYPH * SIN60
  const height = Math.ceil(axisBottom + LEGEND)
  const reachedText = `reached ${result.reached}(), verdict ${result.verdict.status}`

  const parts: string[] = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="bootlab-timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${LABEL_FONT}">`,
    `<title>${escapeXml(`Boot timeline: ${result.policyName} on ${result.scenarioName}`)}</title>`,
    `<desc>${escapeXml(
      `${steps.length} boot steps; ${result.windows.map((w) => `black-out ${w.id.slice(-1)} (${w.title}) from ${steps[w.fromStep]?.fn}() to ${steps[w.toStep]?.fn}()`).join('; ')}; ${result.calls.length} decrypt calls; ${result.splats.length} splats; ${reachedText}.`,
    )}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="8" y="18" font-size="13" font-weight="700">${escapeXml(`${result.policyName} on ${result.scenarioName} — ${reachedText}`)}</text>`,
  )
  for (const s of steps) {
    const column = `class="step" data-step="${s.index}" x="${x(s.index)}" y="${lanesTop}" width="${COLUMN}" height="${lanesBottom - lanesTop}" fill="${s.index % 2 ? '#fafafa' : '#ffffff'}"`
    const about = `step ${s.index}: ${s.fn}() in ${s.file}${s.parent ? `, from ${s.parent}()` : ''}; ${s.window}; t=${s.t0.toFixed(6)}–${s.t1.toFixed(6)} s${s.policy ? '; runs the policy' : ''}`
    parts.push(titled('rect', column, about))
  }
  let y = lanesTop
  for (const lane of lanes) {
    parts.push(`<g class="lane"><text x="8" y="${num(y + LANE / 2 + 4)}" fill="#333333">${escapeXml(laneLabel(lane.id))}</text>`, ...lane.draw(y), '</g>')
    y += lane.height
  }
  result.windows.forEach((w, i) => parts.push(blackout(w, lanesBottom, i % 2, width)))
  steps.forEach((s, i) => {
    const { time, fn } = axisLabels[i]
    const label = `${time ? `<tspan fill="#777777">${time}</tspan> ` : ''}${escapeXml(fn)}`
    const style = s.policy ? ' font-weight="700" fill="#0b4f8a"' : ''
    parts.push(`<text transform="translate(${centre(s.index) + 3},${lanesBottom + 8}) rotate(-60)" text-anchor="end"${style}>${label}</text>`)
  })
  if (options.divergenceStep !== undefined) parts.push(verticalMark(options.divergenceStep, lanesTop, lanesBottom, REPORT_PALETTE.divergence, 'diverges', '5 3'))
  if (options.cursorStep !== undefined) parts.push(verticalMark(options.cursorStep, lanesTop, lanesBottom, '#0072b2', 'cursor', '1 0'))
  parts.push(legend(Math.round(axisBottom + LEGEND / 2)), '</svg>')
  return parts.join('\n')
}
