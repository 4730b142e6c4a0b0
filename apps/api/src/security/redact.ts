import { REDACTED } from '@tinysweep/spec';

/**
 * A URL fit to show: its scheme and host, the rest hidden. Chat webhooks carry their credential in
 * the path (https://hooks.slack.com/services/T0/B0/secret), so the path, query and any user:password go.
 */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return REDACTED;
  }
}
