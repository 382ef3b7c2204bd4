/** Constraints without a message are said in words, never as the expression (". >= 3"). */
import { describe, expect, it } from 'vitest';
import { constraintInWords } from '../../../questionnaires/constraint-words.js';
import { compileQuestionnaire, FormState, type Questionnaire } from '../../../questionnaires/index.js';

describe('constraints in words', () => {
  it.each([
    ['. >= 0 and . <= 120', 'must be from 0 to 120'],
    ['. >= 3', 'must be at least 3'],
    ['. > 0', 'must be more than 0'],
    ['. < 100', 'must be less than 100'],
    ['0 <= .', 'must be at least 0'],
    ['. > 0 and . <= 1', 'must be more than 0 and at most 1'],
    [". != 'other'", 'must not be other'],
    ["regex(., '^[0-9]*$')", 'is not in the expected form'],
    ['. <= ${age}', 'must be at most the answer to age'],
    ['count-selected(.) <= 3 or ${x} = 1', "is not accepted by this question's check"],
  ])('%s: %s', (source, words) => {
    expect(constraintInWords(source)).toBe(words);
  });
  it('is what the form says when the author wrote no message', () => {
    const q: Questionnaire = {
      id: 'c',
      version: '1',
      title: 'C',
      languages: { default: 'en', available: ['en'] },
      items: [{ kind: 'question', name: 'n', type: 'integer', label: 'Rooms', constraint: '. >= 1 and . <= 30' }],
    };
    const state = new FormState(compileQuestionnaire(q));
    state.setAnswer('n', 40);
    expect(state.problems()[0].message).toBe('the answer must be from 1 to 30');
  });
});
