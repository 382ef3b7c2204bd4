// Copies the page screenshots the end-to-end pipeline test takes (screenshots/NAME-WIDTH.png, every
// page at 1280, 768 and 390 px) into docs/screenshots/, where the README shows them.
// Run: npm run screenshots (the test, then this copy).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = [
  'login',
  'home',
  'users',
  'surveys',
  'survey-setup',
  'sample',
  'weights',
  'fieldwork',
  'interview',
  'progress',
  'review-list',
  'review',
  'workspace',
  'monitoring',
];
const WIDTHS = [1280, 768, 390];
const from = path.join(root, 'screenshots');
const to = path.join(root, 'docs', 'screenshots');
fs.mkdirSync(to, { recursive: true });
const missing = [];
for (const page of PAGES)
  for (const width of WIDTHS) {
    const file = `${page}-${width}.png`;
    if (!fs.existsSync(path.join(from, file))) missing.push(file);
    else fs.copyFileSync(path.join(from, file), path.join(to, file));
  }
if (missing.length) {
  console.error(`copy-screenshots: missing ${missing.join(', ')} (run tests/e2e/dotm-pipeline.test.ts first)`);
  process.exit(2);
}
console.log(`copy-screenshots: ${PAGES.length * WIDTHS.length} screenshots in docs/screenshots/`);
