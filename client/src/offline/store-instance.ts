import { InterviewStore, requestPersistentStorage } from './interview-store.js';

let store: Promise<InterviewStore> | null = null;

/** The device's interview store, opened once; asks for persistent storage on first use. */
export function interviewStore(): Promise<InterviewStore> {
  if (!store) {
    store = InterviewStore.open();
    void requestPersistentStorage();
  }
  return store;
}
