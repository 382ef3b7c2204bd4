/** The interface's words and the form's default messages in the questionnaire's languages. */
import { describe, expect, it } from 'vitest';
import { INTERFACE_KEYS, INTERFACE_LANGUAGES, interfaceText } from '../../../questionnaires/interface-text.js';
import { DISPOSITIONS, dispositionLabel } from '../../../common/dispositions.js';
import { compileQuestionnaire, FormState, type Questionnaire } from '../../../questionnaires/index.js';

describe('interface text', () => {
  it('speaks English, French and Spanish, and English for a language it lacks', () => {
    expect(interfaceText('fr')('next')).toBe('Section suivante');
    expect(interfaceText('es-MX')('complete')).toBe('Terminar la entrevista');
    expect(interfaceText('sw')('next')).toBe('Next section');
    expect(interfaceText('en')('sectionOf', { n: 2, total: 7 })).toBe('Section 2 of 7');
  });
  it('gives the form default messages in the interview language', () => {
    const q: Questionnaire = {
      id: 'm',
      version: '1',
      title: 'M',
      languages: { default: 'en', available: ['en', 'fr', 'es'] },
      items: [
        { kind: 'question', name: 'rooms', type: 'integer', label: { en: 'Rooms', fr: 'Pièces', es: 'Cuartos' }, constraint: '. >= 1 and . <= 30' },
        { kind: 'question', name: 'head', type: 'text', label: { en: 'Head', fr: 'Chef', es: 'Jefe' }, required: true },
      ],
    };
    const c = compileQuestionnaire(q);
    const fr = new FormState(c, { language: 'fr' });
    fr.setAnswer('rooms', 40);
    fr.complete();
    expect(fr.problems().map((p) => p.message)).toEqual(['la réponse doit être comprise entre 1 et 30', 'une réponse est requise']);
    const es = new FormState(c, { language: 'es' });
    es.setAnswer('rooms', 0);
    expect(es.problems()[0].message).toBe('la respuesta debe estar entre 1 y 30');
  });
  it('has every word in every language, with the same placeholders, and the visit outcomes too', () => {
    const en = interfaceText('en');
    const keys = INTERFACE_KEYS;
    expect(keys.length).toBeGreaterThan(60);
    for (const lang of INTERFACE_LANGUAGES) {
      const say = interfaceText(lang);
      for (const k of keys) {
        const places = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(places(say(k)), `${lang} ${k}`).toEqual(places(en(k)));
        if (lang !== 'en' && !['latitude', 'longitude', 'note', 'supervisor'].includes(k)) expect(say(k), `${lang} ${k} is translated`).not.toBe(en(k));
      }
      for (const d of DISPOSITIONS) {
        expect(dispositionLabel(d.code, lang)).toBeTruthy();
        if (lang !== 'en') expect(dispositionLabel(d.code, lang), `${lang} ${d.code}`).not.toBe(d.label);
      }
    }
    expect(interfaceText('fr')('casesShown', { n: 3, total: 9 })).toBe('3 cas sur 9');
  });
});
