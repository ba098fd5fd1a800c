import { EditorView } from '@codemirror/view';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { describe, expect, it } from 'vitest';
import { PromQLEditor } from './editor';

// The owner keeps the text in its state, like the Explore page. It stops feeding the
// editor after `limit` changes so that a ping-pong between the two ends instead of
// hanging the test.
function mount(initial: string, limit = 50) {
  const changes: string[] = [];
  let setOuter: (v: string) => void = () => {};
  function Owner() {
    const [expr, setExpr] = useState(initial);
    setOuter = setExpr;
    return (
      <PromQLEditor
        value={expr}
        onChange={(v) => {
          changes.push(v);
          if (changes.length <= limit) setExpr(v);
        }}
        onRun={() => {}}
      />
    );
  }
  const root = document.createElement('div');
  document.body.appendChild(root);
  render(<Owner />, root);
  const view = () => EditorView.findFromDOM(root.querySelector('.cm-editor') as HTMLElement)!;
  const replaceAll = (text: string) =>
    view().dispatch({ changes: { from: 0, to: view().state.doc.length, insert: text } });
  const unmount = () => {
    render(null, root);
    root.remove();
  };
  return { view, changes, replaceAll, setOuter: (v: string) => setOuter(v), unmount };
}

// jsdom lays nothing out; CodeMirror's measuring needs these to exist.
if (!Range.prototype.getClientRects) {
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => new DOMRect();
}

// Long enough for Preact to flush effects (it waits for an animation frame, at most 35 ms).
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 50));
const microtasks = () => Promise.resolve().then(() => Promise.resolve());

describe('PromQLEditor', () => {
  it('starts with the value', async () => {
    const ed = mount('up{job="node"}');
    await tick();
    expect(ed.view().state.doc.toString()).toBe('up{job="node"}');
    ed.unmount();
  });

  // Issue #9: select all, Delete, then paste froze Explore. The owner re-rendered with ""
  // and, before that render's effects ran, the paste made the text newer. Preact then ran
  // the stale effect at the start of the next render: it pushed "" back into the editor,
  // whose echo re-rendered the owner, whose next stale effect pushed the paste back, and
  // so on forever.
  it('does not fight its owner when typing outruns the owner re-rendering', async () => {
    const ed = mount('sum(x');
    await tick();
    ed.replaceAll('');
    await microtasks(); // the owner renders "", its effects still pending
    ed.replaceAll('sum(rate(node_cpu_seconds_total[5m]))');
    await microtasks();
    await tick();
    await tick();
    expect(ed.changes).toEqual(['', 'sum(rate(node_cpu_seconds_total[5m]))']);
    expect(ed.view().state.doc.toString()).toBe('sum(rate(node_cpu_seconds_total[5m]))');
    ed.unmount();
  });

  it('takes external changes (history, links) and keeps typing after them', async () => {
    const ed = mount('up');
    await tick();
    ed.setOuter('rate(x[5m])');
    await tick();
    expect(ed.view().state.doc.toString()).toBe('rate(x[5m])');
    ed.replaceAll('rate(x[1m])');
    await tick();
    expect(ed.view().state.doc.toString()).toBe('rate(x[1m])');
    expect(ed.changes).toEqual(['rate(x[5m])', 'rate(x[1m])']);
    ed.unmount();
  });
});
