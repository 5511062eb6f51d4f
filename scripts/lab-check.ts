/*
 * npm run lab:check — every lab under labs/ validates, the names its goals use are
 * ones its boots know, and its start.c and solution.c hold to the rules bootlab
 * check applies (src/labs/check.ts fileFindings).
 * Prints one row per lab and the problems below; exits 1 on any problem.
 */
import { checkLab, fileFindings, formatLabErrors, type Lab, type LabGrade, loadLab } from '../src/labs'
import { loadLabCompiler } from '../src/node/kernel-policy'
import { readLabFolder } from '../src/node/lab-folder'
import { listLabDirs, readKernelResources } from '../src/node/resources'

interface Row {
  lab: string
  kind: string
  scenarios: string
  goals: string
  solution: string
  start: string
}

const passing = (g: LabGrade) => `${g.goals.filter((x) => x.passed).length}/${g.goals.length} goals pass`

function failedGoals(g: LabGrade): string {
  return g.goals
    .filter((x) => !x.passed)
    .map((x) => `  ${x.name}: ${x.evidence[0] ?? ''}`)
    .join('\n')
}

async function checkRow(lab: Lab, problems: string[]): Promise<Row> {
  const checked = checkLab(lab, await loadLabCompiler())
  if (checked.names.length) problems.push(formatLabErrors(checked.names))
  // The rules bootlab check holds a lab to (src/labs/check.ts), a cell each.
  const [solution, start] = fileFindings(lab, checked).map((f) => {
    if (!f.ok) problems.push(`${lab.id}: ${f.file}: ${f.says}${f.failing ? `\n${failedGoals(f.failing)}` : ''}`)
    const grade = (f.file === 'solution.c' ? checked.solution : checked.start).grade
    return `${f.ok ? 'ok' : 'PROBLEM'}: ${passing(grade)}`
  })
  return { lab: lab.id, kind: lab.kind, scenarios: String(lab.scenarios.length), goals: String(lab.goals.length), solution, start }
}

function table(rows: Row[]): string {
  const head: Row = { lab: 'lab', kind: 'kind', scenarios: 'scenarios', goals: 'goals', solution: 'solution.c', start: 'start.c' }
  const keys = Object.keys(head) as (keyof Row)[]
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))])) as Record<keyof Row, number>
  return [head, ...rows].map((r) => keys.map((k) => r[k].padEnd(width[k])).join('  ').trimEnd()).join('\n')
}

async function main(): Promise<number> {
  if (process.argv.length > 2) {
    // It used to ignore them and check labs/ instead: a folder of one's own is `bootlab check`'s.
    console.error(`npm run lab:check checks the bundled course (labs/); for a lab folder of your own: bootlab check ${process.argv[2]}`)
    return 3
  }
  const resources = readKernelResources()
  const rows: Row[] = []
  const problems: string[] = []
  const orders = new Map<number, string>()
  for (const dir of listLabDirs()) {
    const read = readLabFolder(dir)
    const loaded = read.folder ? loadLab(read.folder, resources) : { errors: read.errors }
    if (!loaded.lab) {
      problems.push(formatLabErrors(loaded.errors))
      rows.push({ lab: read.folder?.id ?? dir, kind: '?', scenarios: '-', goals: '-', solution: 'INVALID', start: 'INVALID' })
      continue
    }
    const lab = loaded.lab
    const clash = orders.get(lab.order)
    if (clash) problems.push(`${lab.id}: order ${lab.order} is also the order of ${clash}`)
    orders.set(lab.order, lab.id)
    rows.push(await checkRow(lab, problems))
  }
  console.log(table(rows))
  if (problems.length) {
    console.log(`\n${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.join('\n')}`)
    return 1
  }
  console.log(`\n${rows.length} labs: all valid, every solution passes with its expected verdict, every fix lab's start fails.`)
  return 0
}

process.exitCode = await main()
