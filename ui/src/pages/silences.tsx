// Silences: active / pending / expired lists, expire (DELETE), create and edit.
import { useState } from 'preact/hooks';
import { Badge, ErrorBox, Loading } from '../components/common';
import { SilenceDialog, type SilenceDraft } from '../components/silence_form';
import { api, ApiError, useApi } from '../lib/api';
import { formatMatcher } from '../lib/matchers';
import { setSearchParams, useSearchParams } from '../lib/router';
import { formatAgo, formatTime, parseApiTime } from '../lib/time';
import type { Silence } from '../lib/types';

const states = ['active', 'pending', 'expired'] as const;
type SilenceState = (typeof states)[number];

export function SilencesPage() {
  const params = useSearchParams();
  const st = params.get('state');
  const tab: SilenceState = st === 'pending' || st === 'expired' ? st : 'active';
  const onlyId = params.get('id') ?? '';
  const [draft, setDraft] = useState<SilenceDraft | null>(null);
  const [error, setError] = useState<string>('');
  const [notice, setNotice] = useState('');
  const list = useApi((signal) => api.get<Silence[]>('/api/v2/silences', undefined, signal), []);

  const all = list.data ?? [];
  const counts: Record<SilenceState, number> = { active: 0, pending: 0, expired: 0 };
  for (const s of all) counts[s.status.state] = (counts[s.status.state] ?? 0) + 1;
  const shown = all
    .filter((s) => (onlyId ? s.id === onlyId : s.status.state === tab))
    .sort((a, b) => (parseApiTime(b.endsAt) ?? 0) - (parseApiTime(a.endsAt) ?? 0));

  const setTab = (t: SilenceState) => {
    const p = new URLSearchParams();
    if (t !== 'active') p.set('state', t);
    setSearchParams(p, { replace: false });
  };

  const expire = async (s: Silence) => {
    setError('');
    setNotice('');
    try {
      await api.del(`/api/v2/silence/${encodeURIComponent(s.id)}`);
      setNotice(`Silence ${s.id} expired.`);
      list.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <div>
      <h1>Silences</h1>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setDraft({ matchers: [] })}>
          New silence
        </button>
        <button type="button" onClick={() => list.reload()}>
          Refresh
        </button>
      </div>
      {notice && (
        <div class="banner banner-ok" role="status">
          {notice}
        </div>
      )}
      <ErrorBox error={error} />
      <div class="tabs" role="tablist" aria-label="Silence state">
        {states.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={!onlyId && tab === s}
            onClick={() => setTab(s)}
          >
            {s[0].toUpperCase() + s.slice(1)} ({counts[s]})
          </button>
        ))}
      </div>
      {onlyId && <p class="muted">Showing silence {onlyId} only.</p>}
      <ErrorBox error={list.error} what="Loading silences" />
      <Loading loading={list.loading} hasData={!!list.data} />
      {list.data && shown.length === 0 && <p class="muted">No {onlyId ? 'such' : tab} silences.</p>}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table class="silences-table">
            <thead>
              <tr>
                <th>Matchers</th>
                <th>State</th>
                <th>Starts</th>
                <th>Ends</th>
                <th>Created by</th>
                <th>Comment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.id} data-silence-id={s.id}>
                  <td>
                    <span class="labels">
                      {s.matchers.map((m, i) => (
                        <span class="label" key={i}>
                          {formatMatcher({ ...m, isEqual: m.isEqual ?? true })}
                        </span>
                      ))}
                    </span>
                    <div class="muted mono">{s.id}</div>
                  </td>
                  <td>
                    <Badge kind={s.status.state === 'active' ? 'info' : s.status.state === 'pending' ? 'pending' : ''}>
                      {s.status.state}
                    </Badge>
                  </td>
                  <td title={formatTime(parseApiTime(s.startsAt))}>{formatAgo(parseApiTime(s.startsAt))}</td>
                  <td title={formatTime(parseApiTime(s.endsAt))}>{formatAgo(parseApiTime(s.endsAt))}</td>
                  <td>{s.createdBy}</td>
                  <td>{s.comment}</td>
                  <td>
                    <span class="toolbar" style="margin:0">
                      {s.status.state !== 'expired' && (
                        <button type="button" class="small danger" onClick={() => expire(s)}>
                          Expire
                        </button>
                      )}
                      <button
                        type="button"
                        class="small"
                        onClick={() =>
                          setDraft({
                            id: s.status.state === 'expired' ? undefined : s.id,
                            matchers: s.matchers.map((m) => ({ ...m, isEqual: m.isEqual ?? true })),
                            createdBy: s.createdBy,
                            comment: s.comment,
                          })
                        }
                      >
                        {s.status.state === 'expired' ? 'Recreate' : 'Edit'}
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {draft && (
        <SilenceDialog
          title={draft.id ? 'Edit silence' : 'New silence'}
          draft={draft}
          onCancel={() => setDraft(null)}
          onDone={(id) => {
            setDraft(null);
            setNotice(`Silence ${id} saved.`);
            list.reload();
          }}
        />
      )}
    </div>
  );
}
