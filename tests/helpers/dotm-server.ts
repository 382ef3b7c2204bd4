import type { startWebApp } from './browser.js';
import { exchangeRatesFor, interview, population, SETTINGS } from '../../examples/dotm/synthetic-dataset.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import { formatExchangeRates } from '../../analysis/index.js';

export const PASSWORD = 'a-long-password-1';

/**
 * Users (stat, sup, enum in sup's team, analyst) and synthetic DotM surveys on a running web app, each
 * round's households sent by the enumerator as real submissions and approved by the supervisor: four
 * EAs per region, migrant households oversampled (3 migrant, 2 other per EA).
 */
export async function seedDotmServer(app: Awaited<ReturnType<typeof startWebApp>>, rounds: { round: number; year: number; title?: string }[]) {
  const tokens: Record<string, string> = {};
  const api = async (method: string, p: string, body?: unknown, who = 'stat') => {
    const res = await fetch(`${app.url}/api/v1${p}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  const login = async (username: string, password: string) =>
    (
      await (
        await fetch(`${app.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password, token: true }),
        })
      ).json()
    ).token as string;
  tokens.admin = await login('admin', app.adminPassword);
  for (const [username, role] of [
    ['stat', 'statistician'],
    ['sup', 'supervisor'],
    ['enum', 'enumerator'],
    ['analyst', 'analyst'],
  ]) {
    // The enumerator is in the supervisor's team (a supervisor reviews only their team's interviews).
    const supervisorId = username === 'enum' ? (await api('GET', '/auth/me', undefined, 'sup')).user.id : undefined;
    await api('POST', '/users', { username, password: PASSWORD, role, ...(supervisorId ? { supervisorId } : {}) }, 'admin');
    tokens[username] = await login(username, PASSWORD);
  }
  const enumId = (await api('GET', '/auth/me', undefined, 'enum')).user.id;
  const surveys: { id: string; title: string }[] = [];
  for (const { round, year, title: given } of rounds) {
    const { households } = population(20261123, 40, round, year);
    const eas = [...new Set(households.map((h) => h.ea))].slice(0, 16);
    const migrant = (h: (typeof households)[number]) => h.emigrants > 0 || h.returnMigrant;
    const picked = eas.flatMap((ea) => [
      ...households.filter((h) => h.ea === ea && migrant(h)).slice(0, 3),
      ...households.filter((h) => h.ea === ea && !migrant(h)).slice(0, 2),
    ]);
    const settings = {
      design: { weights: 'w', strata: 'region', ids: ['ea'] },
      caseFields: { region: 'region', ea: 'area', w: 'design', urban: 'variable' },
      money: { priceBasis: `current prices, June ${year}` },
    };
    const title = given ?? `DotM round ${round} (${year})`;
    const id = (await api('POST', '/surveys', { title, questionnaire: dotmHousehold(SETTINGS), settings })).survey.id as string;
    surveys.push({ id, title });
    await api('PATCH', `/surveys/${id}`, { state: 'fieldwork' });
    await api('PUT', `/surveys/${id}/exchange-rates`, { csv: formatExchangeRates(exchangeRatesFor(year)) });
    const cases = (
      await api('POST', `/surveys/${id}/assignments`, {
        assignments: picked.map((h, i) => ({ enumeratorId: enumId, case: { region: h.region, ea: h.ea, urban: h.urban, w: 40 + (i % 7) * 5 } })),
      })
    ).assignments as string[];
    for (let i = 0; i < picked.length; i++) {
      const { instanceId, answers } = interview(picked[i]);
      await api(
        'POST',
        `/surveys/${id}/submissions`,
        { instanceId, questionnaire: { id: 'dotm-household', version: '1.0.0' }, answers, assignmentId: cases[i] },
        'enum',
      );
      await api('POST', `/surveys/${id}/submissions/${instanceId}/review`, { action: 'approve' }, 'sup');
    }
  }
  return { tokens, surveys, api };
}
