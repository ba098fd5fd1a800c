// One panel: its frame (title, description, edit controls) and the visualisation by type.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Panel } from './model';
import type { PanelContext } from './panels/data';
import { HeatmapPanel } from './panels/HeatmapPanel';
import { TablePanel } from './panels/TablePanel';
import { TextPanel } from './panels/TextPanel';
import { TimeSeriesPanel } from './panels/TimeSeriesPanel';
import { BarGaugePanel, GaugePanel, StatPanel } from './panels/ValuePanels';

export interface PanelEditActions {
  edit(): void;
  moveUp(): void;
  moveDown(): void;
  remove(): void;
}

export const ROW_HEIGHT_PX = 30;

function useSize<T extends HTMLElement>(): [preact.RefObject<T>, { w: number; h: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => {
      const w = Math.floor(el.clientWidth);
      const h = Math.floor(el.clientHeight);
      setSize((s) => (Math.abs(s.w - w) > 2 || Math.abs(s.h - h) > 2 ? { w, h } : s));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

function PanelContent({ panel, ctx, w, h }: { panel: Panel; ctx: PanelContext; w: number; h: number }) {
  // The real size: panels lay out in it (usePanelData rounds the width for the query step).
  const props = { panel, ctx, width: w, height: h };
  switch (panel.type) {
    case 'timeseries':
      return <TimeSeriesPanel {...props} />;
    case 'stat':
      return <StatPanel {...props} />;
    case 'gauge':
      return <GaugePanel {...props} />;
    case 'bargauge':
      return <BarGaugePanel {...props} />;
    case 'table':
      return <TablePanel {...props} />;
    case 'heatmap':
      return <HeatmapPanel {...props} />;
    case 'text':
      return <TextPanel {...props} />;
    default:
      return null;
  }
}

export function PanelView(props: {
  panel: Panel;
  ctx: PanelContext;
  editing: boolean;
  actions: PanelEditActions;
  // Edit mode: makes the header the drag handle (pointer and keyboard handlers, focusable).
  headProps?: JSX.HTMLAttributes<HTMLElement>;
}) {
  const { panel, ctx, editing, actions } = props;
  const [bodyRef, size] = useSize<HTMLDivElement>();
  return (
    <section class="dash-panel" data-panel-type={panel.type} aria-label={panel.title || `${panel.type} panel`}>
      <header class="dash-panel-head" {...props.headProps}>
        <h3 class="dash-panel-title" title={panel.description ?? ''}>
          {panel.title}
        </h3>
        {editing && (
          <div class="dash-panel-tools">
            <button type="button" class="small" onClick={actions.edit} aria-label={`Edit panel ${panel.title}`}>
              Edit
            </button>
            <button type="button" class="small" onClick={actions.moveUp} aria-label={`Move panel ${panel.title} up`}>
              ↑
            </button>
            <button type="button" class="small" onClick={actions.moveDown} aria-label={`Move panel ${panel.title} down`}>
              ↓
            </button>
            <button type="button" class="small danger" onClick={actions.remove} aria-label={`Delete panel ${panel.title}`}>
              ✕
            </button>
          </div>
        )}
      </header>
      <div class="dash-panel-body" ref={bodyRef}>
        {size.w > 0 && <PanelContent panel={panel} ctx={ctx} w={size.w} h={size.h} />}
      </div>
    </section>
  );
}
