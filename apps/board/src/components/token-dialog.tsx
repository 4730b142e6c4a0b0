import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getToken, onAuthNeeded, onTokenChange, setToken, tokenRequired } from '../api';

const openers = new Set<(reason?: string) => void>();

/** Opens the token dialog (after a 401, say) with a reason shown above the field. */
export function askForToken(reason?: string): void {
  for (const o of openers) o(reason);
}

/** Why `doing` (Cancelling, Retrying, …) was refused: no token (401), or a token whose role may not (403). */
export function tokenReason(err: unknown, doing: string): string {
  if (err instanceof ApiError && err.status === 403) return `${doing} needs a token that may do it (admin, or the submit token that submitted it): ${err.message}`;
  return `${doing} needs the API token.`;
}

export function useToken(): string {
  const [token, set] = useState(getToken());
  useEffect(() => onTokenChange(() => set(getToken())), []);
  return token;
}

/**
 * The API token: when the server has tokens every request needs one — a read token to look, a submit
 * token to submit and change what it submitted, an admin token for anything. It is kept in this
 * browser's localStorage and sent with every request to this server only.
 */
export function TokenButton() {
  const token = useToken();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState<string | undefined>(undefined);
  useEffect(() => {
    const open = (why?: string) => {
      setReason(why);
      if (!dialog.current?.open) dialog.current?.showModal();
      if (input.current) input.current.value = getToken();
      input.current?.focus();
    };
    openers.add(open);
    const offAuth = onAuthNeeded(open);
    return () => {
      openers.delete(open);
      offAuth();
    };
  }, []);
  const required = tokenRequired();
  return (
    <>
      <button type="button" class="btn btn-quiet" onClick={() => askForToken()} aria-haspopup="dialog" title={required ? 'This server needs a token' : 'This server needs no token'}>
        {token ? 'Token set' : required ? 'Set token' : 'Token'}
      </button>
      <dialog ref={dialog} class="dialog" aria-labelledby="token-title">
        <form
          method="dialog"
          onSubmit={() => {
            setToken(input.current?.value.trim() ?? '');
          }}
        >
          <h2 id="token-title">API token</h2>
          {reason ? <p class="note note-error">{reason}</p> : null}
          <p class="muted">
            {required
              ? 'This server needs a bearer token: a read token to look, a submit or admin token to submit, cancel, retry, try or change schedules. `tinysweep up` prints a link that sets it; its token is also in .data/api-token.'
              : 'This server does not ask for a token; you only need one if it is set later.'}{' '}
            The token stays in this browser (localStorage) and goes to this server only.
          </p>
          <label class="field" for="token-input">
            <span>Token</span>
            <input id="token-input" ref={input} type="password" autocomplete="off" spellcheck={false} />
          </label>
          <div class="dialog-actions">
            <button type="submit" class="btn btn-primary">
              Save
            </button>
            <button
              type="button"
              class="btn"
              onClick={() => {
                setToken('');
                dialog.current?.close();
              }}
            >
              Forget
            </button>
            <button type="button" class="btn btn-quiet" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
