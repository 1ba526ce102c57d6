import { apiRequest } from './http';

/** What the backend says a typed number would become (GET /api/destinations). */
export interface DestinationPreview {
  kind: 'e164' | 'extension' | 'emergency' | 'invalid';
  number: string | null;
  country: string | null;
  allowed: boolean;
  reason: string;
}

export interface PlacedCall {
  id: string;
  pending?: boolean;
}

export const previewDestination = (token: string, number: string) => apiRequest<DestinationPreview>('/api/destinations', { token, query: { number } });

/** Click-to-call: the user's registered phones ring, then the number is dialled. */
export const placeCall = (token: string, destination: string) => apiRequest<PlacedCall>('/api/calls', { method: 'POST', token, body: { destination } });
