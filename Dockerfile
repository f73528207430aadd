# kcd-bot as a container image: docs/deploy.md explains how to run it, and
# test/deploy/production-install.deploy.test.ts runs what this file does (the copy, the production install,
# the start command and the health check) outside a container, and builds the image where an engine exists.

# ---- build: the TypeScript compiled with every dependency ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# No scripts: `prepare` would build before the sources are here, and no dependency needs its install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY dialogs ./dialogs
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    KCD_STATE_DIR=/var/lib/kcd-bot
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/dialogs ./dist/dialogs
COPY bin ./bin
# State (subscriptions, last summaries, the post log) outlives the container: mount a volume here.
RUN mkdir -p /var/lib/kcd-bot && chown node:node /var/lib/kcd-bot
VOLUME ["/var/lib/kcd-bot"]
# The image's own non-root user (uid 1000); the code is root-owned and read-only to it.
USER node
EXPOSE 3978
# Liveness only (/readyz says whether it can answer). Node's fetch: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
