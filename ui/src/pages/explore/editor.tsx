// The PromQL editor: CodeMirror 6 with codemirror-promql (highlighting,
// completion of functions, metric names, label names and values from this
// server, and lint showing parse errors at their position). Ctrl/Cmd+Enter runs.
// Server errors are shown under the editor, with their position marked (explore.tsx).
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { highlightSelectionMatches } from '@codemirror/search';
import { EditorState, Prec } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useLayoutEffect, useRef } from 'preact/hooks';

const highlight = HighlightStyle.define([
  { tag: tags.number, color: 'var(--cm-number)' },
  { tag: tags.string, color: 'var(--cm-string)' },
  { tag: tags.keyword, color: 'var(--cm-keyword)', fontWeight: 'bold' },
  { tag: tags.function(tags.variableName), color: 'var(--cm-function)' },
  { tag: tags.labelName, color: 'var(--cm-label)' },
  { tag: tags.operator, color: 'var(--cm-operator)' },
  { tag: tags.modifier, color: 'var(--cm-keyword)', fontWeight: 'bold' },
  { tag: tags.comment, color: 'var(--fg-muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--crit)' },
]);

const theme = EditorView.theme({
  '&': {
    background: 'var(--bg-panel)',
    color: 'var(--fg)',
    border: '1px solid var(--border)',
    borderRadius: '4px',
    fontSize: '14px',
  },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-content': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', padding: '6px 0', caretColor: 'var(--fg)' },
  '.cm-line': { padding: '0 8px' },
  '.cm-scroller': { maxHeight: '240px' },
  '.cm-placeholder': { color: 'var(--fg-muted)' },
  '.cm-tooltip': { background: 'var(--bg-panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { background: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'var(--fg-muted)', marginLeft: '8px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--crit)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { background: 'var(--bg-hover)' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
});

interface Props {
  value: string;
  onChange: (v: string) => void;
  onRun: () => void;
}

export function PromQLEditor({ value, onChange, onRun }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  // The last text this editor reported: a `value` equal to it is our own echo, not an
  // external change (re-applying an older echo while newer typing is pending would make
  // the editor and its owner overwrite each other).
  const emitted = useRef(value);
  const onRunRef = useRef(onRun);
  const latest = useRef(value); // the newest `value` prop (effects must not use a captured one)
  latest.current = value;
  onChangeRef.current = onChange;
  onRunRef.current = onRun;

  useLayoutEffect(() => {
    const promql = new PromQLExtension()
      .activateCompletion(true)
      .activateLinter(true)
      .setComplete({ remote: { url: '', httpMethod: 'GET' } });
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: (emitted.current = latest.current),
        extensions: [
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          autocompletion({ activateOnTyping: true }),
          highlightSelectionMatches(),
          syntaxHighlighting(highlight),
          placeholder('Expression (press Ctrl+Enter or Cmd+Enter to run)'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
          theme,
          Prec.highest(
            keymap.of([
              {
                key: 'Mod-Enter',
                run: () => {
                  onRunRef.current();
                  return true;
                },
              },
            ]),
          ),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
          promql.asExtension(),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              emitted.current = u.state.doc.toString();
              onChangeRef.current(emitted.current);
            }
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // External value changes (history click, URL navigation). This must not act on a stale
  // `value`: Preact runs a pending useEffect at the start of the component's next render,
  // by which time the user may have typed on. A stale effect then pushed an old text into
  // the editor, whose echo re-rendered the owner with it while the next stale effect pushed
  // the newer one back: an endless render loop that froze the page (issue #9). So the sync
  // runs as a layout effect (synchronously after the render that brought `value`) and reads
  // the latest prop, never a captured one.
  useLayoutEffect(() => {
    const v = view.current;
    const want = latest.current;
    if (!v || want === emitted.current) return;
    emitted.current = want;
    const cur = v.state.doc.toString();
    if (cur !== want) v.dispatch({ changes: { from: 0, to: cur.length, insert: want } });
  }, [value]);

  return <div ref={host} class="promql-editor" />;
}

export function focusEditor(root: HTMLElement | null): void {
  (root?.querySelector('.cm-content') as HTMLElement | null)?.focus();
}
