// Shapes of the API responses the pages read (only the fields they use).

export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'firing' | 'pending' | 'inactive';
  activeAt?: string;
  value?: string;
}

export interface Rule {
  name: string;
  query: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  state?: string;
  duration?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  alerts?: RuleAlert[];
  lastEvaluation?: string;
  evaluationTime?: number;
}

export interface RuleGroup {
  name: string;
  file: string;
  interval?: number;
  rules: Rule[];
  lastEvaluation?: string;
  evaluationTime?: number;
}

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  updatedAt?: string;
  generatorURL?: string;
  fingerprint: string;
  receivers?: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface Silence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  startsAt: string;
  endsAt: string;
  updatedAt?: string;
  createdBy: string;
  comment: string;
}

export interface IncidentAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: 'firing' | 'resolved';
  starts_at: string;
  ends_at: string | null;
  generator_url?: string;
}

export interface Incident {
  id: number;
  state: 'triggered' | 'acknowledged' | 'resolved';
  title: string;
  severity: string;
  services: string[];
  group_key: string;
  receiver: string;
  group_labels: Record<string, string>;
  policy: string;
  assignee: string;
  opened_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string;
  resolved_at: string | null;
  resolved_by: string;
  escalation_level: number;
  next_escalation_at: string | null;
  mtta_seconds: number | null;
  mttr_seconds: number | null;
  url?: string;
  alerts: IncidentAlert[];
  timeline?: IncidentEvent[];
}

export interface IncidentEvent {
  id: number;
  at: string;
  kind: string;
  actor: string;
  message: string;
  detail?: Record<string, unknown>;
}

export interface Oncall {
  schedules: { schedule: string; now: string[]; next: string[]; next_change_at: string | null }[];
  policies: { policy: string; level1_now: string[] }[];
}
