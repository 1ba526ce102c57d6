import type { DestinationPreview } from '@sipcall/contract';
import { apiRequest } from './http';

export const previewDestination = (number: string) => apiRequest<DestinationPreview>('/api/destinations', { query: { number } });

export const hangupCall = (id: string) => apiRequest<void>(`/api/calls/${encodeURIComponent(id)}/hangup`, { method: 'POST' });
