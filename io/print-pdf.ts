import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/**
 * Prints an HTML file to PDF with headless Chromium in a child process (the server's request loop, or the
 * CLI, only waits);
 * resolves null, or the reason it could not (no Chromium, a failure, two minutes passed).
 */
export function printPdfOffLoop(html: string, pdf: string): Promise<string | null> {
  const browser = process.env.MDSURVEY_CHROMIUM ?? CHROMIUM.find((c) => fs.existsSync(c));
  if (!browser) return Promise.resolve('no Chromium is installed (or set MDSURVEY_CHROMIUM)');
  return new Promise((resolve) => {
    const child = spawn(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--no-pdf-header-footer',
        `--print-to-pdf=${pdf}`,
        pathToFileURL(html).href,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(`Chromium did not start: ${e.message}`);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 && fs.existsSync(pdf) ? null : `Chromium could not print (exit ${code})`);
    });
  });
}
