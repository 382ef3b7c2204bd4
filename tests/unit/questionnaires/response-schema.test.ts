import { describe, expect, it } from 'vitest';
import { compileQuestionnaire } from '../../../questionnaires/index.js';
import { dotmHousehold } from '../../../questionnaires/library/index.js';
import { SETTINGS } from '../../../examples/dotm/synthetic-dataset.js';

const dotm = compileQuestionnaire(dotmHousehold(SETTINGS));

describe('compiled definitions', () => {
  it('all have the same properties in the same order (one hidden class for the engine)', () => {
    const shapes = new Set(dotm.fields.map((f) => Object.keys(f).join(',')));
    expect(shapes.size).toBe(1);
  });
});
