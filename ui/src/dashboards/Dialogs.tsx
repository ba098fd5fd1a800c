// In-page confirm and prompt dialogs (window.confirm/prompt block the page and tests).
import { useEffect, useRef, useState } from 'preact/hooks';

export type DialogSpec =
  | { kind: 'confirm'; title: string; message: string; confirmLabel: string; danger?: boolean; onConfirm(): void }
  | { kind: 'prompt'; title: string; label: string; initial: string; confirmLabel: string; onSubmit(value: string): void };

export function Dialog({ spec, onClose }: { spec: DialogSpec; onClose(): void }) {
  const [value, setValue] = useState(spec.kind === 'prompt' ? spec.initial : '');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current?.querySelector<HTMLElement>(spec.kind === 'prompt' ? 'input' : 'button');
    el?.focus();
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    if (spec.kind === 'confirm') spec.onConfirm();
    else if (value.trim()) spec.onSubmit(value.trim());
    else return;
    onClose();
  };
  return (
    <div class="dash-modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div class="dash-modal dash-dialog panel" role="dialog" aria-modal="true" aria-label={spec.title} ref={ref}>
        <h2>{spec.title}</h2>
        <form onSubmit={submit}>
          {spec.kind === 'confirm' ? (
            <p>{spec.message}</p>
          ) : (
            <label class="dash-dialog-field">
              {spec.label}
              <input value={value} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} />
            </label>
          )}
          <div class="toolbar dash-modal-actions">
            <button type="submit" class={spec.kind === 'confirm' && spec.danger ? 'danger' : 'primary'}>
              {spec.confirmLabel}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
