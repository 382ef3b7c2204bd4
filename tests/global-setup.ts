import { chromiumTool, rTool } from './helpers/tools.js';

/** In CI every outside tool the suite needs must be there: a missing one stops the run at once, named. */
export default function setup(): void {
  if (!process.env.CI) return;
  const missing = [rTool(), chromiumTool()].filter((t) => !t.ok);
  if (missing.length) throw new Error(`CI=true and ${missing.map((t) => `${t.name} is missing (${t.reason})`).join('; ')}`);
}
