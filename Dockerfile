# The same artefact the tests use: the TypeScript sources run with tsx, the Prisma client generated
# at install, migrations through scripts/prisma.mjs (native engine if present, else the wasm stand-in).
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
CMD ["npm", "start"]
