import { useEffect, useRef, useState } from 'preact/hooks';
import { getToken, onTokenChange, setToken, tokenRequired } from '../api';

const openers = new Set<(reason?: string) => void>();

/** Opens the token dialog (after a 401, say) with a reason shown above the field. */
export function askForToken(reason?: string): void {
  for (const o of openers) o(reason);
}

export function useToken(): string {
  const [token, set] = useState(getToken());
  useEffect(() => onTokenChange(() => set(getToken())), []);
  return token;
}

/**
 * The API token: reads never need it; cancelling and retrying do when the server has one
 * (TINYSWEEP_API_TOKEN). It is kept in this browser's localStorage, sent only on mutations.
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
    return () => openers.delete(open);
  }, []);
  const required = tokenRequired();
  return (
    <>
      <button type="button" class="btn btn-quiet" onClick={() => askForToken()} aria-haspopup="dialog" title={required ? 'This server needs a token to cancel, retry or change schedules' : 'This server needs no token'}>
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
              ? 'This server asks for a bearer token (TINYSWEEP_API_TOKEN) to cancel sweeps, retry trials and pause, resume or run schedules. Reading needs none.'
              : 'This server does not ask for a token; you only need one if it is set later.'}{' '}
            The token stays in this browser (localStorage).
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
