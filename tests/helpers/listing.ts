import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { mulberry32 } from '../../common/random.js';
import { compileQuestionnaire, dotmListing, FormState, validateResponse } from '../../questionnaires/index.js';

/**
 * One listing interview of an area, filled as the app does: every household with its screening
 * answers (about 30% with a former member abroad, 10% with a returned member), two households a
 * dwelling, the head's name `Head <ea>/<h>` (an identifier that must never reach analysts).
 */
export function listingOf(ea: string, households: number, seed: number): { instanceId: string; answers: Record<string, unknown> } {
  const q = compileQuestionnaire(dotmListing);
  const s = new FormState(q, { now: () => new Date('2026-03-10T08:00:00Z'), enumerator: 'enum' });
  const rand = mulberry32(seed);
  s.setAnswer('listing_ea', ea);
  for (let h = 1; h <= households; h++) {
    const k = s.addRow('listing');
    s.setAnswer(`listing[${k}].dwelling`, Math.ceil(h / 2));
    s.setAnswer(`listing[${k}].household_no`, h % 2 === 1 ? 1 : 2);
    s.setAnswer(`listing[${k}].head_name`, `Head ${ea}/${h}`);
    for (const name of ['l_member_abroad', 'l_member_returned', 'l_member_born_abroad', 'l_remit'])
      s.setAnswer(`listing[${k}].${name}`, rand() < (name === 'l_member_abroad' ? 0.3 : 0.1) ? '1' : '0');
  }
  expect(s.problems()).toEqual([]);
  const doc = s.toResponse(randomUUID());
  expect(validateResponse(q, doc, { now: () => new Date('2026-03-10T08:00:00Z') }).problems).toEqual([]);
  return { instanceId: doc.instanceId, answers: doc.answers };
}
