// Live calls for the admin view, kept current over the live WebSocket, which
// reconnects (with a fresh token) when it drops.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LiveCall, LiveMessage } from '@sipcall/contract';
import * as callsApi from '../services/calls';
import { accessToken, renewedAccessToken } from '../services/http';
import { openLive } from '../services/live';

const RETRY_MS = [1000, 2000, 5000, 10_000];

export const useLiveCallsStore = defineStore('liveCalls', () => {
  const calls = ref(new Map<string, LiveCall>());
  const connection = ref<'closed' | 'connecting' | 'open'>('closed');
  /** Whether a snapshot came since connecting: until then no one knows the calls, not even that there are none. */
  const received = ref(false);
  const list = computed(() => [...calls.value.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)));
  let socket: { close(): void } | null = null;
  let wanted = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  function apply(m: LiveMessage) {
    const next = m.type === 'snapshot' ? new Map<string, LiveCall>() : new Map(calls.value);
    if (m.type === 'snapshot') {
      for (const c of m.calls) next.set(c.id, c);
      received.value = true;
    }
    else if (m.type === 'call') next.set(m.call.id, m.call);
    else next.delete(m.call.id);
    calls.value = next;
  }

  async function connect() {
    wanted = true;
    if (socket || !accessToken()) return;
    connection.value = 'connecting';
    // A fresh token: the socket closes when the one it opened with expires.
    if (attempt > 0) await renewedAccessToken().catch(() => null);
    if (!wanted) return;
    socket = openLive({
      open: () => {
        attempt = 0;
        connection.value = 'open';
      },
      message: apply,
      close: () => {
        socket = null;
        connection.value = 'closed';
        if (!wanted) return;
        retry = setTimeout(() => void connect(), RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
        attempt++;
      },
    });
  }

  function disconnect() {
    wanted = false;
    clearTimeout(retry);
    socket?.close();
    socket = null;
    connection.value = 'closed';
    received.value = false;
  }

  async function hangup(id: string) {
    await callsApi.hangupCall(id);
  }

  return { calls, list, connection, received, apply, connect, disconnect, hangup };
});
