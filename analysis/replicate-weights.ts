/** Replicate weights as a design carries them (types only: design.ts and replicates.ts both read them). */

export type ReplicateType = 'JK1' | 'JKn' | 'BRR' | 'Fay' | 'bootstrap' | 'other';

/**
 * Replicate weights: replicate r gives row i the weight w_i * multipliers[psu(i) * R + r] (created
 * from the design), or columns[r][i] (given in the data).
 */
export interface ReplicateWeights {
  type: ReplicateType;
  count: number;
  /** nPsu x R multipliers of the full-sample weight (created replicates). */
  multipliers: Float64Array | null;
  /** R columns of replicate weights (given replicates). */
  columns: Float64Array[] | null;
  scale: number;
  rscales: Float64Array;
  /** Centre on the full-sample estimate instead of the mean of the replicates. */
  mse: boolean;
  /** Degrees of freedom: the design's for created replicates (as R as.svrepdesign), rank minus one for given ones. */
  df: number;
}
