// On-call: who is on call now and next, per schedule and per escalation policy.
import { ErrorBox, Loading } from '../components/common';
import { api, useApi } from '../lib/api';
import { formatAgo, formatTime, parseApiTime } from '../lib/time';
import type { Oncall } from '../lib/types';

function People({ names }: { names: string[] }) {
  return names.length ? <span>{names.join(', ')}</span> : <span class="error">nobody</span>;
}

export function OncallPage() {
  const oc = useApi((signal) => api.get<Oncall>('/api/v1/oncall', undefined, signal), []);
  return (
    <div>
      <h1>On-call</h1>
      <ErrorBox error={oc.error} what="Loading on-call" />
      <Loading loading={oc.loading} hasData={!!oc.data} />
      {oc.data && (
        <>
          <h2>Schedules</h2>
          {oc.data.schedules.length === 0 ? (
            <p class="muted">No schedules configured.</p>
          ) : (
            <div class="table-wrap">
              <table class="oncall-table">
                <thead>
                  <tr>
                    <th>Schedule</th>
                    <th>Now</th>
                    <th>Next</th>
                    <th>Changes</th>
                  </tr>
                </thead>
                <tbody>
                  {oc.data.schedules.map((s) => (
                    <tr key={s.schedule}>
                      <td>{s.schedule}</td>
                      <td>
                        <People names={s.now} />
                      </td>
                      <td>
                        <People names={s.next} />
                      </td>
                      <td title={formatTime(parseApiTime(s.next_change_at))}>
                        {formatAgo(parseApiTime(s.next_change_at))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Escalation policies</h2>
          {oc.data.policies.length === 0 ? (
            <p class="muted">No escalation policies configured.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Policy</th>
                    <th>First level now</th>
                  </tr>
                </thead>
                <tbody>
                  {oc.data.policies.map((p) => (
                    <tr key={p.policy}>
                      <td>{p.policy}</td>
                      <td>
                        <People names={p.level1_now} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
