import { spawnMdsurvey } from './cli.js';

/**
 * Starts `mdsurvey serve` on a free port and waits for its banner: its URL, the process, when it
 * exits, and the first admin's password when this start created the account.
 */
export async function serve(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawnMdsurvey(['serve', ...args], { PORT: '0', HOST: '127.0.0.1', ...env });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner; stderr: ${stderr}`)), 30_000);
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = /running at (http:\/\/localhost:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { url, child, exited, password: /password:\s+(\S+)/.exec(stderr)?.[1], banner: stderr };
}
