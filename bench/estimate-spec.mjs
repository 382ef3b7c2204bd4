// The three domain estimates the table benchmarks time (bench/estimate-table.mjs, estimate-scale.mjs),
// the same three bench/estimate.R and estimate-table.R run in R: written as an `estimate --spec` file.
import fs from 'node:fs';
import path from 'node:path';

/** Writes the spec into `dir` and returns its path. */
export function writeTableSpec(dir) {
  const spec = path.join(dir, 'estimate-table.json');
  fs.writeFileSync(
    spec,
    JSON.stringify({
      estimates: [
        { name: '1', mean: 'outcome', by: 'migrant' },
        { name: '2', mean: 'outcome', by: 'migrant', subset: '${age} >= 6 and ${age} <= 17' },
        { name: '3', total: 'amount', by: 'migrant', subset: '${relation} = 1' },
      ],
    }),
  );
  return spec;
}
