/** WebSub publisher notifications (https://www.w3.org/TR/websub/#publishing), with retry and back-off. */

export interface HubNotification {
  readonly ok: boolean;
  readonly attempts: number;
  readonly error?: string;
}

export interface NotifyOptions {
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly attempts?: number;
  /** First delay between attempts; doubled each time. */
  readonly backoffMs?: number;
}

/** Tells the hub, in one request, that the feeds at `topics` changed. Retries network errors, 429 and 5xx. */
export async function notifyHub(hub: string, topics: readonly string[], options: NotifyOptions = {}): Promise<HubNotification> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const attempts = options.attempts ?? 5;
  const body = new URLSearchParams([['hub.mode', 'publish'], ...topics.map((topic): [string, string] => ['hub.url', topic])]);
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await send(hub, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
      if (response.ok) return { ok: true, attempts: attempt };
      error = `hub answered ${response.status}`;
      if (response.status !== 429 && response.status < 500) return { ok: false, attempts: attempt, error };
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    if (attempt < attempts) await sleep((options.backoffMs ?? 1000) * 2 ** (attempt - 1));
  }
  return { ok: false, attempts, error };
}
