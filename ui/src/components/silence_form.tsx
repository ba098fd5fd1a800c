// Form creating (or editing) an Alertmanager silence: matchers (prefilled,
// editable), duration or end time, creator and comment -> POST /api/v2/silences.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { formatMatchers, opOf, withOp, type MatchOp, type Matcher } from '../lib/matchers';
import { formatDuration, parseDuration, parseTime } from '../lib/time';
import { ErrorBox } from './common';

const creatorKey = 'osprey.silence.creator';

export interface SilenceDraft {
  id?: string;
  matchers: Matcher[];
  duration?: string;
  createdBy?: string;
  comment?: string;
}

interface Props {
  draft: SilenceDraft;
  onDone: (silenceId: string) => void;
  onCancel: () => void;
}

function loadCreator(): string {
  try {
    return localStorage.getItem(creatorKey) ?? '';
  } catch {
    return '';
  }
}

export function SilenceForm({ draft, onDone, onCancel }: Props) {
  const [matchers, setMatchers] = useState<Matcher[]>(
    draft.matchers.length ? draft.matchers : [{ name: '', value: '', isRegex: false, isEqual: true }],
  );
  const [duration, setDuration] = useState(draft.duration ?? '2h');
  const [createdBy, setCreatedBy] = useState(draft.createdBy || loadCreator());
  const [comment, setComment] = useState(draft.comment ?? '');
  const [error, setError] = useState<string>('');
  const [busy, setBusy] = useState(false);

  const update = (i: number, m: Matcher) => setMatchers(matchers.map((x, j) => (j === i ? m : x)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const used = matchers.filter((m) => m.name.trim() !== '' || m.value !== '');
    for (const [i, m] of used.entries()) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(m.name.trim())) {
        setError(`matcher ${i + 1}: label name "${m.name}" is not valid`);
        return;
      }
    }
    if (used.length === 0) {
      setError('at least one matcher is required');
      return;
    }
    const d = parseDuration(duration);
    if (d === null || d <= 0) {
      setError(`duration "${duration}": use a duration such as 30m, 2h or 1d`);
      return;
    }
    if (!createdBy.trim()) {
      setError('creator is required');
      return;
    }
    if (!comment.trim()) {
      setError('comment is required');
      return;
    }
    const now = Date.now();
    const body: Record<string, unknown> = {
      matchers: used.map((m) => ({ ...m, name: m.name.trim() })),
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + d).toISOString(),
      createdBy: createdBy.trim(),
      comment: comment.trim(),
    };
    if (draft.id) body.id = draft.id;
    setBusy(true);
    try {
      localStorage.setItem(creatorKey, createdBy.trim());
    } catch {
      // ignore
    }
    try {
      const r = await api.post<{ silenceID: string }>('/api/v2/silences', body);
      onDone(r?.silenceID ?? '');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="silence-form" aria-label="Silence">
      <fieldset class="matchers">
        <legend>Matchers</legend>
        {matchers.map((m, i) => (
          <div class="toolbar matcher-row" key={i}>
            <input
              aria-label={`Matcher ${i + 1} label name`}
              name="matcher-name"
              value={m.name}
              placeholder="label"
              onInput={(e) => update(i, { ...m, name: e.currentTarget.value })}
            />
            <select
              aria-label={`Matcher ${i + 1} operator`}
              value={opOf(m)}
              onChange={(e) => update(i, withOp(m, e.currentTarget.value as MatchOp))}
            >
              {(['=', '!=', '=~', '!~'] as MatchOp[]).map((op) => (
                <option key={op} value={op}>
                  {op}
                </option>
              ))}
            </select>
            <input
              aria-label={`Matcher ${i + 1} value`}
              name="matcher-value"
              value={m.value}
              placeholder="value"
              onInput={(e) => update(i, { ...m, value: e.currentTarget.value })}
            />
            <button
              type="button"
              class="small"
              aria-label={`Remove matcher ${i + 1}`}
              onClick={() => setMatchers(matchers.filter((_, j) => j !== i))}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          class="small"
          onClick={() => setMatchers([...matchers, { name: '', value: '', isRegex: false, isEqual: true }])}
        >
          Add matcher
        </button>
        <p class="muted mono">{formatMatchers(matchers.filter((m) => m.name))}</p>
      </fieldset>
      <div class="form-grid">
        <label for="silence-duration">Duration</label>
        <span>
          <input id="silence-duration" value={duration} onInput={(e) => setDuration(e.currentTarget.value)} size={8} />{' '}
          <span class="muted">
            {(() => {
              const d = parseDuration(duration);
              const end = d === null ? null : parseTime('now', Date.now())! + d;
              return end === null ? 'e.g. 30m, 2h, 1d' : `until ${new Date(end).toLocaleString()} (${formatDuration(d!)})`;
            })()}
          </span>
        </span>
        <label for="silence-creator">Creator</label>
        <input id="silence-creator" value={createdBy} onInput={(e) => setCreatedBy(e.currentTarget.value)} />
        <label for="silence-comment">Comment</label>
        <input id="silence-comment" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      <ErrorBox error={error} />
      <div class="toolbar" style="margin-top:12px">
        <button type="submit" class="primary" disabled={busy}>
          {draft.id ? 'Update silence' : 'Create silence'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

// The form in a modal <dialog> (Esc closes it, focus stays inside).
export function SilenceDialog(props: Props & { title: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open && typeof d.showModal === 'function') d.showModal();
    const onClose = () => props.onCancel();
    d?.addEventListener('cancel', onClose);
    return () => d?.removeEventListener('cancel', onClose);
  }, []);
  return (
    <dialog ref={ref} aria-labelledby="silence-dialog-title">
      <h2 id="silence-dialog-title">{props.title}</h2>
      <SilenceForm draft={props.draft} onDone={props.onDone} onCancel={props.onCancel} />
    </dialog>
  );
}
