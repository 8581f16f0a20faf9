/**
 * Waits for `shared`, a promise another request started, with a timer of this
 * request's own. A request whose only pending work belongs to another request
 * has no I/O in flight, and the Workers runtime cancels it as hung ("code had
 * hung"); the timer keeps it waiting visibly. After `ms`, `expire()` answers
 * instead (or throws).
 */
export function withOwnTimer<T>(shared: Promise<T>, ms: number, expire: () => T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(expire());
      } catch (err) {
        reject(err);
      }
    }, ms);
  });
  return Promise.race([shared, expiry]).finally(() => clearTimeout(timer));
}
