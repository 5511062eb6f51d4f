/*
 * Lab reports and the views they share with the app: pure TypeScript (no DOM,
 * no Node), so the renderer and the command line build the same report from
 * the same BootResult. Hosts write the files (src/node/atomic-write.ts).
 */
export { renderHtml } from './html'
export { renderMarkdownFolder, renderMarkdownZip, type ReportFile } from './markdown'
export { formatCounter, policyPatch, reportPtdump, reportTitle, SECTIONS, UNNAMED_LEARNER, type ReportGoal, type ReportInput, type ReportLab, type ReportQuestion, type SectionId } from './content'
export { compareBoots, consoleHunks, mapDifferences, type CompareSummary, type ConsoleDiffRow, type CounterRow, type MapDifference, type MapState, type StepRow } from './compare'
export { timelineSvg, type TimelineOptions } from './svg-timeline'
export { kernelImageAlias, memoryMapSvg, type MemoryMapOptions } from './svg-memory-map'
export { regionsOf, type VaRange } from './map-model'
export { ptdumpAt, type PtdumpText } from './ptdump'
export { lineDiff } from './compare'
