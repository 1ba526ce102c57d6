import { apiRequest } from './http';

/** What the backend says a typed number would become (GET /api/destinations). */
export interface DestinationPreview {
  kind: 'e164' | 'extension' | 'emergency' | 'invalid';
  number: string | null;
  country: string | null;
  allowed: boolean;
  reason: string;
}

/** A live call on a switch, as the API and the live WebSocket describe it. */
export interface LiveCall {
  id: string;
  node: string;
  legs: string[];
  direction: 'outbound' | 'inbound';
  userId: string | null;
  destination: string | null;
  callerNumber: string | null;
  state: 'ringing' | 'early' | 'answered' | 'held' | 'hangup';
  startedAt: string;
  answeredAt: string | null;
}

export const previewDestination = (token: string, number: string) => apiRequest<DestinationPreview>('/api/destinations', { token, query: { number } });

export const hangupCall = (token: string, id: string) => apiRequest<void>(`/api/calls/${encodeURIComponent(id)}/hangup`, { method: 'POST', token });
