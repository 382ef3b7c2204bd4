/**
 * The user signed in on this device, remembered so the enumerator's app works offline: everything the
 * device keeps (interviews, cached cases) is kept per user and opened only for the signed-in one.
 */
export interface DeviceUser {
  id: string;
  username: string;
  role: string;
}

const KEY = 'mdsurvey-user';
const listeners = new Set<() => void>();

/** Records who signed in (at sign-in, and whenever the server confirms the session). */
export function rememberUser(u: DeviceUser): void {
  const before = localStorage.getItem(KEY);
  const now = JSON.stringify({ id: u.id, username: u.username, role: u.role });
  localStorage.setItem(KEY, now);
  if (before !== now) for (const l of listeners) l();
}

/** The user signed in on this device, or null. */
export function deviceUser(): DeviceUser | null {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as DeviceUser | null;
    return v && typeof v.id === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Forgets the user (sign-out): their interviews stay on the device, locked until they sign in again. */
export function forgetUser(): void {
  localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

/** Called when the signed-in user changes. */
export function onUserChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** A localStorage key of the signed-in user's own (cached cases ...). */
export function userKey(name: string): string {
  return `${name}:${deviceUser()?.id ?? 'nobody'}`;
}

const LANGUAGE_KEY = 'mdsurvey-language';

/** The interface language chosen on this device (en, fr, es), used by the fieldwork pages; '' when none was chosen. */
export function deviceLanguage(): string {
  return localStorage.getItem(LANGUAGE_KEY) ?? '';
}

/** Remembers the interface language chosen on this device. */
export function setDeviceLanguage(language: string): void {
  localStorage.setItem(LANGUAGE_KEY, language);
}
