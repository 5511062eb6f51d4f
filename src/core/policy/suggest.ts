/*
 * "Did you mean": the known name closest to a misspelt one, the way gcc
 * suggests a declared identifier for an undeclared one (spellcheck.cc, which
 * uses an edit distance and a cutoff that grows with the name's length). Here:
 * Damerau-Levenshtein distance (a swap of two neighbours is one edit), at most
 * a third of the name's length (and at least 1), ties broken by name.
 */

function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The candidate closest to `name`, or undefined when none is close enough to be a slip. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3))
  let best: { name: string; d: number } | undefined
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) > limit) continue
    const d = distance(name.toLowerCase(), c.toLowerCase())
    if (d <= limit && (!best || d < best.d || (d === best.d && c < best.name))) best = { name: c, d }
  }
  return best?.name
}
