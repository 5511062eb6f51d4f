/*
 * Guided labs (issue 4): folders of plain files (manifest, README, policies,
 * scenarios) loaded, expanded with seeded variant machines, and graded against
 * BootResults. Pure TypeScript like the core: the app's renderer and worker use
 * it as the command line does. docs/lab-authoring.md describes the format.
 */
export { bootLab, gradeLab, evidenceLines, gradeRuns, groupEvidence, onMachines, needsCompareWith, type GoalCheck, type GoalResult, type LabGrade, type LabPolicies, type LabRun } from './grade'
export { compileCompareWith, gradePolicy, type LabCompiler, type PolicyGrade } from './grade-policy'
export { formatLabErrors, labPolicyLookup, type Lab, type LabError, type LabLoad, type LabScenario } from './lab'
export { closestLabId } from './lab-ids'
export { loadLab } from './load'
export { type Goal, type GoalType, labManifestSchema, type LabManifest, type Question, type VariantSpec } from './schema'
export { guideFor, type LabGuide } from './guide'
export { generateVariants, mulberry32 } from './variants'
export { ANSWERS_FILE, answersFromFile, answersTemplate } from './answers-file'
export { answersRequired, doneWhen, type LabCompletion, labCompletion, reportedExpectation, verdictExpectation } from './completion'
export { checkLab, type FileFinding, fileFindings, type LabCheck, labNameProblems } from './check'
