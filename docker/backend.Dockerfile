# SIPCall: the API and the built web app in one image, running as `node`.
# Build from the repository root: docker build -f docker/backend.Dockerfile .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json ./
COPY contract/package.json contract/
COPY backend/package.json backend/
COPY frontend/package.json frontend/
RUN npm ci --no-audit --no-fund
COPY contract contract
COPY backend backend
COPY frontend frontend
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    SIPCALL_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/backend/package.json backend/
COPY --from=build /app/backend/dist backend/dist
COPY --from=build /app/frontend/dist frontend/dist
# /var/spool/sipcall-cdr: the call-record spool shared with FreeSWITCH (uid 1000
# there too); created here so a fresh volume gets this owner whichever side mounts it first.
RUN mkdir -p /data /var/spool/sipcall-cdr && chown node:node /data /var/spool/sipcall-cdr
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The process handles SIGTERM itself: stops accepting, drains, closes the database.
CMD ["node", "backend/dist/main.js"]
