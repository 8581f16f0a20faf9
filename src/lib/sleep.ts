/** Resolves after `ms` (a real timer: retry backoff, KV write spacing). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
