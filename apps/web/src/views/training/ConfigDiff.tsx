import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';
import { diffConfigs } from '../../lib/series';

/** Two runs' resolved configurations side by side, differences marked. */
export function ConfigDiff({ runId, config }: { runId: string; config: Record<string, unknown> }) {
  const runs = useQuery(trpc.training.list.queryOptions());
  const others = (runs.data ?? []).filter((r) => r.id !== runId);
  const [otherId, setOtherId] = useState('');
  const other = others.find((r) => r.id === otherId);
  const rows = diffConfigs(config, other?.config ?? {});
  const [onlyChanged, setOnlyChanged] = useState(true);
  return (
    <Section
      id="config-diff"
      title="Configuration"
      actions={
        <>
          <select
            id="diff-with"
            value={otherId}
            onChange={(e) => setOtherId(e.target.value)}
            disabled={others.length === 0}
          >
            <option value="">{others.length ? 'diff with…' : 'no other run to diff with'}</option>
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} ({r.id})
              </option>
            ))}
          </select>
          {other && (
            <label className="muted" style={{ fontSize: 12 }}>
              <input
                type="checkbox"
                checked={onlyChanged}
                onChange={(e) => setOnlyChanged(e.target.checked)}
              />{' '}
              only differences
            </label>
          )}
        </>
      }
    >
      <table className="table diff-table" data-testid="config-table">
        <thead>
          <tr>
            <th>Field</th>
            <th>This run</th>
            {other && <th>{other.name}</th>}
          </tr>
        </thead>
        <tbody>
          {rows
            .filter((r) => !other || !onlyChanged || r.changed)
            .map((r) => (
              <tr key={r.key} className={other && r.changed ? 'changed' : undefined}>
                <td>{r.key}</td>
                <td className="cell-wrap" style={{ maxWidth: 420 }}>
                  {r.a}
                </td>
                {other && (
                  <td className="cell-wrap" style={{ maxWidth: 420 }}>
                    {r.b}
                  </td>
                )}
              </tr>
            ))}
        </tbody>
      </table>
    </Section>
  );
}
