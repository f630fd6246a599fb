# The pipeline's image: the workspace as it is in the repository; `pnpm install` bundles the CLI
# (scripts/build-cli.mjs, which needs the migrations: they are compiled into the bundle).
# An exact version; see docker-compose.yml for pinning its digest as well.
FROM node:20.20.2-bookworm-slim
ENV PNPM_VERSION=9.15.9 CI=true
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY migrations ./migrations
COPY scripts ./scripts
RUN pnpm install --frozen-lockfile
COPY sql ./sql
# The weekly data-quality reports and the KIS token cache; compose mounts volumes here (a new
# volume takes the folder's owner, so the node user can write them). The token folder is
# owner-only, as the token cache wants it.
RUN mkdir -p /reports /var/lib/kmd/kis-token && chown node:node /reports && chown -R node:node /var/lib/kmd && chmod 700 /var/lib/kmd/kis-token
ENV REPORT_DIR=/reports KIS_TOKEN_CACHE_DIR=/var/lib/kmd/kis-token
USER node
# node directly (not pnpm), so SIGTERM reaches the command and the scheduler can shut down cleanly.
ENTRYPOINT ["node", "packages/cli/bin/etl.mjs"]
CMD ["status"]
