# The same artefact the tests use: the TypeScript sources run with tsx, the Prisma client generated
# at install, migrations through scripts/prisma.mjs (native engine if present, else the wasm stand-in).
# One image, three uses in docker-compose.yml: `npm run db:prepare` (migrations + reference data), and
# the service with SERVICE_ROLE=worker or SERVICE_ROLE=api.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
USER node
EXPOSE 3000
# node itself, not npm: SIGTERM from `docker stop` reaches the service's own handler (src/start/lifecycle.ts),
# which stops the API and drains the worker before exiting.
CMD ["node", "--import", "tsx", "src/main.ts"]
