import type { Panel } from '../model';
import type { PanelContext } from './data';

export interface PanelProps {
  panel: Panel;
  ctx: PanelContext;
  // Content box size in pixels.
  width: number;
  height: number;
}
