# FreeSWITCH 1.10 from SignalWire's Debian packages (the `debian-release`
# channel: the current 1.10 release; SIPCall is checked against 1.10.12), with SIPCall's
# configuration (freeswitch/) as /etc/freeswitch. The packages need a free
# SignalWire personal access token, passed as a build secret so it never lands
# in a layer:
#   SIGNALWIRE_TOKEN=pat_… docker compose build freeswitch
# (docker-compose.yml hands it over as the secret `signalwire_token`).
FROM debian:bookworm-slim

# uid 1000, as the backend image's `node`: the call-record spool volume they
# share then has one owner on both sides, whatever mode the switch writes with.
RUN groupadd --gid 1000 freeswitch \
 && useradd --uid 1000 --gid 1000 --home-dir /var/lib/freeswitch --no-create-home --shell /usr/sbin/nologin freeswitch

RUN --mount=type=secret,id=signalwire_token,required=true \
    set -eu; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl gnupg; \
    token="$(cat /run/secrets/signalwire_token)"; \
    printf 'machine freeswitch.signalwire.com login signalwire password %s\n' "$token" > /etc/apt/auth.conf.d/signalwire.conf; \
    chmod 600 /etc/apt/auth.conf.d/signalwire.conf; \
    curl -fsSL --user "signalwire:$token" -o /usr/share/keyrings/signalwire-freeswitch-repo.gpg \
      https://freeswitch.signalwire.com/repo/deb/debian-release/signalwire-freeswitch-repo.gpg; \
    echo "deb [signed-by=/usr/share/keyrings/signalwire-freeswitch-repo.gpg] https://freeswitch.signalwire.com/repo/deb/debian-release/ bookworm main" \
      > /etc/apt/sources.list.d/freeswitch.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends \
      freeswitch freeswitch-mod-console freeswitch-mod-logfile freeswitch-mod-event-socket freeswitch-mod-sofia \
      freeswitch-mod-loopback freeswitch-mod-commands freeswitch-mod-dptools freeswitch-mod-hash \
      freeswitch-mod-dialplan-xml freeswitch-mod-xml-curl freeswitch-mod-json-cdr freeswitch-mod-opus \
      freeswitch-mod-sndfile freeswitch-mod-native-file freeswitch-mod-tone-stream; \
    rm -f /etc/apt/auth.conf.d/signalwire.conf /etc/apt/sources.list.d/freeswitch.list; \
    # only freeswitch/ below is the configuration, never a packaged sample
    rm -rf /etc/freeswitch; \
    apt-get purge -y curl gnupg; apt-get autoremove -y; rm -rf /var/lib/apt/lists/*

COPY freeswitch/ /etc/freeswitch/
RUN mkdir -p /var/lib/freeswitch /var/log/freeswitch /var/run/freeswitch /var/spool/sipcall-cdr /etc/freeswitch/tls \
 && chown -R freeswitch:freeswitch /var/lib/freeswitch /var/log/freeswitch /var/run/freeswitch /var/spool/sipcall-cdr

USER freeswitch
# SIP for users (5060 UDP/TCP, 5066 WS, 7443 WSS), the trunk (5080), the
# event socket (8021), and RTP (SIPCALL_RTP_START..END). docker-compose.yml
# runs this with host networking: publishing thousands of UDP ports does not scale.
EXPOSE 5060/udp 5060/tcp 5066/tcp 7443/tcp 5080/udp 5080/tcp 8021/tcp
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD fs_cli -H "${SIPCALL_ESL_IP:-127.0.0.1}" -P 8021 -p "$SIPCALL_ESL_PASSWORD" -x status | grep -q '^UP '
# -nonat: no UPnP/NAT-PMP probing; -nf: stay in the foreground for the container.
CMD ["freeswitch", "-nonat", "-nf", \
     "-conf", "/etc/freeswitch", "-log", "/var/log/freeswitch", "-db", "/var/lib/freeswitch", \
     "-run", "/var/run/freeswitch", "-certs", "/etc/freeswitch/tls"]
