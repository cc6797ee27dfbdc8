// Turns the perf bench's rows into the printed table and RESULTS.md; checks the targets.

export const TARGETS = {
  sembleMeanColdMs: 250,
  queryP50Ms: 1.5,
  queryP99Ms: 10,
  largeChunksPerS: 10_000,
  editMs: 200,
  rssMb: 400,
  rssAtChunks: 200_000,
  diskRatio: 1.5,
  queryAtChunks: 100_000,
};

const fmt = (x, digits = 0) => (x === undefined || x === null || Number.isNaN(x) ? '-' : Number(x).toFixed(digits));

/** One line per corpus and model. */
export function rowTable(rows) {
  const head = ['corpus', 'model', 'files', 'chunks', 'src MB', 'cold ms', 'files/s', 'chunks/s', 'MB/s',
    'discover/read/parse/embed/index/vectors/save ms', 'no-op ms', 'edit ms', 'q p50', 'q p99', 'rg p50', 'rg/q', 'parse-only ms', 'index/parse',
    'RSS MB', 'disk/src', 'reopen ms', 'reopen RSS MB', 'serving RSS MB', 'idle serving RSS MB'];
  const lines = [head];
  for (const r of rows) {
    const i = r.index;
    const p = i.phaseMs;
    const s = i.coldMs / 1000;
    lines.push([r.corpus, i.model, i.files, i.chunks, fmt(i.sourceBytes / 2 ** 20, 1), i.coldMs, fmt(i.files / s), fmt(i.chunks / s),
      fmt(i.sourceBytes / 2 ** 20 / s, 2), ['discover', 'read', 'parse', 'embed', 'index', 'vectors', 'save'].map((k) => p[k] ?? '-').join('/'),
      fmt(i.noopMs), fmt(i.edit?.totalMs), fmt(i.query.p50, 2), fmt(i.query.p99, 2), fmt(r.rg?.p50, 1), fmt(r.rg ? r.rg.p50 / i.query.p50 : NaN, 1),
      fmt(r.parse?.parseMs), fmt(r.parse ? i.coldMs / r.parse.parseMs : NaN, 2), i.peakRssMb, fmt(i.indexBytes / i.sourceBytes, 2), fmt(i.reopenMs),
      fmt(i.reopenPeakRssMb), fmt(i.servingRssMb), fmt(i.idleServingRssMb)]);
  }
  return lines;
}

export function markdownTable(lines) {
  const [head, ...body] = lines;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

export function plainTable(lines) {
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => String(l[c]).length)));
  return lines.map((l) => l.map((v, c) => String(v).padStart(widths[c])).join('  ')).join('\n');
}

/** Target checks per model: [name, target, measured, met]. */
export function targetChecks(rows, model) {
  const mine = rows.filter((r) => r.index.model === model);
  const semble = mine.filter((r) => r.group === 'semble');
  const mean = semble.length ? semble.reduce((a, r) => a + r.index.coldMs, 0) / semble.length : NaN;
  const big = mine.filter((r) => r.index.chunks >= TARGETS.queryAtChunks).sort((a, b) => a.index.chunks - b.index.chunks)[0];
  const large = mine.find((r) => r.group === 'large');
  const rssRow = mine.filter((r) => r.index.chunks >= TARGETS.rssAtChunks).sort((a, b) => a.index.chunks - b.index.chunks)[0];
  const edits = mine.map((r) => r.index.edit?.totalMs).filter((x) => x !== undefined).sort((a, b) => a - b);
  const worstDisk = Math.max(...mine.map((r) => r.index.indexBytes / r.index.sourceBytes));
  const checks = [
    ['mean cold index, semble repos (ms)', `<= ${TARGETS.sembleMeanColdMs}`, mean, mean <= TARGETS.sembleMeanColdMs],
    [`query p50 at >=100k chunks (${big?.corpus ?? 'n/a'}, ms)`, `<= ${TARGETS.queryP50Ms}`, big?.index.query.p50, big && big.index.query.p50 <= TARGETS.queryP50Ms],
    [`query p99 at >=100k chunks (${big?.corpus ?? 'n/a'}, ms)`, `<= ${TARGETS.queryP99Ms}`, big?.index.query.p99, big && big.index.query.p99 <= TARGETS.queryP99Ms],
    ['chunks/s end to end, large corpus', `>= ${TARGETS.largeChunksPerS}`, large && large.index.chunks / (large.index.coldMs / 1000), large && large.index.chunks / (large.index.coldMs / 1000) >= TARGETS.largeChunksPerS],
    ['edit-to-searchable, median over corpora (ms)', `<= ${TARGETS.editMs}`, edits[Math.floor(edits.length / 2)], edits[Math.floor(edits.length / 2)] <= TARGETS.editMs],
    ['edit-to-searchable, worst corpus (ms)', `<= ${TARGETS.editMs}`, edits[edits.length - 1], edits[edits.length - 1] <= TARGETS.editMs],
    [`peak RSS at >=200k chunks (${rssRow?.corpus ?? 'n/a'}, MB)`, `<= ${TARGETS.rssMb}`, rssRow?.index.peakRssMb, rssRow && rssRow.index.peakRssMb <= TARGETS.rssMb],
    [`...restarted: peak RSS of the load (${rssRow?.corpus ?? 'n/a'}, MB)`, `<= ${TARGETS.rssMb}`, rssRow?.index.reopenPeakRssMb, rssRow?.index.reopenPeakRssMb && rssRow.index.reopenPeakRssMb <= TARGETS.rssMb],
    [`...restarted: RSS serving searches (${rssRow?.corpus ?? 'n/a'}, MB)`, `<= ${TARGETS.rssMb}`, rssRow?.index.servingRssMb, rssRow?.index.servingRssMb && rssRow.index.servingRssMb <= TARGETS.rssMb],
    [`...restarted, idle ${fmt((rssRow?.index.idleMs ?? NaN) / 1000)} s, then serving (${rssRow?.corpus ?? 'n/a'}, MB)`, `<= ${TARGETS.rssMb}`, rssRow?.index.idleServingRssMb, rssRow?.index.idleServingRssMb && rssRow.index.idleServingRssMb <= TARGETS.rssMb],
    ['index on disk / source, worst corpus', `<= ${TARGETS.diskRatio}`, worstDisk, worstDisk <= TARGETS.diskRatio],
  ];
  return checks.map(([name, target, value, met]) => [name, target, fmt(value, value < 10 ? 2 : 0), met === undefined ? 'n/a' : met ? 'met' : 'MISSED']);
}

/** Cost per file and per chunk across the scaling series: flat or falling means linear or better. */
export function scalingLines(rows, model) {
  const scale = rows.filter((r) => r.group === 'scale' && r.index.model === model).sort((a, b) => a.index.files - b.index.files);
  const lines = [['corpus', 'files', 'chunks', 'cold ms', 'us/chunk', 'no-op ms', 'q p50', 'RSS MB', 'disk MB']];
  for (const r of scale) {
    const i = r.index;
    lines.push([r.corpus, i.files, i.chunks, i.coldMs, fmt((i.coldMs * 1000) / i.chunks), fmt(i.noopMs), fmt(i.query.p50, 2), i.peakRssMb, fmt(i.indexBytes / 2 ** 20, 1)]);
  }
  return lines;
}
