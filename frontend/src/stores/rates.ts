// Rate decks for admins: the decks and their versions, a CSV imported as a
// new version (its bad lines kept to show when it is refused), and a
// version's CSV to download.
import type { DeckProblem, RateDecks } from '@sipcall/contract';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import * as api from '../services/rates';

export const useRatesStore = defineStore('rates', () => {
  const decks = ref<RateDecks | null>(null);
  /** The lines of the last file refused, by number; empty after one was taken. */
  const problems = ref<DeckProblem[]>([]);

  async function load() {
    decks.value = await api.listDecks();
  }

  /** True when the file was imported; false when it was refused whole (see `problems`). */
  async function importDeck(name: string, csv: string, options: { effective?: string; replace?: boolean }): Promise<boolean> {
    problems.value = [];
    const result = await api.importDeck(name, csv, options);
    if ('problems' in result) {
      problems.value = result.problems;
      return false;
    }
    await load();
    return true;
  }

  const exportDeck = (name: string, on?: string) => api.exportDeck(name, on);

  function reset() {
    decks.value = null;
    problems.value = [];
  }

  return { decks, problems, load, importDeck, exportDeck, reset };
});
