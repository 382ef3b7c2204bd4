import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * scrypt cost: OWASP Password Storage Cheat Sheet (2024): N = 2^17, r = 8, p = 1 (128 MiB, about half
 * a second here). `MDSURVEY_SCRYPT_LOG2N` lowers it for test suites only (stored hashes record their
 * own parameters, and a hash below the current cost is upgraded at the next sign-in).
 */
export function scryptParams(): { N: number; r: number; p: number } {
  const log2n = Number(process.env.MDSURVEY_SCRYPT_LOG2N ?? 17);
  return { N: 2 ** (Number.isInteger(log2n) && log2n >= 10 && log2n <= 20 ? log2n : 17), r: 8, p: 1 };
}
const MAXMEM = 512 * 1024 * 1024;

/** At most two hashes at a time (one per core): a burst of sign-ins queues instead of taking gigabytes. */
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** scrypt hash as `scrypt$N$r$p$salt$hash` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = scryptParams();
  const salt = randomBytes(16);
  const hash = await limited(() => scrypt(password, salt, 32, { N, r, p, maxmem: MAXMEM }));
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await limited(() =>
    scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(N), r: Number(r), p: Number(p), maxmem: MAXMEM }),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when a stored hash was made at a lower cost than today's (it is re-hashed at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [scheme, N, r, p] = stored.split('$');
  const want = scryptParams();
  return scheme !== 'scrypt' || Number(N) < want.N || Number(r) < want.r || Number(p) < want.p;
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same time as checking a real password, for a user name that does not exist: sign-in
 * takes as long whether or not the name is known, so timing does not reveal which names exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('base64'));
  await verifyPassword(password, await dummy);
  return false;
}

/** A random password a person can type (16 characters). */
export function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

/** Shortest password accepted (NIST SP 800-63B asks for at least 8, 15 without a second factor; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;

// Passwords seen most often in breach corpora, and words a survey team would try; compared case-insensitively.
const DENY = new Set(
  [
    '123456789012',
    '1234567890123',
    'password1234',
    'password12345',
    'passwordpassword',
    'qwertyuiop12',
    'qwertyuiopasdf',
    '111111111111',
    '000000000000',
    'iloveyou1234',
    'administrator',
    'admin1234567',
    'welcome12345',
    'letmein12345',
    'changeme1234',
    'abcdefghijkl',
    'abc123abc123',
    'password123!',
    'p@ssw0rd1234',
    'qwerty123456',
    '1q2w3e4r5t6y',
    'zaq12wsxcde3',
    'football1234',
    'baseball1234',
    'sunshine1234',
    'princess1234',
    'trustno11234',
    'mdsurvey1234',
    'mdsurveymdsurvey',
    'enumerator123',
    'supervisor123',
    'statistician1',
    'fieldwork123',
    'household123',
    'census123456',
    'survey123456',
  ].map((p) => p.toLowerCase()),
);

/** Why a new password is refused (too short, too long, common, or containing the user name), or null. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 200) return 'a password has at most 200 characters';
  const lower = password.toLowerCase();
  if (DENY.has(lower) || /^(.)\1+$/.test(password) || /^(0123456789|1234567890|abcdefghij)/.test(lower)) return 'this password is too common; choose another';
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'a password must not contain the user name';
  return null;
}
