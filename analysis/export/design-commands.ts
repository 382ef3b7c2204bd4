import type { DatasetDesign } from '../dataset.js';

// Stata's singleunit() has no exact twin of R's lonely-PSU rules: missing (no SE) for fail, certainty for
// certainty, centered for R's adjust (both centre on the grand mean), scaled for remove and average.
const LONELY_STATA: Record<string, string> = { fail: 'missing', remove: 'scaled', certainty: 'certainty', adjust: 'centered', average: 'scaled' };
const LONELY_R: Record<string, string> = { fail: 'fail', remove: 'remove', certainty: 'certainty', adjust: 'adjust', average: 'average' };

/** The Stata `svyset` line that reproduces a dataset's design (every level file carries the design columns). */
export function svysetLine(design: DatasetDesign): string {
  if (design.replicates) {
    const r = design.replicates;
    const method = { JK1: 'jk1', JKn: 'jackknife', BRR: 'brr', Fay: 'brr', bootstrap: 'bootstrap', other: 'sdr' }[r.type];
    const fay = r.type === 'Fay' ? ` fay(${r.rho ?? 0.3})` : '';
    const mse = r.mse ? ' mse' : '';
    // Stata takes one multiplier for all replicates; per-stratum JKn factors need jkrweight(..., multiplier()) per stratum.
    if (r.rscales && new Set(r.rscales).size > 1)
      return `* per-replicate factors (rscales) differ: declare them with svyset ..., jkrweight(COLS, multiplier(#)) per stratum\nsvyset [pweight=${design.weights}], ${method}rweight(${r.columns.join(' ')})${fay}${mse} vce(${method === 'jk1' ? 'jackknife' : method})`;
    return `svyset [pweight=${design.weights}], ${method}rweight(${r.columns.join(' ')})${fay}${mse} vce(${method === 'jk1' ? 'jackknife' : method})`;
  }
  const ids = design.ids ?? [];
  const fpc = design.fpc ?? [];
  const stage1 = ids[0] && ids[0] !== '1' && ids[0] !== '0' ? ids[0] : '_n';
  const opts = [
    design.strata ? `strata(${design.strata})` : '',
    fpc[0] ? `fpc(${fpc[0]})` : '',
    `singleunit(${LONELY_STATA[design.lonelyPsu ?? 'fail']})`,
  ].filter(Boolean);
  const stage2 = ids[1] ? ` || ${ids[1]}${fpc[1] ? `, fpc(${fpc[1]})` : ''}` : '';
  return `svyset ${stage1} [pweight=${design.weights}], ${opts.join(' ')}${stage2}`;
}

/** The R `survey` call that reproduces a dataset's design on a data frame `data`. */
export function svydesignCall(design: DatasetDesign, data = 'data'): string {
  const lonely = `options(survey.lonely.psu = "${LONELY_R[design.lonelyPsu ?? 'fail']}")`;
  if (design.replicates) {
    const r = design.replicates;
    const type = r.type === 'bootstrap' ? 'bootstrap' : r.type === 'other' ? 'other' : r.type;
    const args = [
      `weights = ~${design.weights}`,
      `repweights = "^(${r.columns.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')})$"`,
      `type = "${type}"`,
      `data = ${data}`,
    ];
    if (r.scale !== undefined) args.push(`scale = ${r.scale}`, `rscales = ${r.rscales ? `c(${r.rscales.join(', ')})` : '1'}`);
    if (r.type === 'Fay') args.push(`rho = ${r.rho ?? 0.3}`);
    if (r.mse) args.push('mse = TRUE');
    return `${lonely}\ndesign <- svrepdesign(${args.join(', ')})`;
  }
  const ids = design.ids?.length ? design.ids.join(' + ') : '1';
  const args = [`ids = ~${ids}`];
  if (design.strata) args.push(`strata = ~${design.strata}`);
  if (design.fpc?.length) args.push(`fpc = ~${design.fpc.join(' + ')}`);
  args.push(`weights = ~${design.weights}`);
  if (design.nest) args.push('nest = TRUE');
  args.push(`data = ${data}`);
  return `${lonely}\ndesign <- svydesign(${args.join(', ')})`;
}
