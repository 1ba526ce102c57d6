import type { DestinationPreview } from '@sipcall/contract';
import { apiRequest } from './http';

export const previewDestination = (token: string, number: string) => apiRequest<DestinationPreview>('/api/destinations', { token, query: { number } });

export const hangupCall = (token: string, id: string) => apiRequest<void>(`/api/calls/${encodeURIComponent(id)}/hangup`, { method: 'POST', token });
