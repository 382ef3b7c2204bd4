import { deviceUser, onUserChange } from '../session.js';
import { InterviewStore, requestPersistentStorage } from './interview-store.js';

let store: { userId: string; store: Promise<InterviewStore> } | null = null;

/**
 * The signed-in user's interview store on this device, opened once per user; asks for persistent
 * storage on first use. Another user of the same tablet gets another store: drafts with respondents'
 * names are never listed to them. Without a signed-in user it refuses.
 */
export function interviewStore(): Promise<InterviewStore> {
  const user = deviceUser();
  if (!user) return Promise.reject(new Error('sign in to open the interviews kept on this device'));
  if (store?.userId !== user.id) {
    void store?.store.then((s) => s.close());
    store = { userId: user.id, store: InterviewStore.openForUser(user.id) };
    void requestPersistentStorage();
  }
  return store.store;
}

// Sign-out (or another user signing in) closes the store it had opened.
onUserChange(() => {
  const user = deviceUser();
  if (store && store.userId !== user?.id) {
    void store.store.then((s) => s.close());
    store = null;
  }
});
