import type { DeckProblem, RateDecks } from '@sipcall/contract';
import { ApiError, apiRequest, apiText } from './http';

export const listDecks = () => apiRequest<RateDecks>('/api/rates');

/** A deck's CSV as a new version; a refused file comes back as its bad lines. */
export async function importDeck(name: string, csv: string, options: { effective?: string; replace?: boolean }): Promise<{ rows: number; effectiveFrom: string } | { problems: DeckProblem[] }> {
  try {
    const { version } = await apiRequest<{ version: { rows: number; effectiveFrom: string } }>(`/api/rates/${encodeURIComponent(name)}`, {
      method: 'POST',
      csv,
      query: { effective: options.effective, replace: options.replace ? 'true' : undefined },
    });
    return version;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'deck_refused') return { problems: (err.details as { problems?: DeckProblem[] } | undefined)?.problems ?? [] };
    throw err;
  }
}

export const exportDeck = (name: string, on?: string) => apiText(`/api/rates/${encodeURIComponent(name)}/csv`, { query: { on } });
